"""Attribution: a cookie set on, or by a script or response from, a known tracker host.

The host table is the built-in one (``kb/hosts.json``) grown with the domains the vendor
facts name: a registrable domain that the Open Cookie Database lists only (or mostly)
for advertising or analytics cookies becomes a tracker host of that platform.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

from cookiegov.classification.base import Candidate, Features
from cookiegov.classification.ocd import OcdFact, ocd_facts
from cookiegov.domains import registrable_domain
from cookiegov.knowledge import HostTable, TrackerHost, builtin_hosts
from cookiegov.models import Category

_ARTICLE = {Category.ADVERTISING: "an", Category.ANALYTICS: "an"}
_TRACKING = (Category.ADVERTISING, Category.ANALYTICS)


class AttributionLayer:
    name = "attribution"

    def __init__(self, hosts: HostTable) -> None:
        self.hosts = hosts

    def classify(self, features: Features) -> Candidate | None:
        c = features.cookie
        if features.third_party:
            tracker = self.hosts.lookup(features.host)
            if tracker:
                return _answer(tracker, f"a third-party cookie on {tracker.domain}", 0.8)
        tracker = self.hosts.lookup(c.set_by)
        if tracker:
            how = "a script" if _looks_like_script(c.set_by) else "a response"
            return _answer(tracker, f"set by {how} from {registrable_domain(c.set_by or '')}", 0.75)
        tracker = self.hosts.lookup(features.host)
        if tracker:
            return _answer(tracker, f"set on {tracker.domain}", 0.7)
        return None


def _looks_like_script(url: str | None) -> bool:
    return bool(url) and (".js" in (url or "") or "/tag" in (url or "") or "gtag" in (url or ""))


def _answer(tracker: TrackerHost, what: str, confidence: float) -> Candidate:
    article = _ARTICLE.get(tracker.category, "a")
    return Candidate(
        tracker.category,
        confidence,
        f"{what}, {article} {tracker.category.value} vendor ({tracker.vendor})",
        "attribution",
        tracker.vendor,
    )


def hosts_from_facts(facts: Iterable[OcdFact]) -> list[TrackerHost]:
    """Tracker hosts the facts imply: domains whose cookies are mostly (≥ 2/3) tracking."""
    by_domain: dict[str, Counter[tuple[Category, str]]] = {}
    for f in facts:
        if f.domain:
            site = registrable_domain(f.domain)
            if site and "." in site:
                by_domain.setdefault(site, Counter())[(f.category, f.platform)] += 1
    hosts = []
    for site, counts in sorted(by_domain.items()):
        per_category: Counter[Category] = Counter()
        for (category, _platform), n in counts.items():
            per_category[category] += n
        category, n = max(sorted(per_category.items()), key=lambda kv: kv[1])
        if category in _TRACKING and n * 3 >= 2 * sum(per_category.values()):
            platform = max(
                sorted(p for (c, p) in counts if c is category), key=lambda p: counts[(category, p)]
            )
            hosts.append(TrackerHost(site, platform or site, category))
    return hosts


@functools.cache
def grown_hosts() -> HostTable:
    """The built-in tracker hosts plus those the shipped vendor facts imply."""
    builtin = builtin_hosts()
    extra = [h for h in hosts_from_facts(ocd_facts()) if builtin.lookup(h.domain) is None]
    return HostTable([*builtin._hosts.values(), *extra])
