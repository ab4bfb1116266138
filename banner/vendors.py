"""A site's services (vendors) and block list as the banner and the consent write see them:
built from the site's baseline scan (:mod:`cookiegov.blocking`), kept a few seconds per
process so that a consent write naming services costs no scan read each time."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from banner.sites import SiteConfig
from cookiegov.blocking import SERVICE_ID, BlockedHost, Service, block_list, site_services
from cookiegov.errors import InputError
from cookiegov.storage import Database
from cookiegov.storage.scans import baseline_scan

TTL = 10.0  # seconds, as the banner script cache: a new scan shows up after this
#: A service a new scan no longer finds stays valid this long: a visitor's browser may keep
#: the banner script that listed it for its Cache-Control max-age (300 s).
GRACE = 600.0
MAX_SERVICES = 64
SiteServices = tuple[list[Service], dict[str, BlockedHost]]
_cache: dict[tuple[int, str, str], tuple[float, SiteServices]] = {}
_lock = threading.Lock()
_recent: dict[tuple[int, str], dict[str, float]] = {}  # service id → valid until


def services_of(db: Database, cfg: SiteConfig) -> SiteServices:
    """The site's services and its block list (hosts to hold back), from its baseline scan."""
    key = (id(db), cfg.site, repr(sorted(cfg.autoblock_hosts.items())))
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    scan = baseline_scan(db, cfg.site)
    blocked = block_list(scan, cfg.autoblock_hosts) if scan else {}
    value = (site_services(scan, blocked.values()), blocked)
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
            _recent.clear()
        _cache[key] = (now + TTL, value)
        recent = _recent.setdefault((id(db), cfg.site), {})
        recent.update({s.id: now + GRACE for s in value[0]})
    return value


def known_services(db: Database, cfg: SiteConfig) -> set[str]:
    """The ids a consent write may name: the site's services now, and those a banner script
    still in a visitor's cache may have listed (a rescan dropped them less than GRACE ago)."""
    current = {s.id for s in services_of(db, cfg)[0]}
    now = time.monotonic()
    recent = _recent.get((id(db), cfg.site), {})
    return current | {sid for sid, until in recent.items() if until > now}


def parse_services(body: Mapping[str, Any], known: set[str]) -> dict[str, bool] | None:
    """The per-service choices of a consent body (``"services": {"matomo": false}``), checked
    strictly: an object of at most 64 known service ids → true/false; None when absent."""
    services = body.get("services")
    if services is None:
        return None
    if not isinstance(services, dict) or len(services) > MAX_SERVICES:
        raise InputError(
            f"'services' must be an object of at most {MAX_SERVICES} service ids → true/false"
        )
    malformed = [k for k in services if not isinstance(k, str) or not SERVICE_ID.match(k)]
    if malformed:
        raise InputError("service ids are 1–48 lower-case letters, digits or '-'")
    unknown = sorted(set(services) - known)
    if unknown:
        shown = ", ".join(unknown[:5])
        raise InputError(
            f"unknown services: {shown}", details={"allowed": sorted(known)[:MAX_SERVICES]}
        )
    if not all(isinstance(v, bool) for v in services.values()):
        raise InputError("each service must be true or false")
    return dict(sorted(services.items()))
