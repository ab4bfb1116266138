"""Requests to trackers before any choice and after Reject all."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov import reached
from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, request_evidence
from cookiegov.compliance.registry import Scans, rule
from cookiegov.compliance.rules.before_choice import TRACKING
from cookiegov.domains import registrable_domain
from cookiegov.knowledge import builtin_hosts
from cookiegov.models import ConsentState, ScanResult, ThirdPartyRequest


def tracker_hosts(scans: Scans) -> dict[str, str]:
    """Registrable domains seen setting analytics/advertising cookies in any of the scans."""
    found: dict[str, str] = {}
    for result in scans.values():
        for c in result.cookies:
            if c.category in TRACKING:
                for host in (c.domain if c.third_party else None, c.set_by):
                    if host and registrable_domain(host) != result.site:
                        found.setdefault(
                            registrable_domain(host), f"sets {c.category.value} cookies ({c.name})"
                        )
    return found


def tracker_reason(request: ThirdPartyRequest, seen: dict[str, str]) -> str | None:
    """Why the request's host is a tracker (known, or seen setting such cookies), or None."""
    known = builtin_hosts().lookup(request.host)
    if known and known.category in TRACKING:
        return f"{known.vendor} ({known.category.value})"
    return seen.get(registrable_domain(request.host))


def _tracker_requests(
    scans: Scans, state: ConsentState, rule_id: str, when: str
) -> Iterator[Finding]:
    """One finding per tracker host the scan in ``state`` sent requests to."""
    result: ScanResult | None = scans.get(state)
    if result is None:
        return
    seen = tracker_hosts(scans)
    hosts: set[str] = set()
    for r in result.requests:
        if r.host in hosts:
            continue
        hosts.add(r.host)
        why = tracker_reason(r, seen)
        if why:
            evidence = request_evidence(r, state, why)
            yield Finding(rule_id, f"request to {r.host} {when}", state, evidence)


@rule(
    "pre-consent-request",
    "violation",
    "Tracker request before any choice",
    "ePrivacy Art. 5(3); EDPB Guidelines 2/2023 on the scope of Art. 5(3)",
)
def pre_consent_request(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    return _tracker_requests(scans, ConsentState.NONE, "pre-consent-request", "before any choice")


@rule(
    "after-reject-request",
    "violation",
    "Tracker request after Reject all",
    "GDPR Art. 7(3); ePrivacy Art. 5(3)",
)
def after_reject_request(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    if not reached.refusal_verified(scans.get(ConsentState.REJECT)):
        return iter(())  # only when Reject all was done and took effect
    return _tracker_requests(scans, ConsentState.REJECT, "after-reject-request", "after Reject all")
