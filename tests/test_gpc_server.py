"""Global Privacy Control applied by the endpoint (issue 15, item 4): with the signal, the
site's ``gpc_refuses`` categories are recorded as refused unless the visitor explicitly
overrides it, and an override is recorded and reported as one. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask.testing import FlaskClient

from banner import create_app
from cookiegov.optout import optout_report, visitor_status
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import (
    FIELDS,
    all_records,
    consent_stats,
    record_hash,
    verify_chain,
)

TOKEN = "gpc-test-admin-token-7f3a9c1e5b2d8046"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(db: Database) -> FlaskClient:
    settings = Settings(
        admin_token=TOKEN,
        sites={"shop.test": {}, "strict.test": {"gpc_refuses": ["advertising", "analytics"]}},
    )
    return create_app(settings, db).test_client()


def _post(c: FlaskClient, body: dict[str, Any], site: str = "shop.test", **headers: str) -> Any:
    return c.post(f"/v1/sites/{site}/consents", json=body, headers=headers)


ACCEPT_ADS = {"categories": {"advertising": True, "analytics": True}, "method": "api"}


def test_the_gpc_header_refuses_advertising_whatever_the_body_grants(db: Database) -> None:
    c = _client(db)
    answer = _post(c, ACCEPT_ADS, **{"Sec-GPC": "1"}).get_json()
    assert answer["choices"]["advertising"] is False and answer["choices"]["analytics"] is True
    assert answer["gpc"] is True and answer["gpc_override"] is False
    chunked = c.post(
        "/v1/sites/shop.test/consents",
        json=ACCEPT_ADS,
        headers={"Sec-GPC": "1", "Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},  # as a server that decodes chunks
    )
    assert chunked.get_json()["choices"]["advertising"] is False  # the Flask view too
    in_body = _post(c, {**ACCEPT_ADS, "gpc": True}).get_json()
    assert in_body["choices"]["advertising"] is False
    stored = all_records(db, "shop.test")
    assert [r["choices"]["advertising"] for r in stored] == [False, False, False]
    assert visitor_status(stored[:1])["advertising_refused"] is True
    report = optout_report(db, "shop.test")["series"][0]
    assert report["by_gpc"] == {"choices": 3, "refused": 3, "overrides": 0}
    strict = _post(c, ACCEPT_ADS, site="strict.test", **{"Sec-GPC": "1"}).get_json()
    assert strict["choices"]["analytics"] is False  # the site's policy, not a fixed list
    without = _post(c, ACCEPT_ADS).get_json()
    assert without["choices"]["advertising"] is True and without["gpc_override"] is False


def test_an_explicit_override_is_kept_and_shown_as_one(db: Database) -> None:
    c = _client(db)
    answer = _post(c, {**ACCEPT_ADS, "gpc_override": True}, **{"Sec-GPC": "1"}).get_json()
    assert answer["choices"]["advertising"] is True and answer["gpc_override"] is True
    _post(c, ACCEPT_ADS, **{"Sec-GPC": "1"})
    records = all_records(db, "shop.test")
    assert [r["gpc_override"] for r in records] == [True, False]
    status = visitor_status(records[:1])
    assert status["signal"] == "gpc_override" and status["gpc_override"] is True
    assert optout_report(db, "shop.test")["series"][0]["by_gpc"]["overrides"] == 1
    assert consent_stats(db, "shop.test")["gpc_overrides"] == 1
    listed = c.get("/v1/sites/shop.test/admin/consents", headers=AUTH).get_json()
    assert [r["gpc_override"] for r in listed["records"]] == [True, False]
    as_csv = c.get("/v1/sites/shop.test/admin/consents?format=csv", headers=AUTH)
    rows = list(csv.DictReader(io.StringIO(as_csv.data.decode())))
    assert [r["gpc_override"] for r in rows] == ["True", "False"]
    assert verify_chain(db, "shop.test").ok
    tampered = dict(records[0], gpc_override=False)  # the override is part of the hash
    assert record_hash("shop.test", tampered) != records[0]["hash"]


def test_records_without_an_override_keep_the_old_hash(db: Database) -> None:
    """Records stored before the override existed still verify: it is hashed only when set."""
    c = _client(db)
    _post(c, ACCEPT_ADS)
    record = all_records(db, "shop.test")[0]
    old_style = {k: record[k] for k in FIELDS}  # no gpc_override key at all
    assert record_hash("shop.test", old_style) == record["hash"]


def test_an_override_without_a_signal_changes_nothing(db: Database) -> None:
    c = _client(db)
    answer = _post(c, {**ACCEPT_ADS, "gpc_override": True}).get_json()
    assert answer["gpc_override"] is False and answer["choices"]["advertising"] is True
    bad = _post(c, {**ACCEPT_ADS, "gpc_override": "yes"})
    assert bad.status_code == 400 and "gpc_override" in bad.get_json()["error"]["message"]
