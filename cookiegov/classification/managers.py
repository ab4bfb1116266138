"""Consent managers: one canonical key per manager, and finding a site's manager in a scan.

Sites declare their cookies through their consent manager, and the big ones (Cookiebot,
OneTrust) scan the site and pre-fill each cookie's category from their own databases, so a
site's declarations follow its manager's (the ``manager`` classifier layer). The manager is
what the scanner's consent handler named it, else what the inventory shows: requests to the
manager's servers, or its own consent cookie.
"""

from __future__ import annotations

from collections.abc import Iterable

# Consent managers by the names people, crawls and autoconsent's rules give them.
_MANAGERS = {
    "cookiebot": "cookiebot",
    "cybotcookiebot": "cookiebot",
    "usercentricscookiebot": "cookiebot",
    "onetrust": "onetrust",
    "optanon": "onetrust",
    "cookielaw": "onetrust",
    "termly": "termly",
}
MANAGER_NAMES = {"cookiebot": "Cookiebot", "onetrust": "OneTrust", "termly": "Termly"}
# Where each manager's script and configuration are served from (host suffixes).
_HOSTS = (
    ("cookiebot.com", "cookiebot"),
    ("cookiebot.eu", "cookiebot"),
    ("cookielaw.org", "onetrust"),
    ("onetrust.com", "onetrust"),
    ("termly.io", "termly"),
)
# The manager's own consent record.
_COOKIES = {
    "CookieConsent": "cookiebot",
    "CookieConsentBulkSetting": "cookiebot",
    "OptanonConsent": "onetrust",
    "OptanonAlertBoxClosed": "onetrust",
}


def manager_key(name: str | None) -> str:
    """A consent manager's canonical key: ``"Cybotcookiebot"`` and ``"Cookiebot"`` are both
    ``"cookiebot"``; an unknown one is its lower-cased letters and digits; none is ``""``."""
    if not name:
        return ""
    key = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:40]
    return _MANAGERS.get(key, key)


def manager_in_inventory(hosts: Iterable[str], cookie_names: Iterable[str]) -> str | None:
    """The consent manager a scan's third-party hosts or cookies show, if exactly one."""
    found = set()
    for host in hosts:
        host = host.lower().rstrip(".")
        for suffix, key in _HOSTS:
            if host == suffix or host.endswith("." + suffix):
                found.add(key)
    found.update(_COOKIES[n] for n in cookie_names if n in _COOKIES)
    return MANAGER_NAMES[found.pop()] if len(found) == 1 else None
