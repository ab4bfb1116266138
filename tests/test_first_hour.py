"""Issue 16, "a first hour without friction": durations, semicolon CSV, cron nicknames, the
diff table, the API's index, test traffic, --site and the progress of `check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from banner import create_app
from banner.testtraffic import session_mark
from cookiegov import scanmark
from cookiegov.cli import cli
from cookiegov.cli.scanning import StateProgress
from cookiegov.cookie_files import read_cookie_file
from cookiegov.errors import InputError
from cookiegov.models import ConsentState
from cookiegov.report import duration_text
from cookiegov.schedules import add_schedule, next_run
from cookiegov.services.scanning import site_of
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.consents import consent_stats
from cookiegov.storage.scans import save_scan
from tests.builders import DAY, cookie, scan

CONSENT = {"categories": {"analytics": True, "advertising": False, "functional": True}}


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "session"),
        (45, "45 seconds"),
        (1800, "30 minutes"),  # the banner said "1 h" for Matomo's 30-minute cookie
        (3600, "1 hour"),
        (86400, "1 day"),
        (30 * DAY, "30 days"),
        (400 * DAY, "13 months"),
        (800 * DAY, "2 years"),
    ],
)
def test_one_duration_rule(seconds: float | None, text: str) -> None:
    assert duration_text(seconds) == text


def test_the_banner_gets_the_servers_duration(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'b.db'}")
    save_scan(db, scan("accept", [cookie("_pk_ses", "analytics", lifetime=1800)]))
    app = create_app(Settings(sites={"shop.test": {}}), db)
    body = app.test_client().get("/v1/sites/shop.test/banner.js").get_data(as_text=True)
    config = json.loads(body.split("=", 1)[1].split(";\n", 1)[0])
    entry = next(c for c in config["cookies"] if c["name"] == "_pk_ses")
    assert entry["life"] == [30, "minutes"]
    assert config["texts"]["de"]["minutes"] == "Minuten"
    assert config["texts"]["en"]["minutes"] == "minutes"
    assert config["texts"]["fr"]["col_lifetime"] == "Durée"  # the live declaration's headers


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cookies.csv"
    path.write_text("name;domain;expires_in\n_ga;.shop.test;63072000\nsid;shop.test;\n")
    rows = read_cookie_file(path, required=("name", "domain"))
    assert rows.columns == ["name", "domain", "expires_in"]
    assert [r["name"] for _, r in rows.rows] == ["_ga", "sid"]
    assert rows.rows[0][1]["expires_in"] == "63072000"


def test_classify_reads_what_a_spreadsheet_saves(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("name;domain;site\n_ga;.shop.test;shop.test\n", encoding="utf-8-sig")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = CliRunner().invoke(cli, ["--db", db, "classify", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "analytics" in result.output and "Google Analytics" in result.output


@pytest.mark.parametrize("nickname", ["@hourly", "@daily", "@weekly", "@monthly"])
def test_cron_nicknames(nickname: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    after = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    expected = {
        "@hourly": "2026-11-29T18:00:00+00:00",
        "@daily": "2026-11-30T00:00:00+00:00",
        "@weekly": "2026-12-06T00:00:00+00:00",  # Sunday
        "@monthly": "2026-12-01T00:00:00+00:00",
    }
    assert next_run(nickname, after) == expected[nickname]
    db = open_database(f"sqlite:///{tmp_path / 's.db'}")
    assert add_schedule(db, "https://www.shop.test/", nickname).cron == nickname
    with pytest.raises(InputError, match="known nicknames"):
        add_schedule(db, "https://www.shop.test/", "@fortnightly")


def test_crontab_weekdays_count_from_sunday() -> None:
    from datetime import UTC, datetime

    sunday = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert next_run("0 3 * * 1", sunday) == "2026-11-30T03:00:00+00:00"  # Monday
    assert next_run("0 3 * * 0", sunday) == "2026-12-06T03:00:00+00:00"  # Sunday
    assert next_run("0 3 * * 7", sunday) == "2026-12-06T03:00:00+00:00"
    assert next_run("0 3 * * 1-5", sunday) == "2026-11-30T03:00:00+00:00"
    assert next_run("0 3 * * 6,0", sunday) == "2026-12-05T03:00:00+00:00"  # Saturday


def _two_scans(tmp_path: Path, other_site: bool = False) -> tuple[str, int, int]:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    db = open_database(url)
    a = save_scan(db, scan("none", [cookie("sid")]))
    b_cookies = [cookie("sid"), cookie("_ga", "analytics", domain=".shop.test", lifetime=730 * DAY)]
    b = scan("none", b_cookies, site="other.test") if other_site else scan("none", b_cookies)
    b = save_scan(db, b)
    db.close()
    assert a.scan_id and b.scan_id
    return url, a.scan_id, b.scan_id


def test_diff_prints_a_table_by_default(tmp_path: Path) -> None:
    url, a, b = _two_scans(tmp_path)
    result = CliRunner().invoke(cli, ["--db", url, "diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "New cookies (1)" in result.output and "_ga" in result.output
    assert not result.output.lstrip().startswith("{")
    as_json = CliRunner().invoke(cli, ["--db", url, "diff", str(a), str(b), "--format", "json"])
    data = json.loads(as_json.output)
    assert [c["name"] for c in data["new_cookies"]] == ["_ga"] and data["site_mismatch"] is None


def test_diff_warns_about_scans_of_different_sites(tmp_path: Path) -> None:
    url, a, b = _two_scans(tmp_path, other_site=True)
    result = CliRunner().invoke(cli, ["--db", url, "diff", str(a), str(b)])
    assert result.exit_code == 0
    assert "different sites (shop.test and other.test)" in result.stderr
    assert "different consent states" not in result.stderr


def test_diff_warns_about_scans_of_different_consent_states(tmp_path: Path) -> None:
    """A scan without a choice against one after "Accept all": what the choice sets shows as
    new cookies and findings, with no word that the two are not comparable (before)."""
    url = f"sqlite:///{tmp_path / 'states.db'}"
    db = open_database(url)
    a = save_scan(db, scan("none", [cookie("sid")]))
    b = save_scan(db, scan("accept", [cookie("sid"), cookie("_ga", "analytics")]))
    db.close()
    result = CliRunner().invoke(cli, ["--db", url, "diff", str(a.scan_id), str(b.scan_id)])
    assert result.exit_code == 0
    assert "different consent states (none and accept)" in result.stderr
    as_json = CliRunner().invoke(
        cli, ["--db", url, "diff", str(a.scan_id), str(b.scan_id), "--format", "json"]
    )
    assert "consent states" in json.loads(as_json.stdout)["state_mismatch"]


def test_the_api_root_links_to_its_documents(tmp_path: Path) -> None:
    app = create_app(Settings(), open_database(f"sqlite:///{tmp_path / 'a.db'}"))
    client: FlaskClient = app.test_client()
    root = client.get("/v1/")
    assert root.status_code == 200
    links = root.get_json()["links"]
    assert client.get(links["openapi"]).get_json()["openapi"] == "3.1.0"
    docs = client.get(links["docs"])
    assert docs.status_code == 200 and "/v1/sites/{site}/consents" in docs.get_data(as_text=True)
    assert "<script" not in docs.get_data(as_text=True)


def test_test_traffic_is_marked_and_left_out(tmp_path: Path) -> None:
    from cookiegov.admin_access import Principal, create_token, revoke_token
    from cookiegov.storage.site_admin import test_consent_ids

    db = open_database(f"sqlite:///{tmp_path / 't.db'}")
    settings = Settings(
        sites={"shop.test": {}},
        test_networks=["10.1.0.0/16"],
        admin_token="first-hour-admin-token-2b7e9c4d1a6f3058",
    )
    client = create_app(settings, db).test_client()

    def post(ip: str) -> str:
        r = client.post(
            "/v1/sites/shop.test/consents", json=CONSENT, environ_base={"REMOTE_ADDR": ip}
        )
        assert r.status_code == 201, r.get_data(as_text=True)
        return str(r.get_json()["consent_id"])

    row, _ = create_token(db, "shop.test", "shop")
    shop_admin = Principal(row["id"], "shop.test", "shop")
    operator = Principal(None, None, "admin_token")
    real = post("203.0.113.9")
    from_network = post("10.1.44.3")
    client.set_cookie("other", "x")
    key = scanmark.key_for(settings)
    for forged in (
        "1",  # anyone could send "1"
        "1700000000.deadbeef",
        f"*.0.{scanmark.sign(b'another installation', purpose='test-session:*:0')}",
        f"*.0.{scanmark.sign(key)}",  # the scanner's mark, of another purpose
        f"shop.test.0.{scanmark.sign(key, purpose='test-session:*:0')}",  # scope not signed
        session_mark(settings, Principal(9, "other.test", "x")),  # another site's admin's
    ):
        client.set_cookie("cookiegov_test", forged)
        real_too = post("203.0.113.11")
        assert real_too not in test_consent_ids(db, "shop.test"), forged
    client.set_cookie("cookiegov_test", session_mark(settings, shop_admin))  # as the dashboard
    from_site_admin = post("203.0.113.12")
    revoke_token(db, row["id"])  # a revoked admin's test session marks nothing more
    after_revocation = post("203.0.113.13")
    assert after_revocation not in test_consent_ids(db, "shop.test")
    client.set_cookie("cookiegov_test", session_mark(settings, operator))  # the operator's
    from_session = post("203.0.113.10")

    marked = test_consent_ids(db, "shop.test")
    assert from_network in marked, "listed network"
    assert from_session in marked, "marked session"
    assert marked == {from_network, from_session, from_site_admin} and real not in marked
    stats = consent_stats(db, "shop.test", exclude=marked)
    assert stats["visitors"] == 8 and stats["excluded"] == 3
    assert consent_stats(db, "shop.test")["visitors"] == 11
    from sqlalchemy import text

    with db.engine.connect() as conn:  # the address itself is nowhere
        dump = json.dumps([list(r) for r in conn.execute(text("SELECT * FROM test_consents"))])
    assert "10.1.44.3" not in dump and "10.1." not in dump


def test_bad_test_networks_are_a_config_error() -> None:
    from cookiegov.errors import ConfigError
    from cookiegov.settings import load_settings

    with pytest.raises(ConfigError, match="test_networks"):
        load_settings(env={"COOKIEGOV_TEST_NETWORKS": "10.0.0.0/8 not-a-net"})


def test_site_option_names_the_site() -> None:
    assert site_of("http://127.0.0.1:8080/") == "127.0.0.1"
    assert site_of("http://127.0.0.1:8080/", "Shop.Test") == "shop.test"
    with pytest.raises(InputError):
        site_of("http://127.0.0.1:8080/", "not a site")


def test_check_progress_is_one_line_per_state_off_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cookiegov.models import PageResult

    with StateProgress() as shown:
        assert not shown.live  # pytest's stderr is not a terminal
        for state in (ConsentState.NONE, ConsentState.REJECT):
            with shown.state(state):
                advance = shown.pages_of(state)
                for n in (1, 2, 3):
                    advance(PageResult(url=f"https://www.shop.test/{n}", status=200), n, 3)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("[1/4] consent state none: 3 pages in")
    assert lines[1].startswith("[2/4] consent state reject: 3 pages")


def test_the_demo_says_where_the_dashboard_is_and_how_to_sign_in() -> None:
    from cookiegov.cli.demo import demo_banner

    text = demo_banner(5000, 5001, "s3cret-token")
    assert "http://127.0.0.1:5000/" in text  # the demo site
    assert "http://127.0.0.1:5001/dashboard/" in text and "s3cret-token" in text
    assert "http://127.0.0.1:5001/v1/" in text


def test_check_progress_on_a_terminal_shows_states_and_pages() -> None:
    import io

    from rich.console import Console

    from cookiegov.models import PageResult

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with StateProgress(console=console) as shown:
        assert shown.live
        with shown.state(ConsentState.GPC):
            shown.pages_of(ConsentState.GPC)(
                PageResult(url="https://www.shop.test/pricing", status=200), 1, 2
            )
    text = out.getvalue()
    assert "gpc" in text and "done in" in text and "1/2" in text


def test_no_test_session_where_the_mark_key_has_no_secret(tmp_path: Path) -> None:
    """With no secret, no admin_token and no scan_key, the installation's mark key is worked
    out from its database URL, which anyone may guess: a test-session mark made with it
    would be a forgery anyone could make, so none is honoured."""
    from banner.testtraffic import is_session_mark
    from cookiegov.admin_access import Principal, create_token
    from cookiegov.storage.site_admin import test_consent_ids

    db = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    bare = Settings(sites={"shop.test": {}})
    row, _ = create_token(db, "shop.test", "shop")
    guessed = session_mark(bare, Principal(row["id"], "shop.test", "shop"))
    assert not is_session_mark(bare, guessed, "shop.test", db)
    client = create_app(bare, db).test_client()
    client.set_cookie("cookiegov_test", guessed)
    r = client.post("/v1/sites/shop.test/consents", json=CONSENT)
    assert r.status_code == 201 and test_consent_ids(db, "shop.test") == set()
    keyed = Settings(sites={"shop.test": {}}, secret_key="s" * 40)
    mark = session_mark(keyed, Principal(row["id"], "shop.test", "shop"))
    assert is_session_mark(keyed, mark, "shop.test", db)  # with a secret it works
