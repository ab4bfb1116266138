"""Each registered compliance rule on small hand-built scans: milliseconds, no browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cookiegov.compliance import RULES, CheckContext, ComplianceReport, Report, check, rule
from cookiegov.compliance.registry import Severity
from cookiegov.errors import ScanError
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


def test_could_not_refuse_when_accept_found_a_banner_but_reject_did_not() -> None:
    scans = {
        REJECT: scan(REJECT, evidence=[banner(found=False, verification="no handler found it")]),
        ACCEPT: scan(ACCEPT, evidence=[banner(clicked="accept", screenshot="a.png", cmp="Klaro")]),
    }
    report = check(scans)
    assert rules_of(report) == ["could-not-refuse"]
    finding = report.findings[0]
    assert finding.evidence["cmp"] == "Klaro" and finding.evidence["screenshot"] == "a.png"
    assert report.failed("violations")


def test_no_after_reject_finding_without_a_verified_refusal() -> None:
    """Clicked, but the refusal did not take effect: one could-not-refuse, nothing claimed
    about what happens after Reject all."""
    reject = scan(
        REJECT,
        [cookie("_ga", Category.ANALYTICS)],
        requests=[request("www.google-analytics.com")],
        evidence=[banner(verified=False, verification="the banner is still shown")],
    )
    report = check({REJECT: reject})
    assert rules_of(report) == ["could-not-refuse"]
    assert "still shown" in report.findings[0].message


def test_no_reject_when_refusing_needed_the_settings() -> None:
    steps = ["opened settings 'Manage settings'", "switched off 'Analytics'", "saved with 'Save'"]
    scans = {REJECT: scan(REJECT, evidence=[banner(steps=steps, screenshot="r.png")])}
    report = check(scans)
    assert rules_of(report) == ["no-reject"]
    assert report.findings[0].evidence["screenshot"] == "r.png"


def test_no_banner_when_neither_state_found_one() -> None:
    scans = {
        REJECT: scan(REJECT, evidence=[banner(found=False)]),
        ACCEPT: scan(ACCEPT, evidence=[banner(found=False)]),
    }
    assert rules_of(check(scans)) == ["no-banner"]
    # A reject scan without evidence (no banner search made) says nothing about the banner.
    assert check({REJECT: scan(REJECT)}).findings == []
    # Found when accepting only: not "no banner", but a site the scanner could not refuse on.
    scans[ACCEPT] = scan(ACCEPT, evidence=[banner(clicked="accept")])
    assert rules_of(check(scans)) == ["could-not-refuse"]


def test_scan_limit_counts_what_a_page_could_not_add() -> None:
    cut = {
        "https://s.test/flood": {
            "cookies over the per-page limit": 4800,
            "unconfirmed script reports": 50,
        },
        "https://s.test/": {"unconfirmed script reports": 2},  # e.g. a deleted test cookie
    }
    report = check({NONE: scan(NONE, settings={"cut": cut})})
    assert rules_of(report) == ["scan-limit"]
    assert report.findings[0].evidence["cookies over the per-page limit"] == 4800
    assert not report.failed("violations") and report.failed("warnings")


def test_a_check_over_no_page_is_an_error() -> None:
    empty = scan(NONE)
    empty.pages.clear()
    with pytest.raises(ScanError, match="visited no page"):
        check({NONE: empty})


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


def test_pre_consent_unconfirmed_flags_a_guessed_necessary_cookie() -> None:
    import dataclasses

    from cookiegov.models import Classification

    guess = Classification(Category.NECESSARY, None, 0.41, "learned model: …", "model")
    guessed = dataclasses.replace(
        cookie("zz_guess"), classification=dataclasses.replace(guess, needs_review=True)
    )
    report = check({NONE: scan(NONE, [guessed, cookie("PHPSESSID", Category.NECESSARY)])})
    assert rules_of(report) == ["pre-consent-unconfirmed"]
    assert report.findings[0].severity is Severity.WARNING
    assert "zz_guess" in report.findings[0].message and "0.41" in report.findings[0].message
