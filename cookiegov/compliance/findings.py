"""Findings, the report of one check, and the evidence attached to a finding."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from cookiegov.compliance.registry import RULES, Scans, Severity
from cookiegov.models import Category, ConsentState, ObservedCookie, ScanResult, ThirdPartyRequest


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    state: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def to_dict(self) -> dict[str, Any]:
        rule = RULES[self.rule]
        return {
            **asdict(self),
            "severity": rule.severity.value,
            "title": rule.title,
            "basis": rule.basis,
        }


@dataclass
class ComplianceReport:
    """The findings of one check over the scans of one site (was ``compliance.Report``)."""

    url: str
    findings: list[Finding]
    scans: dict[str, int | None]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.VIOLATION]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

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


def cookie_evidence(c: ObservedCookie, state: str, shot: str | None = None) -> dict[str, Any]:
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


def request_evidence(r: ThirdPartyRequest, state: str, why: str) -> dict[str, Any]:
    return {
        "request": r.url[:300],
        "host": r.host,
        "type": r.resource_type,
        "initiator": r.initiator,
        "page": r.page,
        "state": state,
        "tracker": why,
    }


def screenshot(result: ScanResult | None) -> str | None:
    """The banner screenshot of a scan, if it took one."""
    return result.evidence[0].get("screenshot") if result and result.evidence else None


def set_cookies(
    scans: Scans, state: ConsentState, categories: Collection[Category]
) -> Iterator[ObservedCookie]:
    """The cookies of ``categories`` that the scan in ``state`` saw set (not blocked)."""
    result = scans.get(state)
    for c in result.cookies if result else ():
        if c.category in categories and not c.blocked_reason:
            yield c
