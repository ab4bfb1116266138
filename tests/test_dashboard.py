"""The dashboard in real Chromium: login, every main page, and screenshots that are not blank."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page

from banner import create_app
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.appends import append_consent
from cookiegov.storage.consents import ConsentInput, all_records, record_hash
from cookiegov.storage.scans import save_scan
from tests.conftest import served, visitor_browser

pytestmark = pytest.mark.browser
TOKEN = "dash-t0ken-for-the-dashboard-4Wq"


def spread_over_days(db: Any, site: str) -> None:
    """Test data: move records onto three days and re-chain them (as if made over time)."""
    records = all_records(db, site)
    previous = "0" * 64
    with db.engine.begin() as conn:
        for i, r in enumerate(records):
            r["created_at"] = f"2026-11-{18 + i % 3:02d}T10:00:{i:02d}.000+00:00"
            r["prev_hash"] = previous
            r["hash"] = previous = record_hash(site, r)
            conn.execute(
                sa.text("UPDATE consents SET created_at=:c, prev_hash=:p, hash=:h WHERE seq=:s"),
                {"c": r["created_at"], "p": r["prev_hash"], "h": r["hash"], "s": r["seq"]},
            )


@pytest.fixture(scope="module")
def dashboard(shop_states: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('d') / 'd.db'}")
    results = list(shop_states.values())  # the session's real comparison of the demo shop
    for result in results:
        save_scan(db, result)
    for result in results:  # a second round, so that history has two scans per state
        save_scan(db, dataclasses.replace(result, scan_id=None))
    choices = [
        (True, True),
        (True, False),
        (False, False),
        (True, False),
        (False, False),
        (True, True),
    ]
    for i, (analytics, ads) in enumerate(choices):
        append_consent(
            db,
            "shop.test",
            ConsentInput(
                f"visitor-dash-{i:06d}",
                {"analytics": analytics, "advertising": ads, "functional": analytics},
                1,
                "banner",
                i == 4,
            ),
        )
    spread_over_days(db, "shop.test")
    app = create_app(Settings(admin_token=TOKEN, sites={"shop.test": {}}), db)
    with served(app) as url:
        yield url.replace("127.0.0.1", "localhost")


@pytest.fixture
def tab() -> Iterator[Page]:
    with visitor_browser() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/dashboard/")
    assert "/dashboard/login" in page.url
    page.get_by_label("Admin token").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong token."
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Sites").wait_for()


def not_broken(page: Page, tmp_path: Path, name: str) -> None:
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "Internal Server Error" not in text
    shot = page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert len(shot) > 20_000  # a real page, not a blank one


def test_dashboard_pages(dashboard: str, tab: Page, tmp_path: Path) -> None:
    page = tab
    sign_in(page, dashboard)
    assert "violation" in page.locator("table").first.inner_text()
    not_broken(page, tmp_path, "index")

    page.get_by_role("link", name="shop.test").click()
    page.get_by_role("heading", name="shop.test").wait_for()
    assert "is set before any choice" in page.inner_text("body")
    assert page.locator("svg polyline").count() == 3  # opt-in rate per category
    assert "not honoured" in page.inner_text("body")
    frame = page.frame_locator("iframe.preview")
    frame.locator(".cg-root").wait_for()  # the banner preview renders
    assert "data-cookiegov" in page.locator("pre").last.inner_text() or "<table>" in (
        page.locator("pre").last.inner_text()
    )
    not_broken(page, tmp_path, "site")

    page.get_by_label("Category", exact=True).select_option("advertising")
    page.get_by_role("button", name="Filter").click()
    names = page.locator("section:has(#inv-h) tbody code").all_inner_texts()
    assert names and "adnet_uid" in names and "sessionid" not in names

    page.get_by_role("link", name="diff").first.click()
    page.get_by_role("heading", name="New cookies").first.wait_for()
    not_broken(page, tmp_path, "diff")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{dashboard}/dashboard/sites/shop.test")
    assert "/dashboard/login" in page.url


def test_dashboard_needs_a_token(dashboard: str, tab: Page) -> None:
    page = tab
    response = page.goto(f"{dashboard}/dashboard/sites/shop.test")
    assert response is not None and "/dashboard/login" in page.url
    csp = response.headers.get("content-security-policy", "")
    assert "script-src" not in csp and "default-src 'none'" in csp
