"""One ``Settings`` object: defaults → ``cookiegov.toml`` → ``COOKIEGOV_*`` env → CLI flags.

Every setting is declared once, as a field of :class:`Settings` with its default, help text and
secret flag; :data:`SETTINGS` is that table. The table in ``docs/settings.md`` is generated from
it (``python -m cookiegov.settings``) and a test checks it is the same, defaults included.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import ipaddress
import math
import os
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cookiegov.errors import ConfigError
from cookiegov.models import ConsentState

# Share of a page visit spent waiting on the site (navigation, settling), measured by
# bench/scan_bench.py on pages with many third-party tags and short timers (docs/benchmarks.md).
WAITING_SHARE = 0.86


def _default_concurrency() -> int:
    """Enough tabs to keep the CPUs busy while pages wait, CPUs / (1 - waiting share), at most
    two per CPU and 8 in all (each tab costs memory; 2 cores: 4 tabs)."""
    cpus = os.cpu_count() or 1
    return max(1, min(8, 2 * cpus, math.ceil(cpus / (1 - WAITING_SHARE))))


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as declared on :class:`Settings`: the single table of names and defaults."""

    name: str
    type: type
    default: Any
    help: str
    secret: bool = False  # never stored as is: URLs lose their password, other values are left out
    doc_default: str | None = None  # how the docs show a computed default

    @property
    def env(self) -> str:
        return f"COOKIEGOV_{self.name.upper()}"


def _setting(
    default: Any = None,
    help: str = "",
    *,
    secret: bool = False,
    factory: Callable[[], Any] | None = None,
    doc_default: str | None = None,
) -> Any:
    """Declare a field of :class:`Settings` with its default, help text and secret flag."""
    meta = {"help": help, "secret": secret, "doc_default": doc_default}
    if factory is None and isinstance(default, list | dict):
        factory = functools.partial(copy.deepcopy, default)
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """Every setting, declared once: name, type, default, help and whether it is secret."""

    database_url: str = _setting(
        "sqlite:///cookiegov.db", "SQLAlchemy URL of the database.", secret=True
    )
    chromium: str = _setting("", "Path to Chromium; empty finds one (see docs).")
    browser_args: list[str] = _setting([], "Extra command-line arguments for Chromium.")
    browser_profile: str = _setting("default", "default (3rd-party cookies on) or strict.")
    ignore_https_errors: bool = _setting(False, "Accept invalid TLS certificates while scanning.")
    max_pages: int = _setting(20, "Page budget of a scan.")
    max_depth: int = _setting(5, "Deepest link level a scan follows.")
    page_timeout: float = _setting(20.0, "Seconds one page may take, load and settle included.")
    max_per_template: int = _setting(5, "Pages visited per path template (0: no limit).")
    include: list[str] = _setting([], "Only URLs whose path matches one of these globs.")
    exclude: list[str] = _setting([], "Skip URLs whose path matches one of these globs.")
    ignore_robots: bool = _setting(False, "Visit pages that robots.txt disallows.")
    use_sitemap: bool = _setting(True, "Seed the crawl from robots.txt sitemaps and sitemap.xml.")
    retries: int = _setting(1, "Retries of a page after a transient network error or 502-504.")
    settle_ms: int = _setting(400, "Quiet time after load before the page is read.")
    concurrency: int = _setting(
        help="Pages scanned in parallel.",
        factory=_default_concurrency,
        doc_default="2 × CPU count (max 8)",
    )
    consent: str = _setting(
        ConsentState.NONE.value, "Consent state of a scan: none, accept, reject or gpc."
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.")
    port: int = _setting(8000, "Port the server listens on.")
    public_url: str = _setting("", "URL the banner endpoint is reached at, if proxied.")
    admin_token: str = _setting(
        "",
        "A token of the admin role (24+ characters); tokens per site and more admins:"
        " `cookiegov token create`. Empty: only stored tokens.",
        secret=True,
    )
    key_file: str = _setting(
        "cookiegov.key",
        "File with the secret (made by `cookiegov keys init`, mode 0600; keep it apart from"
        " the database): hashed-IP salts, record MACs, signed checkpoints and receipts.",
    )
    secret_key: str = _setting(
        "",
        "The same secret from the environment (COOKIEGOV_SECRET_KEY) instead of key_file.",
        secret=True,
    )
    checkpoint_file: str = _setting(
        "",
        "File (JSON lines) that `cookiegov consents checkpoint` appends signed chain heads to,"
        " and `consents verify` reads; keep it off the database's machine.",
    )
    scan_key: str = _setting(
        "",
        "Secret that signs the scanner's consents so the endpoint keeps them out of the log;"
        " empty derives one from the secret (key_file), else from admin_token and database_url.",
        secret=True,
    )
    consent_days: int = _setting(182, "Days a consent lasts before the banner asks again.")
    region_header: str = _setting(
        "",
        "Request header with the visitor's country, set by your CDN or proxy (CF-IPCountry,"
        " CloudFront-Viewer-Country); picks the site's regional rule. Empty: the '*' rule.",
    )
    region_subdivision_header: str = _setting(
        "",
        "Request header with the visitor's state or province (e.g. CloudFront-Viewer-Country-"
        "Region), for rules per US state; empty: country only.",
    )
    ip_mode: str = _setting("truncate", "How a visitor's IP is kept: truncate, hash or none.")
    retention_days: int = _setting(1095, "Days consent records are kept before purge.")
    rate_limit: int = _setting(60, "Consent writes per client and minute.")
    test_networks: list[str] = _setting(
        [],
        "Addresses or networks (CIDR) of test traffic: their consents are marked at request"
        " time (the address is never stored) and left out of the statistics.",
    )
    overrides_dir: str = _setting(
        "",
        "Folder of per-site classification overrides (`<site>.json` or `.toml`; format in "
        "classification.md).",
    )
    review_threshold: float = _setting(
        0.5, "Confidence below which a cookie's category is flagged needs_review."
    )
    smtp_host: str = _setting("127.0.0.1", "SMTP server for e-mail alerts.")
    smtp_port: int = _setting(25, "SMTP port for e-mail alerts.")
    smtp_from: str = _setting("cookiegov@localhost", "Sender address of e-mail alerts.")
    worker_interval: int = _setting(30, "Seconds between the scheduler's checks for due scans.")
    redis_url: str = _setting(
        "", "Redis: shared rate limits, and the broker of queued scans.", secret=True
    )
    trusted_proxies: list[str] = _setting(
        [],
        "Addresses or networks of your reverse proxies; their X-Forwarded-For names the"
        " visitor (empty: the peer address is the visitor).",
    )
    writer_socket: str = _setting(
        "",
        "Unix socket of this machine's `cookiegov writer`, which commits the consent writes of"
        " every app process in shared batches (empty: each process writes its own).",
    )
    queue_name: str = _setting("cookiegov", "Celery queue of scan jobs.")
    queue_scans: bool = _setting(False, "Schedules send scans to Celery workers.")
    sites: dict[str, dict[str, Any]] = _setting(
        {}, "Sites served by the banner, by id (table [sites.ID]).", secret=True
    )

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied; ``None`` values are ignored (unset CLI flags)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in given.items()})

    def public(self) -> dict[str, Any]:
        """Settings safe to store beside a scan: secrets left out, passwords in URLs masked."""
        return redact({s.name: copy.deepcopy(getattr(self, s.name)) for s in SETTINGS})


