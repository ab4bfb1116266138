"""The consent banner itself: is there one, and can its first layer refuse."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, screenshot
from cookiegov.compliance.registry import Scans, rule
from cookiegov.models import ConsentState


def _reject_missed(scans: Scans) -> tuple[bool, bool]:
    """(the reject scan found no banner to refuse on, the accept scan found a banner)."""
    reject = scans.get(ConsentState.REJECT)
    banner = reject.evidence[0] if reject and reject.evidence else None
    accept = scans.get(ConsentState.ACCEPT)
    accept_found = bool(accept and accept.evidence and accept.evidence[0].get("banner_found"))
    return banner is not None and not banner.get("banner_found"), accept_found


@rule(
    "no-reject",
    "violation",
    "No way to reject on the banner's first layer",
    "CNIL guidelines (2020) and EDPB cookie banner taskforce report (2023)",
)
def no_reject(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    missed, accept_found = _reject_missed(scans)
    if missed and accept_found:
        yield Finding(
            "no-reject",
            "the banner offers no reject button on its first layer",
            ConsentState.REJECT,
            {"screenshot": screenshot(scans.get(ConsentState.ACCEPT))},
        )


@rule(
    "no-banner",
    "warning",
    "No consent banner found",
    "ePrivacy Art. 5(3): consent is needed before non-necessary cookies",
)
def no_banner(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    missed, accept_found = _reject_missed(scans)
    if missed and not accept_found:
        reject = scans[ConsentState.REJECT]
        yield Finding(
            "no-banner",
            "no consent banner was found",
            ConsentState.REJECT,
            {"page": reject.evidence[0].get("page")},
        )
