"""Ad opt-out status from hand-built scans and records (no browser, no database)."""

from __future__ import annotations

from cookiegov.models import Category, ConsentState
from cookiegov.optout import refusal_series, vendor_status, visitor_status
from tests.builders import cookie, request, scan

AD = Category.ADVERTISING


def test_vendor_honours_reject_but_not_gpc() -> None:
    ad = cookie("_adn", AD, domain=".adnet.example", third_party=True, vendor="AdNet")
    baseline = scan(ConsentState.ACCEPT, [ad], requests=[request("px.adnet.example")])
    reject = scan(ConsentState.REJECT, [], scan_id=5)
    gpc = scan(ConsentState.GPC, [ad], requests=[request("px.adnet.example")], scan_id=6)
    [row] = vendor_status(baseline, reject, gpc)
    assert row["vendor"] == "AdNet" and row["cookies"] == ["_adn"]
    assert row["reject"] == {"honoured": True, "cookies": [], "requests": [], "scan_id": 5}
    assert row["gpc"]["honoured"] is False
    assert row["gpc"]["cookies"] == ["_adn"] and row["gpc"]["requests"] == ["px.adnet.example"]
    assert vendor_status(baseline, None, None)[0]["gpc"]["honoured"] is None
    assert vendor_status(None, reject, gpc) == []


def test_refusals_by_banner_and_gpc_per_day() -> None:
    records = [
        {"created_at": "2026-11-18T09:00:00", "gpc": False, "choices": {"advertising": True}},
        {"created_at": "2026-11-18T10:00:00", "gpc": True, "choices": {"advertising": False}},
        {"created_at": "2026-11-18T11:00:00", "gpc": False, "choices": {}},
    ]
    [day] = refusal_series(records)
    assert (day["choices"], day["refused_advertising"], day["share_refused"]) == (3, 2, 0.6667)
    assert day["by_gpc"] == {"choices": 1, "refused": 1, "overrides": 0}


def test_visitor_status_since_the_first_refusal_in_a_row() -> None:
    base = {"consent_id": "c1", "gpc": False, "action": "grant", "method": "banner"}
    records = [
        {**base, "created_at": "1", "choices": {"advertising": True}},
        {**base, "created_at": "2", "choices": {"advertising": False}},
        {**base, "created_at": "3", "choices": {"advertising": False}, "gpc": True},
    ]
    status = visitor_status(records)
    assert status == {
        "consent_id": "c1",
        "advertising_refused": True,
        "since": "2",
        "gpc_override": False,
        "signal": "gpc",
    }
