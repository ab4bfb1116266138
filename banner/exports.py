"""Downloads from the dashboard: the consent log as CSV (for spreadsheets) or JSON, in the
one shape of :mod:`cookiegov.consentlog` (formula-safe, every cell quoted), and the evidence
report of a check (the same HTML as ``cookiegov check --format html``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from banner import context
from banner.dashboard import login_required, visible_scan
from banner.operations import known_site
from cookiegov import consentlog
from cookiegov.errors import NotFoundError
from cookiegov.evidence import evidence_html
from cookiegov.storage.scans import latest_scans_by_state, list_scans, load_scan

bp = Blueprint("exports", __name__, url_prefix="/dashboard")


def _log(site: str, fmt: str) -> Response:
    known_site(site)
    body = consentlog.FORMATS[fmt](consentlog.site_log(context.db(), site))
    return _download(
        body, "text/csv" if fmt == "csv" else "application/json", f"consents-{site}.{fmt}"
    )


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/sites/<site>/consents.csv")
@login_required
def consents_csv(site: str) -> Response:
    return _log(site, "csv")


@bp.get("/sites/<site>/consents.json")
@login_required
def consents_json(site: str) -> Response:
    return _log(site, "json")


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
