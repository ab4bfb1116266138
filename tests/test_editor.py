"""The site editor in-process: draft, preview script, publish (revision raised only when what
visitors agreed to changed), validation, cookie overrides, audit log, CSRF."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.errors import InputError
from cookiegov.settings import Settings
from cookiegov.site_settings import banner_css, check_policy_url
from cookiegov.storage import Database, open_database
from cookiegov.storage.scans import save_scan
from cookiegov.storage.site_admin import audit_log
from tests.builders import cookie, scan

TOKEN = "editor-t0ken-long-enough-for-i15"
SITES = {"shop.test": {"policy_url": "https://www.shop.test/privacy", "revision": 3}}
HTTPS = "https://localhost"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    d = open_database(f"sqlite:///{tmp_path / 'e.db'}")
    save_scan(d, scan("accept", [cookie("sid"), cookie("_ga", "analytics", vendor="Google")]))
    return d


@pytest.fixture
def client(db: Database) -> FlaskClient:
    c = create_app(Settings(admin_token=TOKEN, sites=SITES), db).test_client()
    assert c.post("/dashboard/login", data={"token": TOKEN}, base_url=HTTPS).status_code == 302
    return c


def form_of(client: FlaskClient) -> dict[str, Any]:
    """The editor's main form as the browser would send it, unchanged."""
    html = client.get("/dashboard/sites/shop.test/editor/", base_url=HTTPS).get_data(as_text=True)
    main = html.split('class="editor"', 1)[1].split("</form>", 1)[0]
    data: dict[str, Any] = {}
    for m in re.finditer(r"<input ([^>]*)>", main):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                data.setdefault(attrs["name"], []).append(attrs["value"])
        else:
            data[attrs["name"]] = _unescape(attrs.get("value", ""))
    for m in re.finditer(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', main, re.S):
        data[m.group(1)] = _unescape(m.group(2))
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', main, re.S):
        chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)', m.group(2))
        assert chosen, m.group(1)
        data[m.group(1)] = chosen.group(1) or chosen.group(2)
    return data


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


def config(client: FlaskClient, path: str = "/v1/sites/shop.test/banner.js") -> dict[str, Any]:
    body = client.get(path, base_url=HTTPS).get_data(as_text=True)
    return dict(json.loads(body.split("=", 1)[1].split(";\n", 1)[0]))


def set_cookie(
    client: FlaskClient, name: str, category: str, vendor: str = "", purpose: str = ""
) -> Any:
    """The editor's form for one cookie of www.shop.test, sent as the browser would."""
    return client.post(
        "/dashboard/sites/shop.test/editor/cookie",
        data={
            "csrf_token": form_of(client)["csrf_token"],
            "name": name,
            "domain": "www.shop.test",
            "category": category,
            "vendor": vendor,
            "purpose": purpose,
        },
        base_url=HTTPS,
    )


def send(client: FlaskClient, data: dict[str, Any], action: str) -> Any:
    return client.post(
        "/dashboard/sites/shop.test/editor/", data={**data, "action": action}, base_url=HTTPS
    )


def test_texts_draft_preview_publish_and_ask_again(client: FlaskClient, db: Database) -> None:
    before = config(client)
    assert (
        before["revision"] == 3
        and before["texts"]["de"]["title"] == "Ihre Datenschutz-Einstellungen"
    )
    data = form_of(client)
    assert data["text-de-title"] == "Ihre Datenschutz-Einstellungen"  # defaults shown
    assert data["text-fr-analytics_desc"].startswith("Compter les visites")
    data["text-de-title"] = "Cookies bei Meridian"
    data["text-en-analytics_desc"] = "We count visits <b>only</b> in aggregate."
    assert send(client, data, "preview").status_code == 303
    draft = config(client, "/dashboard/sites/shop.test/editor/draft.js")
    assert draft["texts"]["de"]["title"] == "Cookies bei Meridian"
    assert config(client)["texts"]["de"]["title"] == "Ihre Datenschutz-Einstellungen"  # not yet
    assert send(client, {"csrf_token": data["csrf_token"]}, "publish").status_code == 303
    after = config(client)
    assert after["texts"]["de"]["title"] == "Cookies bei Meridian"
    assert after["texts"]["en"]["analytics_desc"] == "We count visits <b>only</b> in aggregate."
    assert after["revision"] == 4  # visitors are asked again
    raw = client.get("/v1/sites/shop.test/banner.js", base_url=HTTPS).get_data(as_text=True)
    assert "<b>" not in raw  # the config is JSON with < escaped
    actions = [e["action"] for e in audit_log(db, "shop.test")]
    assert actions[:2] == ["publish", "draft"]
    assert audit_log(db, "shop.test")[0]["detail"]["asks_again"] == ["texts"]


def test_the_look_alone_does_not_ask_again(client: FlaskClient) -> None:
    data = form_of(client)
    data.update({"theme-accent": "#aa3300", "theme-radius": "0", "layout": "modal:center"})
    send(client, data, "preview")
    send(client, {"csrf_token": data["csrf_token"]}, "publish")
    after = config(client)
    assert after["revision"] == 3
    assert "--cg-accent:#aa3300" in after["css"] and "--cg-radius:0px" in after["css"]
    assert "inset:0" in after["css"]  # the modal layout


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("policy_url", "javascript:alert(1)", "policy link"),
        ("policy_url", "//evil.test/x", "policy link"),
        ("theme-accent", "red;}body{x:y", "colour"),
        ("consent_days", "900", "consent period"),
        ("theme-radius", "-4", "radius"),
        ("layout", "modal:top", "modal"),
    ],
)
def test_bad_edits_are_refused_and_kept_in_the_form(
    client: FlaskClient, field: str, value: str, message: str
) -> None:
    data = form_of(client)
    data[field] = value
    data["text-en-title"] = "Kept as typed"
    r = send(client, data, "preview")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert message in page and 'role="alert"' in page and "Kept as typed" in page
    assert config(client)["revision"] == 3


