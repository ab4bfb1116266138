"""What a request handler needs from the application: settings, database, consent writer."""

from __future__ import annotations

from flask import current_app, request

from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.appends import Appender


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
