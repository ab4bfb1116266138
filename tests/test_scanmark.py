"""The scanner's consents stay out of the consent log: signed marks, checked by the endpoint."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov import scanmark
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import consent_stats, count_records

SETTINGS = Settings(sites={"shop.test": {}}, scan_key="k" * 32)
KEY = scanmark.key_for(SETTINGS)


def test_a_mark_is_valid_only_with_the_key_and_while_fresh() -> None:
    now = 1_800_000_000.0
    mark = scanmark.sign(KEY, now)
    assert scanmark.verify(mark, KEY, now + 60)
    assert not scanmark.verify(mark, b"another key", now)
    assert not scanmark.verify(mark, KEY, now + scanmark.MAX_AGE + 1)
    stamp, mac = mark.split(".")
    assert not scanmark.verify(f"{int(stamp) + 1}.{mac}", KEY, now)
    for junk in (None, "", "x", "1.2.3", "a" * 200, f"{stamp}.{mac[:-1]}é", f"²{stamp}.{mac}"):
        assert not scanmark.verify(junk, KEY, now)  # non-ASCII ones raised (a 500)


def test_derived_key_differs_between_installations() -> None:
    a = scanmark.key_for(Settings(database_url="sqlite:///a.db"))
    b = scanmark.key_for(Settings(database_url="sqlite:///b.db"))
    assert a != b and scanmark.key_for(Settings(database_url="sqlite:///a.db")) == a
    assert "scan_key" not in SETTINGS.public()


@pytest.fixture
def client(db: Database) -> FlaskClient:
    return create_app(SETTINGS, db).test_client()


def post(client: FlaskClient, mark: str | None, length: bool = True) -> dict:
    headers = {"Content-Type": "application/json", "Origin": "https://www.shop.test"}
    if mark is not None:
        headers[scanmark.HEADER] = mark
    body = json.dumps({"categories": {"analytics": False, "advertising": False}})
    r = client.post(
        "/v1/sites/shop.test/consents",
        data=body,
        headers=headers,
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
        base_url="https://consent.shop.test",
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert "cookiegov=" in r.headers.get("Set-Cookie", "")  # answered as a visitor would be
    return r.get_json()


def test_marked_consents_are_answered_but_never_logged(client: FlaskClient, db: Database) -> None:
    answer = post(client, scanmark.sign(KEY))
    assert answer["choices"] == {"advertising": False, "analytics": False, "functional": False}
    assert count_records(db, "shop.test") == 0
    post(client, None)  # a visitor
    post(client, "1700000000.deadbeef")  # a forged or stale mark counts as a visitor
    post(client, "1.\xe9")  # so does one no mark could be (it was a 500)
    post(client, scanmark.sign(b"another installation", time.time()))
    assert count_records(db, "shop.test") == 4
    assert consent_stats(db, "shop.test")["visitors"] == 4


def test_the_mark_key_derives_from_the_deployments_secret(tmp_path: Path) -> None:
    """With a secret configured, the key is not computable from the admin token and the
    database URL (which a default deployment leaves guessable)."""
    from cookiegov.keys import create_key_file

    plain = Settings(database_url="sqlite:///a.db")
    one = Settings(database_url="sqlite:///a.db", secret_key="s" * 40)
    other = Settings(database_url="sqlite:///a.db", secret_key="t" * 40)
    keys = {scanmark.key_for(s) for s in (plain, one, other)}
    assert len(keys) == 3
    key_file = create_key_file(tmp_path / "cookiegov.key")
    by_file = Settings(database_url="sqlite:///a.db", key_file=str(key_file))
    assert scanmark.key_for(by_file) == scanmark.key_for(by_file) not in keys
    mark = scanmark.sign(scanmark.key_for(one))
    assert scanmark.verify(mark, scanmark.key_for(one))
    assert not scanmark.verify(mark, scanmark.key_for(plain))
    # scan_key, when set, is the key
    assert scanmark.key_for(Settings(scan_key="k" * 32, secret_key="s" * 40)) == b"k" * 32
