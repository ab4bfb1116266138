from pathlib import Path

import pytest

from cookiegov.errors import ConfigError
from cookiegov.settings import SETTINGS, Settings, load_settings

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


def test_docs_cover_every_setting() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        assert f"COOKIEGOV_{setting.name.upper()}" in text, setting.name


def test_every_setting_is_a_field() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert {s.name for s in SETTINGS} == fields
