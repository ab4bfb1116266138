"""Saving and reading scans with their pages, cookies, storage keys and requests."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Table, desc, insert, select

from cookiegov.classification.review import DEFAULT_REVIEW_THRESHOLD
from cookiegov.models import (
    COMPARE_ORDER,
    Category,
    Classification,
    ConsentState,
    ObservedCookie,
    PageResult,
    ScanResult,
    SetVia,
    StorageItem,
    ThirdPartyRequest,
)
from cookiegov.settings import redact
from cookiegov.storage.database import Database
from cookiegov.storage.schema import cookies, pages, requests, scans, sites, storage_items


def storable(value: Any) -> Any:
    """``value`` as both engines store it: without NUL (PostgreSQL refuses it) and with any
    unpaired surrogate replaced (not UTF-8), inside lists and dicts too."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    return value


def _fit(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row of what a site or browser reported, fit to ``table``: every text cleaned and cut
    to its column's length, so that no value a site sends can lose a scan."""
    out = {}
    for key, value in row.items():
        value = storable(value)
        column = table.c.get(key)
        length = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and length and len(value) > length:
            value = value[:length]
        out[key] = value
    return out


def save_scan(db: Database, result: ScanResult) -> ScanResult:
    """Store a finished scan in one transaction; returns it with its ``scan_id``.

    Values come from the scanned site (cookie attributes, titles, URLs): each is stored as
    reported, cleaned of what a database cannot hold and cut to its column (:func:`_fit`).
    """
    with db.begin() as conn:
        site_id = db.site_id(conn, result.site)
        scan_id = conn.execute(
            insert(scans)
            .values(
                **_fit(
                    scans,
                    {
                        "url": result.url,
                        "consent": result.consent,
                        "started_at": result.started_at,
                        "finished_at": result.finished_at,
                        "settings": redact(result.settings),
                        "evidence": result.evidence,
                    },
                ),
                site_id=site_id,
                status="done",
                page_count=len(result.pages),
                cookie_count=len(result.cookies),
            )
            .returning(scans.c.id)
        ).scalar_one()
        if result.pages:
            conn.execute(
                insert(pages),
                [_fit(pages, {"scan_id": scan_id, **dataclasses.asdict(p)}) for p in result.pages],
            )
        if result.cookies:
            conn.execute(
                insert(cookies), [_fit(cookies, _cookie_row(scan_id, c)) for c in result.cookies]
            )
        if result.storage:
            conn.execute(
                insert(storage_items),
                [
                    _fit(
                        storage_items,
                        {**dataclasses.asdict(s), "scan_id": scan_id, "pages": list(s.pages)},
                    )
                    for s in result.storage
                ],
            )
        if result.requests:
            conn.execute(
                insert(requests),
                [
                    _fit(requests, {**dataclasses.asdict(r), "scan_id": scan_id})
                    for r in result.requests
                ],
            )
    return dataclasses.replace(result, scan_id=int(scan_id))


def _cookie_row(scan_id: int, c: ObservedCookie) -> dict[str, Any]:
    cl = c.classification
    return {
        "scan_id": scan_id,
        "name": c.name,
        "domain": c.domain,
        "path": c.path,
        "expires": c.expires,
        "lifetime": c.lifetime,
        "http_only": c.http_only,
        "secure": c.secure,
        "same_site": c.same_site,
        "third_party": c.third_party,
        "set_via": ",".join(v.value for v in c.set_via),
        "set_by": c.set_by,
        "pages": list(c.pages),
        "category": c.category.value,
        "vendor": cl.vendor if cl else None,
        "confidence": cl.confidence if cl else 0.0,
        "reason": cl.reason if cl else None,
        "purpose": cl.purpose if cl else None,
        "needs_review": c.needs_review,
        "blocked_reason": c.blocked_reason,
        "value_length": c.value_length,
        "value_kind": c.value_kind,
        "value_entropy": c.value_entropy,
    }


def _cookie_from_row(row: Any) -> ObservedCookie:
    return ObservedCookie(
        name=row.name,
        domain=row.domain,
        path=row.path,
        expires=row.expires,
        lifetime=row.lifetime,
        http_only=bool(row.http_only),
        secure=bool(row.secure),
        same_site=row.same_site,
        third_party=bool(row.third_party),
        set_via=tuple(SetVia(v) for v in row.set_via.split(",") if v),
        set_by=row.set_by,
        pages=tuple(row.pages or ()),
        value_length=row.value_length,
        value_kind=row.value_kind,
        value_entropy=row.value_entropy,
        blocked_reason=row.blocked_reason,
        classification=Classification(
            category=Category(row.category),
            vendor=row.vendor,
            confidence=row.confidence,
            reason=row.reason or "",
            layer="stored",
            purpose=row.purpose,
            needs_review=(
                row.confidence < DEFAULT_REVIEW_THRESHOLD
                if row.needs_review is None  # stored before 0040
                else bool(row.needs_review)
            ),
        ),
    )


def load_scan(db: Database, scan_id: int) -> ScanResult | None:
    with db.connect() as conn:
        scan = conn.execute(
            select(scans, sites.c.domain).join(sites).where(scans.c.id == scan_id)
        ).first()
        if scan is None:
            return None
        page_rows = conn.execute(
            select(pages).where(pages.c.scan_id == scan_id).order_by(pages.c.id)
        ).all()
        cookie_rows = conn.execute(
            select(cookies).where(cookies.c.scan_id == scan_id).order_by(cookies.c.id)
        ).all()
        storage_rows = conn.execute(
            select(storage_items).where(storage_items.c.scan_id == scan_id)
        ).all()
        request_rows = conn.execute(select(requests).where(requests.c.scan_id == scan_id)).all()
    return ScanResult(
        url=scan.url,
        site=scan.domain,
        started_at=scan.started_at,
        finished_at=scan.finished_at or "",
        consent=scan.consent,
        pages=[
            PageResult(r.url, r.status, r.error, r.title, r.elapsed_ms, r.depth) for r in page_rows
        ],
        cookies=[_cookie_from_row(r) for r in cookie_rows],
        storage=[
            StorageItem(r.kind, r.origin, r.key, tuple(r.pages), bool(r.third_party))
            for r in storage_rows
        ],
        requests=[
            ThirdPartyRequest(r.host, r.url, r.resource_type, r.initiator, r.page, bool(r.beacon))
            for r in request_rows
        ],
        settings=scan.settings or {},
        evidence=scan.evidence or [],
        scan_id=scan_id,
    )


def latest_scan(db: Database, site: str, consent: str | None = None) -> ScanResult | None:
    query = select(scans.c.id).join(sites).where(sites.c.domain == site)
    if consent:
        query = query.where(scans.c.consent == consent)
    with db.connect() as conn:
        scan_id = conn.execute(query.order_by(desc(scans.c.id)).limit(1)).scalar()
    return load_scan(db, int(scan_id)) if scan_id is not None else None


def latest_scans_by_state(db: Database, site: str) -> dict[ConsentState, ScanResult]:
    """The latest scan of ``site`` in each consent state it was scanned in (compare order)."""
    found = {state: latest_scan(db, site, state) for state in COMPARE_ORDER}
    return {state: scan for state, scan in found.items() if scan is not None}


def baseline_scan(db: Database, site: str, history: int = 5) -> ScanResult | None:
    """The latest scan showing all of a site's tracking: after "Accept all", else without a
    choice. Declarations and opt-out status are measured against it. Cookies that earlier
    scans of the same state saw on pages this one did not visit are kept
    (:func:`cookiegov.coverage.carry_over`), and so are those that scans without a choice
    made since an "Accept all" one found (:func:`cookiegov.coverage.with_newer`)."""
    from cookiegov.coverage import carry_over, with_newer

    def latest(consent: ConsentState, after: int = 0) -> list[ScanResult]:
        query = (
            select(scans.c.id)
            .join(sites)
            .where(sites.c.domain == site, scans.c.consent == consent, scans.c.id > after)
            .order_by(desc(scans.c.id))
            .limit(1 + history)
        )
        with db.connect() as conn:
            ids = [int(i) for i in conn.execute(query).scalars()]
        return [s for s in (load_scan(db, i) for i in ids) if s is not None]

    accepted = latest(ConsentState.ACCEPT)
    if accepted:
        baseline = carry_over(accepted[0], accepted[1:])
        # what scans without a choice found since (a plain `scan` after a `check`)
        return with_newer(baseline, latest(ConsentState.NONE, after=accepted[0].scan_id or 0))
    unchosen = latest(ConsentState.NONE)
    return carry_over(unchosen[0], unchosen[1:]) if unchosen else None


def list_scans(db: Database, site: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(
        scans.c.id,
        sites.c.domain,
        scans.c.url,
        scans.c.consent,
        scans.c.started_at,
        scans.c.page_count,
        scans.c.cookie_count,
    ).join(sites)
    if site:
        query = query.where(sites.c.domain == site)
    with db.connect() as conn:
        rows = conn.execute(query.order_by(desc(scans.c.id)).limit(limit)).all()
    return [dict(r._mapping) for r in rows]


def known_site(db: Database, site: str) -> bool:
    """Whether ``site`` has a row: it was scanned or has consent records."""
    with db.connect() as conn:
        return conn.execute(select(sites.c.id).where(sites.c.domain == site)).first() is not None
