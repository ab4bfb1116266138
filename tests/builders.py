"""Small builders of scan records for millisecond unit tests (no browser, no database)."""

from __future__ import annotations

from typing import Any

from cookiegov.models import (
    Category,
    Classification,
    ConsentState,
    ObservedCookie,
    PageResult,
    ScanResult,
    SetVia,
    ThirdPartyRequest,
)

SITE = "shop.test"
URL = "https://www.shop.test/"
DAY = 86400


def cookie(
    name: str,
    category: Category | str | None = Category.NECESSARY,
    *,
    domain: str = "www.shop.test",
    lifetime: float | None = 30 * DAY,
    third_party: bool = False,
    set_by: str | None = None,
    blocked: str | None = None,
    vendor: str | None = None,
    purpose: str | None = None,
    path: str = "/",
    secure: bool = True,
    http_only: bool = False,
    same_site: str | None = "Lax",
    set_via: tuple[SetVia, ...] = (SetVia.HEADER,),
    pages: tuple[str, ...] = (URL,),
    classification: Classification | None = None,
) -> ObservedCookie:
    """One observed cookie; ``category=None`` leaves it unclassified, ``classification``
    gives the whole answer instead."""
    if classification is None and category is not None:
        classification = Classification(Category(category), vendor, 0.9, "test", "kb", purpose)
    return ObservedCookie(
        name=name,
        domain=domain,
        path=path,
        expires=None if lifetime is None else 1_900_000_000.0,
        lifetime=lifetime,
        http_only=http_only,
        secure=secure,
        same_site=same_site,
        third_party=third_party,
        set_via=set_via,
        set_by=set_by,
        pages=pages,
        blocked_reason=blocked,
        classification=classification,
    )


def request(host: str, *, path: str = "/collect", kind: str = "image") -> ThirdPartyRequest:
    return ThirdPartyRequest(
        host=host, url=f"https://{host}{path}", resource_type=kind, initiator=None, page=URL
    )


def banner(found: bool = True, clicked: str | None = "reject", **more: Any) -> dict[str, Any]:
    """Consent evidence as the scanner records it (verified when found, unless told)."""
    return {
        "banner_found": found,
        "clicked": clicked if found else None,
        "page": URL,
        "verified": found,
        "steps": [f"clicked {clicked!r}"] if found else [],
        **more,
    }


def scan(
    state: ConsentState | str = ConsentState.NONE,
    cookies: list[ObservedCookie] | None = None,
    *,
    requests: list[ThirdPartyRequest] | None = None,
    evidence: list[dict[str, Any]] | None = None,
    scan_id: int | None = None,
    site: str = SITE,
    url: str = URL,
    settings: dict[str, Any] | None = None,
) -> ScanResult:
    return ScanResult(
        url=url,
        site=site,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:10+00:00",
        consent=str(ConsentState(state)),
        pages=[PageResult(url=url, status=200, title="Home")],
        cookies=cookies or [],
        requests=requests or [],
        evidence=evidence or [],
        settings=settings or {},
        scan_id=scan_id,
    )
