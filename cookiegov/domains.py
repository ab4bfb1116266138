"""Registrable domains (eTLD+1) offline, and first/third-party decisions."""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
)


@functools.lru_cache(maxsize=65536)
def host_of(url_or_host: str) -> str:
    """The lower-case host of a URL or a cookie domain (leading dot stripped)."""
    text = url_or_host.strip()
    if "://" in text:
        try:
            text = urlsplit(text).hostname or ""
        except ValueError:  # "https://[x": no host can be read from it, so it names none
            text = ""
    return text.lstrip(".").lower().rstrip(".")


@functools.lru_cache(maxsize=65536)
def registrable_domain(url_or_host: str) -> str:
    """eTLD+1 of a host by the public suffix list (bundled snapshot, never online).

    Unknown suffixes (``shop.test``, ``intranet.corp``) fall back to the last two labels;
    IP addresses and single-label hosts are their own registrable domain.
    """
    host = host_of(url_or_host)
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    return ".".join(labels[-2:])


def is_third_party(cookie_domain: str, site: str) -> bool:
    """A cookie is third-party when its registrable domain differs from the site's."""
    return registrable_domain(cookie_domain) != registrable_domain(site)
