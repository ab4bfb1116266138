"""Each registered compliance rule on small hand-built scans: milliseconds, no browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cookiegov.compliance import RULES, CheckContext, ComplianceReport, Report, check, rule
from cookiegov.compliance.registry import Severity
from cookiegov.models import Category, ConsentState
from tests.builders import DAY, banner, cookie, request, scan

ROOT = Path(__file__).resolve().parent.parent
NONE, REJECT, GPC, ACCEPT = (
    ConsentState.NONE,
    ConsentState.REJECT,
    ConsentState.GPC,
    ConsentState.ACCEPT,
)


def rules_of(report: ComplianceReport) -> list[str]:
    return [f.rule for f in report.findings]


def test_every_registered_rule_is_documented() -> None:
    text = (ROOT / "docs" / "governance.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (violation|warning) \|", text, re.M))
    for r in RULES.values():
        assert (r.id, r.severity.value) in documented, f"docs/governance.md misses rule {r.id}"


def test_every_registered_rule_has_a_unit_test_here() -> None:
    text = Path(__file__).read_text()
    for rule_id in RULES:
        assert f'"{rule_id}"' in text, f"no unit test names rule {rule_id}"


def test_a_rule_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        rule("lifetime", "warning", "again", "none")(lambda scans, ctx: [])


def test_report_keeps_its_old_name() -> None:
    assert Report is ComplianceReport


def test_clean_scans_have_no_findings() -> None:
    scans = {
        NONE: scan(NONE, [cookie("session_id", lifetime=None)]),
        REJECT: scan(REJECT, [cookie("session_id", lifetime=None)], evidence=[banner()]),
        ACCEPT: scan(ACCEPT, [cookie("_ga", Category.ANALYTICS)], evidence=[banner()]),
    }
    report = check(scans)
    assert report.findings == []
    assert report.to_dict()["summary"] == {"violations": 0, "warnings": 0}
    assert not report.failed("warnings")


def test_pre_consent_cookie_and_functional() -> None:
    report = check(
        {
            NONE: scan(
                NONE,
                [
                    cookie("_ga", Category.ANALYTICS),
                    cookie("lang", Category.FUNCTIONAL),
                    cookie("_fbp", Category.ADVERTISING, blocked="ThirdPartyPhaseout"),
                    cookie("sid", Category.NECESSARY),
                ],
            )
        }
    )
    assert rules_of(report) == ["pre-consent-cookie", "pre-consent-functional"]
    assert report.findings[0].evidence["cookie"] == "_ga"
    assert [f.severity for f in report.findings] == [Severity.VIOLATION, Severity.WARNING]
    assert report.failed("violations")


def test_pre_consent_request_known_and_learned_trackers() -> None:
    none = scan(
        NONE,
        [cookie("uid", Category.ADVERTISING, domain=".ads.example", third_party=True)],
        requests=[
            request("www.google-analytics.com"),
            request("www.google-analytics.com", path="/again"),  # same host: one finding
            request("pixel.ads.example"),  # seen setting advertising cookies
            request("cdn.fonts.example"),  # no tracker
        ],
    )
    report = check({NONE: none})
    hosts = [f.evidence["host"] for f in report.findings if f.rule == "pre-consent-request"]
    assert hosts == ["www.google-analytics.com", "pixel.ads.example"]


def test_after_reject_cookie_and_request() -> None:
    reject = scan(
        REJECT,
        [cookie("_ga", Category.ANALYTICS), cookie("sid")],
        requests=[request("www.google-analytics.com")],
        evidence=[banner(screenshot="shot.png")],
    )
    report = check({REJECT: reject})
    assert rules_of(report) == ["after-reject-request", "after-reject-cookie"]
    cookie_finding = report.findings[1]
    assert cookie_finding.state == "reject"
    assert cookie_finding.evidence["screenshot"] == "shot.png"


def test_after_gpc_only_advertising() -> None:
    gpc = scan(GPC, [cookie("_ga", Category.ANALYTICS), cookie("_fbp", Category.ADVERTISING)])
    assert [(f.rule, f.evidence["cookie"]) for f in check({GPC: gpc}).findings] == [
        ("after-gpc", "_fbp")
    ]


def test_no_reject_when_accept_found_a_banner() -> None:
    scans = {
        REJECT: scan(REJECT, evidence=[banner(found=False)]),
        ACCEPT: scan(ACCEPT, evidence=[banner(clicked="accept", screenshot="a.png")]),
    }
    report = check(scans)
    assert rules_of(report) == ["no-reject"]
    assert report.findings[0].evidence == {"screenshot": "a.png"}


def test_no_banner_when_neither_state_found_one() -> None:
    scans = {
        REJECT: scan(REJECT, evidence=[banner(found=False)]),
        ACCEPT: scan(ACCEPT, evidence=[banner(found=False)]),
    }
    assert rules_of(check(scans)) == ["no-banner"]
    # A reject scan without evidence (no banner search made) says nothing about the banner.
    assert check({REJECT: scan(REJECT)}).findings == []


def test_lifetime_once_per_cookie_across_states() -> None:
    long = cookie("_ga", Category.NECESSARY, lifetime=400 * DAY)
    scans = {NONE: scan(NONE, [long]), ACCEPT: scan(ACCEPT, [long])}
    report = check(scans)
    assert [(f.rule, f.state) for f in report.findings] == [("lifetime", "none")]
    assert check(scans, CheckContext(max_lifetime=500 * DAY)).findings == []
    assert check({NONE: scan(NONE, [cookie("s", lifetime=None)])}).findings == []


def test_consent_lifetime_follows_the_configured_period() -> None:
    scans = {NONE: scan(NONE, [cookie("cookiegov", lifetime=300 * DAY)])}
    assert rules_of(check(scans)) == ["consent-lifetime"]  # default 182 days
    assert check(scans, CheckContext(consent_days=365)).findings == []
    assert check(scans, consent_days=365).findings == []  # the older keyword form
    # One day of slack for rounding.
    assert check({NONE: scan(NONE, [cookie("cookiegov", lifetime=183 * DAY)])}).findings == []


def test_consent_lifetime_recognises_a_cmp_cookie_by_purpose() -> None:
    cmp_cookie = cookie("OptanonConsent", Category.NECESSARY, lifetime=365 * DAY, purpose="consent")
    other = cookie("cart", Category.NECESSARY, lifetime=365 * DAY, purpose="basket")
    found = check({NONE: scan(NONE, [cmp_cookie, other])}).findings
    assert [(f.rule, f.evidence["cookie"]) for f in found] == [
        ("consent-lifetime", "OptanonConsent")
    ]


def test_context_from_settings() -> None:
    from cookiegov.settings import Settings

    assert CheckContext.from_settings(Settings(consent_days=30)).consent_days == 30


def test_string_state_keys_still_work() -> None:
    report = check({"none": scan(NONE, [cookie("_ga", Category.ANALYTICS)], scan_id=4)})
    assert rules_of(report) == ["pre-consent-cookie"]
    assert report.scans == {"none": 4}
