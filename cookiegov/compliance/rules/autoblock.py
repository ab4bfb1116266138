"""Analytics and advertising hosts of the site's own block list, contacted before any choice
or after Reject all.

The block list is what automatic blocking holds back (:func:`cookiegov.blocking.block_list`,
built from the accept scan): besides the hosts the tracker rules know, it holds what a listed
host's script loaded from elsewhere and the site's own per-host additions. A request to such a
host in the none or reject scan means something of a refused category fired."""

from __future__ import annotations

from collections.abc import Iterator

from cookiegov import reached
from cookiegov.blocking import block_list
from cookiegov.compliance.context import CheckContext
from cookiegov.compliance.findings import Finding, request_evidence
from cookiegov.compliance.registry import Scans, rule
from cookiegov.compliance.rules.before_choice import TRACKING
from cookiegov.compliance.rules.requests import tracker_hosts, tracker_reason
from cookiegov.models import ConsentState

RULE = "blocked-host-request"


@rule(
    RULE,
    "violation",
    "Request to a host of the site's block list before consent or after Reject all",
    "ePrivacy Art. 5(3); GDPR Art. 7(3)",
)
def blocked_host_request(scans: Scans, ctx: CheckContext) -> Iterator[Finding]:
    accepted = scans.get(ConsentState.ACCEPT)
    if accepted is None:
        return
    listed = block_list(accepted)
    seen = tracker_hosts(scans)
    for state, when in (
        (ConsentState.NONE, "before any choice"),
        (ConsentState.REJECT, "after Reject all"),
    ):
        result = scans.get(state)
        if state is ConsentState.REJECT and not reached.refusal_verified(result):
            continue  # "after Reject all" only after a verified refusal (could-not-refuse)
        hosts: set[str] = set()
        for r in result.requests if result else ():
            entry = listed.get(r.host)
            if entry is None or entry.category not in TRACKING or r.host in hosts:
                continue  # a functional host is the warning rules' matter
            if tracker_reason(r, seen):
                continue  # the tracker rules report it
            hosts.add(r.host)
            why = f"{entry.category.value} host of the site's accept scan ({entry.reason})"
            yield Finding(
                RULE, f"request to {r.host} {when}", state, request_evidence(r, state, why)
            )
