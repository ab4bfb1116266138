"""Proof of consent that survives tampering with the database.

The hash chain (:mod:`cookiegov.storage.consents`) shows records altered, inserted or removed
in the middle, but whoever can write the database can also delete the newest records, append
a record with a valid hash, rewrite a record and recompute every later hash, or delete old
records behind a forged purge anchor. What they cannot do without the deployment's secret
(:mod:`cookiegov.keys`, kept outside the database):

- compute a record's MAC (every record carries one): a forged append or a rewrite shows;
- sign a checkpoint — a site's chain head (seq, hash) signed with Ed25519 — kept in the
  database and, what matters, outside it: a checkpoint file, a webhook to a witness. A chain
  shorter than a checkpoint, or with another hash at its seq, has been truncated or rewritten;
- sign a purge anchor: records deleted behind an unsigned or badly signed anchor show;
- sign a visitor's receipt of their own record, which they can check and show later.

:func:`verify` reports each of these in words; the public key verifies signatures anywhere.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from cookiegov.errors import InputError, NotFoundError
from cookiegov.keys import Keys, verify_signature
from cookiegov.storage.consents import ChainReport, all_records, records_for, verify_chain
from cookiegov.storage.database import Database, utcnow
from cookiegov.storage.schema import chain_anchors, chain_checkpoints, sites

log = logging.getLogger(__name__)
RECEIPT_FIELDS = ("consent_id", "seq", "created_at", "action", "choices", "revision", "hash")


def statement(kind: str, site: str, **fields: Any) -> bytes:
    """The canonical bytes a signature covers: what is vouched for, of which site."""
    body = {"type": kind, "site": site, **fields}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def anchor_statement(site: str, anchor: dict[str, Any]) -> bytes:
    return statement(
        "purge-anchor",
        site,
        first_seq=anchor["first_seq"],
        prev_hash=anchor["prev_hash"],
        purged=anchor["purged"],
        created_at=anchor["created_at"],
    )


def _signed(kind: str, site: str, keys: Keys, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "site": site,
        **fields,
        "public_key": keys.public_key,
        "signature": keys.sign(statement(kind, site, **fields)),
    }


def make_checkpoint(db: Database, keys: Keys, site: str) -> dict[str, Any] | None:
    """Sign the site's chain head and keep it in the database; the checkpoint, or None for a
    site without records."""
    records = all_records(db, site)
    if not records:
        return None
    head = records[-1]
    checkpoint = _signed(
        "checkpoint", site, keys, seq=head["seq"], hash=head["hash"], created_at=utcnow()
    )
    with db.begin() as conn:
        conn.execute(
            insert(chain_checkpoints).values(
                site_id=db.site_id(conn, site),
                seq=checkpoint["seq"],
                hash=checkpoint["hash"],
                created_at=checkpoint["created_at"],
                public_key=checkpoint["public_key"],
                signature=checkpoint["signature"],
            )
        )
    return checkpoint


def checkpoint_sites(
    db: Database,
    keys: Keys,
    sites_: Iterable[str],
    out_file: str | Path | None = None,
    webhook: str | None = None,
) -> list[dict[str, Any]]:
    """Checkpoint each site; append them to ``out_file`` (JSON lines) and post them to
    ``webhook`` (an external witness), so that they outlive anything done to the database."""
    made = [c for site in sites_ if (c := make_checkpoint(db, keys, site)) is not None]
    if out_file and made:
        with open(out_file, "a", encoding="utf-8") as out:
            for checkpoint in made:
                out.write(json.dumps(checkpoint, sort_keys=True) + "\n")
    if webhook and made:
        import requests

        requests.post(webhook, json={"checkpoints": made}, timeout=10).raise_for_status()
    return made


def stored_checkpoints(db: Database, site: str) -> list[dict[str, Any]]:
    with db.connect() as conn:
        rows = conn.execute(
            select(chain_checkpoints)
            .join(sites, sites.c.id == chain_checkpoints.c.site_id)
            .where(sites.c.domain == site)
            .order_by(chain_checkpoints.c.id)
        ).all()
    return [
        {"type": "checkpoint", "site": site, **{k: r._mapping[k] for k in _CHECKPOINT_KEYS}}
        for r in rows
    ]


_CHECKPOINT_KEYS = ("seq", "hash", "created_at", "public_key", "signature")


def load_proofs(path: str | Path) -> list[dict[str, Any]]:
    """Checkpoints and receipts from a file: JSON lines, or one JSON document (a receipt, or
    a list)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
        return document if isinstance(document, list) else [document]
    except json.JSONDecodeError:
        pass
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON or JSON lines ({exc})") from exc


