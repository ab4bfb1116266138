"""The rules of a consent write, free of any web framework: how a request body is validated,
which record it appends, what the answer shows and which consent cookie it sets.

The Flask views in :mod:`banner.api` and the WSGI fast path in :mod:`banner.fastpath` both
follow these rules, so a consent is recorded the same way whichever of them serves it.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from banner.ratelimit import Limiter
from banner.sites import SiteConfig
from cookiegov.domains import registrable_domain
from cookiegov.errors import ConfigError, InputError
from cookiegov.keys import load_keys
from cookiegov.models import CONSENT_CATEGORIES, Category
from cookiegov.privacy import anonymize_ip
from cookiegov.settings import Settings
from cookiegov.storage.consents import ConsentInput

COOKIE_NAME = "cookiegov"
METHODS = ("banner", "gpc", "api")
CONSENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_COOKIE_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
MAX_REVISION = 2**31 - 1  # PostgreSQL's integer; SQLite's holds up to 2**63 - 1
TEXT_LIMITS = (("language", 16), ("page_url", 2048), ("texts_hash", 64))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ALLOWED = frozenset(c.value for c in CONSENT_CATEGORIES)
_ORDER = tuple(sorted(_ALLOWED))
PUBLIC_FIELDS = (
    "consent_id",
    "seq",
    "created_at",
    "action",
    "choices",
    "revision",
    "method",
    "gpc",
    "gpc_override",
    "language",
    "page_url",
    "services",
    "region",
    "rule",
    "hash",
)


def parse_consent(body: Any, gpc_header: str | None) -> dict[str, Any]:
    """The visitor's choice from a decoded JSON body; :class:`InputError` says what is wrong.
    A ``Sec-GPC: 1`` request header counts as a GPC signal even if the body says otherwise."""
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    choices = body.get("categories")
    if not isinstance(choices, dict):
        raise InputError("'categories' must be an object of category → true/false")
    unknown = sorted(set(choices) - _ALLOWED - {Category.NECESSARY.value})
    if unknown:
        raise InputError(
            f"unknown categories: {', '.join(unknown)}", details={"allowed": sorted(_ALLOWED)}
        )
    if not all(isinstance(v, bool) for v in choices.values()):
        raise InputError("each category must be true or false")
    method = body.get("method", "banner")
    if method not in METHODS:
        raise InputError(f"'method' must be one of {', '.join(METHODS)}")
    revision = body.get("revision", 1)
    if (
        not isinstance(revision, int)
        or isinstance(revision, bool)
        or not 0 <= revision <= MAX_REVISION
    ):
        raise InputError(f"'revision' must be an integer from 0 to {MAX_REVISION}")
    consent_id = body.get("consent_id")
    if consent_id is not None and (
        not isinstance(consent_id, str) or not CONSENT_ID.match(consent_id)
    ):
        raise InputError("'consent_id' must be 16–64 letters, digits, '-' or '_'")
    for key, limit in TEXT_LIMITS:
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or not storable(value, limit)):
            raise InputError(
                f"'{key}' must be a string of at most {limit} characters, without control"
                " characters or unpaired surrogates"
            )
    gpc = body.get("gpc", False)
    if not isinstance(gpc, bool):
        raise InputError("'gpc' must be true or false")
    gpc_override = body.get("gpc_override", False)
    if not isinstance(gpc_override, bool):
        raise InputError("'gpc_override' must be true or false")
    return {
        "choices": {c: choices.get(c, False) for c in _ORDER},
        "method": method,
        "revision": revision,
        "consent_id": consent_id or secrets.token_urlsafe(18),
        "language": body.get("language"),
        "page_url": body.get("page_url"),
        "texts_hash": body.get("texts_hash"),
        "gpc": gpc or gpc_header == "1",
        "gpc_override": gpc_override,
    }


def storable(value: str, limit: int) -> bool:
    """Whether both engines store ``value`` as it is: at most ``limit`` characters (what a
    PostgreSQL ``varchar(n)`` counts), valid UTF-8 (no unpaired surrogate, which JSON's
    ``\\ud800`` escapes can carry) and no control characters (PostgreSQL refuses NUL)."""
    if len(value) > limit or _CONTROL.search(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_header(value: str | None, limit: int) -> str | None:
    """A request header fit to store: control characters dropped, at most ``limit``
    characters (WSGI gives headers as latin-1 text, so there is no surrogate to meet)."""
    if not value:
        return None
    return _CONTROL.sub("", value)[:limit] or None


def consent_entry(
    parsed: dict[str, Any],
    cfg: SiteConfig,
    settings: Settings,
    ip: str,
    user_agent: str | None,
) -> ConsentInput:
    """The record to append for a parsed choice (or a withdrawal, ``action`` "withdraw"); the
    client address only as ``ip_mode`` keeps it (truncated or hashed with the site's salt),
    never raw."""
    return ConsentInput(
        **_recorded(parsed, cfg),
        user_agent=clean_header(user_agent, 512),
        ip=anonymize_ip(ip, settings.ip_mode, ip_salt(settings, cfg)),
    )


def scan_record(parsed: dict[str, Any], cfg: SiteConfig) -> dict[str, Any]:
    """The answer to a consent the scanner marked (:mod:`cookiegov.scanmark`): shaped like a
    stored record under the same GPC policy, never appended (no sequence number, no hash)."""
    return {
        **_recorded(parsed, cfg),
        "seq": 0,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "hash": "",
    }


def _recorded(parsed: dict[str, Any], cfg: SiteConfig) -> dict[str, Any]:
    """What a parsed choice records, the site's GPC policy applied: the fields an appended
    record and the answer to a marked scan share."""
    choices, override = apply_gpc(parsed, cfg)
    return {
        "consent_id": parsed["consent_id"],
        "choices": choices,
        "revision": parsed["revision"],
        "method": parsed["method"],
        "gpc": parsed["gpc"],
        "action": parsed.get("action", "grant"),
        "language": parsed.get("language"),
        "page_url": parsed.get("page_url"),
        "texts_hash": parsed.get("texts_hash"),
        "gpc_override": override,
        "services": parsed.get("services"),
        "region": parsed.get("region"),
        "rule": parsed.get("rule"),
    }


def ip_salt(settings: Settings, cfg: SiteConfig) -> str:
    """The salt of hashed addresses (``ip_mode = "hash"``): the site's configured ``salt``,
    else one derived from the deployment's secret (a key file or environment secret, never
    the public site name, which would let anyone recover an IPv4 address by trying all)."""
    if settings.ip_mode != "hash" or cfg.salt:
        return cfg.salt
    keys = load_keys(settings.secret_key, settings.key_file)
    if keys is None:
        raise ConfigError(
            "ip_mode = 'hash' needs a secret: run `cookiegov keys init` (key_file) or set"
            " COOKIEGOV_SECRET_KEY"
        )
    return keys.ip_salt(cfg.site)


def check_secrets(settings: Settings) -> None:
    """At boot: hashed addresses need a salt for every site (:func:`ip_salt`)."""
    if settings.ip_mode == "hash":
        for site, raw in settings.sites.items():
            if not raw.get("salt"):
                ip_salt(settings, SiteConfig(site, site, (), ""))


def apply_gpc(parsed: dict[str, Any], cfg: SiteConfig) -> tuple[dict[str, bool], bool]:
    """The choices to record under the site's GPC policy, and whether they override it.

    With a GPC signal (``Sec-GPC: 1`` or ``gpc: true``) the categories of ``gpc_refuses`` are
    refused, whatever the body grants, unless the body says ``gpc_override: true`` (the
    visitor explicitly granted them despite the signal); such a record is marked as an
    override, and the reports show it as one.
    """
    choices = dict(parsed["choices"])
    if not parsed["gpc"]:
        return choices, False
    granted = [c for c in cfg.gpc_refuses if choices.get(c)]
    if granted and parsed.get("gpc_override"):
        return choices, True
    for category in granted:
        choices[category] = False
    return choices, False


def limit_key(site: str, ip: str) -> str:
    """The rate limiter's key: the site and the client's /24 (IPv4) or /48 (IPv6) network."""
    return f"{site}|{anonymize_ip(ip, 'truncate')}"


def limit_consents(limiter: Limiter, site: str, ip: str, per_minute: int) -> None:
    """One consent write more for this client (site and /24 or /48 network)."""
    limiter.hit(
        "consent",
        limit_key(site, ip),
        per_minute,
        "too many consent writes from this client; retry later",
    )


def public(record: dict[str, Any]) -> dict[str, Any]:
    """What the visitor is shown of a stored record (no address, no user agent)."""
    return {k: record.get(k) for k in PUBLIC_FIELDS}


def cookie_value(record: dict[str, Any]) -> str:
    cats = "".join(
        c.value[0] if record["choices"].get(c.value) else "-" for c in CONSENT_CATEGORIES
    )
    value = f"v1.{record['consent_id']}.{record['revision']}.{int(time.time())}.{cats}"
    if record.get("services"):  # 1matomo_0google-analytics: per-service choices
        value += "." + "_".join(f"{int(v)}{k}" for k, v in record["services"].items())
    return value


def consent_cookie(
    settings: Settings, record: dict[str, Any], origin: str | None, host: str
) -> str | None:
    """The ``Set-Cookie`` value for a recorded choice, when the endpoint is same-site with the
    page (``host`` without port); None for a cross-site deployment, where the script sets the
    cookie itself."""
    if origin and registrable_domain(origin) != registrable_domain(host):
        return None
    domain = cookie_domain(host)
    attributes = [
        f"{COOKIE_NAME}={cookie_value(record)}",  # letters, digits, '-', '_' and '.' only
        f"Max-Age={settings.consent_days * 86400}",
        "Path=/",
        "Secure",
        "SameSite=Lax",
    ]
    if domain:
        attributes.insert(1, f"Domain={domain}")
    return "; ".join(attributes)


def cookie_domain(host: str) -> str | None:
    """The consent cookie's ``Domain`` for an endpoint on ``host`` (without port): the
    registrable domain, so every subdomain of the site sees it; None for an IP address or a
    single-label host, where the cookie stays host-only."""
    domain = registrable_domain(host)
    if _COOKIE_DOMAIN.match(domain) and not domain.replace(".", "").isdigit():
        return domain
    return None
