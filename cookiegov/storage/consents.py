"""Proof of consent: append-only records, hash-chained per site.

Each record's ``hash`` is SHA-256 over its canonical JSON, which includes the previous
record's hash; altering, inserting or removing any record breaks the chain from there on.
Records are written by :mod:`cookiegov.storage.appends`; this module reads, verifies and
purges them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from cookiegov.keys import Keys
from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import chain_anchors, consents, sites

GENESIS = "0" * 64
FIELDS = (
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


# Fields added later: hashed only when set, so that older records keep their hashes.
OPTIONAL_FIELDS = ("gpc_override", "services", "region", "rule")  # 0007, 0020


def record_hash(site: str, record: dict[str, Any]) -> str:
    body = {"site": site, **{k: record.get(k) for k in FIELDS}}
    body.update({k: record[k] for k in OPTIONAL_FIELDS if record.get(k)})
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
    gpc_override: bool = False  # granted a category the site's GPC policy refuses, explicitly
    services: dict[str, bool] | None = None  # per-service choices (service id → granted)
    region: str | None = None  # the region the rule was chosen for (US-CA), from a CDN header
    rule: str | None = None  # the regional rule that applied: opt-in | opt-out | none


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


def _anchors(db: Database, site: str) -> dict[int, str]:
    with db.connect() as conn:
        rows = conn.execute(
            select(chain_anchors.c.first_seq, chain_anchors.c.prev_hash)
            .join(sites, sites.c.id == chain_anchors.c.site_id)
            .where(sites.c.domain == site)
        ).all()
    return {r.first_seq: r.prev_hash for r in rows}


def verify_chain(db: Database, site: str) -> ChainReport:
    """Check every link of a site's chain: hashes, order and gaps.

    A chain may start after purged records only where a purge left an anchor naming the
    first kept record and the hash it follows.
    """
    problems: list[str] = []
    previous = GENESIS
    expected_seq = None
    records = all_records(db, site)
    if records and records[0]["seq"] != 1:
        anchor = _anchors(db, site).get(records[0]["seq"])
        if anchor is None:
            problems.append(f"records before {records[0]['seq']} are missing (no purge recorded)")
        else:
            previous, expected_seq = anchor, records[0]["seq"]
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


def purge_before(db: Database, site: str, cutoff_iso: str, keys: Keys | None = None) -> int:
    """Delete records created before ``cutoff_iso`` (retention), leaving an anchor so that the
    rest of the chain still verifies (signed with ``keys``, so that a forged one shows).
    Returns how many records were deleted."""
    with db.begin() as conn:
        site_id = db.site_id(conn, site, lock=True)
        doomed = conn.execute(
            select(consents.c.seq, consents.c.hash)
            .where(consents.c.site_id == site_id, consents.c.created_at < cutoff_iso)
            .order_by(consents.c.seq.desc())
        ).all()
        if not doomed:
            return 0
        last = doomed[0]
        conn.execute(
            delete(consents).where(consents.c.site_id == site_id, consents.c.seq <= last.seq)
        )
        anchor = {
            "first_seq": last.seq + 1,
            "prev_hash": last.hash,
            "purged": len(doomed),
            "created_at": utcnow(),
        }
        if keys is not None:
            from cookiegov.proofs import anchor_statement

            anchor["signature"] = keys.sign(anchor_statement(site, anchor))
        conn.execute(insert(chain_anchors).values(site_id=site_id, **anchor))
    return len(doomed)


def query_records(
    db: Database,
    site: str,
    *,
    since: str | None = None,
    until: str | None = None,
    method: str | None = None,
    action: str | None = None,
    limit: int | None = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The site's records, oldest first, created at or after ``since`` and before ``until``
    (texts compared with the stored UTC times; see :func:`cookiegov.consentlog.utc_bound`),
    of a method and action; ``limit`` None: all."""
    query = select(consents).join(sites).where(sites.c.domain == site)
    if since:
        query = query.where(consents.c.created_at >= since)
    if until:
        query = query.where(consents.c.created_at < until)
    if method:
        query = query.where(consents.c.method == method)
    if action:
        query = query.where(consents.c.action == action)
    query = query.order_by(consents.c.seq).limit(limit).offset(offset)
    with db.connect() as conn:
        return [
            {k: v for k, v in r._mapping.items() if k not in {"id", "site_id"}}
            for r in conn.execute(query)
        ]


def consent_stats(
    db: Database, site: str, exclude: Collection[str] = frozenset()
) -> dict[str, Any]:
    """Counts of the latest choice of every consent ID: granted per category, by method, GPC.
    ``exclude``: consent IDs left out (test traffic); ``excluded`` says how many were."""
    latest: dict[str, dict[str, Any]] = {}
    records = 0
    for record in all_records(db, site):
        if record["consent_id"] in exclude:
            continue
        records += 1
        latest[record["consent_id"]] = record
    stats: dict[str, Any] = {
        "records": records,
        "excluded": len(exclude),
        "visitors": len(latest),
        "withdrawn": sum(1 for r in latest.values() if r["action"] == "withdraw"),
        "gpc": sum(1 for r in latest.values() if r["gpc"]),
        "gpc_overrides": sum(1 for r in latest.values() if r.get("gpc_override")),
        "by_method": {},
        "granted": {},
    }
    for record in latest.values():
        stats["by_method"][record["method"]] = stats["by_method"].get(record["method"], 0) + 1
        for category, granted in record["choices"].items():
            stats["granted"].setdefault(category, 0)
            stats["granted"][category] += 1 if granted else 0
    return stats
