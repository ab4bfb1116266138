"""The consent log for download from the dashboard: CSV (for spreadsheets) or JSON.

Every cell a visitor could influence (page URL, language, user agent) is neutralised against
spreadsheet formula injection: a cell starting with ``= + - @``, a tab or a carriage return
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response

from banner import context
from banner.dashboard import known_site, login_required
from cookiegov.models import CONSENT_CATEGORIES
from cookiegov.storage.consents import all_records
from cookiegov.storage.site_admin import test_consent_ids

bp = Blueprint("exports", __name__, url_prefix="/dashboard")
COLUMNS = (
    "seq",
    "created_at",
    "consent_id",
    "action",
    *(c.value for c in CONSENT_CATEGORIES),
    "method",
    "gpc",
    "revision",
    "language",
    "page_url",
    "user_agent",
    "test_traffic",
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: text starting like a formula is prefixed with
    ``'``; numbers and booleans pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def log_rows(site: str) -> list[dict[str, Any]]:
    """The site's consent records, oldest first, one flat row each."""
    tests = test_consent_ids(context.db(), site)
    rows = []
    for r in all_records(context.db(), site):
        row = {k: r.get(k) for k in COLUMNS if k in r}
        for category in CONSENT_CATEGORIES:
            row[category.value] = bool(r["choices"].get(category.value, False))
        row["test_traffic"] = r["consent_id"] in tests
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue()


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/sites/<site>/consents.csv")
@login_required
def consents_csv(site: str) -> Response:
    known_site(site)
    return _download(to_csv(log_rows(site)), "text/csv", f"consents-{site}.csv")


@bp.get("/sites/<site>/consents.json")
@login_required
def consents_json(site: str) -> Response:
    known_site(site)
    body = json.dumps({"site": site, "records": log_rows(site)}, indent=2, ensure_ascii=False)
    return _download(body, "application/json", f"consents-{site}.json")
