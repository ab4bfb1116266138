"""Issue 15's low items: secret per-site salts for hashed addresses (7), CSV cells that a
spreadsheet cannot run (8), only http(s) or relative policy links (9)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import ipaddress
import os
from pathlib import Path

import pytest

from banner import create_app
from banner.sites import build_site
from cookiegov.errors import ConfigError
from cookiegov.keys import create_key_file, load_keys
from cookiegov.report import to_csv
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records

TOKEN = "low-items-admin-token-2b7e1c9d4f6a8035"


def _post(app_settings: Settings, db: Database, site: str, **body: object) -> None:
    c = create_app(app_settings, db).test_client()
    r = c.post(
        f"/v1/sites/{site}/consents",
        json={"categories": {}, **body},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert r.status_code == 201, r.get_json()


def test_hashed_addresses_use_a_secret_salt_per_site(db: Database, tmp_path: Path) -> None:
    key = create_key_file(tmp_path / "cookiegov.key")
    assert os.stat(key).st_mode & 0o777 == 0o600
    settings = Settings(
        ip_mode="hash", key_file=str(key), sites={"shop.test": {}, "other.test": {}}
    )
    _post(settings, db, "shop.test")
    _post(settings, db, "other.test")
    shop = all_records(db, "shop.test")[0]["ip"]
    other = all_records(db, "other.test")[0]["ip"]
    packed = ipaddress.ip_address("203.0.113.77").packed
    public_salt = hmac.new(b"shop.test", packed, hashlib.sha256).hexdigest()[:32]
    assert shop != public_salt  # the old salt: the public site name
    assert shop != other  # one salt per site
    keys = load_keys("", str(key))
    assert keys is not None
    expected = hmac.new(keys.ip_salt("shop.test").encode(), packed, hashlib.sha256)
    assert shop == expected.hexdigest()[:32]
    with pytest.raises(ConfigError, match="exists already"):
        create_key_file(key)  # never overwritten


def test_hashing_without_a_secret_is_refused_at_boot(db: Database, tmp_path: Path) -> None:
    settings = Settings(ip_mode="hash", key_file=str(tmp_path / "none.key"), sites={"a.test": {}})
    with pytest.raises(ConfigError, match="keys init"):
        create_app(settings, db)
    env_secret = Settings(ip_mode="hash", secret_key="s" * 40, sites={"a.test": {}})
    _post(env_secret, db, "a.test")
    loose = tmp_path / "loose.key"
    loose.write_text("x" * 64)
    loose.chmod(0o644)
    with pytest.raises(ConfigError, match="owner only"):
        create_app(Settings(ip_mode="hash", key_file=str(loose), sites={"a.test": {}}), db)
    assert "secret_key" not in Settings(secret_key="s" * 40).public()


FORMULAS = ('=HYPERLINK("http://evil.test","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")


def test_csv_exports_neutralise_formulas(db: Database) -> None:
    settings = Settings(admin_token=TOKEN, rate_limit=100, sites={"shop.test": {}})
    c = create_app(settings, db).test_client()
    for formula in FORMULAS:
        r = c.post(
            "/v1/sites/shop.test/consents",
            json={"categories": {}, "page_url": "https://x.test/", "language": "en"},
            headers={"User-Agent": formula},
        )
        assert r.status_code == 201
    c.post("/v1/sites/shop.test/consents", json={"categories": {}, "page_url": "=cmd|' /C'!A0"})
    exported = c.get(
        "/v1/sites/shop.test/admin/consents?format=csv",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    rows = list(csv.DictReader(io.StringIO(exported.data.decode())))
    assert rows[-1]["page_url"] == "'=cmd|' /C'!A0"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_scan_csv_neutralises_formulas_in_cookie_names() -> None:
    from cookiegov.models import ScanResult
    from tests.test_odd_input import _cookie

    result = ScanResult("https://s.test/", "s.test", "t", "t", "none", [], [_cookie("Lax", "=1+2")])
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert rows[0]["name"] == "'=1+2"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "ftp://files.test/policy",
    ],
)
def test_policy_url_refuses_other_schemes(url: str) -> None:
    with pytest.raises(ConfigError, match="policy_url"):
        build_site("shop.test", {"policy_url": url})


@pytest.mark.parametrize(
    "url",
    [
        "https://www.shop.test/privacy",
        "HTTP://shop.test/p",
        "/privacy",
        "privacy.html",
        "//www.shop.test/privacy",
        "/legal?section=a:b",
        "#cookies",
    ],
)
def test_policy_url_accepts_http_and_relative_urls(url: str) -> None:
    assert build_site("shop.test", {"policy_url": url}).policy_url == url
