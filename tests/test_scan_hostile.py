"""Hostile pages never hang or crash a scan: each ends scanned or with a recorded error."""

from __future__ import annotations

import time

import pytest

from cookiegov.compliance import check
from cookiegov.models import ScanResult
from fixtures.server import FixtureServer
from scanner.scan import scan_site

pytestmark = pytest.mark.browser
BUDGET = 6.0


@pytest.fixture(scope="module")
def hostile_scan(fixture_server: FixtureServer) -> tuple[ScanResult, float]:
    settings = fixture_server.settings(
        browser_args=["--js-flags=--max-old-space-size=64"],
        max_pages=20,
        concurrency=2,
        page_timeout=BUDGET,
        use_sitemap=False,
        max_per_template=0,
        retries=0,
    )
    began = time.monotonic()
    result = scan_site("https://hostile.test/", settings)
    return result, time.monotonic() - began


def page(result: ScanResult, path: str):  # type: ignore[no-untyped-def]
    found = [p for p in result.pages if p.url == f"https://hostile.test{path}"]
    assert found, f"{path} not visited: {[p.url for p in result.pages]}"
    return found[0]


def test_every_hostile_page_ends_within_its_budget(hostile_scan: tuple[ScanResult, float]) -> None:
    result, elapsed = hostile_scan
    assert len(result.pages) == 15
    for p in result.pages:
        assert p.elapsed_ms <= BUDGET * 1000 + 8000, (p.url, p.elapsed_ms)
    assert elapsed < 15 * (BUDGET + 8) / 2 + 20


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/redirect-loop", None, "redirect loop"),
        ("/busy-loop", None, "timed out"),
        ("/hang", None, "timed out"),
        ("/download", None, "download"),
        ("/missing", 404, None),
        ("/error", 500, None),
        ("/dialogs", 200, None),
        ("/popup", 200, None),
        ("/slow", 200, None),
        ("/api/status", 200, None),
        ("/navigate-away", 200, None),
    ],
)
def test_each_hostile_page(
    hostile_scan: tuple[ScanResult, float], path: str, status: int | None, error: str | None
) -> None:
    p = page(hostile_scan[0], path)
    assert p.status == status, p
    if error:
        assert p.error and error in p.error, p
    else:
        assert p.error is None, p


def test_huge_page_is_read_or_times_out_with_its_cookie_kept(
    hostile_scan: tuple[ScanResult, float],
) -> None:
    p = page(hostile_scan[0], "/huge")
    # Read in time, or cut off at the budget (before or after its response arrived).
    assert p.status in (200, None) and p.error in (None, f"timed out after {BUDGET:g}s"), p
    assert "huge_seen" in {c.name for c in hostile_scan[0].cookies}


def test_crash_is_recorded(hostile_scan: tuple[ScanResult, float]) -> None:
    p = page(hostile_scan[0], "/oom")
    assert p.error in ("the renderer crashed", f"timed out after {BUDGET:g}s"), p


def test_cookies_from_pages_that_survived(hostile_scan: tuple[ScanResult, float]) -> None:
    names = {c.name for c in hostile_scan[0].cookies}
    assert {"huge_seen", "dialog_ok", "slow_ok", "ok_seen"} <= names


def test_a_page_cannot_forge_its_scan(fixture_server: FixtureServer) -> None:
    """Invented cookies and keys, a posed-as caller, a flood and a fake banner API."""
    settings = fixture_server.settings(
        max_pages=1,
        use_sitemap=False,
        consent="reject",
    )
    result = scan_site("https://www.forger.test/", settings)
    names = {c.name for c in result.cookies}
    assert not {n for n in names if n.startswith("_ga")}, "an invented cookie got in"
    assert "_forged_key" not in {s.key for s in result.storage}
    own = next(c for c in result.cookies if c.name == "own_cookie")  # set after the flood
    assert own.set_by is None or "google-analytics" not in own.set_by
    cut = result.settings["cut"]["https://www.forger.test/"]
    # The browser holds at most 180 cookies per domain: what it dropped is never claimed.
    assert len(names) <= 200 and cut.get("cookies over the per-page limit", 0) == 0
    assert cut["unconfirmed script reports"] >= 50  # the invented ones, and the evicted ones
    assert cut["script reports over the per-page limit"] >= 1
    assert len(result.storage) == 200 and cut["storage over the per-page limit"] >= 4800
    evidence = result.evidence[0]
    assert not evidence["verified"], evidence  # the fake banner API wrote no consent
    rules = {f.rule for f in check({"reject": result}).findings}
    assert "scan-limit" in rules and "after-reject-cookie" not in rules
