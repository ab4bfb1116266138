"""Governance workflows over stored scans and consent records: compliance check, opt-out
report, cookie declaration, and the callables the Flask app receives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cookiegov.compliance import CheckContext, check
from cookiegov.declaration import declaration
from cookiegov.errors import NotFoundError
from cookiegov.models import ConsentState, ScanResult
from cookiegov.optout import optout_report as build_optout_report
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.scans import baseline_scan, known_site
from cookiegov.storage.site_admin import cookie_overrides_for

if TYPE_CHECKING:
    from banner.context import AppServices


def require_site(db: Database, settings: Settings, site: str) -> str:
    """``site`` if it is configured or has anything stored; else a NotFoundError (exit 3)."""
    if site in settings.sites or known_site(db, site):
        return site
    raise NotFoundError(f"unknown site {site!r}: not configured and never scanned")


def run_check(
    results: Mapping[ConsentState, ScanResult] | Mapping[str, ScanResult], settings: Settings
) -> Any:
    """The compliance report of scans in several consent states, with the configured
    consent period."""
    return check(results, CheckContext.from_settings(settings))


def optout_report(db: Database, settings: Settings, site: str) -> dict[str, Any]:
    """Refusals of advertising per day, and whether each ad vendor honours reject and GPC."""
    return build_optout_report(db, require_site(db, settings, site))


def site_declaration(db: Database, site: str) -> dict[str, Any]:
    """The cookie declaration of ``site`` from its baseline scan (accept, else none)."""
    scan = baseline_scan(db, site)
    if scan is None:
        raise NotFoundError(f"no stored scan of {site} yet; scan it first")
    return declaration(scan, cookie_overrides_for(db, site))


def app_services(settings: Settings, db: Database) -> AppServices:
    """The callables ``banner.create_app`` receives: the governance services, and the scan a
    dashboard action may start (the scheduler's scan function)."""
    from banner.context import AppServices
    from cookiegov.services.scanning import scan_function

    return AppServices(
        declaration=site_declaration,
        optout_report=build_optout_report,
        check=lambda results: run_check(results, settings),
        scan=scan_function(db),
    )
