"""Cookies that stay after the visitor refused: Reject all, or a Global Privacy Control signal."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov import reached
from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, cookie_evidence, screenshot, set_cookies
from cookiegov.compliance.registry import Scans, rule
from cookiegov.compliance.rules.before_choice import TRACKING
from cookiegov.models import Category, ConsentState


@rule(
    "after-reject-cookie",
    "violation",
    "Analytics or advertising cookie after Reject all",
    "GDPR Art. 7(3) and 4(11); ePrivacy Art. 5(3)",
)
def after_reject_cookie(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    reject = scans.get(ConsentState.REJECT)
    if not reached.refusal_verified(reject):
        return  # "after Reject all" only when Reject all was done and took effect
    shot = screenshot(reject)
    for c in set_cookies(scans, ConsentState.REJECT, TRACKING):
        yield Finding(
            "after-reject-cookie",
            f"{c.name} ({c.category.value}) is set after Reject all",
            ConsentState.REJECT,
            cookie_evidence(c, ConsentState.REJECT, shot),
        )


@rule(
    "after-gpc",
    "violation",
    "Advertising after a Global Privacy Control signal",
    "CCPA regulations §7025 (opt-out preference signals); GDPR Art. 21(5)",
)
def after_gpc(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    gpc = scans.get(ConsentState.GPC)
    if gpc is None or not any(p.status for p in gpc.pages):
        return  # the signal reached no page
    for c in set_cookies(scans, ConsentState.GPC, (Category.ADVERTISING,)):
        yield Finding(
            "after-gpc",
            f"{c.name} (advertising) is set despite GPC",
            ConsentState.GPC,
            cookie_evidence(c, ConsentState.GPC),
        )
