"""Queued scans: a Celery app with a Redis broker (the scaled deployment).

The worker side (:func:`scan_task`) runs the same service as an in-process scan, with the
worker's settings plus the overrides the sender gave (every scan option of ``cookiegov scan``:
include/exclude globs, Chromium arguments, sitemaps, budgets) and, for ``--compare``, the
consent states to scan.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import Celery

from cookiegov.errors import ConfigError, CookiegovError, StorageError
from cookiegov.models import ConsentState
from cookiegov.settings import Settings, load_settings, mask_url


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


def scan_task(
    url: str, overrides: dict[str, Any], states: list[str] | None = None
) -> dict[str, Any]:
    """Scan ``url`` with this worker's settings plus ``overrides``, in each of ``states`` if
    given (``scan --compare``), and store it; return the stored scan id(s)."""
    from cookiegov.services.scanning import scan, scan_states
    from cookiegov.storage import open_database

    worker = f"{socket.gethostname()}:{os.getpid()}"
    overrides = dict(overrides)
    extra_args = overrides.pop("browser_args", None) or []
    settings = load_settings().replace(**overrides)
    if extra_args:  # appended to the worker's own, as on the command line
        settings = settings.replace(browser_args=[*settings.browser_args, *extra_args])
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
    """Send a scan to the workers; returns Celery's AsyncResult. A broker that cannot be
    reached is a :class:`StorageError` at once (Celery would retry for 20 s, then raise)."""
    args: list[Any] = [url, overrides] + ([states] if states else [])
    app = make_celery(settings)
    _check_broker(settings.redis_url)
    return app.send_task("cookiegov.scan", args=args)


def _check_broker(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise StorageError(f"cannot reach the scan queue at {mask_url(redis_url)}: {exc}") from exc
    finally:
        client.close()
