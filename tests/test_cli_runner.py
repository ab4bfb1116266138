"""The command line in-process with click's CliRunner: help texts, input checks, unknown
sites, the output rule, queued scans (real Redis) and ``scan --compare`` outputs."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cookiegov.cli import cli
from cookiegov.cli.common import resolve_format
from cookiegov.errors import InputError
from cookiegov.models import COMPARE_ORDER, PageResult, ScanResult
from cookiegov.storage import open_database
from cookiegov.storage.scans import save_scan

BIN = Path(sys.executable).parent / "cookiegov"


def invoke(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    return CliRunner().invoke(cli, ["--db", db, *args], env=env, catch_exceptions=False)


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix or "cookiegov", group)]
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            out.extend(_commands(command, path))
        else:
            out.append((path, command))
    return out


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{path}: {'/'.join(param.opts)}"
        for path, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []
    assert len(_commands(cli)) > 20  # the walk really saw the commands


def test_classify_help_names_the_columns(tmp_path: Path) -> None:
    text = invoke(tmp_path, "classify", "--help").output
    for column in ("name", "domain", "site", "expires_in", "http_only", "secure", "set_by"):
        assert column in text


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "https://www.shop.test/", "--max-pages", "0"],
        ["scan", "https://www.shop.test/", "--max-pages", "-3"],
        ["scan", "https://www.shop.test/", "--concurrency", "0"],
        ["check", "https://www.shop.test/", "--max-pages", "0"],
        ["check", "https://www.shop.test/", "--concurrency", "0"],
    ],
)
def test_empty_page_budgets_are_refused(tmp_path: Path, args: list[str]) -> None:
    r = invoke(tmp_path, *args)
    assert r.exit_code == 2
    assert "x>=1" in r.output and "Traceback" not in r.output


def test_budgets_from_settings_are_checked_too(tmp_path: Path) -> None:
    r = invoke(tmp_path, "scan", "https://www.shop.test/", env={"COOKIEGOV_CONCURRENCY": "0"})
    assert r.exit_code == 2 and "must be positive" in r.output


@pytest.mark.parametrize(
    "args",
    [
        ["consents", "verify", "nowhere.test"],
        ["consents", "purge", "nowhere.test"],
        ["optout-status", "nowhere.test"],
        ["scans", "--site", "nowhere.test"],
    ],
)
def test_unknown_sites_are_reported(tmp_path: Path, args: list[str]) -> None:
    r = invoke(tmp_path, *args)
    assert r.exit_code == 3, r.output
    assert "unknown site 'nowhere.test'" in r.output


def _store_scan(db_url: str, site: str = "shop.test") -> ScanResult:
    result = ScanResult(
        url=f"https://www.{site}/",
        site=site,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:10+00:00",
        consent="none",
        pages=[PageResult(url=f"https://www.{site}/", status=200, depth=0)],
        cookies=[],
    )
    return save_scan(open_database(db_url), result)


def test_known_sites_are_answered(tmp_path: Path) -> None:
    _store_scan(f"sqlite:///{tmp_path / 'cli.db'}")
    verify = invoke(tmp_path, "consents", "verify", "shop.test")
    assert verify.exit_code == 0 and "0 records, chain intact" in verify.output
    listed = invoke(tmp_path, "scans", "--site", "shop.test")
    assert listed.exit_code == 0 and "shop.test" in listed.output
    optout = invoke(tmp_path, "optout-status", "shop.test", "--format", "json")
    assert optout.exit_code == 0 and json.loads(optout.output)["site"] == "shop.test"


def test_one_format_rule() -> None:
    formats = {"table": str, "json": str, "csv": str, "html": str}
    assert resolve_format(None, None, formats, "table") == "table"
    assert resolve_format(None, "out/r.html", formats, "table") == "html"
    assert resolve_format(None, "R.CSV", formats, "table") == "csv"
    assert resolve_format("json", "r.html", formats, "table") == "json"  # the flag wins
    with pytest.raises(InputError, match="cannot tell the format"):
        resolve_format(None, "report.txt", formats, "table")


def test_a_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    """``cookiegov scans | head -1``: the reader is gone, the command ends without a word."""
    db = f"sqlite:///{tmp_path / 'pipe.db'}"
    for _ in range(3):
        _store_scan(db)
    read, write = os.pipe()
    os.close(read)  # as `head -1` does after its line
    proc = subprocess.run(
        [str(BIN), "--db", db, "scans"], stdout=write, stderr=subprocess.PIPE, text=True
    )
    os.close(write)
    assert proc.stderr == "" and proc.returncode == 0


def _queued_message(redis_url: str, queue: str) -> list[object]:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        raw = client.lpop(queue)
    finally:
        client.delete(queue)
        client.close()
    assert raw, "nothing was queued"
    message = json.loads(raw)
    body: list[object] = json.loads(base64.b64decode(message["body"]))
    return body


def test_queued_scans_carry_every_scan_option(tmp_path: Path) -> None:
    redis_url = "redis://127.0.0.1:6379/0"
    queue = f"cookiegov-test-{uuid.uuid4().hex}"
    env = {"COOKIEGOV_REDIS_URL": redis_url, "COOKIEGOV_QUEUE_NAME": queue}
    r = invoke(
        tmp_path,
        "scan",
        "https://www.shop.test/",
        "--queue",
        "--include",
        "/news/*",
        "--exclude",
        "/cart*",
        "--browser-arg=--lang=fr",
        "--no-sitemap",
        "--max-pages",
        "7",
        "--compare",
        env=env,
    )
    assert r.exit_code == 0, r.output
    args, _kwargs, _embed = _queued_message(redis_url, queue)  # type: ignore[misc]
    url, overrides, states = args  # type: ignore[misc]
    assert url == "https://www.shop.test/"
    assert overrides["include"] == ["/news/*"] and overrides["exclude"] == ["/cart*"]
    assert "--lang=fr" in overrides["browser_args"]
    assert overrides["use_sitemap"] is False and overrides["max_pages"] == 7
    assert states == [str(s) for s in COMPARE_ORDER]


@pytest.mark.browser
def test_compare_writes_the_requested_format(
    boulangerie_states: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output rule for ``scan --compare`` (a real comparison of the bakery, made once for
    the session: the scan itself is tested end to end in test_cli.py)."""
    from cookiegov.services import scanning

    asked: list[str] = []

    def states(url: str, *args: object, **kwargs: object) -> dict:
        asked.append(url)
        return boulangerie_states

    monkeypatch.setattr(scanning, "scan_states", states)
    common = ["scan", "https://www.boulangerie.test/", "--compare", "--no-store"]
    html = tmp_path / "states.html"
    r = invoke(tmp_path, *common, "-o", str(html))
    assert r.exit_code == 0, r.output
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "consentia" in page
    r = invoke(tmp_path, *common, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["state"] for row in rows] == [str(s) for s in COMPARE_ORDER]
    assert "consentia" in next(row for row in rows if row["state"] == "reject")["adds"]
    assert asked == ["https://www.boulangerie.test/"] * 2


