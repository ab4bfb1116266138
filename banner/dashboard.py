"""The dashboard: server-rendered pages for site owners, behind an admin login.

Sign-in takes an admin token (of one site, or of the admin role) and starts a server-side
session: the cookie holds only its random id (HttpOnly, Secure, SameSite=Lax); signing out or
revoking the token ends it. A site's token sees only that site.
Charts are inline SVG: no script runs on these pages.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request

from banner import context
from banner.admin import sign_in
from cookiegov.admin_access import (
    SESSION_HOURS,
    Principal,
    end_session,
    session_principal,
    start_session,
)
from cookiegov.compliance import RULES, CheckContext
from cookiegov.declaration import declaration_html
from cookiegov.diff import diff_scans
from cookiegov.errors import AuthError, NotFoundError, RateLimitError
from cookiegov.models import Category, ConsentState, ScanResult
from cookiegov.optout import optin_series, refusal_series, vendor_status
from cookiegov.report import COLORS, lifetime_text
from cookiegov.schedules import list_schedules
from cookiegov.settings import Settings
from cookiegov.site_settings import with_overrides
from cookiegov.storage.consents import all_records, consent_stats
from cookiegov.storage.scans import (
    baseline_scan,
    latest_scan,
    latest_scans_by_state,
    list_scans,
    load_scan,
)
from cookiegov.storage.site_admin import cookie_overrides_for, test_consent_ids

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)


def secret_key(settings: Settings) -> bytes:
    """Flask's signing key: random per process. Sign-in does not use Flask's cookie session
    (see :func:`login`), and nothing in any cookie is derived from an admin token."""
    return secrets.token_bytes(32)


class DashboardSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, opened only for requests that carry the session cookie (the
    consent endpoint and the banner script skip the machinery entirely)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.environ.get("HTTP_COOKIE", ""):
            return self.session_class()  # no session cookie: nothing to parse or verify
        return super().open_session(app, request)


SESSION_COOKIE = "cookiegov_session"  # a random server-side session id, nothing else


def current_admin() -> Principal | None:
    """Who is signed in on this request (a live server-side session), if anyone."""
    if "admin" not in g:
        session_id = request.cookies.get(SESSION_COOKIE, "")
        g.admin = session_principal(context.db(), context.settings().admin_token, session_id)
    admin: Principal | None = g.admin
    return admin


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_admin() is None:
            return redirect(url_for("dashboard.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def _visible_sites() -> list[str]:
    admin = current_admin()
    return sorted(s for s in context.settings().sites if admin is not None and admin.may(s))


def _require_site(site: str) -> None:
    if site not in _visible_sites():
        raise NotFoundError(f"unknown site {site!r}")


def visible_scan(scan_id: int) -> ScanResult:
    """A stored scan of a site this admin may see; another site's scan is answered as if it
    did not exist (same 404, same words: neither its site nor its existence shows)."""
    scan = load_scan(context.db(), scan_id)
    if scan is None or scan.site not in _visible_sites():
        raise NotFoundError(f"no scan {scan_id}")
    return scan


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error, status = None, 200
    if request.method == "POST":
        try:
            principal = sign_in(request.form.get("token", ""))
        except AuthError:
            error, status = "Wrong token.", 401
        except RateLimitError as exc:
            error, status = "Too many wrong tokens; try again later.", 429
            page = Response(render_template("dashboard/login.html", error=error), status)
            page.headers["Retry-After"] = str(exc.retry_after)
            return page
        else:
            _end_current_session()  # a new id at every sign-in (no session fixation)
            target = request.args.get("next", "")
            response = redirect(
                target if target.startswith("/dashboard/") else url_for("dashboard.index")
            )
            response.set_cookie(
                SESSION_COOKIE,
                start_session(context.db(), principal),
                max_age=SESSION_HOURS * 3600,
                path="/dashboard",
                secure=True,
                httponly=True,
                samesite="Lax",
            )
            return response
    return render_template("dashboard/login.html", error=error), status


def _end_current_session() -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        end_session(context.db(), session_id)


@bp.post("/logout")
def logout() -> Any:
    """Sign out: the server forgets the session, so the cookie is worthless from now on."""
    _end_current_session()
    response = redirect(url_for("dashboard.login"))
    response.delete_cookie(SESSION_COOKIE, path="/dashboard", secure=True, samesite="Lax")
    return response


@bp.get("/")
@login_required
def index() -> str:
    db = context.db()
    rows = []
    visible = _visible_sites()
    for site in visible:
        scan = latest_scan(db, site)
        states = latest_scans_by_state(db, site)
        report = context.services().check(states) if states else None
        stats = consent_stats(db, site, exclude=test_consent_ids(db, site))
        rows.append(
            {
                "site": site,
                "scan": scan,
                "violations": len(report.violations) if report else 0,
                "stats": stats,
            }
        )
    return render_template(
        "dashboard/index.html",
        rows=rows,
        schedules=[s for s in list_schedules(db) if s.site in visible],
        scans=[s for s in list_scans(db, limit=200) if s["domain"] in visible][:15],
    )


def _chart(series: list[dict[str, Any]], keys: list[str], colors: dict[str, str]) -> dict[str, Any]:
    """Polylines for an inline SVG chart of shares (0 to 1) per day."""
    width, height, pad = 640, 200, 30
    n = max(1, len(series) - 1)
    lines = []
    for key in keys:
        points = [
            (pad + i * (width - 2 * pad) / n, height - pad - row.get(key, 0.0) * (height - 2 * pad))
            for i, row in enumerate(series)
        ]
        lines.append(
            {
                "key": key,
                "color": colors.get(key, "#555"),
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "dots": points,
            }
        )
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "lines": lines,
        "labels": [
            (pad + i * (width - 2 * pad) / n, row["day"][5:]) for i, row in enumerate(series)
        ],
    }


@bp.get("/sites/<site>")
@login_required
def site_page(site: str) -> str:
    _require_site(site)
    db = context.db()
    present = latest_scans_by_state(db, site)
    scan = latest_scan(db, site)
    category = request.args.get("category", "")
    party = request.args.get("party", "")
    q = request.args.get("q", "").lower()
    own = cookie_overrides_for(db, site)
    cookies = [
        c
        for c in with_overrides(scan.cookies if scan else [], own)
        if (not category or c.category.value == category)
        and (not party or (party == "3rd") == c.third_party)
        and (
            not q
            or q
            in f"{c.name} {c.domain} {c.classification.vendor if c.classification else ''}".lower()
        )
    ]
    tests = test_consent_ids(db, site)
    records = [r for r in all_records(db, site) if r["consent_id"] not in tests]
    optin = optin_series(records)
    colors = {c.value: v for c, v in COLORS.items()}
    baseline = baseline_scan(db, site)
    decl = context.services().declaration(db, site) if baseline else None
    return render_template(
        "dashboard/site.html",
        site=site,
        scan=scan,
        cookies=cookies,
        filters={"category": category, "party": party, "q": q},
        categories=[c.value for c in Category],
        colors=colors,
        lifetime=lifetime_text,
        report=context.services().check(present) if present else None,
        rules=RULES,
        stats=consent_stats(db, site, exclude=tests),
        optin_chart=_chart(optin, ["functional", "analytics", "advertising"], colors)
        if optin
        else None,
        refusals=refusal_series([r for r in records if r["action"] == "grant"]),
        vendors=vendor_status(
            baseline, present.get(ConsentState.REJECT), present.get(ConsentState.GPC)
        ),
        history=list_scans(db, site, limit=20),
        declaration_snippet=declaration_html(decl) if decl else "",
        script_url=f"{request.host_url.rstrip('/')}/v1/sites/{site}/banner.js",
    )


@bp.get("/sites/<site>/preview")
@login_required
def preview(site: str) -> Response:
    _require_site(site)
    html = render_template("dashboard/preview.html", site=site)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "frame-ancestors 'self'"
    )
    return response


@bp.get("/diff/<int:old>/<int:new>")
@login_required
def diff_page(old: int, new: int) -> str:
    a, b = visible_scan(old), visible_scan(new)
    d = diff_scans(a, b, CheckContext.from_settings(context.settings()))
    return render_template("dashboard/diff.html", d=d, a=a, b=b)
