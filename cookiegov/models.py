"""Records shared by the scanner, the classifier, storage, reports and the banner."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


class Category(enum.StrEnum):
    NECESSARY = "necessary"
    FUNCTIONAL = "functional"
    ANALYTICS = "analytics"
    ADVERTISING = "advertising"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, text: str) -> Category:
        """Read a category from loose text ("Marketing", "statistics", "strictly necessary")."""
        key = text.strip().lower().replace("_", " ").replace("-", " ")
        try:
            return cls(key)
        except ValueError:
            pass
        for category, words in _SYNONYMS.items():
            if key in words:
                return category
        raise ValueError(f"unknown category {text!r}")


#: Categories a visitor can grant or refuse (necessary is always on).
CONSENT_CATEGORIES = (Category.FUNCTIONAL, Category.ANALYTICS, Category.ADVERTISING)

_SYNONYMS: dict[Category, set[str]] = {
    Category.NECESSARY: {"strictly necessary", "essential", "required", "security", "technical"},
    Category.FUNCTIONAL: {"preferences", "preference", "functionality", "personalization"},
    Category.ANALYTICS: {"analytical", "statistics", "statistical", "performance", "measurement"},
    Category.ADVERTISING: {"marketing", "targeting", "advertisement", "ads", "tracking"},
    Category.UNKNOWN: {"unclassified", "other", ""},
}


class SetVia(enum.StrEnum):
    HEADER = "header"  # an HTTP Set-Cookie response header
    SCRIPT = "script"  # document.cookie or cookieStore.set
    JAR = "jar"  # seen only in the final cookie jar


class ConsentState(enum.StrEnum):
    """The consent state a scan is made in: no answer, Accept all, Reject all, or GPC sent."""

    NONE = "none"
    ACCEPT = "accept"
    REJECT = "reject"
    GPC = "gpc"


#: The order in which ``--compare`` and ``check`` scan the states.
COMPARE_ORDER: tuple[ConsentState, ...] = (
    ConsentState.NONE,
    ConsentState.REJECT,
    ConsentState.GPC,
    ConsentState.ACCEPT,
)


@dataclass(frozen=True, slots=True)
class Classification:
    category: Category
    vendor: str | None
    confidence: float
    reason: str
    layer: str  # override | declared | kb | ocd | sites | attribution | model (| stored)
    purpose: str | None = None
    source_url: str | None = None
    # Confidence below the review threshold: a person should check it; until then it is
    # treated as non-necessary (the banner clears it on refusal).
    needs_review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "vendor": self.vendor,
            "confidence": round(self.confidence, 2),
            "reason": self.reason,
            "layer": self.layer,
            "purpose": self.purpose,
            "needs_review": self.needs_review,
        }


@dataclass(frozen=True, slots=True)
class CookieInput:
    """What the classifier looks at. Everything but ``name`` and ``domain`` is optional."""

    name: str
    domain: str
    path: str = "/"
    value: str | None = None
    expires_in: float | None = None  # seconds the site asked for; None means session
    http_only: bool | None = None
    secure: bool | None = None
    same_site: str | None = None
    site: str | None = None  # the visited site's domain
    set_by: str | None = None  # script or response URL
    third_party: bool | None = None
    consent_manager: str | None = None  # the visited site's consent manager, as detected
    # False when the input says nothing of the lifetime (a names-only list): expires_in None
    # then means "not known", not "a session cookie", and no layer reads it as one.
    lifetime_known: bool = True

    @property
    def session(self) -> bool:
        return self.expires_in is None and self.lifetime_known


@dataclass(frozen=True, slots=True)
class ObservedCookie:
    """One cookie of a scan's inventory, merged per (name, domain, path)."""

    name: str
    domain: str
    path: str
    expires: float | None  # epoch seconds as stored by the browser; None for session
    lifetime: float | None  # seconds the site asked for (raw Max-Age/Expires)
    http_only: bool
    secure: bool
    same_site: str | None
    third_party: bool
    set_via: tuple[SetVia, ...]
    set_by: str | None  # response URL (header) or script URL (script)
    pages: tuple[str, ...]
    value_length: int = 0
    value_kind: str = "empty"
    value_entropy: float = 0.0
    blocked_reason: str | None = None  # set when the browser refused the cookie
    classification: Classification | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.domain, self.path)

    @property
    def session(self) -> bool:
        return self.lifetime is None and self.expires is None

    @property
    def category(self) -> Category:
        return self.classification.category if self.classification else Category.UNKNOWN

    @property
    def needs_review(self) -> bool:
        """No classification, or one below the review threshold."""
        return self.classification is None or self.classification.needs_review

    def with_classification(self, classification: Classification) -> ObservedCookie:
        return dataclasses.replace(self, classification=classification)

    def to_dict(self) -> dict[str, Any]:
        c = self.classification
        return {
            "name": self.name,
            "domain": self.domain,
            "path": self.path,
            "expires": self.expires,
            "lifetime": self.lifetime,
            "session": self.session,
            "http_only": self.http_only,
            "secure": self.secure,
            "same_site": self.same_site,
            "third_party": self.third_party,
            "set_via": [v.value for v in self.set_via],
            "set_by": self.set_by,
            "pages": list(self.pages),
            "value": {
                "length": self.value_length,
                "kind": self.value_kind,
                "entropy": round(self.value_entropy, 2),
            },
            "blocked_reason": self.blocked_reason,
            "category": self.category.value,
            "vendor": c.vendor if c else None,
            "confidence": round(c.confidence, 2) if c else 0.0,
            "reason": c.reason if c else "",
            "purpose": c.purpose if c else None,
            "needs_review": self.needs_review,
        }


@dataclass(frozen=True, slots=True)
class StorageItem:
    """A localStorage / sessionStorage key or an IndexedDB database name."""

    kind: str  # localStorage | sessionStorage | indexedDB
    origin: str
    key: str
    pages: tuple[str, ...]
    third_party: bool = False


@dataclass(frozen=True, slots=True)
class PageResult:
    url: str
    status: int | None
    error: str | None = None
    title: str | None = None
    elapsed_ms: int = 0
    depth: int = 0


@dataclass(frozen=True, slots=True)
class ThirdPartyRequest:
    host: str
    url: str
    resource_type: str
    initiator: str | None
    page: str
    beacon: bool = False


@dataclass(frozen=True)
class ScanResult:
    url: str
    site: str  # registrable domain of the start URL
    started_at: str
    finished_at: str
    consent: str
    pages: list[PageResult]
    cookies: list[ObservedCookie]
    storage: list[StorageItem] = field(default_factory=list)
    requests: list[ThirdPartyRequest] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)  # consent banner interactions
    scan_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scan_id": self.scan_id,
            "url": self.url,
            "site": self.site,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "consent": self.consent,
            "summary": summarize(self.cookies),
            "pages": [dataclasses.asdict(p) for p in self.pages],
            "cookies": [c.to_dict() for c in self.cookies],
            "storage": [dataclasses.asdict(s) for s in self.storage],
            "requests": [dataclasses.asdict(r) for r in self.requests],
            "consent_evidence": self.evidence,
        }


def summarize(cookies: list[ObservedCookie]) -> dict[str, Any]:
    by_category = {c.value: 0 for c in Category}
    for cookie in cookies:
        by_category[cookie.category.value] += 1
    return {
        "cookies": len(cookies),
        "third_party": sum(1 for c in cookies if c.third_party),
        "blocked": sum(1 for c in cookies if c.blocked_reason),
        "by_category": by_category,
    }
