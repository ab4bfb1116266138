"""What sites declare: for cookie names seen on several sites, the category most of them
gave it in their consent manager's declaration.

This is what a regulator and a visitor see, so where a vendor's documentation says one
thing and the sites that use the cookie say another, the sites win (the knowledge layers
consult :meth:`SiteConsensus.overrules`). The table is built by ``scripts/train_model.py``
from labelled declarations (``cookieblock-dev.csv``) and shipped as
``classification/data/consensus.json``; evaluation rebuilds it from training folds only.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from cookiegov.classification.base import Candidate, Features
from cookiegov.classification.managers import MANAGER_NAMES
from cookiegov.domains import registrable_domain
from cookiegov.knowledge import CookieTable, KnownCookie
from cookiegov.models import Category

if TYPE_CHECKING:
    from cookiegov.classification.datasets import Labelled

MIN_SITES = 2  # a name declared by fewer sites tells nothing about sites in general
MIN_SITES_TO_OVERRULE = 2  # sites that contradict a vendor's own documentation
MIN_SHARE = 0.6
# Sites declare what their consent manager's own cookie database suggests (Cookiebot and
# OneTrust scan a site and pre-fill each cookie's category), so one site of the same
# consent manager says more about a declaration than several sites of others.
MIN_SITES_SAME_MANAGER = 1


@dataclass(frozen=True, slots=True)
class Verdict:
    category: Category
    agree: int
    total: int

    @property
    def confidence(self) -> float:
        # Laplace-smoothed share of the sites that agree: 2 of 2 is 0.75, 9 of 10 is 0.83.
        return round((self.agree + 1) / (self.total + 2), 2)

    @property
    def manager_confidence(self) -> float:
        # Sites of one consent manager agree far more (94% in site-grouped CV on CookieBlock's
        # crawl, docs/classification.md): a prior of 0.9 worth ten sites, then the votes.
        return round((self.agree + 9) / (self.total + 10), 2)

    @property
    def sites_text(self) -> str:
        return f"{self.agree} of {self.total} sites"


# Keys of the table besides a plain name: a tab never occurs in a cookie name (browsers refuse
# control characters), so a crafted name cannot reach another cell.
SEP = "\t"


def name_on_domain(name: str, domain: str) -> str:
    return f"{name}{SEP}@{domain}"


def name_under_manager(name: str, manager: str) -> str:
    return f"{name}{SEP}#{manager}"


def any_name_on(domain: str) -> str:
    return f"{SEP}%{domain}"  # not name_on_domain("", domain): an empty name is a name


class SiteConsensus:
    """Name (and name on a domain, name under a consent manager, any name on a domain) ->
    votes, one per site, per category."""

    def __init__(self, votes: dict[str, dict[str, int]] | None = None) -> None:
        self.votes = votes or {}
        #: Consent managers some sites in the table use.
        self.managers = frozenset(k.rpartition(SEP + "#")[2] for k in self.votes if SEP + "#" in k)
        #: Every name with votes of its own (as itself, on a domain, or under a manager).
        self.names = frozenset(k.partition(SEP)[0] for k in self.votes if not k.startswith(SEP))

    @classmethod
    def from_declarations(
        cls, rows: Iterable[tuple[str, str, str, str, Category]]
    ) -> SiteConsensus:
        """Build from (site, name, third-party domain or "", consent manager or "", declared
        category); each site votes once for a name, once for a name on a given third-party
        domain, and once for a name under its consent manager."""
        seen: dict[tuple[str, str], Category] = {}
        on_domain: dict[tuple[str, str], dict[Category, int]] = {}  # site, domain -> labels
        for site, name, domain, manager, category in rows:
            if SEP in name:
                continue
            seen.setdefault((site, name), category)
            if domain:
                seen.setdefault((site, name_on_domain(name, domain)), category)
                labels = on_domain.setdefault((site, any_name_on(domain)), {})
                labels[category] = labels.get(category, 0) + 1
            if manager:
                seen.setdefault((site, name_under_manager(name, manager)), category)
        # On a domain, each site votes once: for the label it gives most cookies there.
        for (site, key), labels in on_domain.items():
            seen[(site, key)] = max(sorted(labels), key=lambda c: labels[c])
        votes: dict[str, dict[str, int]] = {}
        for (_site, key), category in sorted(seen.items()):
            cell = votes.setdefault(key, {})
            cell[category.value] = cell.get(category.value, 0) + 1
        return cls(votes)

    @classmethod
    def from_labelled(cls, rows: Iterable[Labelled]) -> SiteConsensus:
        return cls.from_declarations(
            (r.group, r.features.name, _third_party_domain(r.features), r.features.manager, r.label)
            for r in rows
        )

    def to_json(self) -> str:
        kept = {
            n: v
            for n, v in sorted(self.votes.items())
            if sum(v.values()) >= (MIN_SITES_SAME_MANAGER if SEP + "#" in n else MIN_SITES)
        }
        return json.dumps({"votes": kept}, sort_keys=True, indent=0, ensure_ascii=False) + "\n"

    def lookup(self, features: Features) -> Verdict | None:
        """What sites declare for this name on this third-party domain, else for the name."""
        if SEP in features.name:
            return None
        domain = _third_party_domain(features)
        if domain:
            v = self.verdict(name_on_domain(features.name, domain))
            if v is not None:
                return v
        return self.verdict(features.name)

    def verdict(self, name: str, min_sites: int = MIN_SITES) -> Verdict | None:
        cell = self.votes.get(name)
        if not cell:
            return None
        total = sum(cell.values())
        best = max(sorted(cell), key=lambda k: cell[k])
        if total < min_sites or cell[best] / total < MIN_SHARE:
            return None
        return Verdict(Category(best), cell[best], total)

    def on_domain(self, features: Features) -> Verdict | None:
        """What sites declare for the cookies set on this third-party domain, any name."""
        domain = _third_party_domain(features)
        return self.verdict(any_name_on(domain)) if domain else None

    def same_manager(self, features: Features) -> Verdict | None:
        """What sites behind the same consent manager as this one declare for the name."""
        if not features.manager or SEP in features.name:
            return None
        key = name_under_manager(features.name, features.manager)
        return self.verdict(key, MIN_SITES_SAME_MANAGER)

    def overrules(self, features: Features, documented: Category) -> Verdict | None:
        """The sites' verdict when enough of them contradict the documented category."""
        v = self.lookup(features)
        if v is None or v.category is documented or v.total < MIN_SITES_TO_OVERRULE:
            return None
        return v


