"""Imported knowledge bases in the database, with provenance (``source``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, or_, select

from cookiegov.domains import registrable_domain
from cookiegov.knowledge import KnownCookie
from cookiegov.models import Category
from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import kb_entries

KINDS = ("declared", "database")  # a site's own declared cookies | a public cookie database


def replace_source(
    db: Database,
    source: str,
    kind: str,
    entries: Iterable[KnownCookie],
    site: str | None = None,
) -> int:
    """Store ``entries`` as ``source``, replacing an earlier import of the same source;
    with ``site``, a site's own declared cookies that answer for that site only."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = utcnow()
    rows = [
        {
            "source": source,
            "kind": kind,
            "site": site,
            "pattern": e.pattern,
            "category": e.category.value,
            "vendor": e.vendor,
            "purpose": e.purpose,
            "domain": e.domain,
            "imported_at": now,
        }
        for e in entries
    ]
    same = kb_entries.c.site.is_(None) if site is None else kb_entries.c.site == site
    with db.begin() as conn:  # another site's list of the same name stays
        conn.execute(delete(kb_entries).where(kb_entries.c.source == source, same))
        if rows:
            conn.execute(insert(kb_entries), rows)
    return len(rows)


def load_entries(db: Database, kind: str, site: str | None = None) -> list[KnownCookie]:
    """The entries of ``kind`` that answer for ``site``: those imported for every site, and
    those imported for this one (a site's own first, they are its word)."""
    scope = or_(kb_entries.c.site.is_(None), kb_entries.c.site == (site or None))
    query = (
        select(kb_entries)
        .where(kb_entries.c.kind == kind, scope)
        .order_by(kb_entries.c.site.is_(None), kb_entries.c.id)
    )
    with db.connect() as conn:
        rows = conn.execute(query).all()
    return [
        KnownCookie(
            pattern=r.pattern,
            category=Category(r.category),
            vendor=r.vendor,
            purpose=r.purpose,
            source=f"import:{r.source}",
            # Imports stored before the one entry parser may hold a host (www.shop.test).
            domain=registrable_domain(r.domain) if r.domain else None,
        )
        for r in rows
    ]


def sources(db: Database) -> list[dict[str, object]]:
    with db.connect() as conn:
        rows = conn.execute(
            select(
                kb_entries.c.source,
                kb_entries.c.kind,
                kb_entries.c.site,
                func.count().label("entries"),
                func.max(kb_entries.c.imported_at).label("imported_at"),
            ).group_by(kb_entries.c.source, kb_entries.c.kind, kb_entries.c.site)
        ).all()
    return [dict(r._mapping) for r in rows]
