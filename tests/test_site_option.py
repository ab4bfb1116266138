"""`--site`: a scan of a local copy (http://127.0.0.1:PORT/) is stored under the site the user
means, so the declaration, the dashboard and the opt-out report find it. Real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegov.cli import cli
from cookiegov.storage import open_database
from cookiegov.storage.scans import latest_scan
from fixtures.server import FixtureServer

pytestmark = pytest.mark.browser


def test_a_loopback_scan_is_filed_under_the_site(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    with FixtureServer(loopback_view=True) as fx:
        url = f"http://127.0.0.1:{fx.http_port}/"
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                db,
                "scan",
                url,
                "--site",
                "shop.test",
                "--max-pages",
                "2",
                "--consent",
                "accept",
                "--format",
                "json",
                "--ignore-https-errors",
            ],
        )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["site"] == "shop.test" and data["url"] == url and data["cookies"]
    stored = latest_scan(open_database(db), "shop.test")
    assert stored is not None and stored.url == url
    assert latest_scan(open_database(db), "127.0.0.1") is None
    declared = CliRunner().invoke(cli, ["--db", db, "declaration", "shop.test", "--format", "json"])
    assert declared.exit_code == 0 and json.loads(declared.output)["site"] == "shop.test"
