"""The service layer without a browser: classification of an inventory, budgets, known
sites, and the callables the Flask app receives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from banner import create_app
from banner.context import AppServices
from cookiegov.classify import Classifier
from cookiegov.errors import InputError, NotFoundError
from cookiegov.models import Category, ObservedCookie, PageResult, ScanResult, SetVia
from cookiegov.services.governance import require_site, site_declaration
from cookiegov.services.scanning import check_budgets, classify_result
from cookiegov.settings import Settings
from cookiegov.storage import Database, open_database
from cookiegov.storage.scans import save_scan


def _cookie(name: str, domain: str) -> ObservedCookie:
    return ObservedCookie(
        name=name,
        domain=domain,
        path="/",
        expires=None,
        lifetime=None,
        http_only=False,
        secure=True,
        same_site=None,
        third_party=not domain.endswith("shop.test"),
        set_via=(SetVia.HEADER,),
        set_by=None,
        pages=("https://www.shop.test/",),
    )


def _scan(cookies: list[ObservedCookie]) -> ScanResult:
    return ScanResult(
        url="https://www.shop.test/",
        site="shop.test",
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:05+00:00",
        consent="none",
        pages=[PageResult(url="https://www.shop.test/", status=200, depth=0)],
        cookies=cookies,
    )


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 's.db'}")


def test_the_scanner_inventory_is_classified_here() -> None:
    raw = _scan([_cookie("_ga", ".shop.test"), _cookie("IDE", ".doubleclick.net")])
    assert all(c.classification is None for c in raw.cookies)
    done = classify_result(raw, Classifier())
    assert [c.category for c in done.cookies] == [Category.ANALYTICS, Category.ADVERTISING]
    assert all(c.classification and c.classification.reason for c in done.cookies)


@pytest.mark.parametrize(("field", "value"), [("max_pages", 0), ("concurrency", 0)])
def test_budgets_below_one_are_refused(field: str, value: int) -> None:
    settings = Settings().replace(**{field: value})
    with pytest.raises(InputError, match=field):
        check_budgets(settings)


def test_sites_are_known_when_configured_or_stored(sqlite_db: Database) -> None:
    with pytest.raises(NotFoundError, match="unknown site"):
        require_site(sqlite_db, Settings(), "shop.test")
    assert require_site(sqlite_db, Settings(sites={"shop.test": {}}), "shop.test")
    save_scan(sqlite_db, _scan([]))
    assert require_site(sqlite_db, Settings(), "shop.test") == "shop.test"
    assert site_declaration(sqlite_db, "shop.test")["site"] == "shop.test"
    with pytest.raises(NotFoundError, match="no stored scan"):
        site_declaration(sqlite_db, "other.test")


def test_the_app_calls_the_services_it_was_given(sqlite_db: Database) -> None:
    calls: list[str] = []

    def declaration(db: Database, site: str) -> dict[str, object]:
        calls.append(site)
        return {"site": site, "from": "the service"}

    services = AppServices(
        declaration=declaration,
        optout_report=lambda db, site: {"site": site},
        check=lambda results: None,
    )
    app = create_app(Settings(sites={"shop.test": {}}), sqlite_db, services)
    r = app.test_client().get("/v1/sites/shop.test/declaration.json")
    assert r.status_code == 200 and r.get_json()["from"] == "the service"
    assert calls == ["shop.test"]


def test_the_core_services_and_the_service_layer_agree(sqlite_db: Database) -> None:
    """Before: banner/context.py kept its own copy of "the declaration of a site", whose
    not-found message differed from the service layer's (what gunicorn's app answered vs
    what `cookiegov serve` answered)."""
    from cookiegov.services.governance import app_services

    settings = Settings(sites={"shop.test": {}})
    bodies = []
    for services in (None, app_services(settings, sqlite_db)):
        client = create_app(settings, sqlite_db, services).test_client()
        r = client.get("/v1/sites/shop.test/declaration.json")
        assert r.status_code == 404
        bodies.append(r.get_json()["error"]["message"])
    assert bodies[0] == bodies[1]
    assert "no stored scan of shop.test" in bodies[0]


def test_the_policy_check_is_a_service(sqlite_db: Database) -> None:
    """Before: `policy-check` assembled the browser fetch, the stored scans and the comparison
    in the CLI module itself."""
    from cookiegov.services.governance import policy_check

    fetched: list[str] = []

    def fetch(url: str, settings: Settings) -> str:
        fetched.append(url)
        return "<h2>Analytics cookies</h2><p>We use _ga to count visits.</p>"

    with pytest.raises(NotFoundError, match=r"no stored scan of shop\.test"):
        policy_check(sqlite_db, Settings(), "shop.test", "https://www.shop.test/p", fetch=fetch)
    assert fetched == []  # nothing is fetched for a site without scans
    refused = dataclasses.replace(_cookie("adnet_uid", ".adnet.test"), blocked_reason="ThirdParty")
    scanned = _scan([_cookie("_ga", ".shop.test"), refused])
    save_scan(sqlite_db, classify_result(scanned, Classifier()))
    result, found = policy_check(
        sqlite_db, Settings(), "shop.test", "https://www.shop.test/p", fetch=fetch
    )
    # a cookie the browser refused was never set: not counted, as it is not compared
    assert fetched == ["https://www.shop.test/p"] and found == 1
    assert result["declared"]["_ga"] == "analytics" and result["undeclared"] == []
