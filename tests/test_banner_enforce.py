"""The banner in real Chromium: customise, placeholders, clearing, GPC, Consent Mode, re-asking,
withdrawal, a strict CSP page, keyboard use and axe-core."""

from __future__ import annotations

import time
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
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIOLATIONS_JS = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", e =>
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
}"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('e') / 'e.db'}")
    arabic = {"title": "خيارات الخصوصية", "accept": "قبول الكل", "reject": "رفض الكل"}
    settings = Settings(
        sites={"shop.test": {"revision": 1, "texts": {"ar": arabic}}}, consent_days=30
    )
    with demo_site_with_banner(settings, db) as server:
        yield {"db": db, "server": server, "settings": settings}


@pytest.fixture
def ctx(stack: dict[str, Any]) -> Iterator[BrowserContext]:
    with visitor_browser(stack["server"].resolver_rule) as browser:
        context = browser.new_context(ignore_https_errors=True)
        context.add_init_script(f"({VIOLATIONS_JS})()")
        yield context


def consent(page: Page) -> dict[str, Any]:
    page.wait_for_function(
        "() => window.cookiegov && window.cookiegov.consent() && window.cookiegov.consent().id"
    )
    return page.evaluate("() => window.cookiegov.consent()")  # type: ignore[no-any-return]


def records(stack: dict[str, Any], cid: str) -> list[dict[str, Any]]:
    return [r for r in all_records(stack["db"], "shop.test") if r["consent_id"] == cid]


def cookie_names(context: BrowserContext) -> set[str]:
    return {c["name"] for c in context.cookies()}


