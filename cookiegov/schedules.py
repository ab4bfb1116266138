"""Scheduled scans: cron schedules in the database, run when due, diffed and alerted.

The scan itself is passed in (``scan``), so that this core module does not depend on the
scanner; ``cookiegov worker`` and ``cookiegov serve`` wire them together.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, desc, insert, select, update

from cookiegov.alerts import send_email, send_webhook
from cookiegov.compliance import CheckContext
from cookiegov.diff import diff_scans, summary_text
from cookiegov.domains import registrable_domain
from cookiegov.errors import CookiegovError, InputError, NotFoundError
from cookiegov.models import ConsentState, ScanResult
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.scans import load_scan, save_scan
from cookiegov.storage.schema import scans, schedules, sites

log = logging.getLogger(__name__)
ScanFn = Callable[[str, Settings], ScanResult]


@dataclass(frozen=True)
class Schedule:
    id: int
    url: str
    site: str
    cron: str
    consent: str
    max_pages: int | None
    paused: bool
    webhook: str | None
    email: str | None
    next_run_at: str | None
    last_run_at: str | None
    last_scan_id: int | None
    last_error: str | None


#: The nicknames of cron (``@daily`` …) as the five fields they stand for.
CRON_ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekdays(field: str) -> str:
    """Crontab's day-of-week numbers (0 or 7 Sunday, 1 Monday) as names: APScheduler counts
    from Monday = 0, so "0 3 * * 1" would otherwise run on Tuesdays."""
    if "/" in field:
        return field
    return re.sub(r"\b([0-7])\b", lambda m: _DAYS[int(m.group(1))], field)


def trigger(cron: str) -> CronTrigger:
    expression = CRON_ALIASES.get(cron.strip().lower(), cron).strip()
    if expression.startswith("@"):
        known = ", ".join(sorted(CRON_ALIASES))
        raise InputError(f"invalid cron expression {cron!r}: known nicknames are {known}")
    fields = expression.split()
    if len(fields) == 5:
        fields[4] = _weekdays(fields[4])
        expression = " ".join(fields)
    try:
        return CronTrigger.from_crontab(expression, timezone=UTC)
    except ValueError as exc:
        raise InputError(f"invalid cron expression {cron!r}: {exc}") from exc


def next_run(cron: str, after: datetime) -> str:
    fire = trigger(cron).get_next_fire_time(None, after)
    return fire.astimezone(UTC).isoformat(timespec="seconds") if fire else ""


def _row(r: Any) -> Schedule:
    return Schedule(**{k: r._mapping[k] for k in Schedule.__dataclass_fields__})


def add_schedule(
    db: Database,
    url: str,
    cron: str,
    *,
    consent: str = ConsentState.NONE,
    max_pages: int | None = None,
    webhook: str | None = None,
    email: str | None = None,
) -> Schedule:
    now = datetime.now(UTC)
    if consent not in set(ConsentState):
        raise InputError(f"consent must be one of {', '.join(ConsentState)}, not {consent!r}")
    if max_pages is not None and max_pages < 1:
        raise InputError(f"max_pages must be at least 1 (got {max_pages})")
    if webhook and not webhook.startswith(("http://", "https://")):
        raise InputError("the webhook must be an http(s) URL")
    if email and "@" not in email:
        raise InputError(f"{email!r} is not an e-mail address")
    with db.begin() as conn:
        sid = conn.execute(
            insert(schedules)
            .values(
                url=url,
                site=registrable_domain(url),
                cron=cron,
                consent=consent,
                max_pages=max_pages,
                paused=False,
                webhook=webhook,
                email=email,
                created_at=now.isoformat(timespec="seconds"),
                next_run_at=next_run(cron, now),
            )
            .returning(schedules.c.id)
        ).scalar_one()
    return get_schedule(db, int(sid))


def get_schedule(db: Database, schedule_id: int) -> Schedule:
    with db.connect() as conn:
        row = conn.execute(select(schedules).where(schedules.c.id == schedule_id)).first()
    if row is None:
        raise NotFoundError(f"no schedule {schedule_id}")
    return _row(row)


def list_schedules(db: Database) -> list[Schedule]:
    with db.connect() as conn:
        return [_row(r) for r in conn.execute(select(schedules).order_by(schedules.c.id))]


def remove_schedule(db: Database, schedule_id: int) -> None:
    get_schedule(db, schedule_id)
    with db.begin() as conn:
        conn.execute(delete(schedules).where(schedules.c.id == schedule_id))


def set_paused(db: Database, schedule_id: int, paused: bool) -> Schedule:
    schedule = get_schedule(db, schedule_id)
    values: dict[str, Any] = {"paused": paused}
    if not paused:
        values["next_run_at"] = next_run(schedule.cron, datetime.now(UTC))
    with db.begin() as conn:
        conn.execute(update(schedules).where(schedules.c.id == schedule_id).values(**values))
    return get_schedule(db, schedule_id)


def make_due(db: Database, schedule_id: int) -> None:
    """Run at the next check (``cookiegov schedule run ID``)."""
    get_schedule(db, schedule_id)
    with db.begin() as conn:
        conn.execute(
            update(schedules)
            .where(schedules.c.id == schedule_id)
            .values(next_run_at="1970-01-01T00:00:00+00:00")
        )


def due(db: Database, now: datetime) -> list[Schedule]:
    stamp = now.isoformat(timespec="seconds")
    return [
        s for s in list_schedules(db) if not s.paused and s.next_run_at and s.next_run_at <= stamp
    ]


def _previous_scan(db: Database, site: str, consent: str, before: int) -> ScanResult | None:
    with db.connect() as conn:
        scan_id = conn.execute(
            select(scans.c.id)
            .join(sites)
            .where(sites.c.domain == site, scans.c.consent == consent, scans.c.id < before)
            .order_by(desc(scans.c.id))
            .limit(1)
        ).scalar()
    return load_scan(db, int(scan_id)) if scan_id is not None else None


def run_schedule(
    db: Database, settings: Settings, schedule: Schedule, scan: ScanFn
) -> dict[str, Any]:
    """Scan now, store, diff against the previous scan, alert on changes or failure."""
    started = datetime.now(UTC)
    outcome: dict[str, Any] = {"schedule": schedule.id, "url": schedule.url}
    values: dict[str, Any] = {
        "last_run_at": started.isoformat(timespec="seconds"),
        "next_run_at": next_run(schedule.cron, started),
    }
    try:
        scan_settings = settings.replace(consent=schedule.consent, max_pages=schedule.max_pages)
        result = scan(schedule.url, scan_settings)
        if result.scan_id is None:  # queued scans are stored by the worker
            result = save_scan(db, result)
        previous = _previous_scan(db, result.site, schedule.consent, result.scan_id or 0)
        values.update(last_scan_id=result.scan_id, last_error=None)
        outcome["scan_id"] = result.scan_id
        if previous is not None:
            changes = diff_scans(previous, result, CheckContext.from_settings(settings))
            outcome["diff"] = changes
            if changes["changed"]:
                _alert(settings, schedule, summary_text(changes), {"diff": changes})
    except CookiegovError as exc:
        values["last_error"] = exc.message
        outcome["error"] = exc.message
        _alert(
            settings,
            schedule,
            f"scheduled scan of {schedule.url} failed: {exc.message}",
            {"error": exc.message},
        )
    with db.begin() as conn:
        conn.execute(update(schedules).where(schedules.c.id == schedule.id).values(**values))
    return outcome


def _alert(settings: Settings, schedule: Schedule, text: str, details: dict[str, Any]) -> None:
    payload = {
        "text": f"cookiegov: {text}",
        "schedule": schedule.id,
        "url": schedule.url,
        **details,
    }
    if schedule.webhook:
        send_webhook(schedule.webhook, payload)
    if schedule.email:
        lines = [text, "", f"Schedule {schedule.id}: {schedule.url} ({schedule.cron})"]
        diff = details.get("diff") or {}
        for key in ("new_cookies", "removed_cookies", "new_third_party_hosts"):
            for item in diff.get(key, []):
                lines.append(
                    f"- {key.replace('_', ' ')}: {item['name'] if isinstance(item, dict) else item}"
                )
        send_email(settings, schedule.email, f"cookiegov: {text}", "\n".join(lines))


def run_due(
    db: Database, settings: Settings, scan: ScanFn, now: datetime | None = None
) -> list[dict[str, Any]]:
    return [run_schedule(db, settings, s, scan) for s in due(db, now or datetime.now(UTC))]


def start_scheduler(db: Database, settings: Settings, scan: ScanFn, *, blocking: bool) -> Any:
    """APScheduler checking for due schedules every ``worker_interval`` seconds."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=UTC)
    scheduler.add_job(
        run_due,
        "interval",
        seconds=settings.worker_interval,
        args=[db, settings, scan],
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
