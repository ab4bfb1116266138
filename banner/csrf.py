"""CSRF protection of the dashboard's forms: a random token per session, put in every form as
a hidden field (``{{ csrf_field() }}``) and required on every POST of a protected blueprint.
SameSite=Lax already keeps other sites' POSTs from carrying the session; the token also
covers same-site attackers (another app on a sibling subdomain)."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, request, session
from markupsafe import Markup

from cookiegov.errors import InputError

FIELD = "csrf_token"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not token:
        token = session[FIELD] = secrets.token_urlsafe(32)
    return str(token)


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, csrf_token())


class CsrfError(InputError):
    """A form came without this session's token."""

    code = "csrf_failed"
    http_status = 403


def protect(bp: Blueprint) -> None:
    """Every POST to ``bp`` needs the session's token; forms get ``csrf_field()``."""

    @bp.before_request
    def _check() -> None:
        if request.method != "POST":
            return
        given = request.form.get(FIELD, "")
        expected = session.get(FIELD, "")
        if not expected or not hmac.compare_digest(str(given), str(expected)):
            raise CsrfError("the form expired or did not come from this dashboard; reload it")

    @bp.app_context_processor
    def _globals() -> dict[str, object]:
        return {"csrf_field": csrf_field}
