"""The consent banner itself: is there one, can the scanner refuse on it, and can its first
layer refuse. Each rule rests on what the scanner recorded it did (:mod:`cookiegov.reached`):
a refusal counts only when it was verified."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov import reached
from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, screenshot
from cookiegov.compliance.registry import Scans, rule
from cookiegov.models import ConsentState


@rule(
    "could-not-refuse",
    "violation",
    "Could not refuse on this site",
    "GDPR Art. 7(3) and 4(11): refusing must be as easy as accepting; a check that could not"
    " refuse proves nothing about what happens after a refusal",
)
def could_not_refuse(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    gap = reached.refusal_gap({str(k): v for k, v in scans.items()})
    if gap is not None:
        where = f" ({gap['cmp']})" if gap.get("cmp") not in (None, "unknown") else ""
        yield Finding(
            "could-not-refuse",
            f"could not refuse on this site{where}: {gap['reason']}",
            ConsentState.REJECT,
            gap,
        )


@rule(
    "no-reject",
    "violation",
    "No way to reject on the banner's first layer",
    "CNIL guidelines (2020) and EDPB cookie banner taskforce report (2023)",
)
def no_reject(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    reject = scans.get(ConsentState.REJECT)
    if reached.first_layer_lacks_refusal(reject):
        yield Finding(
            "no-reject",
            "the banner offers no reject button on its first layer",
            ConsentState.REJECT,
            {"screenshot": screenshot(reject), "steps": (reached.answer(reject) or {})["steps"]},
        )


@rule(
    "no-banner",
    "warning",
    "No consent banner found",
    "ePrivacy Art. 5(3): consent is needed before non-necessary cookies",
)
def no_banner(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    searched = [scans[s] for s in (ConsentState.REJECT, ConsentState.ACCEPT) if s in scans]
    searched = [r for r in searched if r.evidence]  # a banner search was made
    if searched and not reached.banner_seen({str(k): v for k, v in scans.items()}):
        yield Finding(
            "no-banner",
            "no consent banner was found (no handler and no heuristic found one)",
            ConsentState.REJECT if ConsentState.REJECT in scans else ConsentState.ACCEPT,
            {"page": searched[0].evidence[0].get("page")},
        )
