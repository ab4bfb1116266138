"""Governance workflows over stored scans and consent records: compliance check, opt-out
report, cookie declaration, and the callables the Flask app receives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cookiegov.compliance import CheckContext, check
from cookiegov.declaration import site_declaration
from cookiegov.errors import NotFoundError
from cookiegov.models import ConsentState, ScanResult
from cookiegov.optout import optout_report as build_optout_report
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.scans import known_site, latest_scan

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


def policy_check(
    db: Database,
    settings: Settings,
    site: str,
    policy_url: str,
    *,
    fetch: Callable[[str, Settings], str] | None = None,
) -> tuple[dict[str, Any], int]:
    """What the policy at ``policy_url`` declares against what ``site``'s latest accept and
    none scans found, and how many cookie names those scans found. ``fetch`` loads the
    policy's HTML (default: through the browser)."""
    from cookiegov.policy import compare, parse_policy

    states = (ConsentState.ACCEPT, ConsentState.NONE)
    scans = [s for s in (latest_scan(db, site, state) for state in states) if s]
    if not scans and latest_scan(db, site) is None:
        raise NotFoundError(f"no stored scan of {site}; run `cookiegov scan` first")
    names = {c.name for s in scans for c in s.cookies if not c.blocked_reason}  # as compared
    if fetch is None:
        from scanner.fetch import fetch_html

        fetch = fetch_html
    return compare(parse_policy(fetch(policy_url, settings), names), scans), len(names)


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
