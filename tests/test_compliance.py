"""Compliance checks against the fixture sites, in real Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cookiegov.compliance import RULES, Report, check
from cookiegov.models import ScanResult
from cookiegov.services.scanning import scan_states
from fixtures.server import FixtureServer

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).parent / "cookiegov"


def run_check(server: FixtureServer, url: str) -> tuple[Report, dict[str, ScanResult]]:
    settings = server.settings(max_pages=3, concurrency=2)
    results = scan_states(url, settings)
    return check(results), results


def rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def test_site_without_banner_violates_before_consent(shop_states: dict) -> None:
    report = check(shop_states)
    found = rules(report)
    assert {"pre-consent-cookie", "pre-consent-request", "no-banner", "after-gpc"} <= found
    # Nothing was refused (there is no banner): nothing is claimed about "after Reject all".
    assert not found & {"after-reject-cookie", "after-reject-request", "could-not-refuse"}
    cookie = next(
        f
        for f in report.findings
        if f.rule == "pre-consent-cookie" and f.evidence["cookie"] == "adnet_uid"
    )
    assert cookie.evidence["setter"].startswith("https://ads.adnet.test/pixel.gif")
    assert cookie.evidence["page"].startswith("https://www.shop.test/")
    hosts = {f.evidence["host"] for f in report.findings if f.rule == "pre-consent-request"}
    assert {"cdn.metrics.test", "ads.adnet.test"} <= hosts
    assert report.failed("violations")


def test_a_consent_manager_that_waits_is_compliant(boulangerie_states: dict) -> None:
    report = check(boulangerie_states)
    assert report.violations == [], [f.message for f in report.violations]
    assert boulangerie_states["accept"].evidence[0]["banner_found"]


def test_banner_without_first_layer_reject(fixture_server: FixtureServer) -> None:
    report, _ = run_check(fixture_server, "https://www.no-reject.test/")
    finding = next(f for f in report.findings if f.rule == "no-reject")
    assert finding.severity == "violation" and finding.evidence["screenshot"]
    # Its settings are a separate page with no refusal: the scanner could not refuse.
    assert "could-not-refuse" in rules(report)
    assert not rules(report) & {"after-reject-cookie", "after-reject-request"}


def test_every_rule_has_a_basis() -> None:
    assert all(r.basis and r.severity in ("violation", "warning") for r in RULES.values())


def test_check_command_fails_on_violations(fixture_server: FixtureServer, tmp_path: Path) -> None:
    out = tmp_path / "check.html"
    r = subprocess.run(
        [
            str(BIN),
            "--db",
            f"sqlite:///{tmp_path / 'c.db'}",
            "check",
            "https://www.shop.test/",
            "--max-pages",
            "1",
            f"--browser-arg={fixture_server.resolver_rule}",
            "--ignore-https-errors",
            "--fail-on",
            "violations",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 7, r.stderr
    html = out.read_text()
    assert "violation(s)" in html and "Non-necessary cookie before any choice" in html
