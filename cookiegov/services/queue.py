"""Queued scans: a Celery app with a Redis broker (the scaled deployment).

The worker side (:func:`scan_task`) runs the same service as an in-process scan; the sending
side passes every scan setting the sender resolved, so a queued scan is the scan the sender
asked for (include/exclude globs, Chromium arguments, sitemaps, consent states).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import Celery

from cookiegov.errors import ConfigError, CookiegovError
from cookiegov.models import ConsentState
from cookiegov.settings import Settings, load_settings

#: The settings that shape a scan; a queued scan carries the sender's values of all of them.
SCAN_SETTINGS = (
    "browser_profile",
    "browser_args",
    "ignore_https_errors",
    "max_pages",
    "max_depth",
    "page_timeout",
    "max_per_template",
    "include",
    "exclude",
    "ignore_robots",
    "use_sitemap",
    "retries",
    "concurrency",
    "consent",
)


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


def overrides_for(settings: Settings) -> dict[str, Any]:
    """The scan settings of ``settings`` as JSON-ready overrides for a worker."""
    return {name: getattr(settings, name) for name in SCAN_SETTINGS if hasattr(settings, name)}


def scan_task(
    url: str, overrides: dict[str, Any], states: list[str] | None = None
) -> dict[str, Any]:
    """Scan ``url`` with this worker's settings plus ``overrides``, in each of ``states`` if
    given (``scan --compare``), and store it; return the stored scan id(s)."""
    from cookiegov.services.scanning import scan, scan_states
    from cookiegov.storage import open_database

    worker = f"{socket.gethostname()}:{os.getpid()}"
    settings = load_settings().replace(**overrides)
    db = open_database(settings.database_url)
    try:
        if states:
            results = scan_states(url, settings, db, states=[ConsentState(s) for s in states])
            return {
                "scan_ids": {str(k): r.scan_id for k, r in results.items()},
                "pages": sum(len(r.pages) for r in results.values()),
                "cookies": sum(len(r.cookies) for r in results.values()),
                "worker": worker,
            }
        result = scan(url, settings, db)
        return {
            "scan_id": result.scan_id,
            "pages": len(result.pages),
            "cookies": len(result.cookies),
            "worker": worker,
        }
    except CookiegovError as exc:
        return {"error": exc.message, "worker": worker}
    finally:
        db.close()


def enqueue(
    settings: Settings,
    url: str,
    overrides: dict[str, Any],
    states: list[str] | None = None,
) -> Any:
    """Send a scan to the workers; returns Celery's AsyncResult."""
    args: list[Any] = [url, overrides] + ([states] if states else [])
    return make_celery(settings).send_task("cookiegov.scan", args=args)
