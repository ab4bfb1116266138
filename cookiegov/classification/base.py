"""What every classifier layer shares: the cookie's features, a layer's answer, the protocol.

A :class:`Layer` looks at a cookie's :class:`Features` and answers with a :class:`Candidate`
or ``None`` (it has nothing to say). The classifier asks its layers in order; the first
answer wins. Layers never answer ``unknown``: the learned model, last, always answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cookiegov.classification.managers import manager_key
from cookiegov.domains import host_of, is_third_party, registrable_domain
from cookiegov.models import Category, CookieInput, ObservedCookie
from cookiegov.values import value_kind


@dataclass(frozen=True, slots=True)
class Features:
    """A cookie as the layers see it: its input plus what is derived once for all layers."""

    cookie: CookieInput
    host: str  # the cookie's domain, lower-case, leading dot stripped
    third_party: bool | None  # None when the visited site is not known
    # Value shape (values.value_kind) of a scanned cookie; for an input cookie it is worked
    # out from ``cookie.value`` only when a layer needs it (see :func:`value_shape`).
    kind: str | None
    value_length: int | None
    lifetime_known: bool = True  # False for names-only inputs: expires_in None is not "session"
    manager: str = ""  # the site's consent manager, canonical (:func:`manager_key`), or ""

    @property
    def name(self) -> str:
        return self.cookie.name


@dataclass(frozen=True, slots=True)
class Candidate:
    """A layer's answer. ``reason`` is a readable sentence naming the evidence."""

    category: Category
    confidence: float
    reason: str
    layer: str
    vendor: str | None = None
    purpose: str | None = None
    docs: str | None = None


@runtime_checkable
class Layer(Protocol):
    """One source of evidence. ``name`` appears in the answer's ``layer`` field."""

    name: str

    def classify(self, features: Features) -> Candidate | None: ...


def features_of(
    cookie: CookieInput | ObservedCookie, site: str | None = None, manager: str | None = None
) -> Features:
    """Derive the layers' features from an input cookie or a scanned one (``manager``: the
    site's consent manager, when the cookie itself does not name one)."""
    if isinstance(cookie, ObservedCookie):
        c = to_input(cookie, site, manager)
        # A scanned cookie always has a value (maybe empty): its shape was kept, not the value.
        kind: str | None = cookie.value_kind
        length: int | None = cookie.value_length
    else:
        c = cookie
        kind, length = None, None
    host = host_of(c.domain)
    third: bool | None = c.third_party
    if third is None and c.site:
        third = is_third_party(host, c.site)
    return Features(
        c, host, third, kind, length, c.lifetime_known, manager_key(c.consent_manager or manager)
    )


def value_shape(f: Features) -> tuple[str | None, int | None]:
    """(kind, length) of the cookie's value; (None, None) when no value is known."""
    if f.kind is not None:
        return f.kind, f.value_length
    value = f.cookie.value
    return (None, None) if value is None else (value_kind(value), len(value))


def to_input(c: ObservedCookie, site: str | None = None, manager: str | None = None) -> CookieInput:
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
        consent_manager=manager,
    )


def site_of(features: Features) -> str:
    return registrable_domain(features.host) if features.host else ""