def test_customise_then_placeholder_grants_advertising(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/news")
    page.get_by_role("button", name="Preferences").click()
    assert not page.locator(".cg-root input[type=checkbox]:not([disabled]):checked").count()
    page.get_by_label("Analytics").check()
    page.get_by_role("button", name="Save choices").click()
    given = consent(page)
    assert given["categories"] == {"functional": False, "analytics": True, "advertising": False}
    page.wait_for_function("() => window.__metricsLoaded === true")
    placeholder = page.locator(".cg-ph")
    assert placeholder.count() == 1 and page.locator("iframe.ad").is_hidden()
    placeholder.get_by_role("button").click()
    page.wait_for_function("() => document.querySelector('iframe.ad').src.includes('adnet')")
    assert page.locator(".cg-ph").count() == 0
    chain = records(stack, given["id"])
    assert [r["choices"]["advertising"] for r in chain] == [False, True]


def test_refusal_clears_cookies_on_every_load(stack: dict, ctx: BrowserContext) -> None:
    ctx.add_cookies(
        [
            {"name": "_ga", "value": "GA1.1.1.1", "domain": ".shop.test", "path": "/"},
            {"name": "_pk_id.7.4f2a", "value": "x", "domain": "www.shop.test", "path": "/"},
            {"name": "_fbp", "value": "fb.1.2.3", "domain": "www.shop.test", "path": "/services"},
            {"name": "sessionid", "value": "keep", "domain": "www.shop.test", "path": "/"},
        ]
    )
    page = ctx.new_page()
    page.goto("https://www.shop.test/services/medical")
    page.get_by_role("button", name="Reject all").click()
    consent(page)
    names = cookie_names(ctx)
    assert not {"_ga", "_pk_id.7.4f2a", "_fbp"} & names and "sessionid" in names
    page.evaluate("() => { document.cookie = '_ga=GA1.1.9.9; path=/; domain=shop.test'; }")
    page.goto("https://www.shop.test/about")
    consent(page)
    assert "_ga" not in cookie_names(ctx)


def test_gpc_refuses_advertising_and_says_so(stack: dict, ctx: BrowserContext) -> None:
    ctx.set_extra_http_headers({"Sec-GPC": "1"})
    ctx.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    assert "Global Privacy Control" in page.locator(".cg-gpc").inner_text()
    page.get_by_role("button", name="Accept all").click()
    given = consent(page)
    assert given["categories"]["advertising"] is False and given["categories"]["analytics"]
    record = records(stack, given["id"])[-1]
    assert record["gpc"] is True and record["choices"]["advertising"] is False


def test_gpc_refuses_an_api_grant_and_records_an_explicit_override(
    stack: dict, ctx: BrowserContext
) -> None:
    """``cookiegov.accept(['advertising'])`` under GPC is stored (and applied) as refused;
    the visitor ticking advertising in the preferences is stored as a marked override."""
    ctx.set_extra_http_headers({"Sec-GPC": "1"})
    ctx.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.evaluate("() => window.cookiegov.accept(['advertising', 'analytics'])")
    given = consent(page)
    assert given["categories"]["advertising"] is False and given["categories"]["analytics"]
    record = records(stack, given["id"])[-1]
    assert record["choices"]["advertising"] is False and record["gpc_override"] is False
    page.evaluate("() => window.cookiegov.show()")
    page.get_by_label("Advertising", exact=True).check()
    page.get_by_role("button", name="Save choices").click()
    page.wait_for_function("() => window.cookiegov.consent().categories.advertising === true")
    record = records(stack, given["id"])[-1]
    assert record["choices"]["advertising"] is True and record["gpc_override"] is True


def test_consent_mode_defaults_denied_then_updates(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.get_by_role("button", name="Accept all").click()
    consent(page)
    calls = page.evaluate(
        "() => window.dataLayer.filter(a => a[0] === 'consent').map(a => [a[1], a[2]])"
    )
    signals = {
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
        "analytics_storage",
        "functionality_storage",
        "personalization_storage",
        "security_storage",
    }
    kind, default = calls[0]
    assert kind == "default" and signals <= set(default)
    assert all(default[s] == "denied" for s in signals)
    kind, update = calls[-1]
    assert kind == "update" and all(update[s] == "granted" for s in signals)


def test_revision_bump_and_expiry_ask_again(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.get_by_role("button", name="Accept all").click()
    consent(page)
    page.goto("https://www.shop.test/about")
    page.wait_for_function("() => window.cookiegov && window.cookiegov.consent()")
    assert page.locator(".cg-root").count() == 0
    stack["settings"].sites["shop.test"]["revision"] = 2
    # banner.js may be cached for max-age (5 minutes); a visitor arriving after that:
    ctx.new_cdp_session(page).send("Network.clearBrowserCache")
    try:
        page.goto("https://www.shop.test/careers")
        page.locator(".cg-root").wait_for()
    finally:
        stack["settings"].sites["shop.test"]["revision"] = 1
    old = int(time.time()) - 31 * 86400  # older than consent_days (30)
    ctx.add_cookies(
        [
            {
                "name": "cookiegov",
                "value": f"v1.abcdefghijklmnop.1.{old}.fa-",
                "domain": ".shop.test",
                "path": "/",
            }
        ]
    )
    page.goto("https://www.shop.test/contact")
    page.locator(".cg-root").wait_for()


def test_withdrawing_is_as_easy_as_giving(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.get_by_role("button", name="Accept all").click()
    given = consent(page)
    page.wait_for_function("() => window.__metricsLoaded === true")
    assert "_pk_id.7.4f2a" in cookie_names(ctx)
    page.get_by_role("button", name="Cookie settings").click()
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_function("() => window.cookiegov.consent().categories.analytics === false")
    assert "_pk_id.7.4f2a" not in cookie_names(ctx)
    assert [r["choices"]["analytics"] for r in records(stack, given["id"])] == [True, False]


def test_strict_csp_page(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/csp")
    page.get_by_role("button", name="Accept all").click()
    consent(page)
    page.wait_for_function("() => window.__inlineRan === true && window.__metricsLoaded === true")
    assert page.evaluate("() => window.__cspViolations") == []
    assert page.locator(".cg-float").count() == 1  # no settings link on the page: we add one


def test_keyboard_only(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.locator(".cg-root").wait_for()
    inside = "() => document.querySelector('.cg-root').contains(document.activeElement)"
    assert page.evaluate(inside)
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    page.get_by_role("button", name="Preferences").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Analytics").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Preferences").wait_for()
    page.get_by_role("button", name="Reject all").focus()
    page.keyboard.press("Enter")
    assert consent(page)["categories"]["analytics"] is False


@pytest.mark.parametrize("layer", ["first", "preferences"])
def test_axe_core_finds_no_violations(stack: dict, ctx: BrowserContext, layer: str) -> None:
    page = ctx.new_page()
    page.goto("https://www.shop.test/")
    page.locator(".cg-root").wait_for()
    if layer == "preferences":
        page.get_by_role("button", name="Preferences").click()
        page.get_by_label("Analytics").wait_for()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document.querySelector('.cg-root'))")
    assert [(v["id"], v["help"]) for v in result["violations"]] == []


def test_languages_and_right_to_left(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.goto("https://www.velo-shop.test/")  # <html lang="de">
    ours = page.locator(".cg-root")
    ours.get_by_role("button", name="Alle ablehnen").wait_for()
    assert ours.get_by_role("button", name="Alle akzeptieren").count() == 1
    page.goto("https://www.shop.test/ar")  # <html lang="ar" dir="rtl">, texts from the site
    page.get_by_role("button", name="رفض الكل").wait_for()
    assert page.locator(".cg-root").get_attribute("dir") == "rtl"


def test_no_layout_shift_and_dark_mode(stack: dict, ctx: BrowserContext) -> None:
    page = ctx.new_page()
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(list => {
        for (const e of list.getEntries()) window.__shift += e.value; })
        .observe({type: "layout-shift", buffered: true});""")
    page.goto("https://www.shop.test/")
    page.locator(".cg-root").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__shift") == 0
    light = page.locator(".cg-box").evaluate("e => getComputedStyle(e).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.locator(".cg-box").evaluate("e => getComputedStyle(e).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark != light


def test_a_cookie_flagged_for_review_is_cleared_unless_everything_is_granted(
    tmp_path: Path,
) -> None:
    """A cookie guessed necessary below the deployment's review threshold is treated as
    non-necessary (privacy by default): refused with "Reject all", kept with "Accept all";
    a sure necessary cookie is kept either way. The flag travels from the scan's classifier
    through the stored baseline scan to the visitor's browser."""
    from cookiegov.classify import Classifier, CookieInput
    from cookiegov.storage.scans import save_scan
    from tests import builders

    classifier = Classifier(review_threshold=0.8)

    def observed(name: str) -> Any:
        answer = classifier.classify(
            CookieInput(name, "www.shop.test", expires_in=None, http_only=True, secure=True,
                        same_site="Lax", site="shop.test")
        )  # fmt: skip
        assert answer.category == "necessary"
        return builders.cookie(name, domain="www.shop.test", classification=answer)

    basket, session = observed("basket_id"), observed("sessionid")
    assert basket.needs_review and not session.needs_review
    # flagged only by the deployment's threshold: under the default 0.5 it would not be
    assert basket.classification is not None and 0.5 <= basket.classification.confidence < 0.8
    db = open_database(f"sqlite:///{tmp_path / 'flag.db'}")
    save_scan(db, builders.scan("accept", [basket, session], url="https://www.shop.test/"))
    with (
        demo_site_with_banner(Settings(sites={"shop.test": {}}), db) as server,
        visitor_browser(server.resolver_rule) as browser,
    ):
        for button, kept in (
            ("Reject all", {"sessionid"}),
            ("Accept all", {"sessionid", "basket_id"}),
        ):
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto("https://www.shop.test/")
            page.get_by_role("button", name=button).click()
            consent(page)
            # The site sets both after the choice; the banner clears what the choice refused
            # on the next page it loads.
            context.add_cookies(
                [
                    {"name": name, "value": "v1", "domain": "www.shop.test", "path": "/"}
                    for name in ("basket_id", "sessionid")
                ]
            )
            page.goto("https://www.shop.test/about")
            consent(page)
            assert cookie_names(context) & {"basket_id", "sessionid"} == kept, button
            context.close()