def test_policy_links() -> None:
    assert check_policy_url("/privacy") == "/privacy"
    assert check_policy_url("https://www.shop.test/privacy#cookies")
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.test", "ftp://x", ""):
        with pytest.raises(InputError):
            check_policy_url(bad)
    assert banner_css({}) == ""


def test_cookie_overrides_change_the_banner_and_ask_again(
    client: FlaskClient, db: Database
) -> None:
    r = set_cookie(client, "_ga", "analytics", "Google Analytics 4", "Visit counts")
    assert r.status_code == 303
    entry = next(c for c in config(client)["cookies"] if c["name"] == "_ga")
    assert entry["vendor"] == "Google Analytics 4" and entry["purpose"] == "Visit counts"
    assert config(client)["revision"] == 3  # same category: no new question
    set_cookie(client, "_ga", "advertising")
    entry = next(c for c in config(client)["cookies"] if c["name"] == "_ga")
    assert entry["category"] == "advertising" and config(client)["revision"] == 4
    declared = client.get("/v1/sites/shop.test/declaration.json").get_json()
    assert [c["name"] for c in declared["categories"]["advertising"]] == ["_ga"]
    assert "analytics" not in declared["categories"]
    page = client.get("/dashboard/sites/shop.test/editor/", base_url=HTTPS).get_data(as_text=True)
    assert re.search(r'<td class="muted">[^<,]+, \d{4}-\d\d-\d\dT', page)  # who and when
    assert "(scan: analytics)" in page
    log = audit_log(db, "shop.test")
    assert [e["action"] for e in log[:3]] == ["revision", "cookie", "cookie"]
    assert log[1]["detail"]["before"]["category"] == "analytics"


def test_editor_forms_need_the_token(client: FlaskClient) -> None:
    data = form_of(client)
    del data["csrf_token"]
    assert send(client, data, "preview").status_code == 403
    for forged in ("é", "\u2603" * 43, data.get("theme", "x")):  # non-ASCII was a 500
        assert send(client, {**data, "csrf_token": forged}, "preview").status_code == 403
    r = client.post(
        "/dashboard/sites/shop.test/editor/cookie",
        data={"name": "_ga", "domain": "www.shop.test", "category": "necessary"},
        base_url=HTTPS,
    )
    assert r.status_code == 403


def test_unknown_sites_and_anonymous_visitors(db: Database, client: FlaskClient) -> None:
    anonymous = create_app(Settings(admin_token=TOKEN, sites=SITES), db).test_client()
    for site in ("shop.test", "nope.test"):  # sign in first; which sites exist is not said
        r = anonymous.get(f"/dashboard/sites/{site}/editor/", base_url=HTTPS)
        assert r.status_code == 302 and "/dashboard/login" in r.headers["Location"]
    r = client.get("/dashboard/sites/nope.test/editor/", base_url=HTTPS)
    assert r.status_code == 404


def test_the_dashboard_inventory_shows_the_override(client: FlaskClient) -> None:
    token = form_of(client)["csrf_token"]
    client.post(
        "/dashboard/sites/shop.test/editor/cookie",
        data={
            "csrf_token": token,
            "name": "_ga",
            "domain": "www.shop.test",
            "category": "advertising",
            "vendor": "Own vendor name",
            "purpose": "",
        },
        base_url=HTTPS,
    )
    page = client.get("/dashboard/sites/shop.test?category=advertising", base_url=HTTPS).get_data(
        as_text=True
    )
    inventory = page.split('id="inv-h"', 1)[1]
    assert "<code>_ga</code>" in inventory and "Own vendor name" in inventory


def test_the_admins_category_settles_a_cookie_flagged_for_review(
    db: Database, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cookie the scan's classifier was unsure of is flagged (the banner clears it unless
    everything is granted); once the admin confirms its category in the editor, the banner and
    the declaration stop treating it as a guess (they kept the scan's flag before)."""
    from cookiegov.models import Category, Classification

    monkeypatch.setattr("banner.api.SCRIPT_TTL", 0.0)  # no built script reused (10 s)
    guess = Classification(Category.NECESSARY, None, 0.41, "learned model: …", "model",
                           needs_review=True)  # fmt: skip
    save_scan(db, scan("accept", [cookie("sid"), cookie("zq_cart", classification=guess)]))

    def flags() -> tuple[bool, bool]:
        entry = next(c for c in config(client)["cookies"] if c["name"] == "zq_cart")
        declared = client.get("/v1/sites/shop.test/declaration.json").get_json()
        listed = next(c for c in declared["categories"]["necessary"] if c["name"] == "zq_cart")
        return entry["review"], listed["needs_review"]

    assert flags() == (True, True)
    assert set_cookie(client, "zq_cart", "necessary", purpose="the basket").status_code == 303
    assert flags() == (False, False)
