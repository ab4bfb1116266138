"""Shared fixtures: the fixture server on loopback, settings and a fresh database.

Browser tests never skip: a missing Chromium is a failure (in CI and everywhere else).

Layers (docs/architecture.md, "Tests"): a test is ``browser`` when its module or function says
so or when it uses a fixture that serves pages to a browser (:data:`BROWSER_FIXTURES`). It is
``slow`` when its module is in :data:`SLOW_MODULES`, when it runs on the PostgreSQL database
(each such test creates and drops a database) or when it starts the command line as a
subprocess. ``make test-fast`` runs the rest, and there a test that reaches Playwright fails
(:func:`_no_browser_in_the_fast_layer`), so the split cannot drift.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy

from cookiegov.settings import Settings, load_settings
from cookiegov.storage import Database, open_database
from fixtures.server import SITES, FixtureServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


def _compared(server: FixtureServer, url: str, **budget: int) -> dict:
    """One real scan per consent state (none, reject, gpc, accept), not stored."""
    from cookiegov.services.scanning import scan_states

    return scan_states(url, server.settings(**budget), store=False)


@pytest.fixture(scope="session")
def boulangerie_states(fixture_server: FixtureServer) -> dict:
    """One real ``scan --compare`` of the French bakery (one page per state), shared by the
    tests that read a comparison rather than make one."""
    return _compared(fixture_server, "https://www.boulangerie.test/", max_pages=1, concurrency=1)


@pytest.fixture(scope="session")
def shop_states(fixture_server: FixtureServer) -> dict:
    """One real comparison of the demo shop, which has no banner (the first five pages of its
    sitemap: /, about, careers, contact, news with the ad frame); shared by the governance,
    compliance and dashboard tests."""
    return _compared(fixture_server, "https://www.shop.test/", max_pages=5, concurrency=2)


@pytest.fixture(scope="session")
def expected_inventory() -> dict:
    return json.loads((SITES / "www.shop.test" / "_expected.json").read_text())


PG_ADMIN = os.environ.get("COOKIEGOV_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        engine = sqlalchemy.create_engine(PG_ADMIN)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sqlalchemy.exc.OperationalError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new database on the PostgreSQL server.

    Without PostgreSQL the PostgreSQL runs are skipped, except in CI, where they fail.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} (CI requires it)")
        pytest.skip("PostgreSQL is not reachable")
    name = f"cg_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture
def scan_settings(fixture_server: FixtureServer, tmp_path: Path) -> Settings:
    return load_settings(
        env={},
        database_url=f"sqlite:///{tmp_path / 'scan.db'}",
        browser_args=[fixture_server.resolver_rule],
        ignore_https_errors=True,
        max_pages=12,
        concurrency=2,
    )


#: How the tests launch a visitor's Chromium (Debian's, see the README), before their own args.
VISITOR_FLAGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextlib.contextmanager
def visitor_browser(*args: str) -> Iterator[Browser]:
    """A visitor's Chromium (not the scanner's), launched with :data:`VISITOR_FLAGS` and
    ``args`` (the fixture server's host resolver rule, usually)."""
    from playwright.sync_api import sync_playwright

    from scanner.browser import find_chromium

    executable = find_chromium()
    assert executable, "no Chromium: run `make setup`"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=[*VISITOR_FLAGS, *args])
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """A WSGI app served by a real threaded Werkzeug server on loopback: its base URL."""
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        http.server_close()


@contextlib.contextmanager
def demo_site_with_banner(
    settings: Settings, db: Database, app: Any = None
) -> Iterator[FixtureServer]:
    """The demo site with the banner installed, its endpoint served by a real Flask server on
    loopback behind ``consent.shop.test`` (same-site, as a site owner would deploy it)."""
    from banner import create_app

    with served(app or create_app(settings, db)) as endpoint:
        server = FixtureServer(
            upstreams={"consent.shop.test": endpoint},
            banner_script="https://consent.shop.test/v1/sites/shop.test/banner.js",
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


#: Fixtures used only by tests that drive Chromium.
BROWSER_FIXTURES = frozenset(
    {
        "fixture_server",
        "scan_settings",
        "expected_inventory",
        "page",
        "boulangerie_states",
        "shop_states",
    }
)
#: Modules whose tests take seconds each without a browser (processes, servers, generated load).
SLOW_MODULES = frozenset({"test_crash", "test_fuzz"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is None and BROWSER_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.browser)
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


def _is_slow(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    if module is not None and module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        return True
    function = getattr(item, "function", None)
    names = function.__code__.co_names if function is not None else ()
    runner = getattr(module, "run", None)
    runs_cli = "run" in names and "subprocess" in getattr(runner, "__code__", run_code).co_names
    return "subprocess" in names or runs_cli


run_code = (lambda: None).__code__


@pytest.fixture(autouse=True)
def _no_browser_in_the_fast_layer(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test not marked ``browser`` that reaches Playwright fails: mark it, or make it fast."""
    if request.node.get_closest_marker("browser") is not None:
        return
    from playwright.async_api import BrowserType as AsyncBrowserType
    from playwright.sync_api import BrowserType as SyncBrowserType

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{request.node.nodeid} drives Chromium: mark it browser")

    for cls in (AsyncBrowserType, SyncBrowserType):
        for name in ("launch", "launch_persistent_context", "connect_over_cdp", "connect"):
            monkeypatch.setattr(cls, name, refuse)