def test_an_import_without_usable_entries_keeps_the_source(tmp_path: Path) -> None:
    """Before: a declared file whose every row was bad (or that had none) replaced the
    source's entries with nothing and exited 0."""
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("name,category\n_ga,analytics\nlang,preferences\n")
    bad.write_text("name,kind\n_ga,analytics\n")  # no 'category' column
    assert invoke(tmp_path, "kb", "import", "csv", str(good), "--name", "ours").exit_code == 0
    for text in ("name,kind\n_ga,analytics\n", "name,category\n", "[]"):
        bad.write_text(text)
        r = invoke(
            tmp_path,
            "kb",
            "import",
            "csv" if text[0] != "[" else "json",
            str(bad),
            "--name",
            "ours",
        )
        assert r.exit_code == 2, r.output
        assert "no usable entries" in r.output and "nothing imported" in r.output
        assert r.output.count("\n") == 1  # one line, however long: a log keeps it whole
    listed = invoke(tmp_path, "kb", "sources").output
    assert [line.split()[:3] for line in listed.splitlines() if "ours" in line] == [
        ["ours", "declared", "2"]
    ]


def test_classify_writes_by_the_one_output_rule(tmp_path: Path) -> None:
    """Before: classify had its own rule: an unknown --output extension silently wrote CSV, a
    missing folder was an error, and JSON on stdout ran into the next line."""
    src = tmp_path / "in.csv"
    src.write_text("name,domain\n_ga,.shop.test\n")
    r = invoke(tmp_path, "classify", str(src), "-o", str(tmp_path / "out.txt"))
    assert r.exit_code == 2 and "cannot tell the format" in r.output
    out = tmp_path / "new" / "dir" / "out.json"
    r = invoke(tmp_path, "classify", str(src), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())[0]["category"] == "analytics"
    as_json = invoke(tmp_path, "classify", str(src), "--format", "json").output
    assert as_json.endswith("]\n") and json.loads(as_json)[0]["vendor"] == "Google Analytics"
    assert invoke(tmp_path, "classify", str(src)).output.startswith("name,domain,category")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_page_timeouts_that_cannot_load_a_page_are_refused(tmp_path: Path, value: str) -> None:
    """Before: `--page-timeout -1` (or 0, nan) went to the browser and every page "timed out
    after -1s" (exit 6, and a Node warning); inf waited forever."""
    r = invoke(tmp_path, "scan", "https://www.shop.test/", "--page-timeout", value)
    assert r.exit_code == 2, r.output
    assert "page" in r.output and "timeout" in r.output.replace("_", " ").replace("-", " ")
    env = {"COOKIEGOV_PAGE_TIMEOUT": value}
    r = invoke(tmp_path, "check", "https://www.shop.test/", env=env)
    assert r.exit_code == 2 and "page_timeout" in r.output, r.output


