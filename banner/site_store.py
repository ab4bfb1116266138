"""A site's settings as the banner applies them: ``cookiegov.toml`` (``[sites.ID]``) with what
was published from the dashboard on top (:func:`cookiegov.site_settings.resolve`), and the
revision raised by every publish that changed what visitors agreed to.

Published settings are read from the database at most every :data:`TTL` seconds per process
(a publish in this process is seen at once), so the consent POST and the banner script do not
pay a query each.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from importlib import resources
from typing import Any

from banner import context
from banner.sites import SiteConfig, build_site
from cookiegov.errors import NotFoundError
from cookiegov.report import duration_parts
from cookiegov.settings import Settings
from cookiegov.site_settings import banner_css, overridden, resolve
from cookiegov.storage import Database
from cookiegov.storage.site_admin import all_published, cookie_overrides_for

TTL = 2.0
_NOTHING_PUBLISHED: tuple[dict[str, Any], int] = ({}, 0)
_lock = threading.Lock()
_cache: dict[int, tuple[float, dict[str, tuple[dict[str, Any], int]]]] = {}


def published(db: Database) -> dict[str, tuple[dict[str, Any], int]]:
    now = time.monotonic()
    hit = _cache.get(id(db))
    if hit and hit[0] > now:
        return hit[1]
    try:
        value = all_published(db)
    except Exception:  # a database without the table yet (not migrated): file settings only
        value = {}
    with _lock:
        _cache[id(db)] = (now + TTL, value)
    return value


def invalidate(db: Database) -> None:
    with _lock:
        _cache.pop(id(db), None)


def effective_raw(settings: Settings, db: Database | None, site: str) -> dict[str, Any]:
    """The site's raw settings in the documented order; NotFoundError for an unknown site."""
    from_file = settings.sites.get(site)
    if from_file is None:
        raise NotFoundError(f"unknown site {site!r}")
    return _raw(from_file, _published_of(db, site))


def _published_of(db: Database | None, site: str) -> tuple[dict[str, Any], int]:
    return published(db).get(site, _NOTHING_PUBLISHED) if db is not None else _NOTHING_PUBLISHED


def _raw(from_file: dict[str, Any], entry: tuple[dict[str, Any], int]) -> dict[str, Any]:
    stored, bumps = entry
    raw = resolve(from_file, stored) if stored else dict(from_file)  # the consent POST's path
    raw["revision"] = int(from_file.get("revision", 1)) + bumps
    return raw


# site -> (a copy of its file settings, its published settings, the SiteConfig built from them)
_built: dict[str, tuple[dict[str, Any] | None, object, SiteConfig]] = {}


def effective_site(settings: Settings, db: Database | None, site: str) -> SiteConfig:
    """:func:`effective_raw` as a :class:`SiteConfig`, built again only when the file's
    settings differ from last time (compared by value: a caller may change them in place) or
    the published ones were read again (every consent POST asks for it)."""
    from_file = settings.sites.get(site)
    if from_file is None:
        raise NotFoundError(f"unknown site {site!r}")
    now = _published_of(db, site)
    hit = _built.get(site)
    if hit is not None and hit[1] is now and hit[0] == from_file:
        return hit[2]
    config = build_site(site, _raw(from_file, now))  # one read of the published settings
    _built[site] = (copy.deepcopy(from_file), now, config)
    return config


def dress(config: dict[str, Any], site: str, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """A banner configuration (``banner.api.banner_config``) with what the dashboard manages:
    the site's cookie overrides (category, vendor, purpose), each lifetime as the server words
    it, the site's consent period and its theme and layout CSS. ``raw`` defaults to the
    published settings (the editor's preview passes its draft)."""
    settings, db = context.settings(), context.db()
    raw = raw if raw is not None else effective_raw(settings, db, site)
    overrides = cookie_overrides_for(db, site)
    cookies = []
    for item in config.get("cookies", []):
        count, unit = duration_parts(item.get("lifetime"))
        shown = overridden(
            overrides.get((item["name"], item["domain"])),
            category=item["category"],
            vendor=item.get("vendor", ""),
            purpose=item.get("purpose", ""),
            review=item.get("review", False),
        )
        cookies.append(
            {
                **item,
                **shown,
                # count and the unit's text key: one wording everywhere (report.duration_parts)
                "life": [count, unit],
            }
        )
    return {
        **config,
        "cookies": cookies,
        "days": int(raw.get("consent_days", config.get("days", settings.consent_days))),
        "css": config.get("css", "") + banner_css(raw),
    }


def script_for(config: dict[str, Any]) -> str:
    """The banner script around ``config`` (as ``banner.api`` builds it), for the preview."""
    text = json.dumps(config, separators=(",", ":"), ensure_ascii=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    script = resources.files("banner").joinpath("static/banner.js").read_text("utf-8")
    return f"window.__cookiegovConfig={text};\n{script}"
