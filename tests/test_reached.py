"""Which consent states a scan reached: only verified refusals count as refusals."""

from __future__ import annotations

from typing import Any

import pytest

from cookiegov import reached
from cookiegov.errors import ScanError
from cookiegov.models import PageResult, ScanResult


def result(state: str, pages: int = 1, **evidence: Any) -> ScanResult:
    ev = {"state": state, "banner_found": False, "verified": False, "steps": [], **evidence}
    return ScanResult(
        url="https://s.test/",
        site="s.test",
        started_at="",
        finished_at="",
        consent=state,
        pages=[PageResult(f"https://s.test/{i}", 200) for i in range(pages)],
        cookies=[],
        evidence=[ev] if state in ("accept", "reject") else [],
    )


def test_a_verified_refusal_is_reached() -> None:
    ok = result("reject", banner_found=True, verified=True, steps=["clicked 'Reject all'"])
    results = {"reject": ok, "accept": result("accept", banner_found=True, verified=True)}
    assert reached.refusal_verified(ok) and reached.refusal_gap(results) is None
    assert not reached.first_layer_lacks_refusal(ok)
    second = result("reject", banner_found=True, verified=True, steps=["opened settings 'X'"])
    assert reached.first_layer_lacks_refusal(second)


def test_an_unverified_or_missing_refusal_is_a_gap_when_a_banner_was_seen() -> None:
    clicked = result("reject", banner_found=True, verified=False, verification="still shown")
    gap = reached.refusal_gap({"reject": clicked})
    assert gap is not None and gap["reason"] == "still shown" and gap["banner_found_when_refusing"]
    # No refusal found, but accepting found the banner: the site could not be refused.
    nothing = result("reject", verification="no handler found a consent banner")
    seen = result("accept", banner_found=True, verified=True, cmp="Klaro")
    gap = reached.refusal_gap({"reject": nothing, "accept": seen})
    assert gap is not None and gap["cmp"] == "Klaro" and not gap["banner_found_when_refusing"]


def test_no_banner_anywhere_is_not_a_refusal_gap() -> None:
    results = {"reject": result("reject"), "accept": result("accept"), "none": result("none")}
    assert not reached.banner_seen(results) and reached.refusal_gap(results) is None


def test_a_scan_without_pages_is_an_error() -> None:
    with pytest.raises(ScanError, match="visited no page"):
        reached.require_pages({"none": result("none"), "reject": result("reject", pages=0)})
