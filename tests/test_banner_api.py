"""The preference endpoint through Flask's test client, on a real SQLite database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records, verify_chain

HOSTILE = '</script><img src=x onerror="alert(1)"> "quoted" & <b>'


@pytest.fixture
def client(db: Database) -> FlaskClient:
    settings = Settings(
        sites={
            "shop.test": {
                "policy_url": "https://www.shop.test/privacy",
                "texts": {"en": {"title": HOSTILE}},
            },
        }
    )
    app = create_app(settings, db)
    return app.test_client()


def post(client: FlaskClient, body: Any, **headers: str) -> Any:
    return client.post(
        "/v1/sites/shop.test/consents",
        data=body if isinstance(body, str) else json.dumps(body),
        headers={"Content-Type": "application/json", "Origin": "https://www.shop.test", **headers},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
        base_url="https://consent.shop.test",
    )


def test_banner_script_carries_config_and_escapes_texts(client: FlaskClient) -> None:
    r = client.get("/v1/sites/shop.test/banner.js")
    assert r.status_code == 200 and r.mimetype == "application/javascript"
    body = r.get_data(as_text=True)
    assert "window.__cookiegovConfig=" in body and "acceptAll" in body
    assert "</script>" not in body.split("\n", 1)[0]  # the config line cannot close a tag
    assert "<img" not in body.split("\n", 1)[0]
    again = client.get(
        "/v1/sites/shop.test/banner.js", headers={"If-None-Match": r.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/v1/sites/nope.test/banner.js").status_code == 404


def test_record_consent_sets_cookie_and_keeps_no_raw_ip(client: FlaskClient, db: Database) -> None:
    r = post(
        client,
        {
            "categories": {"analytics": False, "advertising": False, "functional": True},
            "revision": 1,
            "language": "en",
            "page_url": "https://www.shop.test/",
        },
    )
    assert r.status_code == 201, r.get_json()
    record = r.get_json()
    assert record["choices"] == {"advertising": False, "analytics": False, "functional": True}
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("cookiegov=v1.") and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "Domain=shop.test" in cookie
    stored = all_records(db, "shop.test")
    assert stored[0]["ip"] == "203.0.113.0/24"
    assert "203.0.113.77" not in json.dumps(stored)
    assert verify_chain(db, "shop.test").ok
    mine = client.get(f"/v1/sites/shop.test/consents/{record['consent_id']}")
    assert mine.status_code == 200 and len(mine.get_json()["records"]) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "valid JSON"),
        ([1, 2], "JSON object"),
        ({"categories": {"marketing": True}}, "unknown categories"),
        ({"categories": {"analytics": "yes"}}, "true or false"),
        ({"categories": {}, "method": "telepathy"}, "method"),
        ({"categories": {}, "consent_id": "../../etc"}, "consent_id"),
        ({"categories": {}, "revision": -1}, "revision"),
    ],
)
def test_bad_input_gets_one_clear_json_error(
    client: FlaskClient, db: Database, body: Any, fragment: str
) -> None:
    r = post(client, body)
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "invalid_input" and fragment in error["message"]
    assert all_records(db, "shop.test") == []


def test_cors_only_for_the_sites_origins(client: FlaskClient) -> None:
    ok = post(client, {"categories": {}})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://www.shop.test"
    evil = post(client, {"categories": {}}, Origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in evil.headers
    assert evil.headers["X-Content-Type-Options"] == "nosniff"
