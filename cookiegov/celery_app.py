"""Distributed scans: a Celery app with a Redis broker (the scaled deployment).

Like the CLI, this module wires the scanner to the core; it is only imported when
``redis_url`` is set. Workers read their settings as every command does (defaults →
``cookiegov.toml`` → ``COOKIEGOV_*``), so they share the database with the rest.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import Celery

from cookiegov.errors import ConfigError, CookiegovError
from cookiegov.settings import Settings, load_settings


def make_celery(settings: Settings) -> Celery:
    if not settings.redis_url:
        raise ConfigError("queued scans need redis_url (the Celery broker)")
    app = Celery("cookiegov", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_default_queue=settings.queue_name,
        task_acks_late=True,  # a scan lost with its worker is redelivered
        worker_prefetch_multiplier=1,  # one scan at a time per worker: fair distribution
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        result_expires=86400,
    )
    app.task(name="cookiegov.scan")(scan_task)
    return app


def scan_task(url: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """Scan ``url`` with this worker's settings plus ``overrides``; store it; return its id."""
    from cookiegov.domains import registrable_domain
    from cookiegov.kb_sources import classifier_for
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import save_scan
    from scanner.scan import scan_site

    settings = load_settings().replace(**overrides)
    db = open_database(settings.database_url)
    try:
        classifier = classifier_for(settings, db, registrable_domain(url))
        result = save_scan(db, scan_site(url, settings, classifier=classifier))
        return {
            "scan_id": result.scan_id,
            "pages": len(result.pages),
            "cookies": len(result.cookies),
            "worker": f"{socket.gethostname()}:{os.getpid()}",
        }
    except CookiegovError as exc:
        return {"error": exc.message, "worker": f"{socket.gethostname()}:{os.getpid()}"}
    finally:
        db.close()


def enqueue(settings: Settings, url: str, overrides: dict[str, Any]) -> Any:
    """Send a scan to the workers; returns Celery's AsyncResult."""
    return make_celery(settings).send_task("cookiegov.scan", args=[url, overrides])


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
