"""Response headers every answer carries (security) and those the API's cross-origin callers
get (CORS), for the Flask app and the WSGI fast path alike."""

from __future__ import annotations

from banner.sites import SiteConfig

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)


def cors_headers(cfg: SiteConfig | None, origin: str | None) -> list[tuple[str, str]]:
    """CORS headers for a request to a site's endpoint: only for the site's own origins."""
    if cfg is None or not origin or not cfg.allows_origin(origin):
        return []
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
        ("Vary", "Origin"),
    ]
