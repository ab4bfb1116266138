"""The scan itself: pages that tried to add more to their scan than any page may."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding
from cookiegov.compliance.registry import Scans, rule

_LIMIT = "over the per-page limit"


@rule(
    "scan-limit",
    "warning",
    "A page went over the scan's per-page limits",
    "Not a legal rule: the scan's integrity. The scanner caps the cookies, storage keys and"
    " script reports one page may add; what was left out is counted here",
)
def scan_limit(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    for state, result in scans.items():
        cuts = result.settings.get("cut") or {}
        for page, reasons in sorted(cuts.items()):
            over = {why: n for why, n in reasons.items() if why.endswith(_LIMIT)}
            if over:
                what = ", ".join(f"{n} {why}" for why, n in sorted(over.items()))
                yield Finding("scan-limit", f"{page}: {what}", state, {"page": page, **over})
