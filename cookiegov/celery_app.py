"""The Celery worker process (an entry point, like the CLI).

The app, the task and the sending side live in :mod:`cookiegov.services.queue`; this module
starts a worker. Workers read their settings as every command does (defaults →
``cookiegov.toml`` → ``COOKIEGOV_*``), so they share the database with the rest.
"""

from __future__ import annotations

import os

from cookiegov.services.queue import enqueue, make_celery, scan_task
from cookiegov.settings import Settings

__all__ = ["enqueue", "make_celery", "run_worker", "scan_task"]


def run_worker(settings: Settings, concurrency: int = 1) -> None:
    app = make_celery(settings)
    app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            "--pool=solo" if concurrency == 1 else "--pool=prefork",
            f"--concurrency={concurrency}",
            "-n",
            f"cookiegov-{os.getpid()}@%h",
        ]
    )
