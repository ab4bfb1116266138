"""Running every registered rule over the scans of one site."""

from __future__ import annotations

from collections.abc import Mapping

import cookiegov.compliance.rules  # noqa: F401  (registers the built-in rules)
from cookiegov import reached
from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import ComplianceReport, Finding
from cookiegov.compliance.registry import RULES
from cookiegov.models import ConsentState, ScanResult


def check(
    scans: Mapping[ConsentState, ScanResult] | Mapping[str, ScanResult],
    ctx: CheckContext | None = None,
    *,
    consent_days: int | None = None,
    consent_cookie: str | None = None,
) -> ComplianceReport:
    """Every registered rule over ``scans`` (by consent state), judged against ``ctx``.

    ``consent_days`` / ``consent_cookie`` are the older keyword form; prefer
    ``CheckContext.from_settings(settings)`` so that every caller judges alike.
    """
    ctx = ctx or CheckContext()
    if consent_days is not None or consent_cookie is not None:
        ctx = CheckContext(
            consent_days=ctx.consent_days if consent_days is None else consent_days,
            consent_cookie=ctx.consent_cookie if consent_cookie is None else consent_cookie,
            max_lifetime=ctx.max_lifetime,
        )
    by_state = {ConsentState(state): result for state, result in scans.items()}
    reached.require_pages({str(k): v for k, v in by_state.items()})  # zero pages: an error
    findings: list[Finding] = []
    for registered in RULES.values():
        if registered.check is not None:
            findings.extend(registered.check(by_state, ctx))
    first = next(iter(by_state.values()), None)
    return ComplianceReport(
        url=first.url if first else "",
        findings=findings,
        scans={str(state): result.scan_id for state, result in by_state.items()},
    )
