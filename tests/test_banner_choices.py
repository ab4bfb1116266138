"""Per-service choices and regional rules at the endpoint (banner.choices, banner.vendors),
through Flask's test client and the WSGI fast path, on a real SQLite database."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.models import Category
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import FIELDS, all_records, verify_chain
from cookiegov.storage.scans import save_scan
from tests.builders import cookie, scan

SITE = "shop.test"


@pytest.fixture
def client(db: Database) -> FlaskClient:
    save_scan(
        db,
        scan(
            cookies=[
                cookie(
                    "_pk_id.1",
                    Category.ANALYTICS,
                    vendor="Matomo",
                    set_by="https://cdn.metrics.test/m.js",
                ),
                cookie(
                    "_ga",
                    Category.ANALYTICS,
                    vendor="Google Analytics",
                    set_by="https://www.googletagmanager.com/gtag/js",
                ),
                cookie(
                    "uid",
                    Category.ADVERTISING,
                    vendor="AdNet",
                    domain="adnet.test",
                    third_party=True,
                    set_by="https://ads.adnet.test/px.gif",
                ),
            ]
        ),
    )
    settings = Settings(
        region_header="CF-IPCountry", sites={SITE: {"gpc_refuses": ["advertising"]}}
    )
    return create_app(settings, db).test_client()


def post(client: FlaskClient, body: Any, **headers: str) -> Any:
    return client.post(
        f"/v1/sites/{SITE}/consents",
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "Origin": "https://www.shop.test", **headers},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
        base_url="https://consent.shop.test",
    )


def test_services_are_stored_hashed_and_carried_in_the_cookie(
    client: FlaskClient, db: Database
) -> None:
    body = {
        "categories": {"analytics": True},
        "services": {"matomo": False, "google-analytics": True},
    }
    r = post(client, body)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["services"] == {"google-analytics": True, "matomo": False}
    assert r.headers["Set-Cookie"].split(";")[0].endswith(".-a-.1google-analytics_0matomo")
    stored = all_records(db, SITE)[-1]
    assert stored["services"] == {"google-analytics": True, "matomo": False}
    assert verify_chain(db, SITE).ok
    with db.engine.begin() as conn:  # a changed service choice breaks the chain
        conn.execute(sa.text("UPDATE consents SET services = '{\"matomo\": true}'"))
    assert not verify_chain(db, SITE).ok


@pytest.mark.parametrize(
    ("services", "fragment"),
    [
        (["matomo"], "'services' must be an object"),
        ({"hotjar": True}, "unknown services: hotjar"),
        ({"Matomo!": True}, "service ids"),
        ({"matomo": "yes"}, "true or false"),
        ({f"s{i}": True for i in range(65)}, "at most 64"),
    ],
)
def test_bad_services_get_a_clear_400_and_nothing_is_stored(
    client: FlaskClient, db: Database, services: Any, fragment: str
) -> None:
    r = post(client, {"categories": {}, "services": services})
    assert r.status_code == 400
    assert fragment in r.get_json()["error"]["message"]
    assert all_records(db, SITE) == []


@pytest.mark.parametrize(
    ("headers", "region", "rule"),
    [
        ({"CF-IPCountry": "DE"}, "DE", "opt-in"),
        ({"CF-IPCountry": "US"}, "US", "opt-out"),
        ({"CF-IPCountry": "XX"}, None, "opt-in"),
        ({}, None, "opt-in"),
    ],
)
def test_the_record_stores_the_rule_that_applied(
    client: FlaskClient, db: Database, headers: dict[str, str], region: str | None, rule: str
) -> None:
    r = post(client, {"categories": {"advertising": True}}, **headers)
    assert r.status_code == 201
    assert (r.get_json()["region"], r.get_json()["rule"]) == (region, rule)
    assert all_records(db, SITE)[-1]["rule"] == rule


def test_gpc_is_an_opt_out_where_the_rule_is_opt_out(client: FlaskClient) -> None:
    body = {"categories": {"advertising": True, "analytics": True}, "gpc": True}
    body["services"] = {"adnet": True, "matomo": True}
    us = post(client, body, **{"CF-IPCountry": "US", "Sec-GPC": "1"}).get_json()
    assert us["choices"]["advertising"] is False and us["choices"]["analytics"] is True
    assert us["services"] == {"adnet": False, "matomo": True}


def test_banner_script_per_region_with_services_and_block_list(client: FlaskClient) -> None:
    r = client.get(f"/v1/sites/{SITE}/banner.js", headers={"CF-IPCountry": "US"})
    # The script differs per region, its CORS headers per Origin: a cache in front keeps both.
    assert _vary(r) == {"CF-IPCountry", "Origin"}
    own = {"CF-IPCountry": "US", "Origin": f"https://www.{SITE}"}
    cors = client.get(f"/v1/sites/{SITE}/banner.js", headers=own)
    assert cors.headers["Access-Control-Allow-Origin"] == f"https://www.{SITE}"
    assert _vary(cors) == {"CF-IPCountry", "Origin"}  # the Origin's did not replace the region's
    config = json.loads(
        r.get_data(as_text=True).split("\n", 1)[0][len("window.__cookiegovConfig=") : -1]
    )
    assert config["rule"] == "opt-out"
    assert config["services"]["matomo"] == ["Matomo", "analytics"]
    assert config["block"]["cdn.metrics.test"] == ["analytics", "matomo"]
    eu = client.get(f"/v1/sites/{SITE}/banner.js", headers={"CF-IPCountry": "FR"})
    assert '"rule":"opt-in"' in eu.get_data(as_text=True).split("\n", 1)[0]


def _vary(response: Any) -> set[str]:
    return {v.strip() for v in response.headers["Vary"].split(",")}


def test_records_written_before_the_new_fields_still_verify(db: Database) -> None:
    """A record hashed the old way (no services, region, rule) is still a valid link."""
    from cookiegov.storage.appends import append_consent
    from cookiegov.storage.consents import GENESIS, ConsentInput

    old = {k: None for k in FIELDS}
    old.update(
        seq=1,
        consent_id="old-visitor-000001",
        created_at="2026-01-01T00:00:00Z",
        action="grant",
        choices={"analytics": True},
        revision=1,
        method="banner",
        gpc=False,
        prev_hash=GENESIS,
    )
    canonical = json.dumps({"site": SITE, **old}, sort_keys=True, separators=(",", ":"))
    old_hash = hashlib.sha256(canonical.encode()).hexdigest()  # the formula before 0020
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sites (domain, name, created_at) VALUES (:d, :d, 't')"),
            {"d": SITE},
        )
        conn.execute(
            sa.text(
                "INSERT INTO consents (site_id, seq, consent_id, created_at, action, choices,"
                " revision, method, gpc, prev_hash, hash) VALUES (1, 1, :cid, :t, 'grant',"
                " :choices, 1, 'banner', false, :prev, :hash)"
            ),
            {
                "cid": old["consent_id"],
                "t": old["created_at"],
                "choices": '{"analytics": true}',
                "prev": GENESIS,
                "hash": old_hash,
            },
        )
    entry = ConsentInput(
        "new-visitor-000001",
        {"analytics": True},
        1,
        "banner",
        False,
        services={"matomo": False},
        region="DE",
        rule="opt-in",
    )
    append_consent(db, SITE, entry)
    report = verify_chain(db, SITE)
    assert report.ok and report.records == 2, report.problems


@pytest.mark.parametrize(
    "services", [{"matomo": False, "adnet": True}, {"hotjar": True}], ids=["known", "unknown"]
)
def test_the_flask_view_extends_a_choice_as_the_fast_path_does(
    client: FlaskClient, db: Database, services: dict[str, bool]
) -> None:
    from werkzeug.test import Client

    from banner.fastpath import ConsentFastPath

    fast = client.application.wsgi_app
    while not isinstance(fast, ConsentFastPath):  # behind whatever middleware wraps it
        fast = getattr(fast, "app", None) or fast.inner
    answers = []
    for wsgi in (fast, fast.inner):
        r = Client(wsgi).post(
            f"/v1/sites/{SITE}/consents",
            data=json.dumps({"categories": {"analytics": True}, "services": services}),
            headers={"Content-Type": "application/json", "CF-IPCountry": "US"},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
            base_url="https://consent.shop.test",
        )
        document = r.get_json()
        for key in ("consent_id", "created_at", "hash", "seq"):
            document.pop(key, None)
        answers.append((r.status_code, document))
    assert answers[0] == answers[1]
    if answers[0][0] == 201:
        stored = all_records(db, SITE)
        assert [(r["services"], r["rule"], r["region"]) for r in stored] == [
            ({"adnet": True, "matomo": False}, "opt-out", "US")
        ] * 2
    else:
        assert "unknown services: hotjar" in answers[0][1]["error"]["message"]


def test_a_service_a_rescan_dropped_is_accepted_for_a_while(
    client: FlaskClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A visitor's cached banner script may still list it: their choice is recorded, not lost."""
    from banner import vendors

    assert post(client, {"categories": {}, "services": {"matomo": True}}).status_code == 201
    save_scan(db, scan(cookies=[cookie("_ga", Category.ANALYTICS, vendor="Google Analytics")]))
    monkeypatch.setattr(vendors, "TTL", 0.0)  # the next write reads the new scan
    vendors._cache.clear()
    assert post(client, {"categories": {}, "services": {"matomo": True}}).status_code == 201
    monkeypatch.setattr(vendors, "GRACE", 0.0)
    vendors._cache.clear()
    vendors._recent.clear()
    refused = post(client, {"categories": {}, "services": {"matomo": True}})
    assert refused.status_code == 400 and "matomo" in refused.get_json()["error"]["message"]
