"""What a request handler needs from the application: settings, database, consent writer,
and the service callables the app factory received."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from cookiegov.compliance import CheckContext
from cookiegov.compliance import check as compliance_check
from cookiegov.declaration import site_declaration
from cookiegov.models import ConsentState, ScanResult
from cookiegov.optout import optout_report as build_optout_report
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.appends import Appender


@dataclass(frozen=True)
class AppServices:
    """The workflows the app calls, handed to ``create_app`` by the entry points (built by
    ``cookiegov.services.governance.app_services``), as the scheduler is handed its scan
    function. The app never imports the scanner or the service layer itself."""

    declaration: Callable[[Database, str], dict[str, Any]]
    optout_report: Callable[[Database, str], dict[str, Any]]
    check: Callable[[Mapping[ConsentState, ScanResult]], Any]
    scan: Callable[[str, Settings], ScanResult] | None = None


def core_services(app_settings: Settings) -> AppServices:
    """Services from the core alone (no scans): what an app built without any gets."""
    return AppServices(
        declaration=site_declaration,
        optout_report=build_optout_report,
        check=lambda results: compliance_check(results, CheckContext.from_settings(app_settings)),
    )


def services() -> AppServices:
    value: AppServices = current_app.extensions["cookiegov_services"]
    return value


def settings() -> Settings:
    value: Settings = current_app.config["COOKIEGOV_SETTINGS"]
    return value


def db() -> Database:
    value: Database = current_app.config["COOKIEGOV_DB"]
    return value


def writer() -> Appender:
    value: Appender = current_app.extensions["cookiegov_writer"]
    return value


def header(name: str) -> str | None:
    """A request header straight from the WSGI environ (cheaper than ``request.headers``)."""
    value: str | None = request.environ.get("HTTP_" + name.upper().replace("-", "_"))
    return value
