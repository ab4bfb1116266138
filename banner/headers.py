"""Response headers every answer carries (security) and those the API's cross-origin callers
get (CORS), for the Flask app and the WSGI fast path alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from banner.errors import error_body
from banner.sites import SiteConfig

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)


def cors_headers(cfg: SiteConfig | None, origin: str | None) -> list[tuple[str, str]]:
    """CORS headers for a request to a site's endpoint: only for the site's own origins; and
    for any request to a site's endpoint ``Vary: Origin``, since the answer depends on it (a
    cache in front must not hand one origin's answer to another)."""
    if cfg is None:
        return []
    vary = [("Vary", "Origin")]
    if not origin or not cfg.allows_origin(origin):
        return vary
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
        *vary,
    ]


MAX_HEADER_BYTES = 32 * 1024  # all request headers together; a browser's fit in far less


class HeaderLimit:
    """WSGI middleware: requests whose headers together exceed :data:`MAX_HEADER_BYTES` get
    a 431 in the API's JSON error shape (the server's own limit, larger, answers in its own)."""

    def __init__(self, app: WSGIApp, limit: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        size = 0
        for key, value in environ.items():
            if key.startswith("HTTP_") and isinstance(value, str):
                size += len(key) + len(value)
        if size <= self.limit:
            return self.app(environ, start_response)
        message = f"the request headers are larger than {self.limit // 1024} KB"
        body = (json.dumps(error_body("request_header_fields_too_large", message)) + "\n").encode()
        start_response(
            "431 Request Header Fields Too Large",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                *SECURITY_HEADERS,
            ],
        )
        return [body]
