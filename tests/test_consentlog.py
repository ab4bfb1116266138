"""The consent log as a table (``cookiegov.consentlog``): one shape for the dashboard's
download, the admin API's CSV and ``cookiegov consents export``, carrying every field that
was stored; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.cli import cli
from cookiegov.consentlog import COLUMNS
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.appends import append_consent
from cookiegov.storage.consents import ConsentInput, all_records
from cookiegov.storage.site_admin import mark_test

SITE = "shop.test"
TOKEN = "consent-log-admin-token-0c9e4a7b21d3f865"
HOSTILE_AGENT = ';=HYPERLINK("http://evil.test","x")'
HOSTILE_PAGE = '=HYPERLINK("http://evil.test","page")'


def _entry(n: int, **more: object) -> ConsentInput:
    return ConsentInput(
        consent_id=f"{n:032x}",
        choices={"functional": True, "analytics": n % 2 == 0, "advertising": False},
        revision=2,
        method="banner",
        gpc=False,
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def stored(db: Database) -> Database:
    append_consent(db, SITE, _entry(1, language="fr", page_url=HOSTILE_PAGE))
    time.sleep(0.005)  # times a few milliseconds apart: the filters have a boundary to find
    append_consent(
        db,
        SITE,
        _entry(
            2,
            services={"matomo": True, "adnet": False},
            region="US-CA",
            rule="opt-out",
            gpc_override=True,
            user_agent=HOSTILE_AGENT,
            ip="203.0.113.0",
        ),
    )
    time.sleep(0.005)
    append_consent(db, SITE, _entry(3, action="withdraw"))
    mark_test(db, SITE, f"{3:032x}", "test session")
    return db


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _client(db: Database) -> FlaskClient:
    return create_app(Settings(admin_token=TOKEN, sites={SITE: {}}), db).test_client()


def _dashboard_csv(db: Database) -> str:
    c = _client(db)
    signed = c.post("/dashboard/login", data={"token": TOKEN}, base_url="https://localhost")
    assert signed.status_code == 302
    r = c.get(f"/dashboard/sites/{SITE}/consents.csv", base_url="https://localhost")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return r.get_data(as_text=True)


def _api_csv(db: Database) -> str:
    r = _client(db).get(
        f"/v1/sites/{SITE}/admin/consents?format=csv",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 200 and r.mimetype == "text/csv"
    return r.get_data(as_text=True)


def _invoke(db: Database, *args: str) -> Result:
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "cookiegov.toml"
        config.write_text(f'[sites."{SITE}"]\n', "utf-8")
        return CliRunner().invoke(
            cli, ["--config", str(config), "--db", db.url, "consents", "export", *args]
        )


def _cli(db: Database, *args: str) -> str:
    result = _invoke(db, SITE, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_way_out_carries_every_stored_field_in_one_shape(stored: Database) -> None:
    texts = {"dashboard": _dashboard_csv(stored), "api": _api_csv(stored), "cli": _cli(stored)}
    texts = {k: v.replace("\r\n", "\n") for k, v in texts.items()}  # click's output reads \n
    assert texts["dashboard"] == texts["api"] == texts["cli"]
    rows = _rows(texts["cli"])
    assert list(rows[0]) == list(COLUMNS)
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    first, second, third = rows
    assert (first["functional"], first["analytics"], first["language"]) == ("True", "False", "fr")
    assert json.loads(second["services"]) == {"adnet": False, "matomo": True}
    assert (second["region"], second["rule"], second["gpc_override"]) == (
        "US-CA",
        "opt-out",
        "True",
    )
    assert second["ip"] == "203.0.113.0" and first["services"] == ""
    assert (third["action"], third["test_traffic"], first["test_traffic"]) == (
        "withdraw",
        "True",
        "False",
    )
    hashes = [r["hash"] for r in all_records(stored, SITE)]
    assert [r["hash"] for r in rows] == hashes


def test_every_cell_is_quoted_and_no_cell_starts_a_formula(stored: Database) -> None:
    """Quoted, a cell holding the separator of another locale (';' in many European
    spreadsheets) stays one cell for a parser that honours quotes."""
    text = _cli(stored)
    parsed = list(csv.reader(io.StringIO(text)))
    again = io.StringIO()
    csv.writer(again, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(parsed)
    assert again.getvalue() == text  # every cell was written quoted
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in parsed for cell in row)
    rows = _rows(text)
    assert rows[0]["page_url"] == "'" + HOSTILE_PAGE  # neutralised, else as recorded
    assert HOSTILE_AGENT in [r["user_agent"] for r in rows]  # kept whole, as recorded


def test_export_filters_by_time_in_any_zone_and_writes_json(
    stored: Database, tmp_path: Path
) -> None:
    created = [str(r["created_at"]) for r in all_records(stored, SITE)]
    second = datetime.fromisoformat(created[1])
    assert created[0] < created[1] < created[2], created  # a millisecond apart at least

    def seqs(*args: str) -> list[str]:
        return [r["seq"] for r in _rows(_cli(stored, *args))]

    assert seqs("--since", created[1]) == ["2", "3"]
    assert seqs("--until", created[1]) == ["1"]
    assert seqs("--since", created[1], "--until", created[2]) == ["2"]
    # the same moment written in another zone, or without one (UTC), or with Z
    east = second.astimezone(timezone(timedelta(hours=2))).isoformat(timespec="milliseconds")
    assert east.endswith("+02:00") and seqs("--since", east) == ["2", "3"]
    naive = second.replace(tzinfo=None).isoformat(timespec="milliseconds")
    assert seqs("--until", naive) == ["1"]
    assert seqs("--until", naive + "Z") == ["1"]
    day = created[0][:10]
    assert seqs("--since", day) == ["1", "2", "3"] and seqs("--until", day) == []
    out = tmp_path / "log.json"
    _cli(stored, "--output", str(out))
    log = json.loads(out.read_text("utf-8"))
    assert log["site"] == SITE and [r["seq"] for r in log["records"]] == [1, 2, 3]
    assert log["records"][1]["services"] == {"adnet": False, "matomo": True}  # not a string


def test_the_admin_api_compares_times_in_any_zone(stored: Database) -> None:
    created = [str(r["created_at"]) for r in all_records(stored, SITE)]
    west = (
        datetime.fromisoformat(created[1])
        .astimezone(timezone(timedelta(hours=-5)))
        .isoformat(timespec="milliseconds")
    )
    c = _client(stored)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = c.get(f"/v1/sites/{SITE}/admin/consents", query_string={"since": west}, headers=auth)
    assert [x["seq"] for x in r.get_json()["records"]] == [2, 3]
    r = c.get(f"/v1/sites/{SITE}/admin/consents", query_string={"until": west}, headers=auth)
    assert [x["seq"] for x in r.get_json()["records"]] == [1]


def test_export_of_an_unknown_site_or_a_bad_date_is_a_clear_error(db: Database) -> None:
    unknown = _invoke(db, "nope.test")
    assert unknown.exit_code not in (0, 1)  # a clear error with an exit code, no traceback
    assert "nope.test" in unknown.output and "Traceback" not in unknown.output
    bad = _invoke(db, SITE, "--since", "yesterday")
    assert bad.exit_code == 2 and "--since" in bad.output


@pytest.mark.parametrize(
    "bad", ["0001-01-01T00:00+01:00", "9999-12-31T23:00-02:00", "2026-02-30", "2026-13-45", "٢٠٢٦"]
)
def test_a_bound_no_calendar_holds_is_a_clear_error(stored: Database, bad: str) -> None:
    """A time zone that pushes a date out of the calendar was a 500 (OverflowError), and a
    date that does not exist passed as text."""
    result = _invoke(stored, SITE, "--since", bad)
    assert result.exit_code == 2 and "is not an ISO date or time" in result.output
    r = _client(stored).get(
        f"/v1/sites/{SITE}/admin/consents",
        query_string={"since": bad},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 400, r.get_data(as_text=True)
