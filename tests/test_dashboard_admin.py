"""The dashboard's admin pages in-process: consent log export (formula injection), schedules
(add, pause, resume, remove), test traffic, and CSRF on every form."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.settings import Settings
from cookiegov.storage import Database, open_database
from cookiegov.storage.site_admin import audit_log

TOKEN = "admin-t0ken-for-tests-of-the-dashboard"
SITES = {"shop.test": {"policy_url": "https://www.shop.test/privacy"}}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.fixture
def client(db: Database) -> FlaskClient:
    app = create_app(Settings(admin_token=TOKEN, sites=SITES), db)
    c = app.test_client()
    r = c.post("/dashboard/login", data={"token": TOKEN}, base_url="https://localhost")
    assert r.status_code == 302
    return c


def csrf(client: FlaskClient, path: str) -> str:
    html = client.get(path, base_url="https://localhost").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def post(client: FlaskClient, path: str, data: dict[str, str]) -> object:
    return client.post(path, data=data, base_url="https://localhost")


def test_consent_log_export_neutralises_formulas(client: FlaskClient, db: Database) -> None:
    hostile = '=HYPERLINK("http://evil.test","x")'
    for page in ("https://www.shop.test/", hostile, "+1-2", "@SUM(A1)", "-3", "-3+cmd"):
        r = client.post(
            "/v1/sites/shop.test/consents",
            json={"categories": {"analytics": True}, "page_url": page, "language": "en"},
        )
        assert r.status_code == 201
    got = client.get("/dashboard/sites/shop.test/consents.csv", base_url="https://localhost")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert "attachment" in got.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    pages = [r["page_url"] for r in rows]
    # a plain number ("-3") is read as that number, never run: it stays as recorded
    assert pages == ["https://www.shop.test/", "'" + hostile, "'+1-2", "'@SUM(A1)", "-3", "'-3+cmd"]
    assert all(not p.startswith(("=", "+", "@")) for p in pages)
    assert rows[0]["analytics"] == "True" and rows[0]["advertising"] == "False"
    as_json = client.get("/dashboard/sites/shop.test/consents.json", base_url="https://localhost")
    records = json.loads(as_json.get_data(as_text=True))["records"]
    assert records[1]["page_url"] == hostile  # JSON keeps the value as recorded
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5, 6]


def test_exports_need_the_login(db: Database) -> None:
    anonymous = create_app(Settings(admin_token=TOKEN, sites=SITES), db).test_client()
    r = anonymous.get("/dashboard/sites/shop.test/consents.csv", base_url="https://localhost")
    assert r.status_code == 302 and "/dashboard/login" in r.headers["Location"]


def test_schedules_are_managed_from_the_dashboard(client: FlaskClient, db: Database) -> None:
    token = csrf(client, "/dashboard/schedules")
    r = post(
        client,
        "/dashboard/schedules",
        {"csrf_token": token, "url": "https://www.shop.test/", "cron": "@weekly"},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = client.get("/dashboard/schedules", base_url="https://localhost").get_data(as_text=True)
    assert "https://www.shop.test/" in page and "@weekly" in page
    post(client, "/dashboard/schedules/1/pause", {"csrf_token": token})
    assert ">paused<" in client.get("/dashboard/schedules", base_url="https://localhost").get_data(
        as_text=True
    )
    post(client, "/dashboard/schedules/1/resume", {"csrf_token": token})
    from cookiegov.schedules import list_schedules

    assert list_schedules(db)[0].paused is False
    bad = post(client, "/dashboard/schedules", {"csrf_token": token, "url": "x", "cron": "@x"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "must start with http" in bad.get_data(as_text=True)  # type: ignore[attr-defined]
    other = post(
        client, "/dashboard/schedules", {"csrf_token": token, "url": "https://other.test/"}
    )
    assert other.status_code == 400  # type: ignore[attr-defined]
    assert "not on a site you manage" in other.get_data(as_text=True)  # type: ignore[attr-defined]
    post(client, "/dashboard/schedules/1/remove", {"csrf_token": token})
    assert list_schedules(db) == []
    actions = [e["action"] for e in audit_log(db)]
    assert actions == ["schedule-remove", "schedule-resume", "schedule-pause", "schedule-add"]


def test_every_form_needs_the_csrf_token(client: FlaskClient, db: Database) -> None:
    r = post(client, "/dashboard/schedules", {"url": "https://www.shop.test/", "cron": "@daily"})
    assert r.status_code == 403  # type: ignore[attr-defined]
    r = post(client, "/dashboard/schedules", {"csrf_token": "forged", "url": "https://a.test/"})
    assert r.status_code == 403  # type: ignore[attr-defined]
    from cookiegov.schedules import list_schedules

    assert list_schedules(db) == []


def test_a_marked_test_session_is_left_out_of_the_statistics(
    client: FlaskClient, db: Database
) -> None:
    client.post("/v1/sites/shop.test/consents", json={"categories": {"analytics": True}})
    token = csrf(client, "/dashboard/test-traffic")
    r = post(client, "/dashboard/test-traffic/session", {"csrf_token": token, "on": "1"})
    cookie = r.headers["Set-Cookie"]  # type: ignore[attr-defined]
    assert "cookiegov_test=" in cookie and "SameSite=None" in cookie and "Secure" in cookie
    assert "cookiegov_test=1;" not in cookie  # a signed mark, not a value anyone can send
    for _ in range(3):
        client.post(
            "/v1/sites/shop.test/consents",
            json={"categories": {"analytics": False}},
            base_url="https://localhost",
        )
    site = client.get("/dashboard/sites/shop.test", base_url="https://localhost")
    text = site.get_data(as_text=True)
    assert re.search(r"<b>1</b><span>visitors with a choice", text)
    assert re.search(r"<b>3</b><span>test consents left out", text)
    rows = client.get("/dashboard/sites/shop.test/consents.json", base_url="https://localhost")
    marks = [r["test_traffic"] for r in json.loads(rows.get_data(as_text=True))["records"]]
    assert marks == [False, True, True, True]


def test_the_dashboard_links_the_evidence_report_of_every_check(
    client: FlaskClient, db: Database
) -> None:
    from cookiegov.storage.scans import save_scan
    from tests.builders import banner, cookie, scan

    ids = []
    for _ in range(2):  # two checks
        for state in ("none", "reject", "gpc", "accept"):
            ev = [banner(clicked="Reject all")] if state == "reject" else []
            stored = save_scan(db, scan(state, [cookie("sid")], evidence=ev))
            ids.append(stored.scan_id)
    page = client.get("/dashboard/sites/shop.test", base_url="https://localhost")
    html = page.get_data(as_text=True)
    assert "/dashboard/sites/shop.test/evidence" in html
    for scan_id in ids:
        assert f"/dashboard/sites/shop.test/evidence?upto={scan_id}" in html
    latest = client.get("/dashboard/sites/shop.test/evidence", base_url="https://localhost")
    assert latest.status_code == 200 and "Evidence report: shop.test" in latest.get_data(
        as_text=True
    )
    assert "img-src data:" in latest.headers["Content-Security-Policy"]
    first = client.get(
        f"/dashboard/sites/shop.test/evidence?upto={ids[3]}", base_url="https://localhost"
    ).get_data(as_text=True)
    assert f"Scan {ids[1]}," in first and f"Scan {ids[5]}," not in first
    assert "Reject all" in first


def test_the_scan_reports_legend_matches_its_bars() -> None:
    from cookiegov.report import to_html
    from tests.builders import cookie, scan

    html = to_html(scan("none", [cookie("sid"), cookie("_ga", "analytics", third_party=True)]))
    assert "Solid: first-party · striped: third-party" in html
    third = re.search(r'<i class="third" style="([^"]+)"', html)
    assert third and "background-color:" in third.group(1)
    assert "background:" not in third.group(1)  # would reset the stripes the legend promises
