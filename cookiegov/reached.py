"""Which consent states a scan really reached, from the scanner's own evidence.

A compliance finding about what happens "after Reject all" is a promise that the scanner
refused and that the refusal took effect. These functions read the consent evidence a scan
stores (``ScanResult.evidence``: handler, steps, verification) and say whether that holds, so
that a rule claims only what was reached, and a check that could not do its job says so.
"""

from __future__ import annotations

from typing import Any

from cookiegov.errors import ScanError
from cookiegov.models import ScanResult


def answer(result: ScanResult | None) -> dict[str, Any] | None:
    """The consent evidence of a scan (its first answered page), if any."""
    return result.evidence[0] if result is not None and result.evidence else None


def banner_seen(results: dict[str, ScanResult]) -> bool:
    """Whether any handler or heuristic found a consent banner in any state."""
    return any((answer(r) or {}).get("banner_found") for r in results.values())


def refusal_verified(result: ScanResult | None) -> bool:
    """The scan refused and the refusal was verified (the handler's check held and the
    consent state was written)."""
    ev = answer(result)
    return bool(
        result is not None
        and str(result.consent) == "reject"
        and ev
        and ev.get("banner_found")
        and ev.get("verified")
    )


def first_layer_lacks_refusal(result: ScanResult | None) -> bool:
    """Refusing had to open the banner's settings (whether it then succeeded or not): the
    scanner found no refusal on the first layer."""
    ev = answer(result) or {}
    steps = ev.get("steps") or []
    return (
        result is not None
        and str(result.consent) == "reject"
        and bool(ev.get("banner_found"))
        and bool(steps)
        and str(steps[0]).startswith("opened settings")
    )


def refusal_gap(results: dict[str, ScanResult]) -> dict[str, Any] | None:
    """Evidence for "could not refuse on this site": a banner was seen but no verified
    refusal was reached (None when refused, when no reject scan ran, or when no banner
    was found at all: that is a different result)."""
    reject = results.get("reject")
    if reject is None or refusal_verified(reject) or not banner_seen(results):
        return None
    ev = answer(reject) or {}
    seen = ev if ev.get("banner_found") else answer(results.get("accept")) or {}
    return {
        "page": ev.get("page") or reject.url,
        "banner_found_when_refusing": bool(ev.get("banner_found")),
        "cmp": seen.get("cmp"),
        "handler": ev.get("method"),
        "steps": ev.get("steps") or [],
        "reason": ev.get("verification") or "no refusal was found",
        "attempts": ev.get("attempts") or [],
        "screenshot": ev.get("screenshot_after") or ev.get("screenshot") or seen.get("screenshot"),
    }


def require_pages(results: dict[str, ScanResult]) -> None:
    """A check over a scan that visited no page proves nothing: an error, never a pass."""
    for state, result in results.items():
        if not result.pages:
            raise ScanError(f"the {state} scan of {result.url} visited no page")
