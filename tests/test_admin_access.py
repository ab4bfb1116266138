"""Admin access (issue 15, item 5): per-site tokens stored hashed, one admin role, throttled
guessing, server-side sessions that sign-out and revocation end, nothing derived from a token
in any cookie, a minimum token strength, and ``cookiegov token create|list|revoke``.
On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.admin_access import create_token, list_tokens, revoke_token
from cookiegov.cli import cli
from cookiegov.errors import ConfigError
from cookiegov.settings import Settings
from cookiegov.storage import Database

SITES = {"shop.test": {}, "other.test": {}}
ADMIN = "the-global-admin-token-from-settings-6Tn"


def _client(db: Database, admin_token: str = "") -> FlaskClient:
    return create_app(Settings(admin_token=admin_token, sites=SITES), db).test_client()


def _get(c: FlaskClient, path: str, token: str, peer: str = "198.51.100.10") -> Any:
    return c.get(
        path, headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": peer}
    )


def test_a_site_token_reads_its_site_only_and_the_admin_role_all(db: Database) -> None:
    _, shop = create_token(db, "shop.test", "shop marketing")
    _, every = create_token(db, None, "privacy team")
    c = _client(db, admin_token=ADMIN)
    assert _get(c, "/v1/sites/shop.test/admin/stats", shop).status_code == 200
    other = _get(c, "/v1/sites/other.test/admin/consents", shop)
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "forbidden"
    for token in (every, ADMIN):
        for site in SITES:
            assert _get(c, f"/v1/sites/{site}/admin/stats", token).status_code == 200
    assert _get(c, "/v1/sites/shop.test/admin/stats", shop[:-1] + "x").status_code == 401


def test_tokens_are_stored_hashed_and_listed_without_the_secret(db: Database) -> None:
    row, token = create_token(db, "shop.test", "ci")
    assert token.startswith("cg_") and len(token) >= 40
    with db.engine.connect() as conn:
        dump = " ".join(
            str(v) for r in conn.exec_driver_sql("SELECT * FROM admin_tokens") for v in r
        )
    assert token not in dump and hashlib.sha256(token.encode()).hexdigest() in dump
    assert [t["id"] for t in list_tokens(db)] == [row["id"]]
    assert "token_hash" not in list_tokens(db)[0]


def test_guessing_is_throttled_per_client_network(db: Database) -> None:
    _, token = create_token(db, None, "ops")
    c = _client(db)
    codes = [
        _get(c, "/v1/sites/shop.test/admin/stats", f"guess-{i}").status_code for i in range(12)
    ]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    blocked = _get(c, "/v1/sites/shop.test/admin/stats", token)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    elsewhere = _get(c, "/v1/sites/shop.test/admin/stats", token, peer="203.0.113.5")
    assert elsewhere.status_code == 200  # another network is not locked out
    logins = [
        c.post(
            "/dashboard/login",
            data={"token": "nope"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        ).status_code
        for _ in range(11)
    ]
    assert logins[:10] == [401] * 10 and logins[10] == 429


def _sign_in(c: FlaskClient, token: str) -> str:
    r = c.post("/dashboard/login", data={"token": token}, base_url="https://consent.test")
    assert r.status_code == 302, r.data
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    return cookie.split(";", 1)[0].split("=", 1)[1]


def _page(c: FlaskClient, path: str, session_id: str) -> Any:
    c.set_cookie("cookiegov_session", session_id, domain="consent.test", path="/dashboard")
    return c.get(path, base_url="https://consent.test")


def test_requests_without_a_token_guess_nothing(db: Database) -> None:
    c = _client(db)
    codes = [c.get("/v1/sites/shop.test/admin/stats").status_code for _ in range(15)]
    assert codes == [401] * 15  # a missing token is not a guess: never throttled, always 401


def test_the_session_cookie_holds_nothing_of_the_token_and_logout_ends_it(db: Database) -> None:
    c = _client(db, admin_token=ADMIN)
    session_id = _sign_in(c, ADMIN)
    for derived in (
        ADMIN,
        hashlib.sha256(ADMIN.encode()).hexdigest(),
        hashlib.sha256(b"signed-in|" + ADMIN.encode()).hexdigest(),  # the old session mark
    ):
        assert derived not in session_id
    assert _page(c, "/dashboard/", session_id).status_code == 200
    first, session_id = session_id, _sign_in(c, ADMIN)
    assert session_id != first  # a new random id at every sign-in; the old one ends
    assert _page(c, "/dashboard/", first).status_code == 302
    assert _page(c, "/dashboard/", session_id).status_code == 200
    out = c.post("/dashboard/logout", base_url="https://consent.test")
    assert out.status_code == 302
    replayed = _page(c, "/dashboard/", session_id)  # the copied cookie, after sign-out
    assert replayed.status_code == 302 and "/dashboard/login" in replayed.headers["Location"]


def test_revoking_a_token_ends_its_sessions_and_site_tokens_see_their_site(db: Database) -> None:
    row, shop = create_token(db, "shop.test", "shop")
    c = _client(db)
    session_id = _sign_in(c, shop)
    index = _page(c, "/dashboard/", session_id)
    assert b"shop.test" in index.data and b"other.test" not in index.data
    assert _page(c, "/dashboard/sites/other.test", session_id).status_code == 404
    assert _page(c, "/dashboard/sites/shop.test", session_id).status_code == 200
    revoke_token(db, row["id"])
    assert _page(c, "/dashboard/sites/shop.test", session_id).status_code == 302
    assert _get(c, "/v1/sites/shop.test/admin/stats", shop).status_code == 401


@pytest.mark.parametrize("weak", ["s3cret-token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "short"])
def test_weak_admin_tokens_are_refused_at_boot(db: Database, weak: str) -> None:
    with pytest.raises(ConfigError, match="too weak"):
        create_app(Settings(admin_token=weak, sites=SITES), db)


def test_token_create_list_revoke_on_the_command_line(db_url: str, tmp_path: Any) -> None:
    config = tmp_path / "cookiegov.toml"
    config.write_text(f'database_url = "{db_url}"\n[sites."shop.test"]\n')
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["--config", str(config), "token", "create", "--site", "shop.test", "--name", "marketing"],
    )
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("cg_")
    listed = runner.invoke(cli, ["--config", str(config), "token", "list"])
    assert "marketing" in listed.stdout and "shop.test" in listed.stdout
    assert token not in listed.stdout and "active" in listed.stdout
    unknown = runner.invoke(
        cli, ["--config", str(config), "token", "create", "--site", "nope.test", "--name", "x"]
    )
    assert unknown.exit_code != 0 and "unknown site" in unknown.output
    revoked = runner.invoke(cli, ["--config", str(config), "token", "revoke", "1"])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    again = runner.invoke(cli, ["--config", str(config), "token", "revoke", "1"])
    assert again.exit_code == 3  # not found: nothing active under that id


def test_a_site_token_cannot_open_another_sites_scan_by_its_number(db: Database) -> None:
    """Scan ids are sequential: a site's admin walking them sees its own scans' evidence and
    diffs, and for another site's the same 404 as for a scan that does not exist."""
    from cookiegov.storage.scans import save_scan
    from tests import builders

    mine = save_scan(db, builders.scan("accept", [builders.cookie("cart")])).scan_id
    theirs = save_scan(
        db,
        builders.scan(
            "accept",
            [builders.cookie("theirs_secret", domain="www.other.test")],
            site="other.test",
            url="https://www.other.test/private-page",
        ),
    ).scan_id
    _, shop = create_token(db, "shop.test", "shop")
    c = _client(db)
    session_id = _sign_in(c, shop)
    assert _page(c, f"/dashboard/scans/{mine}/evidence", session_id).status_code == 200
    assert _page(c, f"/dashboard/diff/{mine}/{mine}", session_id).status_code == 200
    missing = _page(c, "/dashboard/scans/999/evidence", session_id)
    for path in (
        f"/dashboard/scans/{theirs}/evidence",
        f"/dashboard/diff/{mine}/{theirs}",
        f"/dashboard/diff/{theirs}/{mine}",
    ):
        r = _page(c, path, session_id)
        assert r.status_code == 404, path
        assert b"other.test" not in r.data and b"theirs_secret" not in r.data
        assert r.data.replace(str(theirs).encode(), b"999") == missing.data, path


