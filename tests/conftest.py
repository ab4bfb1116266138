"""Shared fixtures: the fixture server on loopback, settings and a fresh database.

Browser tests never skip: a missing Chromium is a failure (in CI and everywhere else).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
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
