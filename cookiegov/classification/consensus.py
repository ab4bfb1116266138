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
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from cookiegov.classification.base import MANAGER_NAMES, Candidate, Features
from cookiegov.domains import registrable_domain
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


class SiteConsensus:
    """Name -> votes (one per site) per category."""

    def __init__(self, votes: dict[str, dict[str, int]] | None = None) -> None:
        self.votes = votes or {}
        #: Consent managers some sites in the table use.
        self.managers = frozenset(k.rpartition("#")[2] for k in self.votes if "#" in k)
        #: Every name with votes of its own (as itself, on a domain, or under a manager); ""
        #: too when some key starts with "@" (an empty name on a domain reads its votes).
        self.names = frozenset(
            n for k in self.votes for n in (k, k.rpartition("@")[0], k.rpartition("#")[0])
        )

    @classmethod
    def from_declarations(
        cls, rows: Iterable[tuple[str, str, str, str, Category]]
    ) -> SiteConsensus:
        """Build from (site, name, third-party domain or "", consent manager or "", declared
        category); each site votes once for a name, once for a name on a given third-party
        domain, and once for a name under its consent manager."""
        seen: dict[tuple[str, str], Category] = {}
        on_domain: set[tuple[str, str, Category]] = set()  # each label a site gives there
        for site, name, domain, manager, category in rows:
            seen.setdefault((site, name), category)
            if domain:
                seen.setdefault((site, f"{name}@{domain}"), category)
                on_domain.add((site, f"@{domain}", category))
            if manager:
                seen.setdefault((site, f"{name}#{manager}"), category)
        pairs = [(key, category) for (_site, key), category in seen.items()]
        pairs += [(key, category) for _site, key, category in on_domain]
        votes: dict[str, dict[str, int]] = {}
        for key, category in sorted(pairs):
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
            if sum(v.values()) >= (MIN_SITES_SAME_MANAGER if "#" in n else MIN_SITES)
        }
        return json.dumps({"votes": kept}, sort_keys=True, indent=0, ensure_ascii=False) + "\n"

    def lookup(self, features: Features) -> Verdict | None:
        """What sites declare for this name on this third-party domain, else for the name."""
        domain = _third_party_domain(features)
        if domain:
            v = self.verdict(f"{features.name}@{domain}")
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
        return self.verdict(f"@{domain}") if domain else None

    def same_manager(self, features: Features) -> Verdict | None:
        """What sites behind the same consent manager as this one declare for the name."""
        if not features.manager:
            return None
        return self.verdict(f"{features.name}#{features.manager}", MIN_SITES_SAME_MANAGER)

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


class SameManagerLayer:
    """Answers for names that sites behind the site's own consent manager declared alike."""

    name = "manager"

    def __init__(self, consensus: SiteConsensus) -> None:
        self.consensus = consensus

    def may_answer(self, name: str) -> bool:
        """False when no cookie of this name gets an answer (the batch skips it)."""
        return name in self.consensus.names

    def classify(self, features: Features) -> Candidate | None:
        v = self.consensus.same_manager(features)
        if v is None:
            return None
        who = MANAGER_NAMES.get(features.manager, features.manager)
        site_s = "site" if v.total == 1 else "sites"
        return Candidate(
            v.category,
            v.manager_confidence,
            f"'{features.name}' is declared {v.category.value} by {v.agree} of {v.total} "
            f"{site_s} using {who}, this site's consent manager",
            self.name,
        )


class SameDomainLayer:
    """Answers for third-party cookies by what sites declare for cookies on that domain."""

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
            f"cookies set on {domain} are declared {v.category.value} by {v.sites_text} "
            "that list them in their consent banner",
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
