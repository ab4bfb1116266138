"""The preference endpoint under ``/v1``: banner script, consent records, visitor rights."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from banner import context
from banner.choices import extend as extend_choice
from banner.choices import visitor_rule
from banner.consents import (
    CONSENT_ID,
    COOKIE_NAME,
    consent_cookie,
    consent_entry,
    cookie_domain,
    limit_consents,
    parse_consent,
    public,
    scan_record,
)
from banner.fastpath import decode_json
from banner.headers import cors_headers
from banner.ratelimit import REDIS_TIMEOUT
from banner.site_store import dress, effective_raw, effective_site
from banner.sites import SiteConfig
from banner.testtraffic import note as note_test_traffic
from banner.texts import TEXTS
from banner.vendors import services_of
from cookiegov import scanmark
from cookiegov.blocking import BlockedHost, service_id
from cookiegov.declaration import declaration_html
from cookiegov.domains import host_of
from cookiegov.errors import InputError, NotFoundError
from cookiegov.keys import Keys, load_keys
from cookiegov.knowledge import builtin_cookies
from cookiegov.models import CONSENT_CATEGORIES, Category
from cookiegov.optout import visitor_status
from cookiegov.proofs import receipt
from cookiegov.storage.consents import records_for
from cookiegov.storage.scans import baseline_scan

log = logging.getLogger(__name__)
bp = Blueprint("v1", __name__, url_prefix="/v1")
_STATIC = resources.files("banner").joinpath("static")


def _site(site: str) -> SiteConfig:
    cfg = effective_site(context.settings(), context.db(), site)
    g.site = cfg
    return cfg


# -- banner script -----------------------------------------------------------------------
def _inventory(site: str, blocked: dict[str, BlockedHost]) -> list[dict[str, Any]]:
    """The cookies the banner lists: those of the baseline scan, as in the declaration; each
    with its service (its vendor's, else that of the listed host that set it)."""
    scan = baseline_scan(context.db(), site)
    if scan is None:
        return []
    out = []
    for c in scan.cookies:
        if c.blocked_reason:
            continue
        vendor = (c.classification.vendor if c.classification else None) or ""
        setter = blocked.get(host_of(c.set_by)) if c.set_by else None
        service = service_id(vendor) if vendor else setter.service if setter else ""
        out.append(
            {
                "name": c.name,
                "domain": c.domain,
                "category": c.category.value,
                # Not sure enough: the banner treats it as non-necessary (privacy by default).
                "review": c.needs_review,
                "vendor": vendor,
                "service": service,
                "purpose": (c.classification.purpose if c.classification else None) or "",
                "lifetime": c.lifetime,
                "third_party": c.third_party,
            }
        )
    return out


COMMON_VENDORS = frozenset(
    {
        "Google Analytics",
        "Google Ads",
        "Meta",
        "Microsoft Clarity",
        "Microsoft Advertising (Bing)",
        "Hotjar",
        "Matomo",
        "LinkedIn",
        "TikTok",
        "HubSpot",
        "Criteo",
        "Pinterest",
    }
)


def clear_patterns(inventory: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Knowledge-base names and patterns the banner deletes on refusal: those of the vendors
    found on the site and of the most common vendors. Only first-party ones can be deleted."""
    vendors = {c["vendor"] for c in inventory if c["vendor"]} | COMMON_VENDORS
    return [
        {"name": e.pattern, "category": e.category.value, "service": service_id(e.vendor or "")}
        for e in builtin_cookies()
        if e.vendor in vendors
        and e.category not in (Category.NECESSARY, Category.UNKNOWN)
        and e.domain is None
        and not e.pattern.startswith("re:")
    ]


def banner_config(cfg: SiteConfig, rule: str = "opt-in") -> dict[str, Any]:
    settings = context.settings()
    services, blocked = services_of(context.db(), cfg)
    inventory = _inventory(cfg.site, blocked)
    return {
        "site": cfg.site,
        "revision": cfg.revision,
        "days": settings.consent_days,
        "policy": cfg.policy_url,
        "gpcRefuses": list(cfg.gpc_refuses),
        "categories": [c.value for c in CONSENT_CATEGORIES],
        "texts": {lang: cfg.texts_in(lang) for lang in sorted(set(TEXTS) | set(cfg.texts))},
        "textsHash": cfg.texts_hash(),
        "cookies": inventory,
        "clear": clear_patterns(inventory),
        "css": _STATIC.joinpath("banner.css").read_text("utf-8"),
        "rule": rule,
        # service id → [name, category]; host → [category, service id] to hold back
        "services": {s.id: [s.name, s.category.value] for s in services},
        "block": {h: [b.category.value, b.service] for h, b in blocked.items()}
        if cfg.autoblock
        else {},
    }


SCRIPT_TTL = 10.0  # seconds a built banner script is reused (new scans show up after this)


class ScriptCache:
    """Built banner scripts per site, for a few seconds: in-process, or in Redis when
    configured so that every app server shares them."""

    def __init__(self, redis_url: str = "") -> None:
        self._local: dict[str, tuple[float, str]] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(
                redis_url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )

    def get_or_build(self, key: str, build: Callable[[], str]) -> str:
        now = time.monotonic()
        hit = self._local.get(key)
        if hit and hit[0] > now:
            return hit[1]
        body = None
        if self._redis is not None:
            try:
                cached = self._redis.get(f"cookiegov:banner:{key}")
                body = cached.decode() if isinstance(cached, bytes) else cached
            except Exception:
                body = None
        if body is None:
            body = build()
            if self._redis is not None:
                with contextlib.suppress(Exception):
                    self._redis.setex(f"cookiegov:banner:{key}", int(SCRIPT_TTL), body)
        self._local[key] = (now + SCRIPT_TTL, body)
        return body


def _build_script(cfg: SiteConfig, rule: str) -> str:
    config = json.dumps(
        dress(banner_config(cfg, rule), cfg.site), separators=(",", ":"), ensure_ascii=True
    )
    config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    script = _STATIC.joinpath("banner.js").read_text("utf-8")
    return f"window.__cookiegovConfig={config};\n{script}"


@bp.get("/sites/<site>/banner.js")
def banner_js(site: str) -> Response:
    cfg: SiteConfig = g.site
    cache: ScriptCache = current_app.extensions["cookiegov_scripts"]
    raw = json.dumps(
        effective_raw(context.settings(), context.db(), site), sort_keys=True, default=str
    )
    settings = context.settings()
    rule = visitor_rule(cfg, settings, context.header).rule.value
    key = f"{site}:{rule}:{hashlib.sha256(raw.encode()).hexdigest()[:16]}"
    body = cache.get_or_build(key, lambda: _build_script(cfg, rule))
    response = _cacheable(body, "application/javascript; charset=utf-8")
    vary = [h for h in (settings.region_header, settings.region_subdivision_header) if h]
    if vary:  # the script differs per region: caches in front must keep one per header value
        response.headers["Vary"] = ", ".join(vary)
    return response


@bp.get("/banner.css")
def banner_css() -> Response:
    return _cacheable(_STATIC.joinpath("banner.css").read_text("utf-8"), "text/css; charset=utf-8")


def _cacheable(body: str, ctype: str) -> Response:
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype=ctype.split(";")[0], content_type=ctype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# -- consents ----------------------------------------------------------------------------
def _limit(site: str, ip: str) -> None:
    """One write more for this client (site and /24 or /48 network)."""
    limit_consents(
        current_app.extensions["cookiegov_limiter"], site, ip, context.settings().rate_limit
    )


def _client_ip() -> str:
    return request.remote_addr or ""


@bp.post("/sites/<site>/consents")
def record_consent(site: str) -> tuple[Response, int]:
    """Serves what the fast path (:mod:`banner.fastpath`) leaves to Flask, by the same rules."""
    cfg: SiteConfig = g.site
    settings = context.settings()
    ip = _client_ip()
    _limit(site, ip)
    body = decode_json(_body(), request.content_type or "")
    parsed = parse_consent(body, context.header("Sec-GPC"))
    parsed = extend_choice(parsed, body, cfg, settings, context.db(), context.header)
    if scanmark.verify(context.header(scanmark.HEADER), scanmark.key_for(settings)):
        record = scan_record(parsed, cfg)  # our own scanner: answered, never logged
    else:
        entry = consent_entry(parsed, cfg, settings, ip, context.header("User-Agent"))
        record = context.writer().append(site, entry)
        note_test_traffic(
            settings, context.db(), site, record["consent_id"], ip, context.header("Cookie")
        )
    response = jsonify(public(record))
    host = request.host.split(":")[0]
    cookie = consent_cookie(settings, record, context.header("Origin"), host)
    if cookie:
        response.headers.add("Set-Cookie", cookie)
    return response, 201


def _body() -> bytes:
    """The request body, at most ``MAX_CONTENT_LENGTH`` bytes: 413 for more, also for a body
    sent in chunks (Werkzeug would cut it to the limit silently, and the cut JSON is a 400)."""
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    if request.content_length is not None:
        return request.get_data(cache=False)  # 413 for a declared length over the limit
    raw = get_input_stream(request.environ, max_content_length=None).read(limit + 1)
    if len(raw) > limit:
        raise RequestEntityTooLarge()
    return bytes(raw)


def _own_records(site: str, consent_id: str) -> list[dict[str, Any]]:
    if not CONSENT_ID.match(consent_id):
        raise InputError("malformed consent ID")
    records = records_for(context.db(), site, consent_id)
    if not records:
        raise NotFoundError("no consent recorded under this ID")
    return records


@bp.get("/sites/<site>/consents/<consent_id>")
def read_consent(site: str, consent_id: str) -> Response:
    """Access: a visitor's own records, newest last."""
    records = _own_records(site, consent_id)
    return jsonify({"consent_id": consent_id, "records": [public(r) for r in records]})


@bp.get("/sites/<site>/consents/<consent_id>/export")
def export_consent(site: str, consent_id: str) -> Response:
    """Portability: the visitor's records as a downloadable JSON document."""
    records = _own_records(site, consent_id)
    body = json.dumps(
        {"site": site, "consent_id": consent_id, "records": [public(r) for r in records]},
        indent=2,
    )
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="consent-{consent_id}.json"'
    return response


@bp.get("/sites/<site>/consents/<consent_id>/optout")
def visitor_optout(site: str, consent_id: str) -> Response:
    """Is advertising refused for this visitor, since when, and by which signal."""
    return jsonify(visitor_status(_own_records(site, consent_id)))


def _keys() -> Keys:
    settings = context.settings()
    keys = load_keys(settings.secret_key, settings.key_file)
    if keys is None:
        raise NotFoundError("receipts are off on this server (no secret configured)")
    return keys


@bp.get("/sites/<site>/consents/<consent_id>/receipt")
def consent_receipt(site: str, consent_id: str) -> Response:
    """A signed receipt of the visitor's latest record (proof they can keep)."""
    _own_records(site, consent_id)
    return jsonify(receipt(context.db(), _keys(), site, consent_id))


@bp.get("/keys")
def public_key() -> Response:
    return jsonify({"public_key": _keys().public_key})


@bp.get("/sites/<site>/declaration.json")
def declaration_json(site: str) -> Response:
    return jsonify(_declaration(site))


@bp.get("/sites/<site>/declaration.html")
def declaration_fragment(site: str) -> Response:
    return Response(declaration_html(_declaration(site)), mimetype="text/html")


def _declaration(site: str) -> dict[str, Any]:
    return context.services().declaration(context.db(), site)


@bp.delete("/sites/<site>/consents/<consent_id>")
def withdraw_consent(site: str, consent_id: str) -> Response:
    """Withdrawal: appends a record refusing every category and clears the consent cookie."""
    cfg: SiteConfig = g.site
    last = _own_records(site, consent_id)[-1]
    ip = _client_ip()
    _limit(site, ip)
    withdrawal = {
        "consent_id": consent_id,
        "choices": {c.value: False for c in CONSENT_CATEGORIES},
        "revision": int(last["revision"]),
        "method": "api",
        "gpc": context.header("Sec-GPC") == "1",
        "action": "withdraw",
        "language": last.get("language"),
    }
    applied = visitor_rule(cfg, context.settings(), context.header)
    withdrawal.update(region=applied.region, rule=applied.rule.value)
    entry = consent_entry(withdrawal, cfg, context.settings(), ip, context.header("User-Agent"))
    record = context.writer().append(site, entry)
    response = jsonify(public(record))
    response.delete_cookie(  # with the Domain it was set with, or the browser keeps it
        COOKIE_NAME,
        path="/",
        domain=cookie_domain(request.host.split(":")[0]),
        secure=True,
        samesite="Lax",
    )
    return response


# -- CORS and security headers -----------------------------------------------------------
@bp.before_request
def _load_site() -> None:
    site = (request.view_args or {}).get("site")
    if site is not None:
        _site(site)


@bp.after_request
def _cors(response: Response) -> Response:
    for name, value in cors_headers(g.get("site"), context.header("Origin")):
        if name == "Vary":
            response.vary.add(value)  # beside a Vary already set (the region's header)
        else:
            response.headers[name] = value
    return response
