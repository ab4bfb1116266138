"""The site editor end to end in real Chromium: a visitor accepts; the admin edits the banner,
sees the draft in the live preview, publishes; the visitor's banner changes and asks again.
The editor passes axe-core and works by keyboard."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from banner import create_app
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records
from tests.conftest import demo_site_with_banner, served, visitor_browser

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TOKEN = "editor-browser-t0ken-long-enough"
SITE = "shop.test"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('ed') / 'ed.db'}")
    settings = Settings(
        admin_token=TOKEN, sites={SITE: {"policy_url": "https://www.shop.test/privacy"}}
    )
    with (
        demo_site_with_banner(settings, db) as server,
        served(create_app(settings, db)) as dashboard,
    ):
        server.upstreams["admin.shop.test"] = dashboard
        yield {"db": db, "server": server, "dashboard": "https://admin.shop.test"}


@pytest.fixture
def chrome(stack: dict[str, Any]) -> Iterator[Browser]:
    with visitor_browser(stack["server"].resolver_rule) as browser:
        yield browser


def records(stack: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The site's consent records once there are ``count`` (the banner posts after it closes)."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = all_records(stack["db"], SITE)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} consent record(s) expected, found {len(found)}")


def visitor(chrome: Browser, state: Any = None) -> Page:
    """A visitor's tab; a fresh context (no HTTP cache) that keeps the visitor's cookies."""
    return chrome.new_context(ignore_https_errors=True, storage_state=state).new_page()


def test_edit_preview_publish_and_visitors_are_asked_again(
    stack: dict[str, Any], chrome: Browser
) -> None:
    page = visitor(chrome)
    page.goto("https://www.shop.test/")
    page.get_by_role("heading", name="Your privacy choices").wait_for()
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => !document.querySelector('.cg-root')")
    assert records(stack, 1)[-1]["revision"] == 1
    state = page.context.storage_state()

    admin = chrome.new_context(
        bypass_csp=True, ignore_https_errors=True, viewport={"width": 1280, "height": 1000}
    )
    ed = admin.new_page()
    ed.goto(f"{stack['dashboard']}/dashboard/login")
    ed.get_by_label("Admin token").fill(TOKEN)
    ed.keyboard.press("Enter")
    ed.get_by_role("heading", name="Sites").wait_for()
    ed.goto(f"{stack['dashboard']}/dashboard/sites/{SITE}")
    ed.get_by_role("link", name="Edit banner and settings").click()
    ed.get_by_role("heading", name=f"Edit {SITE}").wait_for()
    title = ed.get_by_label("title (en)")
    assert title.input_value() == "Your privacy choices"  # the default is shown
    title.fill("Cookies at Meridian")
    ed.get_by_label("Button colour").fill("#8a1c1c")
    ed.get_by_label("Layout").select_option("box:bottom-left")
    ed.get_by_role("button", name="Save draft and preview").click()
    ed.get_by_role("status").filter(has_text="Draft saved").wait_for()
    preview = ed.frame_locator("iframe.preview")
    preview.get_by_role("heading", name="Cookies at Meridian").wait_for()
    accent = preview.locator(".cg-btn").first.evaluate("b => getComputedStyle(b).backgroundColor")
    assert accent == "rgb(138, 28, 28)"

    page = visitor(chrome, state)  # not published yet: the visitor is not asked
    page.goto("https://www.shop.test/")
    page.wait_for_timeout(800)
    assert page.locator(".cg-root").count() == 0

    ed.get_by_role("button", name="Publish").click()
    ed.get_by_role("status").filter(has_text="Visitors are asked again").wait_for()
    if os.environ.get("COOKIEGOV_DOC_SCREENSHOTS"):
        ed.goto(f"{stack['dashboard']}/dashboard/sites/{SITE}/editor/")
        ed.screenshot(path=str(ROOT / "docs" / "img" / "editor.png"))

    page = visitor(chrome, state)
    page.goto("https://www.shop.test/")
    page.get_by_role("heading", name="Cookies at Meridian").wait_for()  # asked again
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => !document.querySelector('.cg-root')")
    last = records(stack, 2)[-1]
    assert last["revision"] == 2 and last["choices"]["analytics"] is False


def test_the_editor_passes_axe_and_works_by_keyboard(
    stack: dict[str, Any], chrome: Browser
) -> None:
    admin = chrome.new_context(bypass_csp=True, ignore_https_errors=True)
    ed = admin.new_page()
    ed.goto(f"{stack['dashboard']}/dashboard/login")
    ed.get_by_label("Admin token").fill(TOKEN)
    ed.keyboard.press("Enter")
    ed.get_by_role("heading", name="Sites").wait_for()
    for path in (
        f"/dashboard/sites/{SITE}/editor/",
        "/dashboard/schedules",
        "/dashboard/test-traffic",
    ):
        ed.goto(stack["dashboard"] + path)
        ed.add_script_tag(path=str(AXE))
        result = ed.evaluate("() => axe.run(document.querySelector('main'))")
        assert [(v["id"], v["help"]) for v in result["violations"]] == [], path
    ed.goto(f"{stack['dashboard']}/dashboard/sites/{SITE}/editor/")
    ed.get_by_label("Site name").focus()
    ed.keyboard.press("Tab")
    assert ed.evaluate("document.activeElement.id") == "f-policy"
    ed.get_by_label("Site name").fill("Meridian Assist")
    ed.get_by_label("Site name").press("Enter")  # Enter submits the form (save draft)
    ed.get_by_role("status").filter(has_text="Draft saved").wait_for()
