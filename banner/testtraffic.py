"""Test traffic: consents from a browser marked as a test session (a cookie the dashboard
sets) or from a listed address or network (``test_networks``). The match happens while the
request is served; what is stored is the mark on the consent ID, never the address."""

from __future__ import annotations

import functools
import ipaddress
import logging
from http.cookies import SimpleCookie
from typing import Any

from cookiegov import scanmark
from cookiegov.admin_access import Principal, token_active
from cookiegov.keys import load_keys
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.site_admin import mark_test

log = logging.getLogger(__name__)
TEST_COOKIE = "cookiegov_test"


@functools.lru_cache(maxsize=64)
def _networks(specs: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(s, strict=False) for s in specs)


PURPOSE = "test-session"
MAX_AGE = 30 * 86400  # the test-session cookie's life


EVERY_SITE = "*"


def session_mark(settings: Settings, principal: Principal | None) -> str:
    """The test-session cookie's value for a signed-in admin: ``<site>.<token>.<time>.<HMAC>``
    (``*`` every site; token 0: the ``admin_token`` setting), signed with the installation's
    mark key. A visitor cannot make one and take their consent (or, knowing its ID, another
    visitor's) out of the statistics (a plain "1" did); a site's admin marks tests of that
    site only, and only while the token is not revoked."""
    scope = (principal.site if principal else None) or EVERY_SITE
    token = str((principal.token_id if principal else None) or 0)
    key = _key(settings) or b""  # no secret: a mark that is never honoured (see _key)
    return f"{scope}.{token}.{scanmark.sign(key, purpose=_purpose(scope, token))}"


def _key(settings: Settings) -> bytes | None:
    """The mark key, when something secret goes into it (the deployment's secret, the
    ``admin_token`` or ``scan_key`` setting); None for an installation with none of them,
    whose mark key anyone can work out from the database URL: no test session there."""
    secret = settings.scan_key or settings.admin_token
    if not secret and load_keys(settings.secret_key, settings.key_file) is None:
        return None
    return scanmark.key_for(settings)


def is_session_mark(
    settings: Settings, value: str | None, site: str | None = None, db: Database | None = None
) -> bool:
    """Whether ``value`` is a live test-session mark (for ``site``, when given; with ``db``,
    of a token still valid)."""
    rest, _, mac = (value or "").rpartition(".")
    rest, _, stamp = rest.rpartition(".")
    scope, _, token = rest.rpartition(".")  # a site has dots: read from the right
    if not scope or not (token.isascii() and token.isdigit()):
        return False
    if site is not None and scope not in (site, EVERY_SITE):
        return False
    key = _key(settings)
    if key is None or not scanmark.verify(
        f"{stamp}.{mac}", key, purpose=_purpose(scope, token), max_age=MAX_AGE
    ):
        return False
    if db is None:
        return True
    if token == "0":  # the admin_token setting: still configured?
        return bool(settings.admin_token)
    return token_active(db, int(token))


def _purpose(scope: str, token: str) -> str:
    return f"{PURPOSE}:{scope}:{token}"


def test_reason(
    settings: Settings,
    ip: str,
    cookie_header: str | None,
    site: str | None = None,
    db: Database | None = None,
) -> str | None:
    """``"session"`` for a browser marked by an admin of ``site``, ``"network"`` for a
    listed address, else None."""
    if cookie_header and TEST_COOKIE in cookie_header:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # a malformed header is not a test mark
            jar = SimpleCookie()
        if TEST_COOKIE in jar and is_session_mark(settings, jar[TEST_COOKIE].value, site, db):
            return "session"
    if settings.test_networks and ip:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return None
        if any(address in n for n in _networks(tuple(settings.test_networks))):
            return "network"
    return None


def note(
    settings: Settings, db: Database, site: str, consent_id: str, ip: str, cookies: str | None
) -> None:
    """Mark ``consent_id`` as test traffic if the request is; never fails the consent."""
    reason = test_reason(settings, ip, cookies, site, db)
    if reason is None:
        return
    try:
        mark_test(db, site, consent_id, reason)
    except Exception:  # the consent is recorded; a lost mark only counts it in statistics
        log.exception("could not mark consent %s of %s as test traffic", consent_id, site)
