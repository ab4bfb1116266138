"""Shared fixtures: the fixture server on loopback, settings and a fresh database.

Browser tests never skip: a missing Chromium is a failure (in CI and everywhere else).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from cookiegov.settings import Settings, load_settings
from cookiegov.storage import Database, open_database
from fixtures.server import SITES, FixtureServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


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


@contextlib.contextmanager
def demo_site_with_banner(settings: Settings, db: Database) -> Iterator[FixtureServer]:
    """The demo site with the banner installed, its endpoint served by a real Flask server on
    loopback behind ``consent.shop.test`` (same-site, as a site owner would deploy it)."""
    from werkzeug.serving import make_server

    from banner import create_app

    http = make_server("127.0.0.1", 0, create_app(settings, db), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    server = FixtureServer(
        upstreams={"consent.shop.test": f"http://127.0.0.1:{http.server_port}"},
        banner_script="https://consent.shop.test/v1/sites/shop.test/banner.js",
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
        http.shutdown()
