"""What a consent write adds to the category choice: the visitor's per-service choices and
the regional rule that applied. Both the Flask view and the WSGI fast path call
:func:`extend` after :func:`banner.consents.parse_consent`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from banner.sites import SiteConfig
from banner.vendors import known_services, parse_services, services_of
from cookiegov.regions import Applied, Rule, applied_rule, region_of
from cookiegov.settings import Settings
from cookiegov.storage import Database

Header = Callable[[str], str | None]


def visitor_rule(cfg: SiteConfig, settings: Settings, header: Header) -> Applied:
    """The site's rule for the region the CDN/proxy header names (``*`` without one)."""
    region = None
    if settings.region_header:
        sub = (
            header(settings.region_subdivision_header)
            if settings.region_subdivision_header
            else None
        )
        region = region_of(header(settings.region_header), sub)
    return applied_rule(cfg.regions, region)


def extend(
    parsed: dict[str, Any],
    body: Mapping[str, Any],
    cfg: SiteConfig,
    settings: Settings,
    db: Database,
    header: Header,
) -> dict[str, Any]:
    """``parsed`` with ``services`` (checked against the site's known services), ``region``
    and ``rule``. Where the rule is opt-out, a GPC signal opts out: the categories the site
    lets GPC refuse, and their services, are refused whatever the body says (unless it is an
    explicit ``gpc_override``)."""
    services = None
    if body.get("services") is not None:
        services = parse_services(body, known_services(db, cfg))
    applied = visitor_rule(cfg, settings, header)
    choices = dict(parsed["choices"])
    if applied.rule is Rule.OPT_OUT and parsed["gpc"] and not parsed.get("gpc_override"):
        refused = set(cfg.gpc_refuses)
        choices.update({c: False for c in refused if c in choices})
        if services:
            known, _ = services_of(db, cfg)
            of = {s.id for s in known if s.category.value in refused}
            services = {k: v and k not in of for k, v in services.items()}
    return {
        **parsed,
        "choices": choices,
        "services": services,
        "region": applied.region,
        "rule": applied.rule.value,
    }
