import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from cookiegov.errors import ConfigError
from cookiegov.settings import SETTINGS, Settings, load_settings, mask_url, settings_markdown
from cookiegov.storage import Database
from cookiegov.storage.scans import save_scan
from cookiegov.storage.schema import metadata

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_then_file_then_env_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "cookiegov.toml"
    config.write_text(
        'max_pages = 7\nconsent = "gpc"\nport = 9001\n[sites."a.test"]\nrevision = 3\n'
    )
    s = load_settings(config, env={"COOKIEGOV_MAX_PAGES": "9", "COOKIEGOV_PORT": "9002"}, port=9003)
    assert s.max_pages == 9  # env beats file
    assert s.consent == "gpc"  # file beats default
    assert s.port == 9003  # flag beats env
    assert s.sites["a.test"]["revision"] == 3
    assert load_settings(env={}).max_pages == Settings().max_pages


def test_env_types_are_checked() -> None:
    assert load_settings(env={"COOKIEGOV_IGNORE_HTTPS_ERRORS": "yes"}).ignore_https_errors
    with pytest.raises(ConfigError, match="max_pages"):
        load_settings(env={"COOKIEGOV_MAX_PAGES": "many"})
    with pytest.raises(ConfigError, match="consent"):
        load_settings(env={"COOKIEGOV_CONSENT": "maybe"})


def test_bad_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("max_pages = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, env={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(unknown, env={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", env={})


def test_docs_table_is_the_declared_table() -> None:
    """Names, env variables, defaults, secret flags and help: regenerate with
    `python -m cookiegov.settings` when this fails."""
    text = (ROOT / "docs" / "settings.md").read_text()
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table == settings_markdown().splitlines()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        assert f"COOKIEGOV_{setting.name.upper()}" in text, setting.name


def test_defaults_come_from_the_one_table() -> None:
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default, setting.name
    assert defaults.browser_args is not Settings().browser_args  # no shared mutable default
    assert {s.name for s in SETTINGS if s.secret} == {
        "database_url",
        "admin_token",
        "scan_key",
        "secret_key",
        "redis_url",
        "sites",
    }


SECRETS = Settings(
    database_url="postgresql+psycopg://scanner:pg-S3cret@db.internal:5432/cg?password=pg-Q",
    redis_url="redis://:redis-S3cret@cache.internal:6379/0",
    admin_token="admin-S3cret",
    sites={"shop.test": {"salt": "salt-S3cret"}},
)


def test_public_drops_secrets_and_masks_passwords() -> None:
    public = SECRETS.public()
    text = repr(public)
    for secret in ("pg-S3cret", "pg-Q", "redis-S3cret", "admin-S3cret", "salt-S3cret"):
        assert secret not in text
    assert public["database_url"] == (
        "postgresql+psycopg://scanner:***@db.internal:5432/cg?password=***"
    )
    assert public["redis_url"] == "redis://:***@cache.internal:6379/0"
    assert "admin_token" not in public and "sites" not in public
    assert public["max_pages"] == SECRETS.max_pages


def test_mask_url_keeps_urls_without_password() -> None:
    assert mask_url("sqlite:///cookiegov.db") == "sqlite:///cookiegov.db"
    assert mask_url("redis://cache:6379/0") == "redis://cache:6379/0"
    assert mask_url("postgresql://user@h/db") == "postgresql://user@h/db"
    assert mask_url("http://[bad") == "***"


def test_a_stored_scan_keeps_no_secret(db: Database) -> None:
    """Before: `public()` kept database_url and redis_url with their passwords, and the scan
    row stored them."""
    from tests.builders import cookie, scan

    save_scan(db, scan(cookies=[cookie("sid")], settings={**SECRETS.public(), "skipped": {}}))
    # Even settings that skipped public() lose their secrets on the way into the database.
    save_scan(db, scan(cookies=[cookie("sid")], settings=dataclasses.asdict(SECRETS)))
    with db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            dump = repr(rows)
            for secret in ("pg-S3cret", "pg-Q", "redis-S3cret", "admin-S3cret", "salt-S3cret"):
                assert secret not in dump, (table.name, secret)


def test_every_setting_is_a_field() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert {s.name for s in SETTINGS} == fields
