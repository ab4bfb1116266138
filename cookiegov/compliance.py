"""Compliance checks over scans of one site in the none, reject, gpc and accept states.

Each finding names its rule, severity, evidence (cookie or request, setter, page, state,
banner screenshot) and the text it rests on; docs/governance.md explains every rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cookiegov.domains import registrable_domain
from cookiegov.knowledge import builtin_hosts
from cookiegov.models import Category, ObservedCookie, ScanResult, ThirdPartyRequest

MAX_LIFETIME = 395 * 86400  # 13 months (CNIL)
TRACKING = (Category.ANALYTICS, Category.ADVERTISING)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # violation | warning
    title: str
    basis: str


RULES = {
    r.id: r
    for r in (
        Rule(
            "pre-consent-cookie",
            "violation",
            "Non-necessary cookie before any choice",
            "ePrivacy Art. 5(3); GDPR Art. 6(1)(a), 7; EDPB Guidelines 05/2020",
        ),
        Rule(
            "pre-consent-request",
            "violation",
            "Tracker request before any choice",
            "ePrivacy Art. 5(3); EDPB Guidelines 2/2023 on the scope of Art. 5(3)",
        ),
        Rule(
            "pre-consent-functional",
            "warning",
            "Preference cookie before any choice",
            "ePrivacy Art. 5(3): exempt only when strictly necessary for a requested service",
        ),
        Rule(
            "pre-consent-unconfirmed",
            "warning",
            "Cookie taken as necessary, with too little evidence, before any choice",
            "ePrivacy Art. 5(3): the exemption needs the cookie to be strictly necessary",
        ),
        Rule(
            "after-reject-cookie",
            "violation",
            "Analytics or advertising cookie after Reject all",
            "GDPR Art. 7(3) and 4(11); ePrivacy Art. 5(3)",
        ),
        Rule(
            "after-reject-request",
            "violation",
            "Tracker request after Reject all",
            "GDPR Art. 7(3); ePrivacy Art. 5(3)",
        ),
        Rule(
            "after-gpc",
            "violation",
            "Advertising after a Global Privacy Control signal",
            "CCPA regulations §7025 (opt-out preference signals); GDPR Art. 21(5)",
        ),
        Rule(
            "lifetime",
            "warning",
            "Cookie lives longer than 13 months",
            "CNIL guidelines on cookies (2020): 13 months at most",
        ),
        Rule(
            "no-reject",
            "violation",
            "No way to reject on the banner's first layer",
            "CNIL guidelines (2020) and EDPB cookie banner taskforce report (2023)",
        ),
        Rule(
            "no-banner",
            "warning",
            "No consent banner found",
            "ePrivacy Art. 5(3): consent is needed before non-necessary cookies",
        ),
        Rule(
            "consent-lifetime",
            "warning",
            "Consent cookie outlives the configured period",
            "CNIL recommends asking again after 6 months; GDPR Art. 7(1) proof of consent",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    state: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return RULES[self.rule].severity

    def to_dict(self) -> dict[str, Any]:
        rule = RULES[self.rule]
        return {**asdict(self), "severity": rule.severity, "title": rule.title, "basis": rule.basis}


@dataclass
class Report:
    url: str
    findings: list[Finding]
    scans: dict[str, int | None]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, fail_on: str | None) -> bool:
        if fail_on == "violations":
            return bool(self.violations)
        if fail_on == "warnings":
            return bool(self.findings)
        return False

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "scans": self.scans,
            "summary": {"violations": len(self.violations), "warnings": len(self.warnings)},
            "findings": [f.to_dict() for f in self.findings],
        }


def _cookie_evidence(c: ObservedCookie, state: str, shot: str | None) -> dict[str, Any]:
    return {
        "cookie": c.name,
        "domain": c.domain,
        "category": c.category.value,
        "vendor": c.classification.vendor if c.classification else None,
        "setter": c.set_by,
        "page": c.pages[0] if c.pages else None,
        "state": state,
        "screenshot": shot,
    }


def _request_evidence(r: ThirdPartyRequest, state: str, why: str) -> dict[str, Any]:
    return {
        "request": r.url[:300],
        "host": r.host,
        "type": r.resource_type,
        "initiator": r.initiator,
        "page": r.page,
        "state": state,
        "tracker": why,
    }


def tracker_hosts(results: dict[str, ScanResult]) -> dict[str, str]:
    """Registrable domains known as trackers, or seen setting analytics/advertising cookies."""
    found: dict[str, str] = {}
    for result in results.values():
        for c in result.cookies:
            if c.category in TRACKING:
                for host in (c.domain if c.third_party else None, c.set_by):
                    if host and registrable_domain(host) != result.site:
                        found.setdefault(
                            registrable_domain(host), f"sets {c.category.value} cookies ({c.name})"
                        )
    return found


def _is_tracker(request: ThirdPartyRequest, extra: dict[str, str]) -> str | None:
    known = builtin_hosts().lookup(request.host)
    if known and known.category in TRACKING:
        return f"{known.vendor} ({known.category.value})"
    return extra.get(registrable_domain(request.host))


def _shot(result: ScanResult) -> str | None:
    return result.evidence[0].get("screenshot") if result.evidence else None


def check(
    results: dict[str, ScanResult], *, consent_days: int = 182, consent_cookie: str = "cookiegov"
) -> Report:
    findings: list[Finding] = []
    extra = tracker_hosts(results)
    none = results.get("none")
    if none is not None:
        for c in none.cookies:
            if c.blocked_reason:
                continue
            if c.category in TRACKING:
                findings.append(
                    Finding(
                        "pre-consent-cookie",
                        f"{c.name} ({c.category.value}) is set before any choice",
                        "none",
                        _cookie_evidence(c, "none", None),
                    )
                )
            elif c.category is Category.NECESSARY and c.needs_review:
                confidence = c.classification.confidence if c.classification else 0.0
                findings.append(
                    Finding(
                        "pre-consent-unconfirmed",
                        f"{c.name} is set before any choice and only probably necessary "
                        f"(confidence {confidence:.2f}): confirm its category",
                        "none",
                        _cookie_evidence(c, "none", None),
                    )
                )
            elif c.category is Category.FUNCTIONAL:
                findings.append(
                    Finding(
                        "pre-consent-functional",
                        f"{c.name} (functional) is set before any choice",
                        "none",
                        _cookie_evidence(c, "none", None),
                    )
                )
        findings += _tracker_requests(none, "pre-consent-request", "before any choice", extra)
    reject = results.get("reject")
    if reject is not None:
        banner = reject.evidence[0] if reject.evidence else None
        accept = results.get("accept")
        accept_found = bool(accept and accept.evidence and accept.evidence[0].get("banner_found"))
        if banner is not None and not banner.get("banner_found"):
            if accept_found:
                findings.append(
                    Finding(
                        "no-reject",
                        "the banner offers no reject button on its first layer",
                        "reject",
                        {"screenshot": _shot(accept) if accept else None},
                    )
                )
            else:
                findings.append(
                    Finding(
                        "no-banner",
                        "no consent banner was found",
                        "reject",
                        {"page": banner.get("page")},
                    )
                )
        for c in reject.cookies:
            if c.category in TRACKING and not c.blocked_reason:
                findings.append(
                    Finding(
                        "after-reject-cookie",
                        f"{c.name} ({c.category.value}) is set after Reject all",
                        "reject",
                        _cookie_evidence(c, "reject", _shot(reject)),
                    )
                )
        findings += _tracker_requests(reject, "after-reject-request", "after Reject all", extra)
    gpc = results.get("gpc")
    if gpc is not None:
        for c in gpc.cookies:
            if c.category is Category.ADVERTISING and not c.blocked_reason:
                findings.append(
                    Finding(
                        "after-gpc",
                        f"{c.name} (advertising) is set despite GPC",
                        "gpc",
                        _cookie_evidence(c, "gpc", None),
                    )
                )
    seen: set[tuple[str, str, str]] = set()
    for state, result in results.items():
        for c in result.cookies:
            if c.key in seen or c.lifetime is None:
                continue
            seen.add(c.key)
            if c.lifetime > MAX_LIFETIME:
                findings.append(
                    Finding(
                        "lifetime",
                        f"{c.name} asks to live {c.lifetime / 86400:.0f} days",
                        state,
                        _cookie_evidence(c, state, None),
                    )
                )
            consentish = c.name == consent_cookie or (
                c.classification is not None
                and c.category is Category.NECESSARY
                and "consent" in (c.classification.purpose or c.name).lower()
            )
            if consentish and c.lifetime > consent_days * 86400 + 86400:
                findings.append(
                    Finding(
                        "consent-lifetime",
                        f"consent cookie {c.name} lives "
                        f"{c.lifetime / 86400:.0f} days (configured: "
                        f"{consent_days})",
                        state,
                        _cookie_evidence(c, state, None),
                    )
                )
    return Report(
        url=next(iter(results.values())).url if results else "",
        findings=findings,
        scans={state: r.scan_id for state, r in results.items()},
    )


def _tracker_requests(
    result: ScanResult, rule: str, when: str, extra: dict[str, str]
) -> list[Finding]:
    """One finding per tracker host the scan sent requests to."""
    findings = []
    for r in _unique(result.requests):
        why = _is_tracker(r, extra)
        if why:
            findings.append(
                Finding(
                    rule,
                    f"request to {r.host} {when}",
                    result.consent,
                    _request_evidence(r, result.consent, why),
                )
            )
    return findings


def _unique(requests: list[ThirdPartyRequest]) -> list[ThirdPartyRequest]:
    seen: set[str] = set()
    out = []
    for r in requests:
        if r.host not in seen:
            seen.add(r.host)
            out.append(r)
    return out
