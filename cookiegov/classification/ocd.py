"""The Open Cookie Database's facts, shipped with the package.

Only facts are kept (name or pattern, category, platform, domain, retention, wildcard),
never the database's description sentences. The file ``classification/data/ocd.json`` is
built by ``scripts/build_ocd_facts.py`` from the database's CSV release; its license
(Apache-2.0) and attribution are in ``classification/data/NOTICE``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cookiegov.domains import registrable_domain
from cookiegov.errors import InputError
from cookiegov.knowledge import KnownCookie
from cookiegov.models import Category

# The database's categories: its "Functional" means strictly necessary.
OCD_CATEGORIES = {
    "functional": Category.NECESSARY,
    "security": Category.NECESSARY,
    "personalization": Category.FUNCTIONAL,
    "preferences": Category.FUNCTIONAL,
    "analytics": Category.ANALYTICS,
    "marketing": Category.ADVERTISING,
}
SESSION = -1.0
_UNITS = {
    "second": 1,
    "sec": 1,
    "min": 60,
    "minute": 60,
    "mins": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9.-]*\.[a-z]{2,}")


@dataclass(frozen=True, slots=True)
class OcdFact:
    name: str  # exact name, or a prefix when ``wildcard``
    category: Category
    platform: str
    domain: str | None  # the first domain the database names, if any
    retention: float | None  # seconds; SESSION for session cookies; None when unknown
    wildcard: bool
    third_party: bool | None  # True when the database marks the domain "3rd party"

    @property
    def pattern(self) -> str:
        return f"{self.name}*" if self.wildcard and not self.name.endswith("*") else self.name


def parse_retention(text: str) -> float | None:
    """Seconds from the database's free-text retention ("13 months", "session")."""
    low = text.strip().lower()
    if not low or low in ("unknown", "undefined", "n/a"):
        return None
    if "session" in low:
        return SESSION
    m = _AMOUNT.search(low)
    if not m:
        return None
    unit = m.group(2).rstrip("s") if m.group(2) not in _UNITS else m.group(2)
    seconds = _UNITS.get(unit)
    return float(m.group(1)) * seconds if seconds else None


def facts_from_csv(path: Path) -> list[OcdFact]:
    """The facts of the database's CSV release (rows without a name or category skipped)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    facts = []
    for row in csv.DictReader(io.StringIO(text)):
        name = (row.get("Cookie / Data Key name") or "").strip()
        category = OCD_CATEGORIES.get((row.get("Category") or "").strip().lower())
        if not name or category is None:
            continue
        domain_text = (row.get("Domain") or "").strip().lower()
        found = _DOMAIN.search(domain_text)
        facts.append(
            OcdFact(
                name=name,
                category=category,
                platform=(row.get("Platform") or row.get("Data Controller") or "").strip(),
                domain=found.group(0).lstrip(".") if found else None,
                retention=parse_retention(row.get("Retention period") or ""),
                wildcard=(row.get("Wildcard match") or "0").strip() == "1",
                third_party=True if "3rd party" in domain_text else None,
            )
        )
    return sorted(facts, key=lambda f: (f.name, f.platform, f.category.value, f.domain or ""))


def facts_to_json(facts: list[OcdFact], source: str) -> str:
    rows = [
        [
            f.name,
            f.category.value,
            f.platform,
            f.domain,
            f.retention,
            int(f.wildcard),
            f.third_party,
        ]
        for f in facts
    ]
    head = {
        "source": source,
        "license": "Apache-2.0 (see NOTICE)",
        "columns": [
            "name",
            "category",
            "platform",
            "domain",
            "retention",
            "wildcard",
            "third_party",
        ],
    }
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "facts": [\n' + body + "\n]}\n"


@functools.cache
def ocd_facts() -> tuple[OcdFact, ...]:
    raw = json.loads(
        resources.files("cookiegov.classification").joinpath("data/ocd.json").read_text("utf-8")
    )
    return tuple(
        OcdFact(n, Category(c), p, d, r, bool(w), t) for n, c, p, d, r, w, t in raw["facts"]
    )


# Names any site may use for a cookie of its own: 1-3 letters (and a digit), or a common word.
_GENERIC = re.compile(r"^[A-Za-z]{1,3}\d?$")
GENERIC_WORDS = frozenset(
    {
        "id",
        "uid",
        "sid",
        "guid",
        "vid",
        "session",
        "sessionid",
        "token",
        "user",
        "userid",
        "visitor",
        "device",
        "test",
        "cookie",
        "consent",
        "lang",
        "language",
        "locale",
        "country",
        "currency",
        "pref",
        "prefs",
        "state",
        "auth",
        "cart",
        "ref",
        "referrer",
        "src",
        "source",
    }
)


def generic_name(name: str) -> bool:
    """Whether a name says nothing of whose cookie it is (``c``, ``SID``, ``uid``, ``lang``)."""
    return bool(_GENERIC.match(name)) or name.lower() in GENERIC_WORDS


def fact_entries(facts: tuple[OcdFact, ...] | list[OcdFact]) -> list[KnownCookie]:
    """Knowledge entries of the facts. A generic name (:func:`generic_name`) is the vendor's
    cookie only on the vendor's domain: Adform's ``uid`` is set on adform.net, and a shop's
    own ``uid`` is not Adform's (it was answered "advertising, Adform" on any site)."""
    return [
        KnownCookie(
            f.pattern,
            f.category,
            f.platform or None,
            source="ocd",
            domain=registrable_domain(f.domain)
            if f.domain and not f.wildcard and generic_name(f.name)
            else None,
        )
        for f in facts
    ]


@functools.cache
def ocd_entries() -> tuple[KnownCookie, ...]:
    return tuple(fact_entries(ocd_facts()))
