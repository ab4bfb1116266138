"""Proof of consent: append-only records, hash-chained per site.

Each record's ``hash`` is SHA-256 over its canonical JSON, which includes the previous
record's hash; altering, inserting or removing any record breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import consents, sites

GENESIS = "0" * 64
_FIELDS = (
    "seq",
    "consent_id",
    "created_at",
    "action",
    "choices",
    "revision",
    "method",
    "gpc",
    "language",
    "page_url",
    "texts_hash",
    "user_agent",
    "ip",
    "prev_hash",
)


def record_hash(site: str, record: dict[str, Any]) -> str:
    body = {"site": site, **{k: record.get(k) for k in _FIELDS}}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ConsentInput:
    consent_id: str
    choices: dict[str, bool]
    revision: int
    method: str  # banner | gpc | api
    gpc: bool
    action: str = "grant"  # grant | withdraw
    language: str | None = None
    page_url: str | None = None
    texts_hash: str | None = None
    user_agent: str | None = None
    ip: str | None = None  # already truncated or hashed; never raw


def append_consent(db: Database, site: str, entry: ConsentInput) -> dict[str, Any]:
    """Append one record to the site's chain, durably, and return it."""
    with db.begin() as conn:
        site_id = db.site_id(conn, site, lock=True)
        last = conn.execute(
            select(consents.c.seq, consents.c.hash)
            .where(consents.c.site_id == site_id)
            .order_by(consents.c.seq.desc())
            .limit(1)
        ).first()
        record: dict[str, Any] = {
            "seq": (last.seq + 1) if last else 1,
            "consent_id": entry.consent_id,
            "created_at": utcnow(),
            "action": entry.action,
            "choices": dict(sorted(entry.choices.items())),
            "revision": entry.revision,
            "method": entry.method,
            "gpc": entry.gpc,
            "language": entry.language,
            "page_url": entry.page_url,
            "texts_hash": entry.texts_hash,
            "user_agent": entry.user_agent,
            "ip": entry.ip,
            "prev_hash": last.hash if last else GENESIS,
        }
        record["hash"] = record_hash(site, record)
        conn.execute(insert(consents).values(site_id=site_id, **record))
    return record


def _rows(conn: Connection, site: str, **where: Any) -> list[dict[str, Any]]:
    query = select(consents).join(sites).where(sites.c.domain == site)
    for key, value in where.items():
        query = query.where(consents.c[key] == value)
    return [
        {k: v for k, v in r._mapping.items() if k not in {"id", "site_id"}}
        for r in conn.execute(query.order_by(consents.c.seq))
    ]


def records_for(db: Database, site: str, consent_id: str) -> list[dict[str, Any]]:
    with db.connect() as conn:
        return _rows(conn, site, consent_id=consent_id)


def all_records(db: Database, site: str) -> list[dict[str, Any]]:
    with db.connect() as conn:
        return _rows(conn, site)


def count_records(db: Database, site: str) -> int:
    with db.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(consents.join(sites)).where(sites.c.domain == site)
            ).scalar_one()
        )


@dataclass(frozen=True, slots=True)
class ChainReport:
    site: str
    records: int
    ok: bool
    problems: tuple[str, ...]


def verify_chain(db: Database, site: str) -> ChainReport:
    """Check every link of a site's chain: hashes, order and gaps."""
    problems: list[str] = []
    previous = GENESIS
    expected_seq = None
    records = all_records(db, site)
    for record in records:
        seq = record["seq"]
        if expected_seq is not None and seq != expected_seq:
            problems.append(f"record {seq}: sequence gap after {expected_seq - 1}")
        if record["prev_hash"] != previous:
            problems.append(f"record {seq}: does not follow the previous record")
        if record_hash(site, record) != record["hash"]:
            problems.append(f"record {seq}: content altered (hash mismatch)")
        previous = record["hash"]
        expected_seq = seq + 1
    return ChainReport(site, len(records), not problems, tuple(problems))