def test_purge_keeps_everything_for_a_huge_retention(tmp_path: Path) -> None:
    """Before: `consents purge SITE --days 99999999999` ended in an OverflowError traceback."""
    _store_scan(f"sqlite:///{tmp_path / 'cli.db'}")
    r = invoke(tmp_path, "consents", "purge", "shop.test", "--days", "99999999999")
    assert r.exit_code == 0, r.output
    assert "deleted 0 records" in r.output
    r = invoke(tmp_path, "consents", "purge", "shop.test", "--days", "-1")
    assert r.exit_code == 2 and "--days" in r.output


def test_an_unreachable_queue_is_one_line_without_the_password(tmp_path: Path) -> None:
    """Before: `scan --queue` with Redis down retried for 20 s, then ended in a RuntimeError
    traceback ("Retry limit exceeded ... result store")."""
    env = {"COOKIEGOV_REDIS_URL": "redis://:s3cr3t-pw@127.0.0.1:1/0"}
    r = CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{tmp_path / 'q.db'}", "scan", "https://www.shop.test/", "--queue"],
        env=env,
    )
    assert r.exit_code == 4, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "cannot reach the scan queue" in r.output and "redis://:***@127.0.0.1:1/0" in r.output
    assert "s3cr3t-pw" not in r.output


def test_messages_print_input_as_text_not_markup(tmp_path: Path) -> None:
    """Before: an error or row message holding "[/]" ended in a rich MarkupError traceback,
    and "[bold]x" lost its brackets."""
    r = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'm.db'}", "scan", "[/]"])
    assert r.exit_code == 2 and "'[/]' is not an http(s) URL" in r.output
    r = invoke(tmp_path, "consents", "verify", "[bold]x")
    assert r.exit_code == 3 and "unknown site '[bold]x'" in r.output
    rows = tmp_path / "m.csv"
    rows.write_text("name,domain,session\na,b,[/]\n")
    r = invoke(tmp_path, "classify", str(rows))
    assert r.exit_code == 2 and "session must be true or false, not '[/]'" in r.output
    out = tmp_path / "[red]" / "x.json"
    r = invoke(tmp_path, "classify", str(rows), "-o", str(out))
    assert f"wrote {out}" in " ".join(r.output.split())


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:pw-SEKRIT@host:notaport/db",
        "postgresql+nodriver://u:pw-SEKRIT@127.0.0.1/db",
        "mysql://u:pw-SEKRIT@127.0.0.1:1/db",
    ],
)
def test_a_database_url_that_cannot_be_opened_is_named_without_its_password(url: str) -> None:
    """Before: "cannot open database 'postgresql://u:pw-SEKRIT@…'" printed the password."""
    r = CliRunner().invoke(cli, ["--db", url, "scans"])
    assert r.exit_code == 4, r.output
    assert "cannot open database" in r.output and "u:***@" in r.output
    assert "SEKRIT" not in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wait"], "--wait goes with --queue"),
        (["--queue", "--no-store"], "--no-store"),
        (["--queue", "-o", "x.json"], "--output"),
    ],
)
def test_options_a_queued_scan_cannot_honour_are_refused(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """Before: `--wait` without `--queue`, and `--queue` with `--no-store` or `--output`, were
    silently ignored (the worker stores the scan; nothing was written)."""
    r = invoke(tmp_path, "scan", "https://www.shop.test/", *args)
    assert r.exit_code == 2 and message in r.output, r.output
