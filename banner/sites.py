"""A site's banner configuration: texts, categories, revision and allowed origins."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from banner.texts import TEXTS, texts_for
from cookiegov.domains import registrable_domain
from cookiegov.errors import ConfigError, NotFoundError
from cookiegov.models import CONSENT_CATEGORIES
from cookiegov.settings import Settings


@dataclass(frozen=True)
class SiteConfig:
    site: str  # registrable domain, also the id in URLs
    name: str
    origins: tuple[str, ...]
    policy_url: str
    revision: int = 1
    gpc_refuses: tuple[str, ...] = ("advertising",)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # per-language overrides
    salt: str = ""

    def allows_origin(self, origin: str | None) -> bool:
        if not origin:
            return False
        if self.origins:
            return origin in self.origins
        return origin.startswith("https://") and registrable_domain(origin) == self.site

    def texts_in(self, language: str) -> dict[str, str]:
        return texts_for(language, self.texts)

    def texts_hash(self) -> str:
        """Hash of every text the banner can show (proof of what the visitor saw)."""
        shown = {lang: self.texts_in(lang) for lang in sorted(TEXTS)}
        blob = json.dumps([shown, self.policy_url], sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()


def site_config(settings: Settings, site: str) -> SiteConfig:
    raw = settings.sites.get(site)
    if raw is None:
        raise NotFoundError(f"unknown site {site!r}")
    return build_site(site, raw)


def build_site(site: str, raw: dict[str, Any]) -> SiteConfig:
    try:
        gpc = tuple(raw.get("gpc_refuses", ["advertising"]))
        bad = [c for c in gpc if c not in {c.value for c in CONSENT_CATEGORIES}]
        if bad:
            raise ConfigError(f"site {site}: gpc_refuses has unknown categories {bad}")
        return SiteConfig(
            site=site,
            name=str(raw.get("name", site)),
            origins=tuple(raw.get("origins", ())),
            policy_url=policy_url(site, raw.get("policy_url", f"https://{site}/privacy")),
            revision=int(raw.get("revision", 1)),
            gpc_refuses=gpc,
            texts={str(k): dict(v) for k, v in raw.get("texts", {}).items()},
            salt=str(raw.get("salt", "")),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"site {site}: invalid configuration ({exc})") from exc


_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")  # what browsers strip or ignore in a URL


def policy_url(site: str, value: Any) -> str:
    """The policy link: an ``http(s)`` URL or a relative one, never ``javascript:``,
    ``data:`` or any other scheme (also when hidden by whitespace or control characters,
    which browsers drop before reading the scheme)."""
    url = str(value)
    scheme, sep, _ = _URL_NOISE.sub("", url).partition(":")
    is_scheme = sep and not any(c in scheme for c in "/?#")
    if is_scheme and scheme.lower() not in ("http", "https"):
        raise ConfigError(f"site {site}: policy_url must be http(s) or relative, not {url!r}")
    return url
