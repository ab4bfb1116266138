"""The preference endpoint through Flask's test client, on a real SQLite database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.errors import NotFoundError
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


def admin_client(db: Database, token: str = "s3cret-token-for-the-admin-api-7Qx") -> FlaskClient:
    settings = Settings(admin_token=token, rate_limit=5, sites={"shop.test": {}})
    return create_app(settings, db).test_client()


def test_withdraw_and_export_own_records(client: FlaskClient, db: Database) -> None:
    cid = post(client, {"categories": {"analytics": True}}).get_json()["consent_id"]
    exported = client.get(f"/v1/sites/shop.test/consents/{cid}/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert json.loads(exported.data)["records"][0]["choices"]["analytics"] is True
    gone = client.delete(
        f"/v1/sites/shop.test/consents/{cid}", base_url="https://consent.shop.test"
    )
    assert gone.status_code == 200
    assert gone.get_json()["action"] == "withdraw"
    assert not any(gone.get_json()["choices"].values())
    assert "cookiegov=;" in gone.headers["Set-Cookie"]
    records = client.get(f"/v1/sites/shop.test/consents/{cid}").get_json()["records"]
    assert [r["action"] for r in records] == ["grant", "withdraw"]
    assert client.get("/v1/sites/shop.test/consents/unknown-id-123456789").status_code == 404
    assert client.delete("/v1/sites/shop.test/consents/..%2F..").status_code in (400, 404)


def test_admin_endpoints_need_the_token(db: Database) -> None:
    c = admin_client(db)
    for _ in range(3):
        post(c, {"categories": {"analytics": True, "advertising": False}})
    post(c, {"categories": {"analytics": False}, "method": "gpc", "gpc": True})
    assert c.get("/v1/sites/shop.test/admin/stats").status_code == 401
    assert (
        c.get(
            "/v1/sites/shop.test/admin/stats", headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )
    auth = {"Authorization": "Bearer s3cret-token-for-the-admin-api-7Qx"}
    stats = c.get("/v1/sites/shop.test/admin/stats", headers=auth).get_json()
    assert stats["visitors"] == 4 and stats["granted"]["analytics"] == 3 and stats["gpc"] == 1
    listed = c.get("/v1/sites/shop.test/admin/consents?method=gpc", headers=auth).get_json()
    assert listed["count"] == 1 and listed["records"][0]["gpc"] is True
    as_csv = c.get("/v1/sites/shop.test/admin/consents?format=csv", headers=auth)
    assert as_csv.mimetype == "text/csv" and as_csv.data.decode().count("\n") == 5
    bad = c.get("/v1/sites/shop.test/admin/consents?since=yesterday", headers=auth)
    assert bad.status_code == 400 and "since" in bad.get_json()["error"]["message"]
    assert c.get("/v1/sites/shop.test/admin/verify", headers=auth).get_json()["ok"] is True
    assert (
        admin_client(db, token="").get("/v1/sites/shop.test/admin/stats", headers=auth).status_code
        == 401
    )


def test_rate_limit_per_client(db: Database) -> None:
    c = admin_client(db)
    codes = [post(c, {"categories": {}}).status_code for _ in range(7)]
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]


def test_openapi_documents_every_route(client: FlaskClient) -> None:
    doc = client.get("/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    app = client.application
    routes = {
        r.rule.replace("<site>", "{site}").replace("<consent_id>", "{consent_id}")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/v1")
    }
    assert routes == set(doc["paths"])


def test_banner_code_fits_the_size_budget() -> None:
    import gzip
    from pathlib import Path

    static = Path(__file__).resolve().parent.parent / "banner" / "static"
    code = (static / "banner.js").read_bytes() + (static / "banner.css").read_bytes()
    assert len(gzip.compress(code, 9)) <= 7 * 1024


def test_openapi_copy_in_docs_is_current(client: FlaskClient) -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
    assert json.loads(docs.read_text()) == client.get("/v1/openapi.json").get_json()


def test_rate_limits_are_shared_through_redis(db: Database) -> None:
    import os
    import uuid

    import redis

    url = os.environ.get("COOKIEGOV_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url} (CI requires it)")
        pytest.skip("Redis is not reachable")
    site = f"s{uuid.uuid4().hex[:10]}.test"
    settings = Settings(redis_url=url, rate_limit=5, sites={site: {}})
    servers = [create_app(settings, db).test_client() for _ in range(2)]  # two app servers

    def hit(c: FlaskClient) -> int:
        return c.post(
            f"/v1/sites/{site}/consents",
            json={"categories": {}},
            environ_base={"REMOTE_ADDR": "198.51.100.9"},
        ).status_code

    codes = [hit(servers[i % 2]) for i in range(7)]
    assert codes == [201] * 5 + [429, 429]


def test_banner_lists_the_cookies_of_the_baseline_scan(client: FlaskClient, db: Database) -> None:
    """The banner lists what "Accept all" sets, also after a later scan in another state (a
    compliance check after "Reject all" sees fewer cookies)."""
    from dataclasses import replace

    from cookiegov.storage.scans import save_scan
    from tests.test_storage import _scan

    accepted = _scan()
    promo = replace(accepted.cookies[0], name="promo_tracker", http_only=False)
    save_scan(db, replace(accepted, consent="accept", cookies=[accepted.cookies[0], promo]))
    save_scan(db, replace(accepted, consent="reject"))  # the latest scan: promo_tracker refused
    line = client.get("/v1/sites/shop.test/banner.js").get_data(as_text=True).split("\n")[0]
    config = json.loads(line.removeprefix("window.__cookiegovConfig=").removesuffix(";"))
    assert sorted(c["name"] for c in config["cookies"]) == ["promo_tracker", "sessionid"]


def test_banner_marks_cookies_whose_category_needs_review(
    client: FlaskClient, db: Database
) -> None:
    """A category below the review threshold is a guess: the banner is told, and treats the
    cookie as non-necessary (banner.js keeps it only when every category is granted)."""
    from dataclasses import replace

    from cookiegov.models import Category, Classification
    from cookiegov.storage.scans import save_scan
    from tests.test_storage import _scan

    scan = _scan()
    guess = Classification(
        Category.NECESSARY, None, 0.41, "learned model: …", "model", needs_review=True
    )
    unsure = replace(scan.cookies[0], name="zz_guess", classification=guess)
    save_scan(db, replace(scan, consent="accept", cookies=[scan.cookies[0], unsure]))
    line = client.get("/v1/sites/shop.test/banner.js").get_data(as_text=True).split("\n")[0]
    config = json.loads(line.removeprefix("window.__cookiegovConfig=").removesuffix(";"))
    review = {c["name"]: (c["category"], c["review"]) for c in config["cookies"]}
    assert review["zz_guess"] == ("necessary", True)
    assert review[scan.cookies[0].name][1] is scan.cookies[0].needs_review


@pytest.mark.parametrize(
    ("base_url", "domain"),
    [("https://consent.shop.test", "Domain=shop.test"), ("https://127.0.0.1:8443", None)],
)
def test_withdrawal_clears_the_cookie_with_the_domain_it_was_set_with(
    client: FlaskClient, base_url: str, domain: str | None
) -> None:
    granted = client.post(
        "/v1/sites/shop.test/consents",
        data=json.dumps({"categories": {"analytics": True}}),
        headers={"Content-Type": "application/json"},
        base_url=base_url,
    )
    cid = granted.get_json()["consent_id"]
    cleared = client.delete(f"/v1/sites/shop.test/consents/{cid}", base_url=base_url)
    set_attributes = granted.headers["Set-Cookie"].split("; ")
    clear_attributes = cleared.headers["Set-Cookie"].split("; ")
    for attributes in (set_attributes, clear_attributes):
        domains = [a for a in attributes if a.lower().startswith("domain=")]
        assert [d.lower() for d in domains] == ([domain.lower()] if domain else [])


def test_a_sites_config_is_built_once_and_again_when_its_settings_change() -> None:
    """Every consent POST asks for the site's config: it is built once, and again when the
    file's settings change, even in place (a cached object compared by identity missed that),
    or when another site's settings are asked for."""
    from banner.site_store import effective_site

    settings = Settings(sites={"shop.test": {"revision": 1}, "other.test": {}})
    first = effective_site(settings, None, "shop.test")
    assert first.revision == 1 and effective_site(settings, None, "shop.test") is first
    settings.sites["shop.test"]["revision"] = 2
    assert effective_site(settings, None, "shop.test").revision == 2
    assert effective_site(settings, None, "other.test").site == "other.test"
    with pytest.raises(NotFoundError):
        effective_site(settings, None, "nope.test")


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ("/dashboard", "/dashboard/"),  # Werkzeug's slash redirect: a 308, which caches keep
        ("/v1/sites/shop.test//banner.js", "/v1/sites/shop.test/banner.js"),
        ("/dashboard/sites/shop.test", "/dashboard/login?next=/dashboard/sites/shop.test"),
    ],
)
def test_redirects_never_carry_the_host_the_client_sent(
    client: FlaskClient, path: str, to: str
) -> None:
    for host in ("evil.example", "EVIL.example:8080"):
        r = client.get(path, headers={"Host": host})
        assert 300 <= r.status_code < 400 and r.headers["Location"] == to, host
