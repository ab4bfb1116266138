"""The consent log as a table: one flat row per stored record, for spreadsheets (CSV) and
scripts (JSON). One definition for every way out: the dashboard's download, the admin API's
``format=csv`` and ``cookiegov consents export``.

Every field of the record is a column (the per-service choices as one JSON cell), so what an
auditor opens is what was stored. CSV cells a visitor could influence (page URL, language,
user agent) are neutralised against formula injection (:mod:`cookiegov.csvcells`), and every
cell is quoted, so a spreadsheet that splits on another separator (``;`` in many European
locales) still sees one cell per field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from cookiegov.csvcells import safe_row
from cookiegov.errors import InputError
from cookiegov.models import CONSENT_CATEGORIES
from cookiegov.storage import Database
from cookiegov.storage.consents import query_records
from cookiegov.storage.site_admin import test_consent_ids

COLUMNS = (
    "seq",
    "created_at",
    "consent_id",
    "action",
    *(c.value for c in CONSENT_CATEGORIES),
    "services",
    "method",
    "gpc",
    "gpc_override",
    "region",
    "rule",
    "revision",
    "language",
    "page_url",
    "user_agent",
    "ip",
    "test_traffic",
    "hash",
)


def log_row(record: Mapping[str, Any], test_ids: Collection[str] = ()) -> dict[str, Any]:
    """One stored record as a flat row of :data:`COLUMNS`: a column per category (granted or
    not), the per-service choices (None when the visitor chose none), and whether the consent
    ID is marked as test traffic."""
    row = {k: record.get(k) for k in COLUMNS}
    choices = record.get("choices") or {}
    for category in CONSENT_CATEGORIES:
        row[category.value] = bool(choices.get(category.value, False))
    row["test_traffic"] = record.get("consent_id") in test_ids
    return row


def log_rows(
    records: Iterable[Mapping[str, Any]], test_ids: Collection[str] = ()
) -> list[dict[str, Any]]:
    return [log_row(r, test_ids) for r in records]


def log_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows of :func:`log_row` as CSV (header first, every cell quoted and formula-safe)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for row in rows:
        services = row.get("services")
        cells = {**row, "services": _compact(services) if services else ""}
        writer.writerow(safe_row(cells))
    return out.getvalue()


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def log_json(site: str, rows: list[dict[str, Any]]) -> str:
    return json.dumps({"site": site, "records": rows}, indent=2, ensure_ascii=False) + "\n"


#: ``consents export`` and the dashboard's downloads: format -> renderer of :func:`site_log`.
FORMATS = {
    "csv": lambda log: log_csv(log["records"]),
    "json": lambda log: log_json(log["site"], log["records"]),
}


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def utc_bound(text: str) -> str:
    """An ISO date or time as the stored ``created_at`` texts compare with it: a date stays
    a date (its midnight, UTC); a time with a zone (``+02:00``, ``Z``) is that moment in UTC,
    one without a zone is UTC. :class:`InputError` for anything else."""
    value = text.strip()
    try:
        if not value.isascii():
            raise ValueError(value)
        if _DATE.fullmatch(value):
            return date.fromisoformat(value).isoformat()  # 2026-02-30 is no date
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError) as exc:  # OverflowError: 0001-01-01T00:00+01:00
        raise InputError(
            f"{text!r} is not an ISO date or time (2026-01-31, 2026-01-31T12:00, …+02:00)"
        ) from exc


def site_log(
    db: Database, site: str, *, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    """``{"site", "records": rows}``: the site's records, oldest first, created at or after
    ``since`` and before ``until`` (ISO dates or times, :func:`utc_bound`)."""
    records = query_records(
        db,
        site,
        since=utc_bound(since) if since else None,
        until=utc_bound(until) if until else None,
        limit=None,
    )
    return {"site": site, "records": log_rows(records, test_consent_ids(db, site))}