@pytest.mark.parametrize(
    "webhook",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://10.0.0.5/internal",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",  # IPv4 carried in IPv6: mapped, NAT64, 6to4
        "http://[64:ff9b::7f00:1]/hook",
        "http://[2002:7f00:1::]/hook",
        "http://0x7f000001/hook",  # 127.0.0.1 in another notation
        "http://public@127.0.0.1/hook",
        "http://rebind.attacker.invalid/hook",  # a name that does not resolve now
    ],
)
def test_a_site_admin_cannot_point_a_schedules_webhook_at_the_servers_network(
    db: Database, webhook: str
) -> None:
    """The server posts to a schedule's webhook: a site's admin (a lesser role than the
    operator) could have made it post to loopback, private or link-local addresses."""
    import re

    from cookiegov.schedules import list_schedules

    _, shop = create_token(db, "shop.test", "shop")
    c = _client(db, admin_token=ADMIN)
    for token, allowed in ((shop, False), (ADMIN, True)):  # the operator may
        session_id = _sign_in(c, token)
        page = _page(c, "/dashboard/schedules", session_id).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        r = c.post(
            "/dashboard/schedules",
            data={
                "csrf_token": csrf.group(1),
                "url": "https://www.shop.test/",
                "cron": "@weekly",
                "webhook": webhook,
            },
            base_url="https://consent.test",
        )
        if allowed:
            assert r.status_code == 303
        else:
            assert r.status_code == 400
            assert b"not a public address" in r.data or b"does not resolve" in r.data
            assert list_schedules(db) == []
    assert [s.webhook for s in list_schedules(db)] == [webhook]


def test_a_webhook_post_never_follows_a_redirect() -> None:
    """A public webhook answering 307 to an internal address must not carry the post there
    (requests follows redirects unless told not to)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cookiegov.alerts import send_webhook

    hits: list[str] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/hook":
                self.send_response(307)
                self.send_header("Location", "/latest/meta-data/")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        assert send_webhook(url, {"text": "x"}, backoff=0) is False  # a failure, retried
    finally:
        server.shutdown()
    assert hits == ["/hook"] * 3 and "/latest/meta-data/" not in hits


def test_a_bracketed_ipv4_webhook_gets_the_webhooks_own_error(db: Database) -> None:
    import re

    _, shop = create_token(db, "shop.test", "shop")
    c = _client(db)
    session_id = _sign_in(c, shop)
    page = _page(c, "/dashboard/schedules", session_id).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    form = {"csrf_token": csrf.group(1), "url": "https://www.shop.test/", "cron": "@weekly"}
    r = c.post(
        "/dashboard/schedules",
        data={**form, "webhook": "http://[127.0.0.1]/"},
        base_url="https://consent.test",
    )
    assert r.status_code == 400 and b"the webhook must be an http(s) URL" in r.data
