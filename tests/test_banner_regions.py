"""Regional rules in real Chromium through the real endpoint: the region comes from the header
the CDN in front of the endpoint adds (here the fixture proxy, as Cloudflare would)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records
from tests.conftest import demo_site_with_banner, visitor_browser

pytestmark = pytest.mark.browser
DNS = "Do not sell or share my personal information"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('rg') / 'rg.db'}")
    settings = Settings(
        region_header="CF-IPCountry", sites={"shop.test": {"regions": {"BR": "none"}}}
    )
    with demo_site_with_banner(settings, db) as server:
        yield {"db": db, "server": server}


@pytest.fixture
def ctx(stack: dict[str, Any]) -> Iterator[BrowserContext]:
    with visitor_browser(stack["server"].resolver_rule) as browser:
        yield browser.new_context(ignore_https_errors=True)


def visit(stack: dict[str, Any], ctx: BrowserContext, country: str) -> Page:
    stack["server"].upstream_headers["CF-IPCountry"] = country
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.wait_for_function("() => window.cookiegov")
    return page


def record(stack: dict[str, Any], page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.cookiegov.consent() && window.cookiegov.consent().id")
    cid = page.evaluate("() => window.cookiegov.consent().id")
    return [r for r in all_records(stack["db"], "shop.test") if r["consent_id"] == cid][-1]


def test_eu_visitor_gets_the_opt_in_banner(stack: dict[str, Any], ctx: BrowserContext) -> None:
    page = visit(stack, ctx, "DE")
    page.get_by_role("button", name="Reject all").wait_for()
    assert page.get_by_role("button", name=DNS).count() == 0
    assert page.evaluate("() => window.__metricsLoaded") is None  # nothing before consent
    page.get_by_role("button", name="Reject all").click()
    stored = record(stack, page)
    assert (stored["rule"], stored["region"]) == ("opt-in", "DE")


def test_us_visitor_gets_an_opt_out_notice(stack: dict[str, Any], ctx: BrowserContext) -> None:
    page = visit(stack, ctx, "US")
    notice = page.locator(".cg-root")
    notice.get_by_role("button", name=DNS).wait_for()
    assert notice.get_by_role("button", name="Reject all").count() == 0
    assert notice.get_attribute("aria-modal") == "false"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document.querySelector('.cg-root'))")
    assert [(v["id"], v["help"]) for v in result["violations"]] == []
    page.wait_for_function("() => window.__metricsLoaded === true")  # allowed until opt-out
    notice.get_by_role("button", name=DNS).click()
    stored = record(stack, page)
    assert (stored["rule"], stored["region"]) == ("opt-out", "US")
    assert stored["choices"] == {"advertising": False, "analytics": True, "functional": True}
    assert page.evaluate("() => window.cookiegov.consent().rule") == "opt-out"


def test_us_visitor_with_gpc_is_opted_out_without_a_click(
    stack: dict[str, Any], ctx: BrowserContext
) -> None:
    ctx.set_extra_http_headers({"Sec-GPC": "1"})
    ctx.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page = visit(stack, ctx, "US")
    stored = record(stack, page)
    assert page.locator(".cg-root").count() == 0
    assert (stored["method"], stored["rule"], stored["gpc"]) == ("gpc", "opt-out", True)
    assert stored["choices"]["advertising"] is False


def test_no_banner_where_the_site_says_none(stack: dict[str, Any], ctx: BrowserContext) -> None:
    before = len(all_records(stack["db"], "shop.test"))
    page = visit(stack, ctx, "BR")
    page.wait_for_function("() => window.__metricsLoaded === true")
    assert page.locator(".cg-root").count() == 0
    assert page.evaluate("() => window.cookiegov.consent().rule") == "none"
    assert len(all_records(stack["db"], "shop.test")) == before
