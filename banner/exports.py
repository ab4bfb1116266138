"""Downloads from the dashboard: the consent log as CSV (for spreadsheets) or JSON, and the
evidence report of a check (the same HTML as ``cookiegov check --format html``).

Every cell a visitor could influence (page URL, language, user agent) is neutralised against
spreadsheet formula injection: a cell starting with ``= + - @``, a tab or a carriage return
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, request

from banner import context
from banner.dashboard import login_required, visible_scan
from banner.operations import known_site
from cookiegov.csvcells import safe_row
from cookiegov.errors import NotFoundError
from cookiegov.evidence import evidence_html
from cookiegov.models import CONSENT_CATEGORIES
from cookiegov.storage.consents import all_records
from cookiegov.storage.scans import latest_scans_by_state, list_scans, load_scan
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
        writer.writerow(safe_row(row))
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


EVIDENCE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


def _evidence(results: dict[Any, Any]) -> Response:
    report = context.services().check(results)
    response = Response(evidence_html(results, report), mimetype="text/html")
    response.headers["Content-Security-Policy"] = EVIDENCE_CSP
    return response


def _check_upto(site: str, upto: int) -> dict[Any, Any]:
    """The check that ended with scan ``upto``: the latest scan in each state up to it."""
    found: dict[str, int] = {}
    for row in list_scans(context.db(), site, limit=500):
        if row["id"] <= upto and row["consent"] not in found:
            found[row["consent"]] = row["id"]
    loaded = {state: load_scan(context.db(), i) for state, i in found.items()}
    return {state: r for state, r in loaded.items() if r is not None}


@bp.get("/sites/<site>/evidence")
@login_required
def site_evidence(site: str) -> Response:
    """The evidence report of the site's latest scan in each consent state."""
    known_site(site)
    upto = request.args.get("upto", type=int)
    results = latest_scans_by_state(context.db(), site) if upto is None else _check_upto(site, upto)
    if not results:
        raise NotFoundError(f"no scans of {site} yet: run cookiegov check first")
    return _evidence(dict(results))


@bp.get("/scans/<int:scan_id>/evidence")
@login_required
def scan_evidence(scan_id: int) -> Response:
    """The evidence report of one stored scan (its consent state alone)."""
    result = visible_scan(scan_id)
    return _evidence({result.consent: result})
