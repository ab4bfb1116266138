"""Dashboard pages that change things: scheduled scans (add, pause, resume, remove) and test
traffic (mark this browser as a test session, clear the marks). Every form is CSRF-protected
and every change is written to the admin audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from banner import context, dashboard
from banner.csrf import protect
from banner.dashboard import login_required
from banner.testtraffic import MAX_AGE, TEST_COOKIE, is_session_mark, session_mark
from cookiegov.alerts import require_public_webhook
from cookiegov.domains import registrable_domain
from cookiegov.errors import CookiegovError, InputError, NotFoundError
from cookiegov.schedules import (
    CRON_ALIASES,
    add_schedule,
    get_schedule,
    list_schedules,
    remove_schedule,
    set_paused,
)
from cookiegov.storage.site_admin import audit, clear_test_marks, test_consent_ids

bp = Blueprint("operations", __name__, url_prefix="/dashboard")
protect(bp)
ACTOR = "admin token"  # who, when the sign-in does not say


def actor() -> str:
    """Who is making the change: the signed-in admin's name where the sign-in knows it
    (per-admin tokens), else the shared admin token."""
    current = getattr(dashboard, "current_admin", None)
    admin = current() if current else None
    return str(getattr(admin, "name", None) or ACTOR)


def known_site(site: str) -> None:
    """A site this admin may manage, else a 404 (as the dashboard's own pages answer)."""
    require = getattr(dashboard, "_require_site", None)
    if require is not None:  # sign-in with per-site tokens: only the admin's own sites
        require(site)
    elif site not in context.settings().sites:
        raise NotFoundError(f"unknown site {site!r}")


def _audit(site: str | None, action: str, detail: dict[str, Any]) -> None:
    with context.db().begin() as conn:
        audit(conn, site, actor(), action, detail)


@bp.get("/schedules")
@login_required
def schedules_page(error: str | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "dashboard/schedules.html",
            schedules=[s for s in list_schedules(context.db()) if _may(s.site)],
            nicknames=sorted(CRON_ALIASES),
            error=error,
            form=request.form if error else {},
        ),
        status,
    )


@bp.post("/schedules")
@login_required
def add() -> Any:
    form = request.form
    try:
        url = form.get("url", "").strip()
        if not url.startswith(("http://", "https://")):
            raise InputError("the URL must start with http:// or https://")
        max_pages = int(form["max_pages"]) if form.get("max_pages") else None
        if not _may(registrable_domain(url)):
            raise InputError(f"{url} is not on a site you manage here")
        webhook = form.get("webhook") or None
        admin = dashboard.current_admin()
        if webhook and (admin is None or admin.site is not None):  # a site's admin
            require_public_webhook(webhook)
        s = add_schedule(
            context.db(),
            url,
            form.get("cron", "").strip(),
            consent=form.get("consent", "none"),
            max_pages=max_pages,
            webhook=webhook,
            email=form.get("email") or None,
        )
    except ValueError:
        return schedules_page("the page budget must be a whole number", 400)
    except CookiegovError as exc:
        return schedules_page(exc.message, 400)
    _audit(s.site, "schedule-add", {"id": s.id, "url": s.url, "cron": s.cron})
    return redirect(url_for("operations.schedules_page"), 303)


@bp.post("/schedules/<int:schedule_id>/<action>")
@login_required
def change(schedule_id: int, action: str) -> Response:
    db = context.db()
    s = get_schedule(db, schedule_id)
    known_site(s.site)  # another site's schedule: as if it did not exist
    if action == "pause":
        set_paused(db, schedule_id, True)
    elif action == "resume":
        set_paused(db, schedule_id, False)
    elif action == "remove":
        remove_schedule(db, schedule_id)
    else:
        raise InputError(f"unknown action {action!r}")
    _audit(s.site, f"schedule-{action}", {"id": s.id, "url": s.url})
    return redirect(url_for("operations.schedules_page"), 303)  # type: ignore[return-value]


def _may(site: str) -> bool:
    try:
        known_site(site)
    except NotFoundError:
        return False
    return True


@bp.get("/test-traffic")
@login_required
def test_traffic() -> str:
    db = context.db()
    sites = [s for s in sorted(context.settings().sites) if _may(s)]
    marked = {site: len(test_consent_ids(db, site)) for site in sites}
    return render_template(
        "dashboard/test_traffic.html",
        marked=marked,
        networks=context.settings().test_networks,
        this_browser=is_session_mark(
            context.settings(), request.cookies.get(TEST_COOKIE), db=context.db()
        ),
    )


@bp.post("/test-traffic/session")
@login_required
def test_session() -> Response:
    """Mark (or unmark) this browser: its consents are recorded as test traffic. The cookie
    goes with the banner's consent requests to this endpoint (SameSite=None, Secure)."""
    on = request.form.get("on") == "1"
    response = redirect(url_for("operations.test_traffic"), 303)
    if on:
        response.set_cookie(
            TEST_COOKIE,
            session_mark(context.settings(), dashboard.current_admin()),
            max_age=MAX_AGE,
            secure=True,
            httponly=True,
            samesite="None",
        )
    else:
        response.delete_cookie(TEST_COOKIE, secure=True, httponly=True, samesite="None")
    _audit(None, "test-session", {"on": on})
    return response  # type: ignore[return-value]


@bp.post("/test-traffic/<site>/clear")
@login_required
def clear(site: str) -> Response:
    known_site(site)
    clear_test_marks(context.db(), site, actor())
    return redirect(url_for("operations.test_traffic"), 303)  # type: ignore[return-value]
