"""CSRF protection of the dashboard's forms: every form carries a token (``{{ csrf_field() }}``)
that every POST of a protected blueprint must send back.

The token is derived from the admin's session cookie (``sha256("cookiegov-csrf|" + cookie)``):
a page of another site can neither read that HttpOnly cookie nor compute the token, the token
needs no storage, and it holds in every app process alike. SameSite=Lax already keeps other
sites' POSTs from carrying the session; the token also covers same-site attackers (an app on a
sibling subdomain)."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, request
from markupsafe import Markup

from cookiegov.errors import InputError

FIELD = "csrf_token"
#: Session cookies the token can be bound to: server-side sessions, else Flask's own.
SESSION_COOKIES = ("cookiegov_session",)


def _session_cookie() -> str:
    for name in (*SESSION_COOKIES, current_app.config.get("SESSION_COOKIE_NAME", "session")):
        value = request.cookies.get(name)
        if value:
            return value
    return ""


def csrf_token() -> str:
    """This session's token ("" without a session: then no POST passes)."""
    cookie = _session_cookie()
    if not cookie:
        return ""
    return hashlib.sha256(b"cookiegov-csrf|" + cookie.encode()).hexdigest()


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
        expected = csrf_token()
        given = request.form.get(FIELD, "")
        # compared as bytes: compare_digest refuses a str with non-ASCII characters (a 500)
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise CsrfError("the form expired or did not come from this dashboard; reload it")

    @bp.app_context_processor
    def _globals() -> dict[str, object]:
        return {"csrf_field": csrf_field}
