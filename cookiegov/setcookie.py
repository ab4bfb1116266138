"""Parsing ``Set-Cookie`` header lines and ``document.cookie`` assignments (RFC 6265)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from cookiegov.domains import host_of


@dataclass(frozen=True, slots=True)
class CookieLine:
    name: str
    value: str
    domain: str  # without leading dot
    host_only: bool
    path: str
    lifetime: float | None  # seconds asked for; None = session; <= 0 = deletion
    http_only: bool
    secure: bool
    same_site: str | None

    @property
    def deletes(self) -> bool:
        return self.lifetime is not None and self.lifetime <= 0


def default_path(url: str) -> str:
    path = urlsplit(url).path or "/"
    if not path.startswith("/") or path.count("/") <= 1:
        return "/"
    return path[: path.rfind("/")]


def parse_cookie_line(line: str, url: str, *, now: float | None = None) -> CookieLine | None:
    """Parse one Set-Cookie line as sent by ``url``; ``None`` when it has no name=value."""
    parts = line.split(";")
    head = parts[0]
    if "=" not in head:
        return None
    name, _, value = head.partition("=")
    name, value = name.strip(), value.strip()
    if not name or any(c in name for c in "\t\r\n"):
        return None
    host = host_of(url)
    domain, host_only, path = host, True, default_path(url)
    max_age: float | None = None
    expires: float | None = None
    http_only = secure = False
    same_site: str | None = None
    for attr in parts[1:]:
        key, _, val = attr.strip().partition("=")
        key, val = key.strip().lower(), val.strip()
        if key == "domain" and val:
            domain, host_only = val.lstrip(".").lower(), False
        elif key == "path" and val.startswith("/"):
            path = val
        elif key == "max-age":
            with contextlib.suppress(ValueError):
                max_age = float(int(val))
        elif key == "expires":
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                expires = parsedate_to_datetime(val).timestamp()
        elif key == "httponly":
            http_only = True
        elif key == "secure":
            secure = True
        elif key == "samesite" and val:
            same_site = val.capitalize()
    lifetime = max_age
    if lifetime is None and expires is not None:
        lifetime = expires - (now if now is not None else time.time())
    return CookieLine(name, value, domain, host_only, path, lifetime, http_only, secure, same_site)
