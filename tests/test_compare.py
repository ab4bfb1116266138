"""What each consent state adds over no choice (hand-built scans, no browser)."""

from __future__ import annotations

from rich.console import Console

from cookiegov.compare import comparison
from cookiegov.models import Category, ConsentState
from cookiegov.report import comparison_table
from tests.builders import banner, cookie, request, scan


def test_each_state_lists_what_it_adds_over_none() -> None:
    results = {
        ConsentState.NONE: scan(ConsentState.NONE, [cookie("sid")], scan_id=1),
        ConsentState.REJECT: scan(
            ConsentState.REJECT,
            [cookie("sid"), cookie("cookiegov")],
            evidence=[banner(screenshot="r.png")],
            scan_id=2,
        ),
        ConsentState.ACCEPT: scan(
            ConsentState.ACCEPT,
            [cookie("sid"), cookie("_ga", Category.ANALYTICS)],
            requests=[request("www.google-analytics.com")],
            evidence=[banner(clicked="accept")],
            scan_id=3,
        ),
    }
    data = comparison(results)
    assert list(data["states"]) == ["none", "reject", "accept"]
    assert "none" not in data["adds"]
    assert [c["name"] for c in data["adds"]["reject"]["cookies"]] == ["cookiegov"]
    assert data["adds"]["accept"]["hosts"] == ["www.google-analytics.com"]
    assert data["states"]["accept"]["by_category"]["analytics"] == 1
    assert "screenshot" not in data["states"]["reject"]["banner"]  # paths stay out of reports
    console = Console(width=200, record=True)
    console.print(comparison_table(data))
    text = console.export_text()
    assert "_ga (analytics)" in text and "accept" in text
