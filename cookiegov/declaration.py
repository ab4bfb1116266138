"""The cookie declaration for a privacy policy, generated from the latest scan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cookiegov.errors import NotFoundError
from cookiegov.models import Category, ScanResult
from cookiegov.report import _env, lifetime_text
from cookiegov.site_settings import overridden
from cookiegov.storage import Database
from cookiegov.storage.scans import baseline_scan
from cookiegov.storage.site_admin import cookie_overrides_for

ORDER = (
    Category.NECESSARY,
    Category.FUNCTIONAL,
    Category.ANALYTICS,
    Category.ADVERTISING,
    Category.UNKNOWN,
)


def declaration(
    scan: ScanResult, overrides: Mapping[tuple[str, str], Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """``{"site", "scanned_at", "categories": {category: [cookie, ...]}}``; blocked left out.

    ``overrides`` (by name and domain, from the dashboard) replace a cookie's category,
    vendor and purpose where they are set."""
    overrides = overrides or {}
    groups: dict[str, list[dict[str, Any]]] = {c.value: [] for c in ORDER}
    seen: set[tuple[str, str]] = set()
    for c in sorted(scan.cookies, key=lambda c: (c.third_party, c.name.lower())):
        if c.blocked_reason or (c.name, c.domain) in seen:
            continue
        seen.add((c.name, c.domain))
        cl = c.classification
        shown = overridden(
            overrides.get((c.name, c.domain)),
            category=c.category.value,
            vendor=cl.vendor if cl else None,
            purpose=cl.purpose if cl else None,
            review=c.needs_review,
        )
        groups.setdefault(shown["category"], []).append(
            {
                "name": c.name,
                "domain": c.domain,
                "vendor": shown["vendor"] or ("" if c.third_party else scan.site),
                "purpose": shown["purpose"] or "",
                "lifetime": lifetime_text(c),
                "lifetime_seconds": c.lifetime,
                "third_party": c.third_party,
                "needs_review": shown["review"],
                "confidence": round(cl.confidence, 2) if cl else 0.0,
            }
        )
    return {
        "site": scan.site,
        "scan_id": scan.scan_id,
        "scanned_at": scan.finished_at,
        "categories": {k: v for k, v in groups.items() if v},
        "needs_review": sum(1 for cookies in groups.values() for c in cookies if c["needs_review"]),
    }


def site_declaration(db: Database, site: str) -> dict[str, Any]:
    """The declaration of ``site`` from its baseline scan (accept, else none); the one
    definition the CLI, the service layer and the app's own services use; with the site's
    cookie overrides from the dashboard."""
    scan = baseline_scan(db, site)
    if scan is None:
        raise NotFoundError(f"no stored scan of {site} yet; scan it first")
    return declaration(scan, cookie_overrides_for(db, site))


def declaration_html(data: dict[str, Any]) -> str:
    """An embeddable HTML fragment: one table per category."""
    return _env.get_template("declaration.html").render(d=data)