def _declared() -> tuple[Setting, ...]:
    hints = typing.get_type_hints(Settings)
    out = []
    for f in dataclasses.fields(Settings):
        hint = hints[f.name]
        factory = f.default_factory
        default = factory() if callable(factory) else f.default
        out.append(
            Setting(
                f.name,
                typing.get_origin(hint) or hint,
                default,
                f.metadata["help"],
                f.metadata["secret"],
                f.metadata["doc_default"],
            )
        )
    return tuple(out)


#: The settings table, in declaration order (docs/settings.md is generated from it).
SETTINGS: tuple[Setting, ...] = _declared()
_BY_NAME = {s.name: s for s in SETTINGS}
MASK = "***"
_SECRET_QUERY_KEYS = ("password", "passwd", "pass", "secret", "token", "key")


def mask_url(url: str) -> str:
    """``url`` without its password (user info or query parameter); ``***`` if unparsable."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return MASK
    netloc, query = parts.netloc, parts.query
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{hostport}" if ":" in userinfo else netloc
    if any(k.lower() in _SECRET_QUERY_KEYS for k, _ in pairs):
        masked = [(k, MASK if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in pairs]
        query = urlencode(masked, safe="*")
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def redact(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (settings by name, maybe with other keys) without secrets, ready to store.

    Secret settings holding a URL keep it with the password masked; other secrets are left out.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        spec = _BY_NAME.get(key)
        if spec is None or not spec.secret:
            out[key] = value
        elif isinstance(value, str) and "://" in value:
            out[key] = mask_url(value)
    return out


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
    from_env = {s.name: env[s.env] for s in SETTINGS if s.env in env and s.type is not dict}
    settings = settings.replace(**from_env)
    settings = settings.replace(**flags)
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    if s.consent not in set(ConsentState):
        states = ", ".join(ConsentState)
        raise ConfigError(f"consent must be one of {states}, not {s.consent!r}")
    if s.browser_profile not in {"default", "strict"}:
        raise ConfigError(f"browser_profile must be default or strict, not {s.browser_profile!r}")
    if s.ip_mode not in {"truncate", "hash", "none"}:
        raise ConfigError(f"ip_mode must be truncate, hash or none, not {s.ip_mode!r}")
    for network in s.test_networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(f"test_networks: {network!r} is not an address or network") from None
    for entry in s.trusted_proxies:
        try:
            ipaddress.ip_network(entry.strip().removeprefix("::ffff:"), strict=False)
        except ValueError:
            raise ConfigError(f"trusted_proxies: {entry!r} is not an address or network") from None
    if (
        s.max_pages < 1
        or s.concurrency < 1
        or not (math.isfinite(s.page_timeout) and s.page_timeout > 0)
    ):
        raise ConfigError("max_pages, concurrency and page_timeout must be positive")


def settings_markdown() -> str:
    """The settings table of ``docs/settings.md``."""
    lines = ["| Setting | Env | Default | Secret | Meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = s.doc_default or repr(s.default)
        secret = "yes" if s.secret else ""
        lines.append(f"| `{s.name}` | `{s.env}` | `{default}` | {secret} | {s.help} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - regenerates the docs table
    print(settings_markdown())
