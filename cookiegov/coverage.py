"""A coverage-aware inventory: a smaller scan does not make cookies disappear.

A scan sees only the pages it visits. When a later scan visits fewer pages (``check
--max-pages 3`` after a full scan), a cookie the earlier scan saw on a page the later one did
not visit was not *gone*, it was *not looked for*. The cookie list of the banner and the
declaration keeps such cookies until a scan that visited at least one of the pages they were
seen on no longer sees them; diffs list them apart as "not rescanned", not as removed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cookiegov.models import ObservedCookie, ScanResult


def visited(result: ScanResult) -> set[str]:
    return {p.url for p in result.pages if p.status is not None and not p.error}


def not_rescanned(old: ScanResult, new: ScanResult) -> list[ObservedCookie]:
    """Cookies of ``old`` that ``new`` lacks only because it visited none of their pages."""
    seen_now = {c.key for c in new.cookies}
    pages_now = visited(new)
    return [
        c
        for c in old.cookies
        if c.key not in seen_now
        and not c.blocked_reason
        and c.pages
        and not pages_now.intersection(c.pages)
    ]


def carry_over(latest: ScanResult, earlier: list[ScanResult]) -> ScanResult:
    """``latest`` with the cookies of ``earlier`` scans (newest first) that no scan since
    has had the chance to see again; each carried cookie is listed in
    ``settings["carried_over"]`` with the scan it comes from."""
    cookies = list(latest.cookies)
    keys = {c.key for c in cookies}
    covered = visited(latest)
    carried: list[dict[str, Any]] = []
    for old in earlier:
        for c in not_rescanned(old, dataclasses.replace(latest, cookies=cookies)):
            if c.key in keys or covered.intersection(c.pages):
                continue
            keys.add(c.key)
            cookies.append(c)
            carried.append(
                {"name": c.name, "domain": c.domain, "scan_id": old.scan_id, "pages": list(c.pages)}
            )
        covered |= visited(old)
    if not carried:
        return latest
    settings = {**latest.settings, "carried_over": carried}
    return dataclasses.replace(latest, cookies=cookies, settings=settings)


def with_newer(baseline: ScanResult, newer: list[ScanResult]) -> ScanResult:
    """``baseline`` (an "Accept all" scan) with the cookies that scans made since it without
    a choice (``newer``, newest first) found and it lacks: a cookie set before any choice is
    set after "Accept all" too, and a later scan may have reached pages this one did not (a
    plain ``scan`` after a ``check``). Each is listed in ``settings["seen_since"]``."""
    cookies = list(baseline.cookies)
    keys = {c.key for c in cookies}
    seen: list[dict[str, Any]] = []
    for scan in newer:
        for c in scan.cookies:
            if c.key in keys:
                continue
            keys.add(c.key)
            cookies.append(c)
            seen.append({"name": c.name, "domain": c.domain, "scan_id": scan.scan_id})
    if not seen:
        return baseline
    settings = {**baseline.settings, "seen_since": seen}
    return dataclasses.replace(baseline, cookies=cookies, settings=settings)
