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
    service: str  # a service id: the vendor's, else the host's registrable domain's
    reason: str
    name: str = ""  # the service's name as the banner shows it


def _strictest(current: BlockedHost | None, new: BlockedHost) -> BlockedHost:
    """The stricter category of the two; a vendor's service over an unnamed one."""
    if current is None:
        return new
    named = new if new.service and not current.service else current
    keep = new if RANK[new.category] > RANK[current.category] else current
    return BlockedHost(keep.host, keep.category, named.service, keep.reason, named.name)


def _named(entry: BlockedHost) -> BlockedHost:
    """A host no vendor is known for is its own service, named by its registrable domain."""
    if entry.service:
        return entry
    domain = registrable_domain(entry.host)
    return BlockedHost(entry.host, entry.category, service_id(domain), entry.reason, domain)


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
        entry = BlockedHost(
            host, category, service_id(vendor) if vendor else "", reason, vendor or ""
        )
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
                by = _named(found[source])
                reason = f"loaded by {source}"
                found[request.host] = BlockedHost(
                    request.host, by.category, by.service, reason, by.name
                )
                changed = True
    for host, value in (overrides or {}).items():
        host = host_of(host)
        if value == ALLOW:
            found.pop(host, None)
        else:
            old = found.get(host)
            service, name = (old.service, old.name) if old else ("", "")
            found[host] = BlockedHost(host, Category.parse(value), service, "site", name)
    return {host: _named(entry) for host, entry in sorted(found.items())}


def site_services(scan: ScanResult | None, blocked: Iterable[BlockedHost] = ()) -> list[Service]:
    """The services (vendors) of consent categories the scan found, in category order, each
    under the strictest category it was seen with."""
    seen: dict[str, Service] = {}

    def add(name: str | None, category: Category, sid: str = "") -> None:
        if not name or category not in RANK:
            return
        sid = sid or service_id(name)
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
        if entry.service not in seen:
            add(entry.name or entry.service, entry.category, entry.service)
    order = {c: i for i, c in enumerate(CONSENT_CATEGORIES)}
    return sorted(seen.values(), key=lambda s: (order[s.category], s.name.lower()))
