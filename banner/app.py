"""The Flask application factory."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, jsonify, request

from banner.admin import bp as admin_bp
from banner.api import ScriptCache
from banner.api import bp as api_bp
from banner.consents import check_secrets
from banner.context import AppServices, core_services
from banner.dashboard import DashboardSessions, secret_key
from banner.dashboard import bp as dashboard_bp
from banner.editor import bp as editor_bp
from banner.errors import register_error_handlers
from banner.exports import bp as exports_bp
from banner.fastpath import ConsentFastPath
from banner.headers import SECURITY_HEADERS, HeaderLimit
from banner.openapi import openapi_document, openapi_html
from banner.operations import bp as operations_bp
from banner.proxies import TrustedProxies
from banner.ratelimit import Limiter
from cookiegov import __version__
from cookiegov.admin_access import check_admin_token
from cookiegov.domains import registrable_domain
from cookiegov.keys import load_keys
from cookiegov.knowledge import builtin_cookies
from cookiegov.settings import Settings
from cookiegov.storage import Database, open_database
from cookiegov.storage.appends import Appender, ConsentWriter
from cookiegov.storage.writer_service import WriterClient

log = logging.getLogger(__name__)
#: The dashboard's pages beyond the overview, each a blueprint of its own module.
DASHBOARD_PAGES = (exports_bp, operations_bp, editor_bp)


def _warm_up() -> None:
    """Load the public suffix list and the cookie knowledge base now, while the worker boots,
    rather than in the first visitor's request (about 100 ms)."""
    registrable_domain("www.example.com")
    builtin_cookies()


def same_host_redirect(response: Response) -> Response:
    """A redirect to this host (Werkzeug's ``/dashboard`` -> ``/dashboard/``, a 308 a cache may
    keep) names no host: its absolute URL would carry whatever ``Host`` the client sent, and a
    cache keyed on the path alone would then send other visitors to that host."""
    location = response.headers.get("Location")
    if 300 <= response.status_code < 400 and location:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():  # Werkzeug lowers
            response.headers["Location"] = urlunsplit(("", "", parts.path, parts.query, ""))
    return response


def create_app(
    settings: Settings, db: Database | None = None, services: AppServices | None = None
) -> Flask:
    """The app; ``services`` are the workflows it may call (from the service layer), else
    the core's alone."""
    app = Flask(__name__)
    app.extensions["cookiegov_services"] = services or core_services(settings)
    app.config["COOKIEGOV_SETTINGS"] = settings
    check_secrets(settings)
    check_admin_token(settings.admin_token)
    app.config["COOKIEGOV_DB"] = db = db or open_database(settings.database_url)
    writer: Appender = ConsentWriter(db, keys=load_keys(settings.secret_key, settings.key_file))
    if settings.writer_socket:
        writer = WriterClient(settings.writer_socket, fallback=writer)
    app.extensions["cookiegov_writer"] = writer
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.extensions["cookiegov_limiter"] = Limiter(settings.redis_url)
    app.extensions["cookiegov_scripts"] = ScriptCache(settings.redis_url)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(dashboard_bp)
    for blueprint in DASHBOARD_PAGES:
        app.register_blueprint(blueprint)
    app.secret_key = secret_key(settings)
    app.session_interface = DashboardSessions()
    app.config.update(
        SESSION_COOKIE_NAME="cookiegov_admin",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    register_error_handlers(app)
    _warm_up()

    @app.get("/v1/openapi.json")
    def openapi() -> Response:
        return jsonify(openapi_document())

    @app.get("/v1/")
    def api_index() -> Response:
        """What someone who opens the endpoint's URL finds: where to go next."""
        return jsonify(
            {
                "name": "cookiegov preference endpoint",
                "version": __version__,
                "links": {
                    "openapi": "/v1/openapi.json",
                    "docs": "/v1/docs",
                    "banner_script": "/v1/sites/{site}/banner.js",
                    "dashboard": "/dashboard/",
                },
            }
        )

    @app.get("/v1/docs")
    def api_docs() -> Response:
        response = Response(openapi_html(openapi_document()), mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        )
        return response

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"ok": True})

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        headers.extend([h for h in SECURITY_HEADERS if h[0].lower() not in present])
        return same_host_redirect(response)

    app.wsgi_app = ConsentFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = TrustedProxies(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]
    app.wsgi_app = HeaderLimit(app.wsgi_app)  # type: ignore[method-assign]

    return app
