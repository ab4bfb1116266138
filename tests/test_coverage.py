"""A smaller scan does not shrink the inventory: cookies are kept until a scan that visited
their pages no longer sees them, and diffs list them as not rescanned."""

from __future__ import annotations

from cookiegov.coverage import carry_over, not_rescanned
from cookiegov.diff import diff_scans
from cookiegov.models import ObservedCookie, PageResult, ScanResult, SetVia
from cookiegov.storage import Database
from cookiegov.storage.scans import baseline_scan, save_scan

BASE = "https://www.s.test"


def cookie(name: str, *paths: str) -> ObservedCookie:
    return ObservedCookie(
        name=name,
        domain="www.s.test",
        path="/",
        expires=None,
        lifetime=86400.0,
        http_only=False,
        secure=True,
        same_site="Lax",
        third_party=False,
        set_via=(SetVia.HEADER,),
        set_by=f"{BASE}/",
        pages=tuple(f"{BASE}{p}" for p in paths),
    )


def scan(paths: list[str], cookies: list[ObservedCookie], scan_id: int | None = None) -> ScanResult:
    return ScanResult(
        url=f"{BASE}/",
        site="s.test",
        started_at="2026-11-29T10:00:00+00:00",
        finished_at="2026-11-29T10:01:00+00:00",
        consent="accept",
        pages=[PageResult(f"{BASE}{p}", 200) for p in paths],
        cookies=cookies,
        scan_id=scan_id,
    )


FULL = scan(
    ["/", "/shop", "/blog"], [cookie("a", "/"), cookie("cart", "/shop"), cookie("gone", "/")]
)
SMALL = scan(["/"], [cookie("a", "/")])


def test_cookies_of_unvisited_pages_are_carried_over_but_not_those_rescanned() -> None:
    merged = carry_over(SMALL, [FULL])
    names = {c.name for c in merged.cookies}
    assert "cart" in names  # /shop was not visited again
    assert "gone" not in names  # "/" was visited again and no longer sets it
    assert [c["name"] for c in merged.settings["carried_over"]] == ["cart"]
    assert [c.name for c in not_rescanned(FULL, SMALL)] == ["cart"]


def test_the_diff_says_not_rescanned_instead_of_removed() -> None:
    d = diff_scans(FULL, SMALL)
    assert [c["name"] for c in d["removed_cookies"]] == ["gone"]
    assert [c["name"] for c in d["not_rescanned"]] == ["cart"]


def test_the_baseline_keeps_what_a_smaller_scan_did_not_look_for(db: Database) -> None:
    save_scan(db, FULL)
    save_scan(db, SMALL)
    baseline = baseline_scan(db, "s.test")
    assert baseline is not None and {c.name for c in baseline.cookies} == {"a", "cart"}
    # A later scan that visits /shop again and does not see the cart cookie drops it.
    save_scan(db, scan(["/", "/shop"], [cookie("a", "/")]))
    baseline = baseline_scan(db, "s.test")
    assert baseline is not None and {c.name for c in baseline.cookies} == {"a"}
