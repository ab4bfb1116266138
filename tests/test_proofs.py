"""Proof of consent that survives tampering (issue 15, item 3), on SQLite and PostgreSQL.

Each attack is done as someone who can write the database but has not got the deployment's
secret would do it: the old check (``verify_chain``) passes all of them; ``verify`` names each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.cli import cli
from cookiegov.keys import Keys, load_keys, verify_signature
from cookiegov.proofs import (
    checkpoint_sites,
    load_proofs,
    statement,
    verify,
)
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import (
    FIELDS,
    all_records,
    purge_before,
    record_hash,
    verify_chain,
)

SECRET = "a-test-secret-of-the-deployment-0123456789abcdef"
SITE = "shop.test"


@pytest.fixture
def keys() -> Keys:
    found = load_keys(SECRET, "")
    assert found is not None
    return found


@pytest.fixture
def client(db: Database) -> FlaskClient:
    settings = Settings(secret_key=SECRET, rate_limit=10**6, sites={SITE: {}})
    return create_app(settings, db).test_client()


def _record(c: FlaskClient, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = c.post(f"/v1/sites/{SITE}/consents", json={"categories": {"analytics": i % 2 == 0}})
        assert r.status_code == 201
        ids.append(r.get_json()["consent_id"])
    return ids


def _exec(db: Database, sql: str, **params: Any) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _rechain(db: Database, records: list[dict[str, Any]], previous: str) -> None:
    """What a tamperer does after a change: recompute every later hash (no MAC: no secret)."""
    for r in records:
        r["prev_hash"] = previous
        r["hash"] = previous = record_hash(SITE, r)
        _exec(
            db,
            "UPDATE consents SET choices = :c, prev_hash = :p, hash = :h WHERE seq = :s",
            c=json.dumps(r["choices"]),
            p=r["prev_hash"],
            h=r["hash"],
            s=r["seq"],
        )


def test_an_untouched_chain_verifies_with_macs_checkpoints_and_receipts(
    client: FlaskClient, db: Database, keys: Keys, tmp_path: Path
) -> None:
    ids = _record(client, 6)
    assert all(r["mac"] == keys.mac(r["hash"]) for r in all_records(db, SITE))
    checkpoints = tmp_path / "checkpoints.jsonl"
    checkpoint_sites(db, keys, [SITE], checkpoints)
    receipt = client.get(f"/v1/sites/{SITE}/consents/{ids[2]}/receipt").get_json()
    public = client.get("/v1/keys").get_json()["public_key"]
    fields = {
        k: v for k, v in receipt.items() if k not in ("type", "site", "public_key", "signature")
    }
    assert verify_signature(public, statement("receipt", SITE, **fields), receipt["signature"])
    report = verify(db, SITE, keys, [*load_proofs(checkpoints), receipt])
    assert report.ok, report.problems


def test_deleting_the_newest_records_is_caught_by_the_checkpoint_file(
    client: FlaskClient, db: Database, keys: Keys, tmp_path: Path
) -> None:
    _record(client, 8)
    checkpoints = tmp_path / "checkpoints.jsonl"
    checkpoint_sites(db, keys, [SITE], checkpoints)
    _exec(db, "DELETE FROM consents WHERE seq > 5")
    _exec(db, "DELETE FROM chain_checkpoints")  # the tamperer removes the stored ones too
    assert verify_chain(db, SITE).ok  # the old check: "intact"
    report = verify(db, SITE, keys, load_proofs(checkpoints))
    assert not report.ok
    assert any("records 6–8 are missing" in p and "truncated" in p for p in report.problems)


def test_a_forged_append_with_a_valid_hash_is_caught(
    client: FlaskClient, db: Database, keys: Keys
) -> None:
    _record(client, 4)
    head = all_records(db, SITE)[-1]
    forged = {**head, "seq": 5, "consent_id": "forged-consent-0001", "prev_hash": head["hash"]}
    forged["choices"] = {"analytics": True, "advertising": True, "functional": True}
    forged["hash"] = record_hash(SITE, forged)
    columns = [*FIELDS, "hash", "gpc_override"]
    with db.engine.begin() as conn:
        site_id = conn.execute(sa.text("SELECT id FROM sites")).scalar_one()
        conn.execute(
            sa.text(
                f"INSERT INTO consents (site_id, {', '.join(columns)})"
                f" VALUES (:site_id, {', '.join(':' + c for c in columns)})"
            ),
            {**forged, "site_id": site_id, "choices": json.dumps(forged["choices"])},
        )
    assert verify_chain(db, SITE).ok
    report = verify(db, SITE, keys)
    assert report.problems == (
        "record 5: no MAC although earlier records have one (appended without the secret: forged?)",
    )


def test_a_rewrite_with_recomputed_hashes_is_caught(
    client: FlaskClient, db: Database, keys: Keys, tmp_path: Path
) -> None:
    ids = _record(client, 6)
    receipt = client.get(f"/v1/sites/{SITE}/consents/{ids[3]}/receipt").get_json()
    checkpoints = tmp_path / "checkpoints.jsonl"
    checkpoint_sites(db, keys, [SITE], checkpoints)
    records = all_records(db, SITE)
    records[3]["choices"] = {**records[3]["choices"], "advertising": True}
    _rechain(db, records[3:], records[2]["hash"])
    assert verify_chain(db, SITE).ok
    report = verify(db, SITE, keys, [*load_proofs(checkpoints), receipt])
    problems = " | ".join(report.problems)
    assert "record 4: MAC does not match" in problems
    assert "record 6: differs from the signed checkpoint" in problems
    assert "record 4: differs from the signed receipt" in problems
    only_public = verify(db, SITE, None, [receipt], public_key=keys.public_key)
    assert not only_public.ok  # a visitor holding their receipt sees it too


def test_old_records_deleted_behind_a_forged_purge_anchor_are_caught(
    client: FlaskClient, db: Database, keys: Keys
) -> None:
    _record(client, 6)
    records = all_records(db, SITE)
    _exec(db, "DELETE FROM consents WHERE seq <= 3")
    with db.engine.begin() as conn:
        site_id = conn.execute(sa.text("SELECT id FROM sites")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO chain_anchors (site_id, first_seq, prev_hash, purged, created_at,"
                " signature) VALUES (:s, 4, :h, 3, '2026-01-01T00:00:00', :sig)"
            ),
            {"s": site_id, "h": records[2]["hash"], "sig": "00" * 64},
        )
    assert verify_chain(db, SITE).ok
    report = verify(db, SITE, keys)
    assert report.problems == (
        "purge anchor before record 4: not signed with the deployment's key (forged purge"
        " anchor: records may have been deleted)",
    )


def test_a_real_purge_leaves_a_signed_anchor_that_verifies(
    client: FlaskClient, db: Database, keys: Keys
) -> None:
    _record(client, 5)
    checkpoint_sites(db, keys, [SITE])
    _exec(db, "UPDATE consents SET created_at = '2020-01-01T00:00:00' WHERE seq <= 2")
    assert purge_before(db, SITE, "2021-01-01", keys) == 2
    report = verify(db, SITE, keys)
    assert report.ok, report.problems


def test_forged_checkpoints_are_reported_and_ignored(db: Database, keys: Keys) -> None:
    other = load_keys("another-secret-that-is-not-the-deployments-99", "")
    assert other is not None
    fake = {
        "type": "checkpoint",
        "site": SITE,
        "seq": 99,
        "hash": "f" * 64,
        "created_at": "x",
        "public_key": keys.public_key,
        "signature": other.sign(b"anything"),
    }
    report = verify(db, SITE, keys, [fake])
    assert report.problems == (
        "checkpoint for record 99: invalid signature (forged checkpoint; ignored)",
    )


def test_consents_checkpoint_and_verify_on_the_command_line(
    client: FlaskClient, db: Database, db_url: str, tmp_path: Path
) -> None:
    _record(client, 4)
    checkpoints = tmp_path / "witness" / "checkpoints.jsonl"
    checkpoints.parent.mkdir()
    config = tmp_path / "cookiegov.toml"
    config.write_text(
        f'database_url = "{db_url}"\ncheckpoint_file = "{checkpoints}"\n[sites."{SITE}"]\n'
    )
    runner = CliRunner()
    env = {"COOKIEGOV_SECRET_KEY": SECRET}
    made = runner.invoke(cli, ["--config", str(config), "consents", "checkpoint"], env=env)
    assert made.exit_code == 0 and "record 4" in made.stdout, made.output
    good = runner.invoke(cli, ["--config", str(config), "consents", "verify", SITE], env=env)
    assert good.exit_code == 0 and "intact" in good.stdout
    _exec(db, "DELETE FROM consents WHERE seq = 4")
    _exec(db, "DELETE FROM chain_checkpoints")
    bad = runner.invoke(cli, ["--config", str(config), "consents", "verify", SITE], env=env)
    assert bad.exit_code == 1 and "records 4–4 are missing" in bad.stdout
