"""The one exception tree of cookiegov.

Every error a user can cause or meet derives from :class:`CookiegovError`. The CLI turns
these into one friendly line (``cookiegov.cli``) and the HTTP API into one JSON shape
(``banner.errors``); nothing else catches them for presentation.
"""

from __future__ import annotations

from typing import Any


class CookiegovError(Exception):
    """Base of all cookiegov errors. ``code`` is stable and machine-readable."""

    code = "error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def http_headers(self) -> list[tuple[str, str]]:
        """Headers the HTTP answer carries besides the error document."""
        return []

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class ConfigError(CookiegovError):
    """A setting or configuration file is invalid."""

    code = "config_error"
    exit_code = 2
    http_status = 500


class InputError(CookiegovError):
    """User input (a URL, a file, a request body) is malformed."""

    code = "invalid_input"
    exit_code = 2
    http_status = 400


class NotFoundError(CookiegovError):
    code = "not_found"
    exit_code = 3
    http_status = 404


class AuthError(CookiegovError):
    code = "unauthorized"
    exit_code = 2
    http_status = 401


class ForbiddenError(CookiegovError):
    """Signed in, but not for this (e.g. a token of another site)."""

    code = "forbidden"
    exit_code = 2
    http_status = 403


class RateLimitError(CookiegovError):
    code = "rate_limited"
    exit_code = 1
    http_status = 429

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def http_headers(self) -> list[tuple[str, str]]:
        return [("Retry-After", str(self.retry_after))]


class StorageError(CookiegovError):
    """The database cannot be opened, migrated or written (disk full, locked, corrupt)."""

    code = "storage_error"
    exit_code = 4
    http_status = 503


class BrowserError(CookiegovError):
    """No usable Chromium, or the browser failed in a way a scan cannot recover from."""

    code = "browser_error"
    exit_code = 5
    http_status = 503


class ScanError(CookiegovError):
    """A scan could not produce any result (e.g. the start URL is unreachable)."""

    code = "scan_failed"
    exit_code = 6
    http_status = 502
