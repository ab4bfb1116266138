"""Manage a site from the dashboard, without code: banner texts in every built-in language
(defaults shown), theme, layout, policy link, categories and their descriptions, the GPC
policy, the consent period, and each cookie's category, vendor and purpose.

Edits are saved as a draft and shown in a live preview (the banner built from the draft);
publishing makes them what visitors get and raises the site's revision when what visitors
agreed to changed (texts, policy link, GPC policy), so that the banner asks them again. Every
change is in the admin audit log. Resolution order: :mod:`cookiegov.site_settings`.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from banner import context, site_store
from banner.api import banner_config
from banner.csrf import protect
from banner.dashboard import login_required
from banner.operations import actor, known_site
from banner.sites import build_site
from banner.texts import KEYS, TEXTS, texts_for
from cookiegov.errors import CookiegovError, InputError
from cookiegov.models import CONSENT_CATEGORIES, Category
from cookiegov.site_settings import (
    FONTS,
    LAYOUT_DEFAULTS,
    LAYOUTS,
    POSITIONS,
    THEME_DEFAULTS,
    asks_again,
    resolve,
    validate,
)
from cookiegov.storage.scans import baseline_scan
from cookiegov.storage.site_admin import (
    audit_log,
    bump_revision,
    cookie_overrides_for,
    discard_draft,
    publish,
    save_draft,
    set_cookie_override,
    stored_config,
)

#: How the editor names each text (the keys are the banner's).
LABELS = {
    "title": "Title",
    "body": "Message",
    "accept": "Accept button",
    "reject": "Reject button",
    "prefs": "Preferences button",
    "save": "Save button",
    "policy": "Policy link text",
    "close": "Close button",
    "always_on": "Always-on label",
    "gpc": "GPC notice",
    "settings": "Settings button",
    "necessary": "Necessary: name",
    "functional": "Functional: name",
    "analytics": "Analytics: name",
    "advertising": "Advertising: name",
    "necessary_desc": "Necessary: description",
    "functional_desc": "Functional: description",
    "analytics_desc": "Analytics: description",
    "advertising_desc": "Advertising: description",
    "cookies": "Cookies heading",
    "blocked": "Blocked content notice",
    "allow": "Allow button",
    "session": "Unit: session",
    "days": "Unit: days",
    "months": "Unit: months",
}
bp = Blueprint("editor", __name__, url_prefix="/dashboard/sites/<site>/editor")
protect(bp)
PREVIEW_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'none'; "
    "frame-ancestors 'self'"
)


def _from_file(site: str) -> dict[str, Any]:
    return dict(context.settings().sites.get(site, {}))


def _current(site: str) -> tuple[dict[str, Any], bool]:
    """What the form shows: the draft if there is one, else what visitors get now."""
    stored = stored_config(context.db(), site)
    if stored and stored.draft is not None:
        return resolve(_from_file(site), stored.draft), True
    return resolve(_from_file(site), stored.published if stored else {}), False


def _form_edit(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form as an edit for :func:`cookiegov.site_settings.validate`."""
    texts: dict[str, dict[str, str]] = {}
    for lang in TEXTS:
        for key in KEYS:
            value = form.get(f"text-{lang}-{key}")
            if value is not None:
                texts.setdefault(lang, {})[key] = value
    return {
        "name": form.get("name", ""),
        "policy_url": form.get("policy_url", ""),
        "consent_days": form.get("consent_days", ""),
        "gpc_refuses": form.getlist("gpc_refuses"),
        "theme": {
            "background": form.get("theme-background", ""),
            "text": form.get("theme-text", ""),
            "accent": form.get("theme-accent", ""),
            "radius": form.get("theme-radius", ""),
            "font": form.get("theme-font", ""),
        },
        "layout": dict(
            zip(("kind", "position"), form.get("layout", "bar:bottom").split(":", 1), strict=False)
        ),
        "texts": texts,
    }


def _page(
    site: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    values: dict[str, Any] | None = None,
) -> tuple[str, int]:
    current, is_draft = _current(site)
    shown = values if values is not None else current
    scan = baseline_scan(context.db(), site)
    overrides = cookie_overrides_for(context.db(), site)
    cookies = []
    for c in scan.cookies if scan else []:
        if c.blocked_reason:
            continue
        own = overrides.get((c.name, c.domain))
        cl = c.classification
        cookies.append(
            {
                "name": c.name,
                "domain": c.domain,
                "category": (own or {}).get("category") or c.category.value,
                "vendor": (own or {}).get("vendor") or (cl.vendor if cl else "") or "",
                "purpose": (own or {}).get("purpose") or (cl.purpose if cl else "") or "",
                "override": own,
                "scanned": c.category.value,
            }
        )
    settings = context.settings()
    return (
        render_template(
            "dashboard/editor.html",
            site=site,
            v=shown,
            theme={**THEME_DEFAULTS, **shown.get("theme", {})},
            layout={**LAYOUT_DEFAULTS, **shown.get("layout", {})},
            consent_days=shown.get("consent_days", settings.consent_days),
            gpc=shown.get("gpc_refuses", ["advertising"]),
            languages={lang: texts_for(lang, shown.get("texts", {})) for lang in TEXTS},
            builtin=TEXTS,
            keys=KEYS,
            labels=LABELS,
            categories=[c.value for c in CONSENT_CATEGORIES],
            all_categories=[c.value for c in Category],
            fonts=FONTS,
            layouts=LAYOUTS,
            positions=POSITIONS,
            is_draft=is_draft,
            revision=site_store.effective_raw(settings, context.db(), site)["revision"],
            cookies=cookies,
            log=audit_log(context.db(), site, limit=30),
            error=error,
            notice=notice or request.args.get("notice"),
        ),
        status,
    )


