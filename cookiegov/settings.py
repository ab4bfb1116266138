"""One ``Settings`` object: defaults → ``cookiegov.toml`` → ``COOKIEGOV_*`` env → CLI flags.

Every setting is declared once in :data:`SETTINGS`; the docs table is generated from it and a
test checks ``docs/settings.md`` covers every name.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookiegov.errors import ConfigError


def _default_concurrency() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", str, "sqlite:///cookiegov.db", "SQLAlchemy URL of the database."),
    Setting("chromium", str, "", "Path to Chromium; empty finds one (see docs)."),
    Setting("browser_args", list, [], "Extra command-line arguments for Chromium."),
    Setting("browser_profile", str, "default", "default (3rd-party cookies on) or strict."),
    Setting("ignore_https_errors", bool, False, "Accept invalid TLS certificates while scanning."),
    Setting("max_pages", int, 20, "Page budget of a scan."),
    Setting("max_depth", int, 5, "Deepest link level a scan follows."),
    Setting("page_timeout", float, 20.0, "Seconds one page may take, load and settle included."),
    Setting("max_per_template", int, 5, "Pages visited per path template (0: no limit)."),
    Setting("include", list, [], "Only URLs whose path matches one of these globs."),
    Setting("exclude", list, [], "Skip URLs whose path matches one of these globs."),
    Setting("ignore_robots", bool, False, "Visit pages that robots.txt disallows."),
    Setting("use_sitemap", bool, True, "Seed the crawl from robots.txt sitemaps and sitemap.xml."),
    Setting("retries", int, 1, "Retries of a page after a transient network error or 502-504."),
    Setting("settle_ms", int, 400, "Quiet time after load before the page is read."),
    Setting("concurrency", int, _default_concurrency(), "Pages scanned in parallel."),
    Setting("consent", str, "none", "Consent state of a scan: none, accept, reject or gpc."),
    Setting("host", str, "127.0.0.1", "Address the server listens on."),
    Setting("port", int, 8000, "Port the server listens on."),
    Setting("public_url", str, "", "URL the banner endpoint is reached at, if proxied."),
    Setting(
        "admin_token",
        str,
        "",
        "A token of the admin role (24+ characters); tokens per site and more admins:"
        " `cookiegov token create`. Empty: only stored tokens.",
    ),
    Setting(
        "key_file",
        str,
        "cookiegov.key",
        "File with the secret (made by `cookiegov keys init`, mode 0600; keep it apart from"
        " the database): hashed-IP salts, record MACs, signed checkpoints and receipts.",
    ),
    Setting(
        "secret_key",
        str,
        "",
        "The same secret from the environment (COOKIEGOV_SECRET_KEY) instead of key_file.",
    ),
    Setting(
        "checkpoint_file",
        str,
        "",
        "File (JSON lines) that `cookiegov consents checkpoint` appends signed chain heads to,"
        " and `consents verify` reads; keep it off the database's machine.",
    ),
    Setting("consent_days", int, 182, "Days a consent lasts before the banner asks again."),
    Setting("ip_mode", str, "truncate", "How a visitor's IP is kept: truncate, hash or none."),
    Setting("retention_days", int, 1095, "Days consent records are kept before purge."),
    Setting("rate_limit", int, 60, "Consent writes per client and minute."),
    Setting("overrides_dir", str, "", "Folder of per-site classification overrides."),
    Setting("smtp_host", str, "127.0.0.1", "SMTP server for e-mail alerts."),
    Setting("smtp_port", int, 25, "SMTP port for e-mail alerts."),
    Setting("smtp_from", str, "cookiegov@localhost", "Sender address of e-mail alerts."),
    Setting("worker_interval", int, 30, "Seconds between the scheduler's checks for due scans."),
    Setting("redis_url", str, "", "Redis: shared rate limits, and the broker of queued scans."),
    Setting(
        "trusted_proxies",
        list,
        [],
        "Addresses or networks of your reverse proxies; their X-Forwarded-For names the"
        " visitor (empty: the peer address is the visitor).",
    ),
    Setting(
        "writer_socket",
        str,
        "",
        "Unix socket of this machine's `cookiegov writer`, which commits the consent writes of"
        " every app process in shared batches (empty: each process writes its own).",
    ),
    Setting("queue_name", str, "cookiegov", "Celery queue of scan jobs."),
    Setting("queue_scans", bool, False, "Schedules send scans to Celery workers."),
    Setting("sites", dict, {}, "Sites served by the banner, by id (table [sites.ID])."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///cookiegov.db"
    chromium: str = ""
    browser_args: list[str] = field(default_factory=list)
    browser_profile: str = "default"
    ignore_https_errors: bool = False
    max_pages: int = 20
    max_depth: int = 5
    page_timeout: float = 20.0
    max_per_template: int = 5
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    ignore_robots: bool = False
    use_sitemap: bool = True
    retries: int = 1
    settle_ms: int = 400
    concurrency: int = field(default_factory=_default_concurrency)
    consent: str = "none"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    admin_token: str = ""
    key_file: str = "cookiegov.key"
    secret_key: str = ""
    checkpoint_file: str = ""
    consent_days: int = 182
    ip_mode: str = "truncate"
    retention_days: int = 1095
    rate_limit: int = 60
    overrides_dir: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "cookiegov@localhost"
    worker_interval: int = 30
    redis_url: str = ""
    trusted_proxies: list[str] = field(default_factory=list)
    writer_socket: str = ""
    queue_name: str = "cookiegov"
    queue_scans: bool = False
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied; ``None`` values are ignored (unset CLI flags)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in given.items()})

    def public(self) -> dict[str, Any]:
        """Settings safe to store beside a scan (no secrets)."""
        data = dataclasses.asdict(self)
        data.pop("admin_token", None)
        data.pop("secret_key", None)
        data.pop("sites", None)
        return data


def _coerce(name: str, value: Any) -> Any:
    spec = _BY_NAME.get(name)
    if spec is None:
        raise ConfigError(f"unknown setting {name!r}")
    try:
        if spec.type is bool and isinstance(value, str):
            low = value.strip().lower()
            if low not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(value)
            return low in {"1", "true", "yes", "on"}
        if spec.type is list and isinstance(value, str):
            return [part for part in value.split() if part]
        if spec.type is list:
            return list(value)
        if spec.type is dict:
            if not isinstance(value, Mapping):
                raise ValueError(value)
            return {str(k): dict(v) for k, v in value.items()}
        return spec.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} expects {spec.type.__name__}, got {value!r}") from exc


def load_settings(
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Build settings: defaults, then the TOML file, then ``COOKIEGOV_*``, then ``flags``."""
    settings = Settings()
    env = os.environ if env is None else env
    path = Path(config_file) if config_file else Path(env.get("COOKIEGOV_CONFIG", "cookiegov.toml"))
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        unknown = sorted(set(data) - set(_BY_NAME))
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
        settings = settings.replace(**data)
    elif config_file:
        raise ConfigError(f"configuration file {path} does not exist")
    from_env = {
        s.name: env[f"COOKIEGOV_{s.name.upper()}"]
        for s in SETTINGS
        if f"COOKIEGOV_{s.name.upper()}" in env and s.type is not dict
    }
    settings = settings.replace(**from_env)
    settings = settings.replace(**flags)
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    if s.consent not in {"none", "accept", "reject", "gpc"}:
        raise ConfigError(f"consent must be none, accept, reject or gpc, not {s.consent!r}")
    if s.browser_profile not in {"default", "strict"}:
        raise ConfigError(f"browser_profile must be default or strict, not {s.browser_profile!r}")
    if s.ip_mode not in {"truncate", "hash", "none"}:
        raise ConfigError(f"ip_mode must be truncate, hash or none, not {s.ip_mode!r}")
    for entry in s.trusted_proxies:
        try:
            ipaddress.ip_network(entry.strip().removeprefix("::ffff:"), strict=False)
        except ValueError:
            raise ConfigError(f"trusted_proxies: {entry!r} is not an address or network") from None
    if s.max_pages < 1 or s.concurrency < 1 or s.page_timeout <= 0:
        raise ConfigError("max_pages, concurrency and page_timeout must be positive")


def settings_markdown() -> str:
    """The settings table of ``docs/settings.md``."""
    lines = ["| Setting | Env | Default | Meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "CPU count (max 4)" if s.name == "concurrency" else repr(s.default)
        lines.append(f"| `{s.name}` | `COOKIEGOV_{s.name.upper()}` | `{default}` | {s.help} |")
    return "\n".join(lines)
