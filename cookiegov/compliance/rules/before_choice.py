"""Cookies set before the visitor made any choice (the ``none`` scan)."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, cookie_evidence, set_cookies
from cookiegov.compliance.registry import Scans, rule
from cookiegov.models import Category, ConsentState

TRACKING = (Category.ANALYTICS, Category.ADVERTISING)


@rule(
    "pre-consent-cookie",
    "violation",
    "Non-necessary cookie before any choice",
    "ePrivacy Art. 5(3); GDPR Art. 6(1)(a), 7; EDPB Guidelines 05/2020",
)
def pre_consent_cookie(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    for c in set_cookies(scans, ConsentState.NONE, TRACKING):
        yield Finding(
            "pre-consent-cookie",
            f"{c.name} ({c.category.value}) is set before any choice",
            ConsentState.NONE,
            cookie_evidence(c, ConsentState.NONE),
        )


@rule(
    "pre-consent-functional",
    "warning",
    "Preference cookie before any choice",
    "ePrivacy Art. 5(3): exempt only when strictly necessary for a requested service",
)
def pre_consent_functional(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    for c in set_cookies(scans, ConsentState.NONE, (Category.FUNCTIONAL,)):
        yield Finding(
            "pre-consent-functional",
            f"{c.name} (functional) is set before any choice",
            ConsentState.NONE,
            cookie_evidence(c, ConsentState.NONE),
        )


@rule(
    "pre-consent-unconfirmed",
    "warning",
    "Cookie taken as necessary, with too little evidence, before any choice",
    "ePrivacy Art. 5(3): the exemption needs the cookie to be strictly necessary",
)
def pre_consent_unconfirmed(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    """A cookie the classifier guesses is necessary (flagged needs_review) is no verdict."""
    for c in set_cookies(scans, ConsentState.NONE, (Category.NECESSARY,)):
        if c.needs_review:
            confidence = c.classification.confidence if c.classification else 0.0
            yield Finding(
                "pre-consent-unconfirmed",
                f"{c.name} is set before any choice and only probably necessary "
                f"(confidence {confidence:.2f}): confirm its category",
                ConsentState.NONE,
                cookie_evidence(c, ConsentState.NONE),
            )
