"""Real Chromium scans of the demo site served on loopback."""

from __future__ import annotations

import dataclasses

import pytest

from cookiegov.models import ObservedCookie, ScanResult
from cookiegov.services.scanning import scan

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_scan(fixture_server, tmp_path_factory) -> ScanResult:  # type: ignore[no-untyped-def]
    settings = fixture_server.settings(
        max_pages=12,
        concurrency=2,
    )
    return scan("https://www.shop.test/", settings)


def _find(result: ScanResult, name: str) -> ObservedCookie:
    found = [c for c in result.cookies if c.name == name]
    assert found, f"{name} missing from {[c.name for c in result.cookies]}"
    return found[0]


def test_every_expected_cookie_is_found(demo_scan: ScanResult, expected_inventory: dict) -> None:
    assert len([p for p in demo_scan.pages if p.status == 200]) == expected_inventory["pages"]
    unsure = []
    for want in expected_inventory["cookies"]:
        got = _find(demo_scan, want["name"])
        assert got.domain == want["domain"], want["name"]
        assert got.classification is not None, want["name"]
        if got.category.value != want["category"]:
            # A wrong category is acceptable only when the classifier says it is guessing: a
            # cookie flagged needs_review (the banner holds it back, the declaration marks it),
            # or a learned-model answer near the threshold (the demo's own policy prose calls
            # recently_viewed analytics, its inventory functional: a coin toss either way).
            guess = got.classification.needs_review or (
                got.classification.layer == "model" and got.classification.confidence < 0.6
            )
            assert guess, (want["name"], got.classification)
            unsure.append(want["name"])
        assert want["set_via"] in [v.value for v in got.set_via], want["name"]
        assert got.third_party is want["third_party"], want["name"]
        assert got.blocked_reason is None
        if "setter" in want:
            assert got.set_by and got.set_by.startswith(want["setter"]), got.set_by
        if "only_on" in want:
            assert got.pages == (f"https://www.shop.test{want['only_on']}",)
    # The demo site's names are invented, not a vendor's: at most two of them may be guesses.
    assert len(unsure) <= 2, unsure


def test_storage_and_third_party_requests(demo_scan: ScanResult, expected_inventory: dict) -> None:
    keys = {(s.kind, s.origin, s.key) for s in demo_scan.storage}
    for want in expected_inventory["storage"]:
        assert (want["kind"], want["origin"], want["key"]) in keys
    hosts = {r.host for r in demo_scan.requests}
    assert set(expected_inventory["third_party_hosts"]) <= hosts
    assert any(r.beacon and r.host == "collect.metrics.test" for r in demo_scan.requests)


def test_session_and_lifetime_facts(demo_scan: ScanResult) -> None:
    session = _find(demo_scan, "sessionid")
    assert session.session and session.http_only and session.secure
    uid = _find(demo_scan, "adnet_uid")
    assert uid.lifetime == pytest.approx(34128000, abs=5)  # what the site asked, not the cap
    assert uid.value_kind == "id"


def test_strict_profile_reports_blocked_third_party_cookies(fixture_server) -> None:  # type: ignore[no-untyped-def]
    settings = fixture_server.settings(
        max_pages=1,
        concurrency=1,
        browser_profile="strict",
    )
    result = scan("https://www.shop.test/", settings)
    uid = _find(result, "adnet_uid")
    assert uid.blocked_reason is not None
    assert "ThirdParty" in uid.blocked_reason or "UserPreferences" in uid.blocked_reason
    assert _find(result, "sessionid").blocked_reason is None
    assert dataclasses.asdict(result.pages[0])["status"] == 200


def test_cookie_store_indexeddb_and_beacons(fixture_server) -> None:  # type: ignore[no-untyped-def]
    settings = fixture_server.settings(
        max_pages=1,
        concurrency=1,
    )
    result = scan("https://www.collectors.test/", settings)
    pref = _find(result, "cs_pref")
    assert [v.value for v in pref.set_via] == ["script"]
    assert pref.set_by == "https://www.collectors.test/app.js"
    assert pref.lifetime == pytest.approx(86400, abs=30)
    stores = {(s.kind, s.key) for s in result.storage}
    assert ("indexedDB", "offline-cache") in stores
    beacons = [r for r in result.requests if r.host == "beacon.tracker-x.test"]
    assert beacons and beacons[0].beacon and beacons[0].resource_type == "ping"


def test_pages_are_loaded_as_given_and_linked() -> None:
    """A server that answers /shop/ and 404s /shop (Flask's strict slashes, many hosts), and a
    landing URL whose gclid sets the ad click cookie: the scanner loads the URL as given and
    as linked (it loaded its canonical form: /shop failed, and the gclid was dropped)."""
    from werkzeug.wrappers import Request, Response

    from fixtures.server import FixtureServer
    from tests.conftest import served

    @Request.application
    def strict(request: Request) -> Response:
        page = '<html><body><a href="/shop/">Shop</a><a href="/shop/index.html">Index</a>'
        if request.path == "/":
            response = Response(page + "</body></html>", mimetype="text/html")
            if "gclid" in request.args:
                response.set_cookie("_gcl_aw", f"GCL.1.{request.args['gclid']}", max_age=7776000)
            return response
        if request.path == "/shop/":
            response = Response("<html><body>Shop</body></html>", mimetype="text/html")
            response.set_cookie("cart", "1", max_age=3600)
            return response
        return Response("not found", status=404)

    with served(strict) as endpoint:
        server = FixtureServer(upstreams={"www.strict.test": endpoint})
        server.start()
        try:
            settings = server.settings(max_pages=5, concurrency=1)
            result = scan("https://www.strict.test/?gclid=abc123&utm_source=ads", settings)
        finally:
            server.stop()
    assert [(p.url, p.status) for p in result.pages] == [
        ("https://www.strict.test/?gclid=abc123&utm_source=ads", 200),
        ("https://www.strict.test/shop/", 200),
    ]
    assert {c.name for c in result.cookies} == {"_gcl_aw", "cart"}
