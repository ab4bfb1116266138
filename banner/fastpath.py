"""The consent POST as a plain WSGI handler in front of the Flask app.

``POST /v1/sites/<site>/consents`` is the endpoint every visitor's choice goes through, so it
is served without Flask's per-request machinery (request context, routing, response object,
hooks): the request is read from the WSGI environ and the answer written as a list of headers
and one body. It follows the same rules (:mod:`banner.consents`), the same error document
(:func:`banner.errors.error_body`) and the same headers (:mod:`banner.headers`) as the Flask
view, which still serves what the fast path leaves to it: a body without a length, or one
over the size limit.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from flask import Flask

from banner.choices import extend as extend_choice
from banner.consents import (
    consent_cookie,
    consent_entry,
    limit_consents,
    parse_consent,
    public,
    scan_record,
)
from banner.errors import error_body
from banner.headers import SECURITY_HEADERS, cors_headers
from banner.site_store import effective_site
from banner.sites import SiteConfig
from banner.testtraffic import note as note_test_traffic
from cookiegov import scanmark
from cookiegov.errors import CookiegovError, InputError
from cookiegov.settings import Settings
from cookiegov.storage.appends import Appender

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_PATH = re.compile(r"^/v1/sites/([^/]+)/consents$")
_STATUS = {s.value: f"{s.value} {s.phrase.upper()}" for s in HTTPStatus}
Answer = tuple[int, dict[str, Any], list[tuple[str, str]]]


def decode_json(raw: bytes, content_type: str) -> Any:
    """A request body as JSON, or :class:`InputError` (for the fast path and the view)."""
    try:
        if not is_json(content_type):
            raise ValueError("not JSON")
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
        raise InputError(
            "the request body must be valid JSON (Content-Type: application/json)"
        ) from None


def is_json(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json``, as Flask decides."""
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class ConsentFastPath:
    """WSGI middleware: answers consent POSTs itself and passes everything else to ``inner``
    (the Flask app's own ``wsgi_app``)."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self.max_body = int(app.config.get("MAX_CONTENT_LENGTH") or 64 * 1024)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.inner(environ, start_response)
        match = _PATH.match(environ.get("PATH_INFO") or "")
        length = environ.get("CONTENT_LENGTH") or ""
        if (
            match is None
            or not (length.isascii() and length.isdigit())
            or int(length) > self.max_body
            or "HTTP_TRANSFER_ENCODING" in environ
        ):
            return self.inner(environ, start_response)
        cfg: SiteConfig | None = None
        try:
            cfg = effective_site(
                self.app.config["COOKIEGOV_SETTINGS"],
                self.app.config["COOKIEGOV_DB"],
                match.group(1),
            )
            status, document, headers = self.record(environ, cfg, int(length))
        except CookiegovError as exc:
            if exc.http_status >= 500:
                log.error("request failed: %s", exc.message)
            status, headers = exc.http_status, exc.http_headers()
            document = error_body(exc.code, exc.message, exc.details or None)
        except Exception:
            log.exception("unexpected error")
            status, headers = 500, []
            document = error_body("internal_error", "an unexpected error occurred")
        body = (self.app.json.dumps(document) + "\n").encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *headers,
            *cors_headers(cfg, environ.get("HTTP_ORIGIN")),
            *SECURITY_HEADERS,
        ]
        start_response(_STATUS[status], headers)
        return [body]

    def record(self, environ: dict[str, Any], cfg: SiteConfig, length: int) -> Answer:
        """Rate limit, validate and append durably, in the Flask view's order."""
        settings: Settings = self.app.config["COOKIEGOV_SETTINGS"]
        extensions = self.app.extensions
        ip = environ.get("REMOTE_ADDR") or ""
        limit_consents(extensions["cookiegov_limiter"], cfg.site, ip, settings.rate_limit)
        raw = environ["wsgi.input"].read(length)
        body = decode_json(raw, environ.get("CONTENT_TYPE") or "")
        parsed = parse_consent(body, environ.get("HTTP_SEC_GPC"))
        db = self.app.config["COOKIEGOV_DB"]
        parsed = extend_choice(parsed, body, cfg, settings, db, _header_of(environ))
        if scanmark.verify(environ.get("HTTP_X_COOKIEGOV_SCAN"), scanmark.key_for(settings)):
            record = scan_record(parsed, cfg)  # our own scanner: answered, never logged
        else:
            entry = consent_entry(parsed, cfg, settings, ip, environ.get("HTTP_USER_AGENT"))
            writer: Appender = extensions["cookiegov_writer"]
            record = writer.append(cfg.site, entry)
            note_test_traffic(
                settings,
                self.app.config["COOKIEGOV_DB"],
                cfg.site,
                record["consent_id"],
                ip,
                environ.get("HTTP_COOKIE"),
            )
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or ""
        cookie = consent_cookie(settings, record, environ.get("HTTP_ORIGIN"), host.split(":")[0])
        return 201, public(record), [("Set-Cookie", cookie)] if cookie else []


def _header_of(environ: dict[str, Any]) -> Callable[[str], str | None]:
    def header(name: str) -> str | None:
        value: str | None = environ.get("HTTP_" + name.upper().replace("-", "_"))
        return value

    return header
