"""Automatic blocking and per-service consent in real Chromium, on a page whose tags carry no
consent markup (``www.plain-shop.test``): the block list comes from a real scan of the site."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from banner import create_app
from cookiegov.services.scanning import scan
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records, verify_chain
from fixtures.server import FixtureServer
from scanner.browser import find_chromium, write_profile
from tests.conftest import served

pytestmark = pytest.mark.browser
SITE = "plain-shop.test"
TRACKERS = ("cdn.metrics.test", "collect.metrics.test", "ads.adnet.test", "beacon.tracker-x.test")
TRACKER_COOKIES = ("_pk_", "adnet_")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('ab') / 'ab.db'}"
    # The beacon host sets no cookie, so the scan cannot tell whose it is: the site says so.
    site = {"autoblock_hosts": {"beacon.tracker-x.test": "analytics"}}
    settings = Settings(sites={SITE: site}, consent_days=30)
    scans_db, visitors_db = open_database(url), open_database(url)
    with (
        served(create_app(settings, scans_db)) as for_the_scan,
        served(create_app(settings, visitors_db)) as for_visitors,
    ):
        server = FixtureServer(upstreams={f"consent.{SITE}": for_the_scan})
        server.start()
        try:
            # The site owner's baseline scan: every tag fires once the scanner accepts.
            scan_settings = server.settings(
                max_pages=2,
                consent="accept",
            )
            result = scan(f"https://www.{SITE}/", scan_settings, visitors_db)
            # Visitors get a banner built after the scan (a served one is reused for seconds).
            server.upstreams[f"consent.{SITE}"] = for_visitors
            yield {"db": visitors_db, "server": server, "settings": settings, "scan": result}
        finally:
            server.stop()


@pytest.fixture
def ctx(stack: dict[str, Any]) -> Iterator[BrowserContext]:
    chromium = find_chromium()
    assert chromium, "no Chromium: run `make setup`"
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        write_profile(Path(profile), "default")  # third-party cookies allowed, as in Chrome
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            args=["--no-sandbox", "--disable-background-networking", stack["server"].resolver_rule],
            ignore_https_errors=True,
        )
        yield context
        context.close()


def hits(stack: dict[str, Any]) -> dict[str, int]:
    return {h: len(stack["server"].requests_to(h)) for h in TRACKERS}


def tracker_cookies(context: BrowserContext) -> list[str]:
    return [c["name"] for c in context.cookies() if c["name"].startswith(TRACKER_COOKIES)]


def consent(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.cookiegov.consent() && window.cookiegov.consent().id")
    return page.evaluate("() => window.cookiegov.consent()")  # type: ignore[no-any-return]


def test_the_block_list_is_the_sites_own(stack: dict[str, Any]) -> None:
    from banner.sites import site_config
    from banner.vendors import services_of

    services, blocked = services_of(stack["db"], site_config(stack["settings"], SITE))
    assert blocked["cdn.metrics.test"].category.value == "analytics"
    assert blocked["cdn.metrics.test"].service == "matomo"
    assert blocked["collect.metrics.test"].reason == "loaded by cdn.metrics.test"
    assert blocked["ads.adnet.test"].category.value == "advertising"
    assert blocked["beacon.tracker-x.test"].reason == "site"
    assert not [h for h in blocked if h.endswith(SITE)]  # never the site's own hosts
    assert "matomo" in {s.id for s in services}


def test_unmarked_trackers_wait_for_consent_then_load_in_order(
    stack: dict[str, Any], ctx: BrowserContext
) -> None:
    before = hits(stack)
    page = ctx.new_page()
    page.goto(f"https://www.{SITE}/")
    page.locator(".cg-root").wait_for()
    page.wait_for_timeout(800)
    assert page.evaluate("() => window.__siteRan") is True  # the site's own script runs
    assert hits(stack) == before, "a tracker host was contacted before consent"
    assert tracker_cookies(ctx) == []
    assert page.evaluate("() => [window.__metricsLoaded, window.__order]") == [None, None]
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.__order && window.__metricsLoaded")
    assert page.evaluate("() => window.__order") == ["ext after m.js"]
    page.wait_for_function("() => window.__matomoMarked === true")  # data-service markup
    page.frame_locator("iframe[title=Ad]").locator("body").wait_for()
    page.wait_for_timeout(300)
    after = hits(stack)
    assert all(after[h] > before[h] for h in TRACKERS), after
    names = tracker_cookies(ctx)
    assert any(n.startswith("_pk_id") for n in names) and "adnet_uid" in names


def test_per_service_choice_is_recorded_and_enforced(
    stack: dict[str, Any], ctx: BrowserContext
) -> None:
    before = hits(stack)
    page = ctx.new_page()
    page.goto(f"https://www.{SITE}/")
    page.get_by_role("button", name="Preferences").click()
    page.get_by_label("Analytics", exact=True).check()
    page.add_script_tag(path=str(AXE))  # the service toggles are as accessible as the rest
    result = page.evaluate("() => axe.run(document.querySelector('.cg-root'))")
    assert [(v["id"], v["help"]) for v in result["violations"]] == []
    matomo = page.get_by_label("Matomo")
    assert matomo.is_checked()  # the category switches its services
    matomo.uncheck()
    page.get_by_role("button", name="Save choices").click()
    given = consent(page)
    assert given["categories"]["analytics"] is True
    assert given["services"]["matomo"] is False
    page.wait_for_timeout(800)
    now = hits(stack)
    # Matomo's hosts stay held back; the beacon host (analytics, no service) is released.
    assert now["cdn.metrics.test"] == before["cdn.metrics.test"]
    assert now["beacon.tracker-x.test"] > before["beacon.tracker-x.test"]
    assert now["ads.adnet.test"] == before["ads.adnet.test"]
    assert page.evaluate("() => window.__matomoMarked") is None
    record = [r for r in all_records(stack["db"], SITE) if r["consent_id"] == given["id"]][-1]
    assert record["services"]["matomo"] is False and record["choices"]["analytics"] is True
    assert record["rule"] == "opt-in" and verify_chain(stack["db"], SITE).ok
    # The next page keeps the per-service choice (it travels in the consent cookie), and a
    # Matomo cookie found there is deleted although Analytics is granted.
    matomo_cookie = {"name": "_pk_id.7.4f2a", "value": "x", "domain": f"www.{SITE}", "path": "/"}
    ctx.add_cookies([matomo_cookie])
    page.goto(f"https://www.{SITE}/")
    page.wait_for_function("() => window.cookiegov.consent()")
    assert page.evaluate("() => window.cookiegov.consent().services.matomo") is False
    page.wait_for_timeout(500)
    assert hits(stack)["cdn.metrics.test"] == before["cdn.metrics.test"]
    assert not [n for n in tracker_cookies(ctx) if n.startswith("_pk_")]


def test_tags_written_in_the_html_do_not_run_before_consent(
    stack: dict[str, Any], ctx: BrowserContext
) -> None:
    page = ctx.new_page()
    before = hits(stack)
    page.goto(f"https://www.{SITE}/parsed")
    page.locator(".cg-root").wait_for()
    page.wait_for_timeout(500)
    assert page.evaluate("() => [window.__metricsLoaded, window.__order]") == [None, None]
    assert tracker_cookies(ctx) == []
    # Chromium's preload scanner fetches <script src> in the HTML before any script can stop
    # it (docs/embedding.md); the scripts do not run, so their beacon is never sent.
    now = hits(stack)
    assert now["collect.metrics.test"] == before["collect.metrics.test"]
    assert now["cdn.metrics.test"] - before["cdn.metrics.test"] <= 2
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.__order")
    assert page.evaluate("() => window.__order") == ["ext after m.js"]


def test_autoblock_switched_off_per_site(stack: dict[str, Any], ctx: BrowserContext) -> None:
    before = hits(stack)
    stack["settings"].sites[SITE]["autoblock"] = False
    try:
        page = ctx.new_page()
        page.goto(f"https://www.{SITE}/")
        page.wait_for_function("() => window.__metricsLoaded === true")
        assert hits(stack)["cdn.metrics.test"] > before["cdn.metrics.test"]
    finally:
        stack["settings"].sites[SITE]["autoblock"] = True


def test_consent_mode_follows_the_google_services_own_choice(
    ctx: BrowserContext, tmp_path: Path
) -> None:
    """The script as the endpoint builds it for a site whose scan found Google Analytics and
    Matomo; the consent POST is answered in the browser (page.route)."""
    import json

    from cookiegov.models import Category
    from cookiegov.storage.scans import save_scan
    from tests.builders import cookie
    from tests.builders import scan as scan_of

    db = open_database(f"sqlite:///{tmp_path / 'cm.db'}")
    save_scan(
        db,
        scan_of(
            cookies=[
                cookie("_ga", Category.ANALYTICS, vendor="Google Analytics"),
                cookie("_pk_id.1", Category.ANALYTICS, vendor="Matomo"),
            ]
        ),
    )
    client = create_app(Settings(sites={"shop.test": {}}), db).test_client()
    script = client.get("/v1/sites/shop.test/banner.js").get_data(as_text=True)
    page = ctx.new_page()

    def answer(body: dict[str, Any]) -> dict[str, Any]:  # what the endpoint answers, in short
        return {
            "consent_id": "cm-visitor-0000001",
            "choices": body.get("categories"),
            "services": body.get("services"),
        }

    page.route(
        "https://www.cm.test/",
        lambda r: r.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><head>'
            '<script src="https://consent.cm.test/v1/sites/shop.test/banner.js"></script>'
            "</head><body><p>page</p></body></html>",
        ),
    )
    page.route(
        "https://consent.cm.test/v1/sites/shop.test/banner.js",
        lambda r: r.fulfill(content_type="application/javascript", body=script),
    )
    page.route(
        "https://consent.cm.test/v1/sites/shop.test/consents",
        lambda r: r.fulfill(
            status=201,
            content_type="application/json",
            headers={
                "Access-Control-Allow-Origin": "https://www.cm.test",
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Headers": "Content-Type",
            },
            body=json.dumps(answer(r.request.post_data_json or {})),
        ),
    )
    page.goto("https://www.cm.test/")
    page.locator(".cg-root").wait_for()
    last = "() => window.dataLayer.filter(a => a[0] === 'consent').slice(-1)[0][2]"
    no_google = "{services: {'google-analytics': false}}"
    page.evaluate(f"() => window.cookiegov.accept(['analytics'], {no_google})")
    page.wait_for_function("() => window.cookiegov.consent()")
    assert page.evaluate("() => window.cookiegov.consent().id") == "cm-visitor-0000001"
    assert page.evaluate(last)["analytics_storage"] == "denied"  # Analytics on, Google off
    assert page.evaluate("() => window.cookiegov.consent().services") == {
        "google-analytics": False,
        "matomo": True,
    }
    page.evaluate("() => window.cookiegov.accept(['analytics'])")
    page.wait_for_function("() => window.cookiegov.consent().services['google-analytics']")
    assert page.evaluate(last)["analytics_storage"] == "granted"


def test_the_check_finds_nothing_of_a_refused_category_with_autoblocking_on(
    stack: dict[str, Any],
) -> None:
    """`cookiegov check` of the unmarked page: clean with auto-blocking on; with it off the
    same page violates before consent (the check can fail)."""
    from cookiegov.compliance import check
    from cookiegov.services.scanning import scan_states

    settings = stack["server"].settings(
        max_pages=1,
        concurrency=2,
    )
    report = check(scan_states(f"https://www.{SITE}/", settings))
    assert [f.message for f in report.violations] == []
    stack["settings"].sites[SITE]["autoblock"] = False
    try:
        off = check(scan_states(f"https://www.{SITE}/", settings))
    finally:
        stack["settings"].sites[SITE]["autoblock"] = True
    assert {"pre-consent-request", "pre-consent-cookie"} <= {f.rule for f in off.violations}
