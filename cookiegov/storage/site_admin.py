"""What admins manage from the dashboard, stored: a site's published settings and draft, its
cookie overrides, test-traffic marks, and the audit log every change appends to.

Each change writes its row and its audit entry in one transaction: no change without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, desc, insert, select, update

from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import admin_audit, cookie_overrides, site_configs, test_consents


@dataclass(frozen=True)
class StoredConfig:
    site: str
    published: dict[str, Any]
    draft: dict[str, Any] | None
    revision_bumps: int
    updated_at: str
    updated_by: str


def audit(conn: Connection, site: str | None, actor: str, action: str, detail: Any) -> None:
    """Append to the admin audit log (inside the caller's transaction)."""
    conn.execute(
        insert(admin_audit).values(
            site=site, actor=actor, action=action, detail=detail, created_at=utcnow()
        )
    )


def audit_log(db: Database, site: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(admin_audit).order_by(desc(admin_audit.c.id)).limit(limit)
    if site is not None:
        query = query.where(admin_audit.c.site == site)
    with db.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def stored_config(db: Database, site: str) -> StoredConfig | None:
    with db.connect() as conn:
        row = conn.execute(select(site_configs).where(site_configs.c.site == site)).first()
    return StoredConfig(**row._mapping) if row else None


def all_published(db: Database) -> dict[str, tuple[dict[str, Any], int]]:
    """Every site's published settings and revision bumps (what the banner applies)."""
    query = select(site_configs.c.site, site_configs.c.published, site_configs.c.revision_bumps)
    with db.connect() as conn:
        return {
            r.site: (dict(r.published or {}), int(r.revision_bumps)) for r in conn.execute(query)
        }


def save_draft(db: Database, site: str, draft: dict[str, Any], actor: str) -> None:
    """Keep ``draft`` (already validated) for the preview; visitors do not see it."""
    with db.begin() as conn:
        _ensure(conn, site, actor)
        conn.execute(
            update(site_configs)
            .where(site_configs.c.site == site)
            .values(draft=draft, updated_at=utcnow(), updated_by=actor)
        )
        audit(conn, site, actor, "draft", draft)


def publish(db: Database, site: str, actor: str, bump: list[str]) -> StoredConfig:
    """Make the draft what visitors get; ``bump`` (the keys visitors must be asked about
    again) raises the revision by one when not empty."""
    with db.begin() as conn:
        row = conn.execute(select(site_configs).where(site_configs.c.site == site)).first()
        if row is None or row.draft is None:
            from cookiegov.errors import InputError

            raise InputError("nothing to publish: save a draft first")
        bumps = int(row.revision_bumps) + (1 if bump else 0)
        conn.execute(
            update(site_configs)
            .where(site_configs.c.site == site)
            .values(
                published=row.draft,
                draft=None,
                revision_bumps=bumps,
                updated_at=utcnow(),
                updated_by=actor,
            )
        )
        audit(conn, site, actor, "publish", {"asks_again": bump, "settings": row.draft})
    found = stored_config(db, site)
    assert found is not None
    return found


def discard_draft(db: Database, site: str, actor: str) -> None:
    with db.begin() as conn:
        conn.execute(update(site_configs).where(site_configs.c.site == site).values(draft=None))
        audit(conn, site, actor, "discard", {})


def _ensure(conn: Connection, site: str, actor: str) -> None:
    found = conn.execute(select(site_configs.c.site).where(site_configs.c.site == site)).first()
    if found is None:
        conn.execute(
            insert(site_configs).values(
                site=site,
                published={},
                draft=None,
                revision_bumps=0,
                updated_at=utcnow(),
                updated_by=actor,
            )
        )


def bump_revision(db: Database, site: str, actor: str, reason: str) -> None:
    with db.begin() as conn:
        _ensure(conn, site, actor)
        conn.execute(
            update(site_configs)
            .where(site_configs.c.site == site)
            .values(revision_bumps=site_configs.c.revision_bumps + 1)
        )
        audit(conn, site, actor, "revision", {"reason": reason})


# -- cookie overrides ---------------------------------------------------------------------
def cookie_overrides_for(db: Database, site: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The site's overrides by (name, domain)."""
    query = select(cookie_overrides).where(cookie_overrides.c.site == site)
    with db.connect() as conn:
        return {(r.name, r.domain): dict(r._mapping) for r in conn.execute(query)}


def set_cookie_override(
    db: Database,
    site: str,
    name: str,
    domain: str,
    *,
    category: str,
    vendor: str,
    purpose: str,
    actor: str,
) -> dict[str, Any] | None:
    """Store the site's own category, vendor and purpose of a cookie; returns the previous
    override (None if there was none)."""
    values = {
        "category": category,
        "vendor": vendor or None,
        "purpose": purpose or None,
        "changed_by": actor,
        "changed_at": utcnow(),
    }
    key = (
        (cookie_overrides.c.site == site)
        & (cookie_overrides.c.name == name)
        & (cookie_overrides.c.domain == domain)
    )
    with db.begin() as conn:
        before = conn.execute(select(cookie_overrides).where(key)).first()
        if before is None:
            conn.execute(
                insert(cookie_overrides).values(site=site, name=name, domain=domain, **values)
            )
        else:
            conn.execute(update(cookie_overrides).where(key).values(**values))
        previous = dict(before._mapping) if before else None
        audit(
            conn,
            site,
            actor,
            "cookie",
            {
                "name": name,
                "domain": domain,
                "category": category,
                "vendor": vendor,
                "purpose": purpose,
                "before": previous and {k: previous[k] for k in ("category", "vendor", "purpose")},
            },
        )
    return previous


# -- test traffic -------------------------------------------------------------------------
def mark_test(db: Database, site: str, consent_id: str, reason: str) -> None:
    with db.begin() as conn:
        exists = conn.execute(
            select(test_consents.c.site).where(
                (test_consents.c.site == site) & (test_consents.c.consent_id == consent_id)
            )
        ).first()
        if exists is None:
            conn.execute(
                insert(test_consents).values(
                    site=site, consent_id=consent_id, reason=reason, created_at=utcnow()
                )
            )


def test_consent_ids(db: Database, site: str) -> set[str]:
    query = select(test_consents.c.consent_id).where(test_consents.c.site == site)
    with db.connect() as conn:
        return {r.consent_id for r in conn.execute(query)}


def clear_test_marks(db: Database, site: str, actor: str) -> None:
    with db.begin() as conn:
        conn.execute(delete(test_consents).where(test_consents.c.site == site))
        audit(conn, site, actor, "test-traffic", {"cleared": True})