def receipt(db: Database, keys: Keys, site: str, consent_id: str) -> dict[str, Any]:
    """A signed receipt of the visitor's latest record: what they chose, its place and hash
    in the chain; checkable with the public key, and by :func:`verify` later."""
    records = records_for(db, site, consent_id)
    if not records:
        raise NotFoundError("no consent recorded under this ID")
    record = records[-1]
    return _signed("receipt", site, keys, **{k: record[k] for k in RECEIPT_FIELDS})


def _valid(proof: dict[str, Any], public_key: str) -> bool:
    kind, site = proof.get("type"), proof.get("site")
    if kind not in ("checkpoint", "receipt") or not isinstance(site, str):
        return False
    if proof.get("public_key") != public_key:
        return False
    fields = {
        k: v for k, v in proof.items() if k not in ("type", "site", "public_key", "signature")
    }
    return verify_signature(public_key, statement(kind, site, **fields), proof["signature"])


def verify(
    db: Database,
    site: str,
    keys: Keys | None = None,
    proofs: Iterable[dict[str, Any]] = (),
    public_key: str | None = None,
) -> ChainReport:
    """The chain check, and with the deployment's keys (or its ``public_key`` for signatures
    only) everything the secret protects: MACs, purge anchors, checkpoints (stored and
    given), receipts. Each problem says what was found and what it means."""
    report = verify_chain(db, site)
    problems = list(report.problems)
    records = all_records(db, site)
    by_seq = {r["seq"]: r for r in records}
    public_key = public_key or (keys.public_key if keys else None)
    if keys is not None:
        problems += _mac_problems(records, keys)
    if public_key is not None:
        problems += _anchor_problems(db, site, public_key)
        first = records[0]["seq"] if records else None
        last = records[-1]["seq"] if records else 0
        given = [p for p in proofs if p.get("site") == site]
        for proof in stored_checkpoints(db, site) + given:
            problems += _proof_problems(proof, public_key, by_seq, first, last)
    unique = list(dict.fromkeys(problems))  # the same finding from several proofs: once
    return ChainReport(site, len(records), not unique, tuple(unique))


def _mac_problems(records: list[dict[str, Any]], keys: Keys) -> list[str]:
    problems = []
    started = False
    for record in records:
        mac = record.get("mac")
        if mac is None:
            if started:
                problems.append(
                    f"record {record['seq']}: no MAC although earlier records have one"
                    " (appended without the secret: forged?)"
                )
            continue
        started = True
        if mac != keys.mac(record["hash"]):
            problems.append(
                f"record {record['seq']}: MAC does not match (forged, or rewritten and"
                " its hash recomputed)"
            )
    return problems


def _anchor_problems(db: Database, site: str, public_key: str) -> list[str]:
    with db.connect() as conn:
        anchors = conn.execute(
            select(chain_anchors)
            .join(sites, sites.c.id == chain_anchors.c.site_id)
            .where(sites.c.domain == site)
        ).all()
    problems = []
    for row in anchors:
        anchor = dict(row._mapping)
        signature = anchor.get("signature") or ""
        if not verify_signature(public_key, anchor_statement(site, anchor), signature):
            problems.append(
                f"purge anchor before record {anchor['first_seq']}: not signed with the"
                " deployment's key (forged purge anchor: records may have been deleted)"
            )
    return problems


def _proof_problems(
    proof: dict[str, Any],
    public_key: str,
    by_seq: dict[int, dict[str, Any]],
    first: int | None,
    last: int,
) -> list[str]:
    kind = proof.get("type", "proof")
    seq = proof.get("seq")
    if not _valid(proof, public_key):
        return [f"{kind} for record {seq}: invalid signature (forged {kind}; ignored)"]
    assert isinstance(seq, int)
    when = proof.get("created_at", "")
    if seq > last:
        return [
            f"records {last + 1}–{seq} are missing: a signed {kind} of {when} vouches for"
            f" record {seq} (the chain was truncated)"
        ]
    if first is not None and seq < first:
        return []  # purged since; the signed purge anchor covers it
    record = by_seq.get(seq)
    if record is None or record["hash"] != proof["hash"]:
        return [
            f"record {seq}: differs from the signed {kind} of {when} (rewritten, its hash"
            " recomputed)"
        ]
    if kind == "receipt":
        shown = {k: proof[k] for k in ("consent_id", "choices", "action", "revision")}
        if any(record[k] != v for k, v in shown.items()):
            return [f"record {seq}: differs from the visitor's signed receipt"]
    return []