class SiteConsensusLayer:
    """Answers for names several sites declared alike, when no knowledge base knows them."""

    name = "sites"

    def __init__(self, consensus: SiteConsensus) -> None:
        self.consensus = consensus

    def may_answer(self, name: str) -> bool:
        """False when no cookie of this name gets an answer (the batch skips it)."""
        return name in self.consensus.names

    def classify(self, features: Features) -> Candidate | None:
        v = self.consensus.lookup(features)
        if v is None:
            return None
        return Candidate(
            v.category,
            v.confidence,
            f"'{features.name}' is declared {v.category.value} by {v.sites_text} "
            "that list it in their consent banner",
            self.name,
        )


# A documented tracker that sites call necessary is kept for a person to confirm (privacy by
# default): below the default review threshold.
REVIEW_CAP = 0.49


def confirmed(category: Category, documented: Category, confidence: float) -> float:
    """``confidence``, capped at :data:`REVIEW_CAP` when sites make a cookie the vendor
    documents as non-necessary necessary."""
    if category is Category.NECESSARY and documented is not Category.NECESSARY:
        return min(confidence, REVIEW_CAP)
    return confidence


_ORIGIN = {"builtin": "documented", "ocd": "listed in the Open Cookie Database"}


def article(word: str) -> str:
    """The indefinite article a reason writes before a vendor's name ("an Adobe cookie")."""
    return "an" if word[:1].lower() in "aeio" else "a"


def origin(entry: KnownCookie) -> str:
    """How a knowledge entry came to be known, as a reason says it ("documented", …)."""
    return _ORIGIN.get(entry.source) or f"listed in {entry.source.removeprefix('import:')}"


class SameManagerLayer:
    """Answers for names that sites behind the site's own consent manager declared alike.

    Where a knowledge base documents the cookie otherwise the reason names both, and a
    documented tracker that the manager's sites call necessary is flagged for review
    (:func:`confirmed`): in site-grouped CV one site of the same manager predicts a site's
    declaration better than the vendor's documentation does, but it is not a verdict a
    scanned page should be able to steer. The vendor, purpose and documentation link come
    from the knowledge bases (``vendors``)."""

    name = "manager"

    def __init__(self, consensus: SiteConsensus, vendors: Sequence[CookieTable] = ()) -> None:
        self.consensus = consensus
        self.vendors = vendors

    def may_answer(self, name: str) -> bool:
        """False when no cookie of this name gets an answer (the batch skips it)."""
        return name in self.consensus.names

    def classify(self, features: Features) -> Candidate | None:
        v = self.consensus.same_manager(features)
        if v is None:
            return None
        entry = next(
            (
                e
                for e in (t.match(features.name, features.cookie.domain) for t in self.vendors)
                if e
            ),
            None,
        )
        who = MANAGER_NAMES.get(features.manager, features.manager)
        sites = f"{v.agree} of {v.total} {'site' if v.total == 1 else 'sites'} using {who}"
        name = f"'{features.name}'"
        confidence = v.manager_confidence
        if entry is None:
            reason = (
                f"{name} is declared {v.category.value} by {sites}, this site's consent manager"
            )
            return Candidate(v.category, confidence, reason, self.name)
        if entry.category is not v.category:
            vendor = f" as {article(entry.vendor)} {entry.vendor} cookie" if entry.vendor else ""
            reason = (
                f"{name} is {origin(entry)}{vendor} ({entry.category.value}), but {sites}, "
                f"this site's consent manager, {'declares' if v.total == 1 else 'declare'} it "
                f"{v.category.value}: following what sites declare"
            )
            confidence = confirmed(v.category, entry.category, confidence)
        else:
            vendor = f" ({entry.vendor})" if entry.vendor else ""
            reason = (
                f"{name}{vendor} is declared {v.category.value} by {sites}, this site's "
                "consent manager"
            )
        return Candidate(
            v.category, confidence, reason, self.name, entry.vendor, entry.purpose, entry.docs
        )


class SameDomainLayer:
    """Answers for a third-party cookie no knowledge base or site table knows by name, by
    what sites declare for the cookies on its domain."""

    name = "domain"

    def __init__(self, consensus: SiteConsensus) -> None:
        self.consensus = consensus

    def classify(self, features: Features) -> Candidate | None:
        v = self.consensus.on_domain(features)
        if v is None:
            return None
        domain = _third_party_domain(features)
        return Candidate(
            v.category,
            v.confidence,
            f"'{features.name}' is set on {domain}, whose cookies are declared "
            f"{v.category.value} by {v.sites_text} that list them in their consent banner",
            self.name,
        )


def _third_party_domain(f: Features) -> str:
    return registrable_domain(f.host) if f.third_party and f.host else ""


@functools.cache
def shipped_consensus() -> SiteConsensus:
    path = resources.files("cookiegov.classification").joinpath("data/consensus.json")
    if not path.is_file():
        return SiteConsensus()
    return SiteConsensus(json.loads(path.read_text("utf-8"))["votes"])
