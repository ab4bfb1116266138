"""Admin endpoints for a site's owner: list, filter and export consent records, and counts.

They need ``Authorization: Bearer <token>``: a token of the site (``cookiegov token create
--site SITE``) or of the admin role (a global token, or the ``admin_token`` setting). Wrong
tokens are throttled per client network.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from banner import context
from cookiegov import consentlog
from cookiegov.admin_access import Principal, authenticate
from cookiegov.errors import AuthError, ForbiddenError, InputError, NotFoundError
from cookiegov.keys import load_keys
from cookiegov.privacy import anonymize_ip
from cookiegov.proofs import verify as verify_proofs
from cookiegov.storage.consents import consent_stats, query_records
from cookiegov.storage.site_admin import test_consent_ids

bp = Blueprint("admin", __name__, url_prefix="/v1/sites/<site>/admin")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+([+-]\d{2}:\d{2}|Z)?)?$", re.ASCII)


AUTH_FAILURES_PER_MINUTE = 10  # wrong tokens per client network, API and dashboard together


def sign_in(given: str) -> Principal:
    """The principal of a presented admin token; :class:`AuthError` for a wrong one, and
    :class:`RateLimitError` once a client network guessed wrong too often."""
    settings = context.settings()
    limiter = current_app.extensions["cookiegov_limiter"]
    key = anonymize_ip(request.remote_addr or "", "truncate") or "unknown"
    message = "too many wrong admin tokens from this network; retry later"
    limiter.check("admin-auth", key, AUTH_FAILURES_PER_MINUTE, message)
    principal = authenticate(context.db(), settings.admin_token, given) if given else None
    if principal is None:
        if given:  # a wrong token is a guess; no token at all guesses nothing
            limiter.hit("admin-auth", key, AUTH_FAILURES_PER_MINUTE, message)
        raise AuthError("missing or wrong admin token")
    return principal


@bp.before_request
def _require_token() -> None:
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    principal = sign_in(token.strip() if scheme.lower() == "bearer" else "")
    site = (request.view_args or {}).get("site")
    if site not in context.settings().sites:
        raise NotFoundError(f"unknown site {site!r}")
    if not principal.may(site):
        raise ForbiddenError(f"this token is for another site than {site!r}")


def _arg_int(name: str, default: int, upper: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= upper:
        raise InputError(f"'{name}' must be an integer from 0 to {upper}")
    return int(raw)


@bp.get("/consents")
def list_consents(site: str) -> Response:
    filters: dict[str, Any] = {}
    for name in ("since", "until"):
        value = request.args.get(name)
        if value is not None and not _DATE.match(value):
            raise InputError(f"'{name}' must be an ISO date or time, e.g. 2026-01-31")
        # compared with the stored UTC times as that moment in UTC (+02:00, Z, a space)
        filters[name] = consentlog.utc_bound(value) if value is not None else None
    method = request.args.get("method")
    if method is not None and method not in ("banner", "gpc", "api"):
        raise InputError("'method' must be banner, gpc or api")
    action = request.args.get("action")
    if action is not None and action not in ("grant", "withdraw"):
        raise InputError("'action' must be grant or withdraw")
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise InputError("'format' must be json or csv")
    records = query_records(
        context.db(),
        site,
        method=method,
        action=action,
        limit=_arg_int("limit", 1000, 100_000),
        offset=_arg_int("offset", 0, 10**9),
        **filters,
    )
    if fmt == "csv":
        tests = test_consent_ids(context.db(), site)
        rows = consentlog.log_rows(records, tests)
        response = Response(consentlog.log_csv(rows), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="consents-{site}.csv"'
        return response
    return jsonify({"site": site, "count": len(records), "records": records})


@bp.get("/stats")
def stats(site: str) -> Response:
    return jsonify({"site": site, **consent_stats(context.db(), site)})


@bp.get("/optout")
def optout(site: str) -> Response:
    return jsonify(context.services().optout_report(context.db(), site))


@bp.get("/verify")
def verify(site: str) -> Response:
    settings = context.settings()
    keys = load_keys(settings.secret_key, settings.key_file)
    report = verify_proofs(context.db(), site, keys)
    return jsonify(
        {"site": site, "records": report.records, "ok": report.ok, "problems": report.problems}
    )
