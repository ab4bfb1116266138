"""Serving the app: waitress (a production WSGI server) by default, Werkzeug's development
server only for debugging. Both answer their own errors (a header line too long, a
malformed request line) in the API's JSON error shape where they can."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from werkzeug.serving import WSGIRequestHandler

from banner.errors import error_body

log = logging.getLogger(__name__)
THREADS = 8  # request threads; the consent writer batches what they hand over
MAX_BUFFERED_BODY = 16 * 1024 * 1024  # waitress's own 413 beyond; the app's JSON 413 above 64 KB


class JsonErrorRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler with errors it raises before the app (431 for a header
    line over 64 KB, 400 for a malformed request) as JSON instead of an HTML page."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        body = (
            json.dumps(error_body(phrase.lower().replace(" ", "_"), message or phrase)) + "\n"
        ).encode()
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def production_server(app: Callable[..., Any], host: str, port: int, threads: int = THREADS) -> Any:
    """A waitress server for ``app`` (not started: call ``run()``; ``close()`` stops it).

    Forwarded headers are left to the app (``trusted_proxies``): waitress would otherwise
    strip them from every request.
    """
    from waitress.server import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="cookiegov",
        clear_untrusted_proxy_headers=False,
        max_request_body_size=MAX_BUFFERED_BODY,
    )


def serve(app: Any, host: str, port: int, *, debug: bool = False) -> None:
    """Serve until interrupted: waitress, or with ``debug`` Werkzeug's development server."""
    if debug:
        app.run(host=host, port=port, threaded=True, request_handler=JsonErrorRequestHandler)
        return
    server = production_server(app, host, port)
    log.info("serving on http://%s:%s with waitress", host, port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
