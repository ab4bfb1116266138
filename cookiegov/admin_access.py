"""Who may administer what: admin tokens per site or global, stored hashed, and server-side
dashboard sessions.

A token is shown once, when created (``cookiegov token create``); the database keeps only its
SHA-256, which is enough for random tokens of 256 bits (nothing to guess from the hash). A
token for a site reads that site's records only; a global token (and the ``admin_token``
setting) is the one admin role over every site. A dashboard session is a random id in the
cookie (nothing derived from the token) whose hash the database keeps: signing out deletes
it, revoking the token ends it, and it expires after :data:`SESSION_HOURS`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from cookiegov.errors import ConfigError, InputError, NotFoundError
from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import admin_sessions, admin_tokens

TOKEN_PREFIX = "cg_"
MIN_TOKEN_CHARS = 24
MIN_DISTINCT_CHARS = 10
SESSION_HOURS = 12


@dataclass(frozen=True, slots=True)
class Principal:
    """Who signed in: a stored token (``token_id``) or the ``admin_token`` setting (None);
    ``site`` None means every site (the admin role)."""

    token_id: int | None
    site: str | None
    name: str

    def may(self, site: str) -> bool:
        return self.site is None or self.site == site


def token_strength_problem(token: str) -> str | None:
    """Why ``token`` is too weak to guard the admin API, or None."""
    if len(token) < MIN_TOKEN_CHARS:
        return f"at least {MIN_TOKEN_CHARS} characters are needed"
    if len(set(token)) < MIN_DISTINCT_CHARS:
        return f"at least {MIN_DISTINCT_CHARS} different characters are needed"
    return None


def check_admin_token(token: str) -> None:
    """At boot: the ``admin_token`` setting, if set, must be strong."""
    problem = token and token_strength_problem(token)
    if problem:
        raise ConfigError(
            f"admin_token is too weak ({problem}); use `cookiegov token create` for a random one"
        )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(db: Database, site: str | None, name: str) -> tuple[dict[str, Any], str]:
    """A new random token for ``site`` (None: global admin); the row and the token itself,
    which is shown once and never stored."""
    if not name.strip():
        raise InputError("a token needs a name (who or what uses it)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {
        "name": name.strip()[:255],
        "site": site,
        "token_hash": _digest(token),
        "prefix": token[:10],
        "created_at": utcnow(),
        "revoked_at": None,
    }
    with db.begin() as conn:
        row["id"] = conn.execute(
            insert(admin_tokens).values(**row).returning(admin_tokens.c.id)
        ).scalar_one()
    return {k: v for k, v in row.items() if k != "token_hash"}, token


def list_tokens(db: Database) -> list[dict[str, Any]]:
    columns = [c for c in admin_tokens.c if c.name != "token_hash"]
    with db.connect() as conn:
        rows = conn.execute(select(*columns).order_by(admin_tokens.c.id)).all()
    return [dict(r._mapping) for r in rows]


def revoke_token(db: Database, token_id: int) -> dict[str, Any]:
    """Revoke a token and end its dashboard sessions."""
    with db.begin() as conn:
        done = conn.execute(
            update(admin_tokens)
            .where(admin_tokens.c.id == token_id, admin_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
        if not done:
            raise NotFoundError(f"no active token {token_id}")
        conn.execute(delete(admin_sessions).where(admin_sessions.c.token_id == token_id))
    return next(t for t in list_tokens(db) if t["id"] == token_id)


def authenticate(db: Database, admin_token: str, given: str) -> Principal | None:
    """The principal for a presented token, or None."""
    if not given:
        return None
    if admin_token and hmac.compare_digest(given.encode(), admin_token.encode()):
        return Principal(None, None, "admin_token")
    with db.connect() as conn:
        row = conn.execute(
            select(admin_tokens.c.id, admin_tokens.c.site, admin_tokens.c.name).where(
                admin_tokens.c.token_hash == _digest(given), admin_tokens.c.revoked_at.is_(None)
            )
        ).first()
    return Principal(row.id, row.site, row.name) if row else None


def start_session(db: Database, principal: Principal) -> str:
    """A new dashboard session; the random id goes in the cookie, its hash in the database."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < now.isoformat()))
        conn.execute(
            insert(admin_sessions).values(
                id_hash=_digest(session_id),
                token_id=principal.token_id,
                site=principal.site,
                created_at=now.isoformat(timespec="milliseconds"),
                expires_at=(now + timedelta(hours=SESSION_HOURS)).isoformat(),
            )
        )
    return session_id


def session_principal(db: Database, admin_token: str, session_id: str) -> Principal | None:
    """Who a session cookie belongs to, while the session lasts and its token is valid."""
    if not session_id or len(session_id) > 128:
        return None
    now = datetime.now(UTC).isoformat()
    with db.connect() as conn:
        row = conn.execute(
            select(admin_sessions.c.token_id, admin_sessions.c.site).where(
                admin_sessions.c.id_hash == _digest(session_id),
                admin_sessions.c.expires_at > now,
            )
        ).first()
        if row is None:
            return None
        if row.token_id is None:  # signed in with the admin_token setting: still configured?
            return Principal(None, None, "admin_token") if admin_token else None
        token = conn.execute(
            select(admin_tokens.c.name).where(
                admin_tokens.c.id == row.token_id, admin_tokens.c.revoked_at.is_(None)
            )
        ).first()
    return Principal(row.token_id, row.site, token.name) if token else None


def token_active(db: Database, token_id: int) -> bool:
    """Whether the stored token ``token_id`` exists and is not revoked."""
    with db.connect() as conn:
        row = conn.execute(
            select(admin_tokens.c.id).where(
                admin_tokens.c.id == token_id, admin_tokens.c.revoked_at.is_(None)
            )
        ).first()
    return row is not None


def end_session(db: Database, session_id: str) -> None:
    with db.begin() as conn:
        conn.execute(delete(admin_sessions).where(admin_sessions.c.id_hash == _digest(session_id)))
