"""Scan diffs on hand-built scans: what changed, and the findings judged like `check`."""

from __future__ import annotations

from cookiegov.compliance import CheckContext
from cookiegov.diff import diff_scans, summary_text
from cookiegov.models import Category, ConsentState
from tests.builders import DAY, cookie, request, scan

NONE = ConsentState.NONE


def test_cookies_hosts_categories_and_lifetimes() -> None:
    old = scan(NONE, [cookie("a"), cookie("b", Category.FUNCTIONAL), cookie("c")], scan_id=1)
    new = scan(
        NONE,
        [cookie("a", lifetime=300 * DAY), cookie("b", Category.ANALYTICS), cookie("d")],
        requests=[request("cdn.example")],
        scan_id=2,
    )
    d = diff_scans(old, new)
    assert [c["name"] for c in d["new_cookies"]] == ["d"]
    assert [c["name"] for c in d["removed_cookies"]] == ["c"]
    assert d["category_changes"] == [
        {"name": "b", "domain": "www.shop.test", "from": "functional", "to": "analytics"}
    ]
    assert [c["name"] for c in d["lifetime_changes"]] == ["a"]
    assert d["new_third_party_hosts"] == ["cdn.example"]
    assert d["changed"] and (d["from_scan"], d["to_scan"]) == (1, 2)


def test_no_change() -> None:
    same = scan(NONE, [cookie("a")])
    d = diff_scans(same, same)
    assert not d["changed"]
    assert summary_text(d) == "shop.test: no changes"


def test_new_violations_hold_violations_only() -> None:
    """Before: a 400-day necessary cookie (a warning) was listed under new_violations."""
    old = scan(NONE, [])
    new = scan(
        NONE, [cookie("_ga", Category.ANALYTICS), cookie("keep", lifetime=400 * DAY)], scan_id=2
    )
    d = diff_scans(old, new)
    assert [f["rule"] for f in d["new_violations"]] == ["pre-consent-cookie"]
    assert [f["rule"] for f in d["new_warnings"]] == ["lifetime"]
    assert all(f["severity"] == "violation" for f in d["new_violations"])
    assert "1 new violations, 1 new warnings" in summary_text(d)


def test_findings_use_the_configured_consent_period() -> None:
    """Before: diff judged the consent cookie against 182 days whatever was configured."""
    old = scan(NONE, [])
    new = scan(NONE, [cookie("cookiegov", lifetime=300 * DAY)])
    assert [f["rule"] for f in diff_scans(old, new)["new_warnings"]] == ["consent-lifetime"]
    d = diff_scans(old, new, CheckContext(consent_days=365))
    assert d["new_warnings"] == [] and d["new_violations"] == []
