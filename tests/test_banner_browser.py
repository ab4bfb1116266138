"""Banner → consent → record, in real Chromium, on the demo site served on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records
from tests.conftest import demo_site_with_banner, visitor_browser

pytestmark = pytest.mark.browser
SITE = "shop.test"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('banner') / 'b.db'}")
    settings = Settings(sites={SITE: {"policy_url": "https://www.shop.test/privacy"}})
    with demo_site_with_banner(settings, db) as server:
        yield {"db": db, "server": server}


@pytest.fixture
def browser_page(stack: dict) -> Iterator[Page]:
    with visitor_browser(stack["server"].resolver_rule) as browser:
        yield browser.new_context(ignore_https_errors=True).new_page()


def test_reject_all_records_and_blocks_analytics(stack: dict, browser_page: Page) -> None:
    page = browser_page
    before = len(stack["server"].requests_to("cdn.metrics.test"))
    page.goto("https://www.shop.test/")
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => window.cookiegov.consent() && window.cookiegov.consent().id")
    consent = page.evaluate("() => window.cookiegov.consent()")
    assert consent["categories"] == {"functional": False, "analytics": False, "advertising": False}
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__metricsLoaded") is None
    assert not [c for c in page.context.cookies() if c["name"].startswith("_pk_")]
    assert len(stack["server"].requests_to("cdn.metrics.test")) == before
    records = [r for r in all_records(stack["db"], SITE) if r["consent_id"] == consent["id"]]
    assert len(records) == 1 and records[0]["choices"]["analytics"] is False
    # The choice holds on the next page: no banner, still blocked.
    page.goto("https://www.shop.test/about")
    page.wait_for_function("() => window.cookiegov && window.cookiegov.consent()")
    assert page.locator(".cg-root").count() == 0
    assert page.evaluate("() => window.__metricsLoaded") is None


def test_accept_all_runs_analytics_and_ads(stack: dict, browser_page: Page) -> None:
    page = browser_page
    page.goto("https://www.shop.test/")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.__metricsLoaded === true")
    names = {c["name"] for c in page.context.cookies()}
    assert "_pk_id.7.4f2a" in names
    assert page.locator("img.pixel").get_attribute("src", timeout=2000)
    consent = page.evaluate("() => window.cookiegov.consent()")
    records = [r for r in all_records(stack["db"], SITE) if r["consent_id"] == consent["id"]]
    assert records and records[-1]["choices"] == {
        "advertising": True,
        "analytics": True,
        "functional": True,
    }
    cookie = next(c for c in page.context.cookies() if c["name"] == "cookiegov")
    assert cookie["secure"] and cookie["sameSite"] == "Lax" and cookie["domain"] == ".shop.test"


def test_screenshot_of_the_banner(stack: dict, browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    page.goto("https://www.shop.test/")
    banner = page.get_by_role("dialog")
    banner.wait_for()
    shot = banner.screenshot(path=str(tmp_path / "banner.png"))
    assert len(shot) > 2000
