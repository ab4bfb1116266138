"""The evidence report of a check: every section an auditor looks for, screenshots inlined,
scanned text escaped, fields of newer scanners shown when present; PDF by Chromium."""

from __future__ import annotations

import base64
import dataclasses
import re
from pathlib import Path

import pytest

from cookiegov.compliance import CheckContext, check
from cookiegov.evidence import CheckRun, evidence_html
from cookiegov.models import ConsentState, StorageItem, ThirdPartyRequest
from tests.builders import DAY, banner, cookie, request, scan

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()
HOSTILE = '<script>alert("x")</script>'


def results() -> dict[ConsentState, object]:
    tracker = cookie(
        "_ga", "analytics", domain=".shop.test", lifetime=730 * DAY, set_by="https://a.test/g.js"
    )
    evil = cookie(HOSTILE, "advertising", domain="ads.test", third_party=True, vendor=HOSTILE)
    beacon = ThirdPartyRequest(
        host="collect.test",
        url="https://collect.test/b?x=1",
        resource_type="ping",
        initiator=None,
        page="https://www.shop.test/",
        beacon=True,
    )
    store = StorageItem("localStorage", "https://www.shop.test", "ab_test", ("/",))
    none = dataclasses.replace(
        scan("none", [tracker, evil], requests=[request("ads.test"), beacon], evidence=[]),
        storage=[store],
    )
    reject = scan(
        "reject",
        [tracker],
        # as an older scanner recorded it: no verification, no steps
        evidence=[banner(clicked="Reject all", screenshot=PNG, verified=None, steps=[])],
    )
    accept = scan(
        "accept",
        [tracker, evil],
        evidence=[
            banner(
                clicked="Accept all",
                cmp="Cookiebot",
                handler="autoconsent",
                verified=True,
                verification="consent cookie CookieConsent now grants statistics",
                changed=["CookieConsent"],
                steps=["found #CybotCookiebotDialog", "clicked Accept all"],
                screenshot_before=PNG,
                screenshot_after=PNG,
            )
        ],
    )
    return {ConsentState.NONE: none, ConsentState.REJECT: reject, ConsentState.ACCEPT: accept}


def render() -> str:
    r = results()
    return evidence_html(r, check(r, CheckContext()))  # type: ignore[arg-type]


def test_every_section_an_auditor_needs() -> None:
    html = render()
    for heading in (
        "Findings",
        "Consent state “none”",
        "Consent state “reject”",
        "Consent state “accept”",
        "Scan settings",
    ):
        assert heading in html
    for part in ("Cookies (", "Storage (", "Third-party requests (", "Beacons (1)"):
        assert part in html
    assert "Legal basis:" in html and "ePrivacy" in html  # findings carry their basis
    assert "_ga" in html and "collect.test/b?x=1" in html and "ab_test" in html


def test_what_was_clicked_and_verified() -> None:
    html = render()
    accept = html.split("Consent state “accept”</h2>", 1)[1]
    assert "Cookiebot" in accept and "autoconsent" in accept
    assert re.search(r"<dt>Verified</dt><dd><span class=\"ok\">yes", accept)
    assert "clicked Accept all" in accept
    assert "consent cookie CookieConsent now grants statistics" in accept
    assert "Before the answer" in accept and "After the answer" in accept
    reject = html.split("Consent state “reject”</h2>", 1)[1].split("Consent state “accept”")[0]
    assert "Reject all" in reject and "not recorded by this scanner version" in reject


def test_self_contained_and_escaped() -> None:
    html = render()
    assert HOSTILE not in html and "&lt;script&gt;alert" in html
    assert "<script" not in html
    assert f"data:image/png;base64,{PNG}" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing loaded from outside
    assert "@media print" in html and "break-before:page" in html


def test_a_screenshot_that_is_not_base64_is_left_out() -> None:
    r = results()
    r[ConsentState.REJECT].evidence[0]["screenshot"] = '" onerror="alert(1)'  # type: ignore[attr-defined]
    html = evidence_html(r, check(r, CheckContext()))  # type: ignore[arg-type]
    assert "onerror" not in html


@pytest.mark.browser
def test_the_pdf_is_printed_by_chromium(tmp_path: Path) -> None:
    from cookiegov.services.reports import evidence_pdf

    r = results()
    pdf = evidence_pdf(CheckRun(r, check(r, CheckContext())))  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 3


def test_binary_formats_go_to_a_file(tmp_path: Path) -> None:
    from cookiegov.cli.common import write_output

    target = tmp_path / "report.pdf"
    write_output(
        b"%PDF-1.7 test", {"pdf": lambda b: b, "table": str}, None, str(target), default="table"
    )
    assert target.read_bytes() == b"%PDF-1.7 test"
