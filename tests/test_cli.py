"""The command line, run as a user runs it: a subprocess, real browser, real SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.server import FixtureServer

BIN = Path(sys.executable).parent / "cookiegov"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=240)


@pytest.mark.browser
def test_scan_writes_json_and_stores_the_scan(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "scan.json"
    r = run(
        "--db",
        db,
        "scan",
        "https://www.shop.test/",
        "--max-pages",
        "3",
        f"--browser-arg={fixture_server.resolver_rule}",
        "--ignore-https-errors",
        "--format",
        "json",
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert len(data["pages"]) == 3
    names = {c["name"] for c in data["cookies"]}
    assert {"sessionid", "csrftoken", "adnet_uid"} <= names
    for cookie in data["cookies"]:
        assert {"name", "domain", "category", "third_party", "pages"} <= set(cookie)
        assert cookie["category"] in {
            "necessary",
            "functional",
            "analytics",
            "advertising",
            "unknown",
        }
    listed = run("--db", db, "scans", cwd=tmp_path)
    assert "shop.test" in listed.stdout
    table = run(
        "--db",
        db,
        "scan",
        "https://www.shop.test/",
        "--max-pages",
        "1",
        "--no-store",
        f"--browser-arg={fixture_server.resolver_rule}",
        "--ignore-https-errors",
        cwd=tmp_path,
    )
    assert table.returncode == 0 and "sessionid" in table.stdout and "necessary" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["scan", "not a url"], 2, "not an http(s) URL"),
        (["scan", "ftp://example.test/"], 2, "not an http(s) URL"),
        (
            ["scan", "https://127.0.0.1:9/", "--max-pages", "1", "--page-timeout", "5"],
            6,
            "could not load",
        ),
        (["--config", "missing.toml", "scans"], 2, "does not exist"),
    ],
)
def test_errors_are_one_friendly_line(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    r = run("--db", f"sqlite:///{tmp_path / 'e.db'}", *args, cwd=tmp_path)
    assert r.returncode == code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr


def test_consents_verify_on_an_unknown_site(tmp_path: Path) -> None:
    r = run(
        "--db", f"sqlite:///{tmp_path / 'v.db'}", "consents", "verify", "shop.test", cwd=tmp_path
    )
    assert r.returncode == 3 and "unknown site 'shop.test'" in r.stderr


@pytest.mark.browser
def test_consent_states_from_the_command_line(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    common = [
        "--max-pages",
        "1",
        f"--browser-arg={fixture_server.resolver_rule}",
        "--ignore-https-errors",
    ]
    db = f"sqlite:///{tmp_path / 'c.db'}"
    report = tmp_path / "reject.html"
    r = run(
        "--db",
        db,
        "scan",
        "https://www.boulangerie.test/",
        "--consent",
        "reject",
        *common,
        "--output",
        str(report),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    html = report.read_text()
    assert "Consent banner (reject)" in html and "tout refuser" in html.lower()
    assert "data:image/png;base64," in html
    compared = tmp_path / "compare.json"
    r = run(
        "--db",
        db,
        "scan",
        "https://www.boulangerie.test/",
        "--compare",
        *common,
        "--format",
        "json",
        "--output",
        str(compared),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(compared.read_text())
    assert list(data["states"]) == ["none", "reject", "gpc", "accept"]
    added = {c["name"] for c in data["adds"]["accept"]["cookies"]}
    assert "_pk_id.7.4f2a" in added
    assert data["states"]["accept"]["banner"]["clicked"].lower() == "tout accepter"


def test_verify_catches_a_tampered_chain(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from cookiegov.storage import open_database
    from cookiegov.storage.appends import append_consent
    from cookiegov.storage.consents import ConsentInput

    url = f"sqlite:///{tmp_path / 't.db'}"
    db = open_database(url)
    for i in range(3):
        append_consent(
            db,
            "shop.test",
            ConsentInput(f"visitor-{i:012d}", {"analytics": False}, 1, "banner", False),
        )
    assert run("--db", url, "consents", "verify", "shop.test", cwd=tmp_path).returncode == 0
    with db.engine.begin() as conn:  # an inserted record, forged to look plausible
        conn.execute(
            sa.text(
                "INSERT INTO consents (site_id, seq, consent_id, created_at, action, choices,"
                " revision, method, gpc, prev_hash, hash)"
                " SELECT site_id, 4, 'forged-0000000000', created_at,"
                " 'grant', '{\"analytics\": true}', 1, 'banner', 0, hash, hash FROM consents"
                " WHERE seq = 3"
            )
        )
    r = run("--db", url, "consents", "verify", "shop.test", cwd=tmp_path)
    assert r.returncode == 1 and "BROKEN" in r.stdout and "record 4" in r.stdout
