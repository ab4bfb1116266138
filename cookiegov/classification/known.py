"""Layers that look a cookie's name up in a table of known cookies.

The same lookup serves four layers, each with its own confidence and wording: site
overrides, the site's declared cookies, the built-in vendor knowledge base and the Open
Cookie Database facts (with any database imports). Where vendors' documentation and what
sites declare disagree, the answer follows the sites and says so (see :mod:`.consensus`).
"""

from __future__ import annotations

from collections.abc import Iterable

from cookiegov.classification.base import Candidate, Features
from cookiegov.classification.consensus import SiteConsensus, article, confirmed, origin
from cookiegov.knowledge import CookieTable, KnownCookie


class KnownCookieLayer:
    """Answers when the cookie's name (and domain, for domain-bound entries) is in the table."""

    def __init__(
        self,
        name: str,
        entries: Iterable[KnownCookie],
        confidence: float,
        *,
        consensus: SiteConsensus | None = None,
        confidence_alone: float | None = None,
    ) -> None:
        self.name = name
        self.table = entries if isinstance(entries, CookieTable) else CookieTable(entries)
        self.confidence = confidence
        # On a site whose consent manager the site table does not know (see .calibration).
        self.confidence_alone = confidence if confidence_alone is None else confidence_alone
        self.consensus = consensus
        self.managers = consensus.managers if consensus else frozenset()

    def __len__(self) -> int:
        return self.table.size

    def may_answer(self, name: str) -> bool:
        """False when no cookie of this name gets an answer (the batch skips it)."""
        return self.table.may_match(name)

    def classify(self, features: Features) -> Candidate | None:
        # the cookie's own domain: an editor override is for exactly one cookie
        entry = self.table.match(features.name, features.cookie.domain)
        if entry is None:
            return None
        known = features.manager in self.managers
        confidence = self.confidence if known else self.confidence_alone
        if not entry.is_exact:  # an exact name is surer than a pattern
            confidence = round(confidence - 0.05, 2)
        what = _what(features.name, entry)
        if self.name == "override":
            reason = f"site override: {what} is {entry.category.value}{_purpose(entry)}"
        elif self.name == "declared":
            reason = (
                f"declared by the site ({entry.source}): {what} is {entry.category.value}"
                f"{_purpose(entry)}"
            )
        else:
            vendor = (
                f"{article(entry.vendor)} {entry.vendor} cookie"
                if entry.vendor
                else "a known cookie"
            )
            known_as = f"{origin(entry)} as {vendor} ({entry.category.value})"
            reason = f"{what} is {known_as}{_purpose(entry)}"
            verdict = self.consensus.overrules(features, entry.category) if self.consensus else None
            if verdict is not None:
                return Candidate(
                    verdict.category,
                    confirmed(verdict.category, entry.category, verdict.confidence),
                    f"{reason}, but {verdict.sites_text} declare it {verdict.category.value}: "
                    "following what sites declare",
                    self.name,
                    entry.vendor,
                    entry.purpose,
                    entry.docs,
                )
        return Candidate(
            entry.category,
            confidence,
            reason,
            self.name,
            entry.vendor,
            entry.purpose,
            entry.docs,
        )


def _what(name: str, e: KnownCookie) -> str:
    return f"'{name}'" if e.is_exact else f"'{name}' matches {e.pattern}"


def _purpose(e: KnownCookie) -> str:
    return f": {e.purpose}" if e.purpose else ""
