"""Knowledge bases: cookie names/patterns and tracker hosts, with fast lookup.

Entries come from the built-in files in ``cookiegov/kb`` (written from vendors' public
documentation), from imports stored in the database, and from per-site override files.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from cookiegov.domains import host_of, registrable_domain
from cookiegov.errors import InputError
from cookiegov.models import Category


@dataclass(frozen=True, slots=True)
class KnownCookie:
    """A cookie name (exact) or pattern (``*`` wildcard or ``re:`` regex) with its meaning."""

    pattern: str
    category: Category
    vendor: str | None
    purpose: str | None = None
    source: str = "builtin"  # builtin | override:<file> | import:<name>
    docs: str | None = None
    domain: str | None = None  # only cookies on this registrable domain match
    # Only the cookie of exactly this name (letter case included) on exactly this host
    # matches: the site admin's word on one cookie of the inventory (the dashboard's editor).
    host: str | None = None

    @property
    def is_exact(self) -> bool:
        return "*" not in self.pattern and not self.pattern.startswith("re:")


@dataclass(frozen=True, slots=True)
class TrackerHost:
    domain: str  # registrable domain or host suffix
    vendor: str
    category: Category


class CookieTable:
    """Lookup of :class:`KnownCookie` entries by name: exact, then prefix, then others."""

    def __init__(self, entries: Iterable[KnownCookie]) -> None:
        self._exact: dict[str, list[KnownCookie]] = {}
        self._folded: dict[str, list[KnownCookie]] = {}
        # Prefix patterns by the stem's first two characters, longest stem first.
        self._prefix: dict[str, list[tuple[str, list[KnownCookie]]]] = {}
        # Other patterns, grouped by their literal first character ("" = could start with any).
        self._other: dict[str, list[tuple[re.Pattern[str], KnownCookie]]] = {}
        # (name, domain) -> answer: real batches repeat names.
        self._cache: dict[tuple[str, str], KnownCookie | None] = {}
        # By a name's first two characters: the prefix stems it may start with, in the
        # order they are tried (longest first), and the same stems as one tuple, so that a
        # name starting with none of them costs one str.startswith.
        self._stems: dict[str, tuple[tuple[str, ...], list[tuple[str, list[KnownCookie]]]]] = {}
        # By a name's first character: its other patterns in order, and one regex that
        # matches where any of them does (None when they cannot be joined safely).
        # By a name's first two characters: (its stems, its patterns joined, any patterns?)
        self._quick: dict[str, tuple[tuple[str, ...], re.Pattern[str] | None, bool]] = {}
        self._others: dict[
            str, tuple[re.Pattern[str] | None, list[tuple[re.Pattern[str], KnownCookie]]]
        ] = {}
        self.size = 0
        self.entries: list[KnownCookie] = []  # as added
        for entry in entries:
            self.add(entry)

    def add(self, e: KnownCookie) -> None:
        self.size += 1
        self.entries.append(e)
        self._cache.clear()
        self._stems.clear()
        self._others.clear()
        self._quick.clear()
        p = e.pattern
        if e.is_exact:
            self._exact.setdefault(p, []).append(e)
            self._folded.setdefault(p.lower(), []).append(e)
        elif p.endswith("*") and "*" not in p[:-1] and not p.startswith("re:"):
            stem = p[:-1]
            stems = self._prefix.setdefault(stem[:2], [])
            for known, group in stems:
                if known == stem:
                    group.append(e)
                    break
            else:
                stems.append((stem, [e]))
                stems.sort(key=lambda item: (-len(item[0]), item[0]))
        else:
            regex = p[3:] if p.startswith("re:") else fnmatch.translate(p)
            first = "" if p.startswith("re:") or p[0] in "*?[" else p[0]
            self._other.setdefault(first, []).append((re.compile(regex), e))

    def match(self, name: str, domain: str) -> KnownCookie | None:
        """The most specific entry for ``name`` set on ``domain``, if any."""
        if not self.size:
            return None
        key = (name, domain)
        hit = self._cache.get(key, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        if len(self._cache) >= 65536:
            self._cache.clear()
        hit = self._cache[key] = self._match(name, domain)
        return hit

    def may_match(self, name: str) -> bool:
        """False when no entry matches ``name`` on any domain (a quick test, no answer)."""
        if name.lower() in self._folded:  # every exact name is there, lower-cased
            return True
        quick = self._quick.get(name[:2])
        if quick is None:
            joined, others = self._others_of(name[:1])
            quick = self._quick[name[:2]] = (self._stems_of(name[:2])[0], joined, bool(others))
        stems, joined, any_other = quick
        if stems and name.startswith(stems):
            return True
        return any_other and (joined is None or joined.match(name) is not None)

    def _match(self, name: str, domain: str) -> KnownCookie | None:
        site = registrable_domain(domain) if domain else ""
        host = cookie_domain(domain)
        for group, folded in (
            (self._exact.get(name), False),
            (self._folded.get(name.lower()), True),
        ):
            hit = _pick(group, site, host, folded)
            if hit:
                return hit
        stems = self._stems.get(name[:2])
        if stems is None:
            stems = self._stems[name[:2]] = self._stems_of(name[:2])
        if stems[0] and name.startswith(stems[0]):
            for stem, group in stems[1]:
                if name.startswith(stem):
                    hit = _pick(group, site, host)
                    if hit:
                        return hit
        others = self._others.get(name[:1])
        if others is None:
            others = self._others[name[:1]] = self._others_of(name[:1])
        joined, patterns = others
        if patterns and (joined is None or joined.match(name)):
            for regex, other in patterns:
                if other.host not in (None, host):
                    continue
                if (other.domain is None or other.domain == site) and regex.match(name):
                    return other
        return None

    def _stems_of(self, start: str) -> tuple[tuple[str, ...], list[tuple[str, list[KnownCookie]]]]:
        """The prefix stems a name starting with ``start`` may have, longest first."""
        candidates = [*self._prefix.get(start, ())]
        if len(start) == 2:
            candidates += self._prefix.get(start[:1], ())
        candidates += self._prefix.get("", ())
        ordered = sorted(candidates, key=lambda item: -len(item[0]))
        return tuple(stem for stem, _ in ordered), ordered

    def _others_of(
        self, first: str
    ) -> tuple[re.Pattern[str] | None, list[tuple[re.Pattern[str], KnownCookie]]]:
        patterns = [*self._other.get(first, ()), *(self._other.get("", ()) if first else ())]
        if not patterns or not all(_joinable(regex) for regex, _ in patterns):
            return None, patterns
        return re.compile("|".join(f"(?:{regex.pattern})" for regex, _ in patterns)), patterns


def _joinable(regex: re.Pattern[str]) -> bool:
    """A regex that means the same as one alternative among others: no global flags, no
    group references (their numbers would shift)."""
    p = regex.pattern
    return (
        regex.flags & ~re.UNICODE == 0
        and "(?P" not in p
        and "(?(" not in p
        and not re.search(r"\\[0-9]", p)
    )


_MISSING = object()


def cookie_domain(domain: str) -> str:
    """A cookie's domain as one key: lower-case, without a trailing dot, the leading dot kept
    (a host-only cookie of ``shop.test`` and one set for ``.shop.test`` are two cookies)."""
    return domain.strip().lower().rstrip(".")


def _pick(
    group: list[KnownCookie] | None, site: str, host: str, folded: bool = False
) -> KnownCookie | None:
    """The entry for a cookie on ``host``: one made for exactly that cookie (not when the
    name only matched in another letter case), else one for its registrable domain, else one
    for any domain."""
    if not group:
        return None
    best = fallback = None
    for e in group:
        if e.host is not None:
            if e.host == host and not folded:
                return e
        elif e.domain == site:
            best = best or e
        elif e.domain is None:
            fallback = fallback or e
    return best or fallback


class HostTable:
    """Tracker hosts by registrable domain or host suffix."""

    def __init__(self, hosts: Iterable[TrackerHost]) -> None:
        self._hosts = {h.domain: h for h in hosts}

    def __len__(self) -> int:
        return len(self._hosts)

    def lookup(self, url_or_host: str | None) -> TrackerHost | None:
        if not url_or_host:
            return None
        return self._lookup_host(host_of(url_or_host))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - tables live as long as the process
    def _lookup_host(self, host: str) -> TrackerHost | None:
        labels = host.split(".")
        for i in range(len(labels) - 1):
            hit = self._hosts.get(".".join(labels[i:]))
            if hit:
                return hit
        return None


def entry_from_dict(
    data: dict[str, Any],
    *,
    source: str,
    vendor: str | None = None,
    category: str | None = None,
    docs: str | None = None,
) -> KnownCookie:
    """The one parser of a knowledge entry (built-in file, override file, declared import).

    ``{name | pattern, category, vendor?, purpose?, docs?, domain?}``; ``vendor``, ``category``
    and ``docs`` are defaults from an enclosing vendor record. ``domain`` may be any host or
    cookie domain of the site (``www.shop.test``, ``.shop.test``): the entry matches cookies on
    its registrable domain. Bad entries raise :class:`InputError` with the reason.
    """
    if not isinstance(data, dict):
        raise InputError(f"expected an object, not {data!r:.60}")
    pattern = str(data.get("pattern") or data.get("name") or "").strip()
    if not pattern:
        raise InputError("missing name")
    given = str(data.get("category") or category or "").strip()
    if not given:
        raise InputError("missing category")
    try:
        parsed = Category.parse(given)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    domain = str(data.get("domain") or "").strip()
    return KnownCookie(
        pattern=pattern,
        category=parsed,
        vendor=_text(data.get("vendor")) or vendor,
        purpose=_text(data.get("purpose")),
        source=source,
        docs=_text(data.get("docs")) or docs,
        domain=(registrable_domain(domain) or None) if domain else None,
    )


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


@functools.cache
def builtin_cookies() -> tuple[KnownCookie, ...]:
    """The built-in cookie knowledge base: vendors, each with documented cookies."""
    raw = json.loads(resources.files("cookiegov.kb").joinpath("cookies.json").read_text("utf-8"))
    entries: list[KnownCookie] = []
    for vendor in raw["vendors"]:
        for cookie in vendor["cookies"]:
            entries.append(
                entry_from_dict(
                    cookie,
                    source="builtin",
                    vendor=vendor["vendor"],
                    category=vendor.get("category"),
                    docs=vendor.get("docs"),
                )
            )
    return tuple(entries)


@functools.cache
def builtin_hosts() -> HostTable:
    raw = json.loads(resources.files("cookiegov.kb").joinpath("hosts.json").read_text("utf-8"))
    hosts = [
        TrackerHost(domain, vendor, Category.parse(category))
        for category, vendors in raw["hosts"].items()
        for vendor, domains in vendors.items()
        for domain in domains
    ]
    return HostTable(hosts)