@bp.get("/")
@login_required
def edit(site: str) -> Any:
    known_site(site)
    return _page(site)


@bp.post("/")
@login_required
def save(site: str) -> Any:
    known_site(site)
    action = request.form.get("action", "preview")
    db = context.db()
    if action == "discard":
        discard_draft(db, site, actor())
        return redirect(url_for("editor.edit", site=site, notice="Draft discarded."), 303)
    if action == "publish":
        return _publish(site)
    edit_form = _form_edit(request.form)
    try:
        checked = validate(edit_form, _defaults(site))
    except InputError as exc:
        shown = resolve(_from_file(site), {k: v for k, v in edit_form.items() if k != "texts"})
        shown["texts"] = edit_form["texts"]
        return _page(site, error=exc.message, status=400, values=shown)
    save_draft(db, site, checked, actor())
    return redirect(
        url_for("editor.edit", site=site, notice="Draft saved: check the preview, then publish.")
        + "#preview",
        303,
    )


def _defaults(site: str) -> dict[str, dict[str, str]]:
    """The texts a visitor sees without dashboard edits: built-in, then cookiegov.toml's.
    A text the form sends back unchanged is not stored as an edit."""
    file_texts = _from_file(site).get("texts", {})
    return {lang: {k: texts_for(lang, file_texts)[k] for k in KEYS} for lang in TEXTS}


def _agreed(site: str, raw: dict[str, Any]) -> dict[str, Any]:
    """What visitors agree to under ``raw``, as they see it (defaults applied), so that a
    default stated explicitly is no change."""
    cfg = build_site(site, raw)
    return {
        "policy_url": cfg.policy_url,
        "texts": {lang: cfg.texts_in(lang) for lang in sorted(TEXTS)},
        "gpc_refuses": sorted(cfg.gpc_refuses),
    }


def _publish(site: str) -> Any:
    db = context.db()
    stored = stored_config(db, site)
    if stored is None or stored.draft is None:
        return _page(site, error="Nothing to publish: save a draft first.", status=400)
    before = resolve(_from_file(site), stored.published)
    after = resolve(_from_file(site), stored.draft)
    changed = asks_again(_agreed(site, before), _agreed(site, after))
    publish(db, site, actor(), changed)
    site_store.invalidate(db)
    notice = (
        f"Published. Visitors are asked again (revision raised: {', '.join(changed)} changed)."
        if changed
        else "Published. Visitors keep their choices (only the look changed)."
    )
    return redirect(url_for("editor.edit", site=site, notice=notice), 303)


@bp.post("/cookie")
@login_required
def cookie(site: str) -> Any:
    known_site(site)
    form = request.form
    name, domain = form.get("name", ""), form.get("domain", "")
    category = form.get("category", "")
    try:
        if not name or not domain:
            raise InputError("which cookie? (name and domain)")
        if category not in {c.value for c in Category}:
            raise InputError(f"unknown category {category!r}")
        vendor, purpose = form.get("vendor", "").strip(), form.get("purpose", "").strip()
        if len(vendor) > 120 or len(purpose) > 500:
            raise InputError("vendor at most 120 characters, purpose at most 500")
    except CookiegovError as exc:
        return _page(site, error=exc.message, status=400)
    db = context.db()
    scan = baseline_scan(db, site)
    scanned = next(
        (c for c in (scan.cookies if scan else []) if (c.name, c.domain) == (name, domain)), None
    )
    previous = set_cookie_override(
        db, site, name, domain, category=category, vendor=vendor, purpose=purpose, actor=actor()
    )
    was = (previous or {}).get("category") or (scanned.category.value if scanned else None)
    notice = f"Saved {name}."
    if was != category:  # the visitor agreed to this cookie under another category
        bump_revision(db, site, actor(), f"{name} moved from {was} to {category}")
        site_store.invalidate(db)
        notice += " Its category changed: visitors are asked again."
    return redirect(url_for("editor.edit", site=site, notice=notice) + "#cookies", 303)


@bp.get("/preview")
@login_required
def preview(site: str) -> Response:
    known_site(site)
    html = render_template("dashboard/editor_preview.html", site=site, stamp=int(time.time()))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.get("/draft.js")
@login_required
def draft_js(site: str) -> Response:
    """The banner script as the draft would make it (published settings if no draft). Its
    revision is the time, so the preview shows the banner whatever was answered in it; its
    consent requests go nowhere (no /v1 in this URL)."""
    known_site(site)
    raw, _ = _current(site)
    raw = {**raw, "revision": int(time.time())}
    body = site_store.script_for(site_store.dress(banner_config(build_site(site, raw)), site, raw))
    response = Response(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-store"
    return response
