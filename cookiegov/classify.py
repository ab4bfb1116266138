"""The layered, explainable classifier.

Layers in order, the first that answers wins:

1. site overrides (a file per site) — always win;
2. the site's own declared cookies (``kb import csv|json``);
3. the built-in knowledge base of documented vendor cookies;
4. other imported knowledge bases (e.g. the Open Cookie Database);
5. attribution: a cookie set on, or by a script or response from, a known tracker host;
6. heuristics over the cookie's features.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from cookiegov.domains import host_of, is_third_party, registrable_domain
from cookiegov.heuristics import heuristic
from cookiegov.knowledge import (
    CookieTable,
    HostTable,
    KnownCookie,
    TrackerHost,
    builtin_cookies,
    builtin_hosts,
)
from cookiegov.models import Category, Classification, CookieInput, ObservedCookie

_ARTICLE = {Category.ADVERTISING: "an", Category.ANALYTICS: "an"}


class Classifier:
    def __init__(
        self,
        *,
        builtin: Iterable[KnownCookie] | None = None,
        hosts: HostTable | None = None,
        overrides: Iterable[KnownCookie] = (),
        declared: Iterable[KnownCookie] = (),
        imported: Iterable[KnownCookie] = (),
    ) -> None:
        self.layers: list[tuple[str, CookieTable, float]] = [
            ("override", CookieTable(overrides), 1.0),
            ("declared", CookieTable(declared), 0.95),
            ("kb", CookieTable(builtin_cookies() if builtin is None else builtin), 0.95),
            ("imported", CookieTable(imported), 0.85),
        ]
        self.hosts = builtin_hosts() if hosts is None else hosts

    def classify(
        self, cookie: CookieInput | ObservedCookie, site: str | None = None
    ) -> Classification:
        c = to_input(cookie, site) if isinstance(cookie, ObservedCookie) else cookie
        kind = cookie.value_kind if isinstance(cookie, ObservedCookie) else None
        domain = host_of(c.domain)
        for layer, table, confidence in self.layers:
            entry = table.match(c.name, domain)
            if entry is not None:
                # An exact name is surer than a pattern.
                conf = confidence if entry.is_exact else confidence - 0.05
                return Classification(
                    entry.category,
                    entry.vendor,
                    conf,
                    _kb_reason(layer, c.name, entry),
                    layer if layer != "declared" else "imported",
                    entry.purpose,
                    entry.docs,
                )
        attributed = self._attribute(c, domain)
        if attributed is not None:
            return attributed
        return heuristic(c, kind)

    def classify_many(
        self, cookies: Sequence[CookieInput | ObservedCookie], site: str | None = None
    ) -> list[Classification]:
        return [self.classify(c, site) for c in cookies]

    def _attribute(self, c: CookieInput, domain: str) -> Classification | None:
        if c.third_party or (c.site and is_third_party(domain, c.site)):
            tracker = self.hosts.lookup(domain)
            if tracker:
                return _attributed(tracker, f"a third-party cookie on {tracker.domain}", 0.8)
        tracker = self.hosts.lookup(c.set_by)
        if tracker:
            how = "a script" if _looks_like_script(c.set_by) else "a response"
            return _attributed(
                tracker, f"set by {how} from {registrable_domain(c.set_by or '')}", 0.75
            )
        tracker = self.hosts.lookup(domain)
        if tracker:
            return _attributed(tracker, f"set on {tracker.domain}", 0.7)
        return None


def _looks_like_script(url: str | None) -> bool:
    return bool(url) and (".js" in (url or "") or "/tag" in (url or "") or "gtag" in (url or ""))


def _attributed(tracker: TrackerHost, what: str, confidence: float) -> Classification:
    article = _ARTICLE.get(tracker.category, "a")
    return Classification(
        tracker.category,
        tracker.vendor,
        confidence,
        f"{what}, {article} {tracker.category.value} vendor ({tracker.vendor})",
        "attribution",
    )


def _kb_reason(layer: str, name: str, e: KnownCookie) -> str:
    what = f"'{name}'" if e.is_exact else f"'{name}' matches {e.pattern}"
    purpose = f": {e.purpose}" if e.purpose else ""
    if layer == "override":
        return f"site override: {what} is {e.category.value}{purpose}"
    if layer == "declared":
        return f"declared by the site ({e.source}): {what} is {e.category.value}{purpose}"
    vendor = f"a {e.vendor} cookie" if e.vendor else "a known cookie"
    origin = "documented" if layer == "kb" else f"listed in {e.source.removeprefix('import:')}"
    return f"{what} is {origin} as {vendor} ({e.category.value}){purpose}"


def to_input(c: ObservedCookie, site: str | None = None) -> CookieInput:
    return CookieInput(
        name=c.name,
        domain=c.domain,
        path=c.path,
        value=None,
        expires_in=c.lifetime,
        http_only=c.http_only,
        secure=c.secure,
        same_site=c.same_site,
        site=site,
        set_by=c.set_by,
        third_party=c.third_party,
    )


@functools.cache
def default_classifier() -> Classifier:
    return Classifier()


def classify(cookie: CookieInput | ObservedCookie, site: str | None = None) -> Classification:
    """Classify one cookie with the built-in knowledge (no overrides, no imports)."""
    return default_classifier().classify(cookie, site)
