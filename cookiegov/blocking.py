"""A site's own block list and services, from its scan.

The scan knows which host set which cookie (by header or by script) and which tracker
requests each page sent, and who started them. From that, every third-party host gets the
strictest category and the service (vendor) it was seen acting for; the banner holds back
scripts, frames, images and beacons from these hosts until that category or service is
granted (automatic blocking), and lists the services per category with a toggle each.
Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cookiegov.domains import host_of, registrable_domain
from cookiegov.knowledge import HostTable, builtin_hosts
from cookiegov.models import CONSENT_CATEGORIES, Category, ScanResult

#: Strictest last: a host seen for analytics and advertising is held back until both.
RANK = {Category.FUNCTIONAL: 1, Category.ANALYTICS: 2, Category.ADVERTISING: 3}
SERVICE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
ALLOW = "allow"


def service_id(vendor: str) -> str:
    """The id of a vendor's service in markup (``data-service``) and records: ``Google
    Analytics`` → ``google-analytics``."""
    return re.sub(r"[^a-z0-9]+", "-", vendor.lower()).strip("-")[:48].strip("-")


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    category: Category


@dataclass(frozen=True, slots=True)
class BlockedHost:
    host: str
    category: Category
    service: str  # a service id, or "" when the scan does not say whose host it is
    reason: str


def _strictest(current: BlockedHost | None, new: BlockedHost) -> BlockedHost:
    if current is None:
        return new
    if RANK[new.category] > RANK[current.category]:
        return BlockedHost(new.host, new.category, new.service or current.service, new.reason)
    if not current.service and new.service:
        return BlockedHost(current.host, current.category, new.service, current.reason)
    return current


def block_list(
    scan: ScanResult,
    overrides: Mapping[str, str] | None = None,
    hosts: HostTable | None = None,
) -> dict[str, BlockedHost]:
    """Third-party hosts to hold back, by host. A host is listed when it set a cookie of a
    consent category (header or script), is a known tracker host the pages sent requests to,
    or was loaded by a listed host's script. The site's own hosts are never listed.
    ``overrides`` maps a host to a category (list it) or ``"allow"`` (never hold it back)."""
    table = hosts if hosts is not None else builtin_hosts()
    found: dict[str, BlockedHost] = {}

    def add(host: str, category: Category, vendor: str | None, reason: str) -> None:
        if not host or category not in RANK or registrable_domain(host) == scan.site:
            return
        entry = BlockedHost(host, category, service_id(vendor) if vendor else "", reason)
        found[host] = _strictest(found.get(host), entry)

    for cookie in scan.cookies:
        if cookie.set_by:
            vendor = cookie.classification.vendor if cookie.classification else None
            add(host_of(cookie.set_by), cookie.category, vendor, f"set cookie {cookie.name}")
    for request in scan.requests:
        tracker = table.lookup(request.host)
        if tracker is not None:
            add(request.host, tracker.category, tracker.vendor, "tracker request")
    changed = True
    while changed:  # what a listed host's script loads belongs to the same service
        changed = False
        for request in scan.requests:
            source = host_of(request.initiator) if request.initiator else ""
            if (
                source in found
                and request.host not in found
                and registrable_domain(request.host) != scan.site
            ):
                by = found[source]
                reason = f"loaded by {source}"
                found[request.host] = BlockedHost(request.host, by.category, by.service, reason)
                changed = True
    for host, value in (overrides or {}).items():
        host = host_of(host)
        if value == ALLOW:
            found.pop(host, None)
        else:
            found[host] = BlockedHost(
                host, Category.parse(value), found[host].service if host in found else "", "site"
            )
    return dict(sorted(found.items()))


def site_services(scan: ScanResult | None, blocked: Iterable[BlockedHost] = ()) -> list[Service]:
    """The services (vendors) of consent categories the scan found, in category order, each
    under the strictest category it was seen with."""
    seen: dict[str, Service] = {}

    def add(name: str | None, category: Category) -> None:
        if not name or category not in RANK:
            return
        sid = service_id(name)
        if not SERVICE_ID.match(sid):
            return
        old = seen.get(sid)
        if old is None or RANK[category] > RANK[old.category]:
            seen[sid] = Service(sid, old.name if old else name, category)

    for cookie in scan.cookies if scan else ():
        if cookie.classification:
            add(cookie.classification.vendor, cookie.category)
    table = builtin_hosts()
    for request in scan.requests if scan else ():
        tracker = table.lookup(request.host)
        if tracker is not None:
            add(tracker.vendor, tracker.category)
    for entry in blocked:
        if entry.service and entry.service not in seen:
            add(entry.service, entry.category)
    order = {c: i for i, c in enumerate(CONSENT_CATEGORIES)}
    return sorted(seen.values(), key=lambda s: (order[s.category], s.name.lower()))
