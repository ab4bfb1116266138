"""The consent POST's WSGI fast path: it serves consent writes, and answers exactly as the
Flask view it stands in front of (status, document, headers), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy
from flask import Flask
from werkzeug.test import Client, TestResponse

from banner import create_app
from banner.fastpath import ConsentFastPath, is_json
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records, verify_chain

URL = "/v1/sites/shop.test/consents"


@pytest.fixture
def app(db: Database) -> Flask:
    settings = Settings(
        rate_limit=10**6,
        sites={"shop.test": {}, "broken.test": {"gpc_refuses": ["telepathy"]}},
    )
    app = create_app(settings, db)
    app.config["flask_requests"] = 0

    @app.before_request
    def _count() -> None:  # runs only for what reaches Flask
        app.config["flask_requests"] += 1

    return app


def send(
    wsgi: Any, body: Any, url: str = URL, content_type: str = "application/json", **headers: str
) -> TestResponse:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return Client(wsgi).post(
        url,
        data=data,
        headers={"Content-Type": content_type, "Origin": "https://www.shop.test", **headers},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
        base_url="https://consent.shop.test",
    )


def fast_and_flask(app: Flask) -> tuple[Any, Any]:
    fast = app.wsgi_app.app.app  # type: ignore[attr-defined]  # behind HeaderLimit, TrustedProxies
    assert isinstance(fast, ConsentFastPath)
    return fast, fast.inner


def comparable(r: TestResponse) -> dict[str, Any]:
    """What must agree between the two paths: all but values that differ per record."""
    document = r.get_json()
    if r.status_code == 201:
        document = sorted(document)
    headers = {k: v for k, v in r.headers.items() if k not in ("Content-Length", "Set-Cookie")}
    cookie = r.headers.get("Set-Cookie", "")
    return {
        "status": r.status,
        "document": document,
        "headers": headers,
        "cookie": [a for a in cookie.split("; ") if not a.startswith("cookiegov=")],
    }


CASES: list[tuple[str, Any, dict[str, str]]] = [
    ("valid", {"categories": {"analytics": True}, "language": "de"}, {}),
    ("gpc header", {"categories": {"advertising": True}}, {"Sec-GPC": "1"}),
    ("cross-site origin", {"categories": {}}, {"Origin": "https://evil.example"}),
    ("not json", "{categories:", {}),
    ("not utf-8", b"\xff\xfe{\x00", {}),
    ("deeply nested", "[" * 20_000 + "]" * 20_000, {}),
    ("array", [1, 2], {}),
    ("unknown category", {"categories": {"marketing": True}}, {}),
    ("bad revision", {"categories": {}, "revision": True}, {}),
]


@pytest.mark.parametrize(("case", "body", "headers"), CASES, ids=[c[0] for c in CASES])
def test_fast_path_answers_as_the_flask_view(
    app: Flask, db: Database, case: str, body: Any, headers: dict[str, str]
) -> None:
    fast, flask_view = fast_and_flask(app)
    by_fast = send(fast, body, **headers)
    assert app.config["flask_requests"] == 0  # served without Flask
    by_flask = send(flask_view, body, **headers)
    assert app.config["flask_requests"] == 1
    assert comparable(by_fast) == comparable(by_flask)
    assert by_fast.status_code in (201, 400), by_fast.get_json()
    if by_fast.status_code == 201:
        stored = all_records(db, "shop.test")
        assert [r["consent_id"] for r in stored] == [
            by_fast.get_json()["consent_id"],
            by_flask.get_json()["consent_id"],
        ]
        assert all(r["ip"] == "198.51.100.0/24" for r in stored)
        assert verify_chain(db, "shop.test").ok
    else:
        assert by_fast.get_json()["error"]["code"] == "invalid_input"
        assert all_records(db, "shop.test") == []


def test_wrong_content_type_and_unknown_site_as_the_flask_view(app: Flask) -> None:
    fast, flask_view = fast_and_flask(app)
    for kwargs in ({"content_type": "text/plain"}, {"url": "/v1/sites/nope.test/consents"}):
        by_fast, by_flask = send(fast, {"categories": {}}, **kwargs), send(flask_view, {}, **kwargs)
        assert comparable(by_fast) == comparable(by_flask)
        assert by_fast.status_code in (400, 404)
    assert app.config["flask_requests"] == 2  # the Flask view's two; the fast path took its own


def test_vendor_json_types_count_as_json() -> None:
    assert is_json("application/json; charset=utf-8") and is_json("application/consent+json")
    assert not is_json("text/json") and not is_json("")


def test_what_the_fast_path_leaves_to_flask(app: Flask, db: Database) -> None:
    fast, _ = fast_and_flask(app)
    big = send(fast, {"categories": {}, "page_url": "x" * 70_000})
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "request_entity_too_large"
    other = Client(fast).options(URL, headers={"Origin": "https://www.shop.test"})
    assert other.status_code == 200
    assert other.headers["Access-Control-Allow-Origin"] == "https://www.shop.test"
    assert app.config["flask_requests"] == 2
    assert all_records(db, "shop.test") == []


def test_server_side_failures_keep_the_error_shape(
    app: Flask, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    fast, _ = fast_and_flask(app)
    broken = send(fast, {"categories": {}}, url="/v1/sites/broken.test/consents")
    assert broken.status_code == 500 and broken.get_json()["error"]["code"] == "config_error"
    with db.engine.begin() as conn:  # the storage fails for real: its table is gone
        conn.execute(sqlalchemy.text("DROP TABLE consents"))
    lost = send(fast, {"categories": {}})
    assert lost.status_code == 503, lost.get_json()
    assert lost.get_json()["error"]["code"] == "storage_error"
    assert lost.headers["X-Frame-Options"] == "DENY"
    assert "request failed" in caplog.text
    assert app.config["flask_requests"] == 0
