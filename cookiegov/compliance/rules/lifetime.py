"""How long cookies ask to live: any cookie (13 months), and the consent cookie itself."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, cookie_evidence
from cookiegov.compliance.registry import Scans, rule
from cookiegov.models import Category, ObservedCookie


def _each_cookie_once(scans: Scans) -> Iterator[tuple[str, ObservedCookie]]:
    """(state, cookie) for every cookie with a lifetime, in the first state it was seen in."""
    seen: set[tuple[str, str, str]] = set()
    for state, result in scans.items():
        for c in result.cookies:
            if c.key not in seen and c.lifetime is not None:
                seen.add(c.key)
                yield str(state), c


@rule(
    "lifetime",
    "warning",
    "Cookie lives longer than 13 months",
    "CNIL guidelines on cookies (2020): 13 months at most",
)
def lifetime(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    for state, c in _each_cookie_once(scans):
        if c.lifetime is not None and c.lifetime > ctx.max_lifetime:
            yield Finding(
                "lifetime",
                f"{c.name} asks to live {c.lifetime / 86400:.0f} days",
                state,
                cookie_evidence(c, state),
            )


def is_consent_cookie(c: ObservedCookie, ctx: CheckContext) -> bool:
    """The configured consent cookie, or a necessary cookie whose purpose is consent."""
    return c.name == ctx.consent_cookie or (
        c.classification is not None
        and c.category is Category.NECESSARY
        and "consent" in (c.classification.purpose or c.name).lower()
    )


@rule(
    "consent-lifetime",
    "warning",
    "Consent cookie outlives the configured period",
    "CNIL recommends asking again after 6 months; GDPR Art. 7(1) proof of consent",
)
def consent_lifetime(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    for state, c in _each_cookie_once(scans):
        if not is_consent_cookie(c, ctx) or c.lifetime is None:
            continue
        if c.lifetime > ctx.consent_days * 86400 + 86400:  # a day of slack for rounding
            yield Finding(
                "consent-lifetime",
                f"consent cookie {c.name} lives {c.lifetime / 86400:.0f} days "
                f"(configured: {ctx.consent_days})",
                state,
                cookie_evidence(c, state),
            )
