"""Scheduled scans run by `cookiegov worker`, diffs, and alerts to a local webhook and SMTP sink."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cookiegov.errors import InputError
from cookiegov.models import ConsentState
from cookiegov.schedules import add_schedule, next_run, set_paused
from cookiegov.storage import Database
from fixtures import dynamic
from fixtures.server import FixtureServer

BIN = Path(sys.executable).parent / "cookiegov"


class Webhook:
    """A local receiver that fails the first POST, to prove alerts are retried."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if hook.attempts == 1 else 200
                if status == 200:
                    hook.received.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"


class Sink:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    import socket

    with socket.socket() as probe:  # a free port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def test_cron_is_validated(db: Database) -> None:
    with pytest.raises(InputError, match="cron"):
        add_schedule(db, "https://a.test/", "every monday")
    s = add_schedule(db, "https://a.test/", "0 3 * * 1")
    assert s.next_run_at and s.next_run_at.endswith("03:00:00+00:00")
    assert set_paused(db, s.id, True).paused
    assert next_run(
        "*/5 * * * *",
        __import__("datetime").datetime(2026, 1, 1, 0, 1, tzinfo=__import__("datetime").UTC),
    ).startswith("2026-01-01T00:05")


def test_a_schedule_is_checked_as_a_scan_is(db: Database) -> None:
    """Before: add_schedule took max_pages=0 (every run then failed its budget check) and kept
    its own list of consent states."""
    with pytest.raises(InputError, match="none, accept, reject, gpc"):
        add_schedule(db, "https://a.test/", "0 3 * * 1", consent="maybe")
    with pytest.raises(InputError, match="at least 1"):
        add_schedule(db, "https://a.test/", "0 3 * * 1", max_pages=0)
    s = add_schedule(db, "https://a.test/", "0 3 * * 1", consent=ConsentState.GPC, max_pages=3)
    assert (s.consent, s.max_pages) == ("gpc", 3)


@pytest.mark.browser
def test_worker_diffs_and_alerts(
    fixture_server: FixtureServer, tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, smtp_port = smtp
    hook = Webhook()
    (tmp_path / "cookiegov.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "s.db"}"\n'
        f'browser_args = ["{fixture_server.resolver_rule}"]\n'
        f"ignore_https_errors = true\nsmtp_port = {smtp_port}\nmax_pages = 2\n"
    )

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args], capture_output=True, text=True, cwd=tmp_path, timeout=180
        )

    dynamic.STATE["version"] = 1
    try:
        added = cli(
            "schedule",
            "add",
            "https://changing.test/",
            "--cron",
            "0 3 * * 1",
            "--webhook",
            hook.url,
            "--email",
            "privacy@shop.test",
        )
        assert added.returncode == 0, added.stderr
        assert cli("worker", "--once").stdout == ""  # not due yet
        assert cli("schedule", "run", "1").returncode == 0
        first = cli("worker", "--once")
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["scan_id"] and "first scan" in first.stderr
        assert hook.received == [] and sink.messages == []  # nothing to compare with yet

        dynamic.STATE["version"] = 2
        cli("schedule", "run", "1")
        second = cli("worker", "--once")
        outcome = json.loads(second.stdout)
        assert {c["name"] for c in outcome["diff"]["new_cookies"]} >= {"promo_variant", "adnet_uid"}
        assert "ads.adnet.test" in outcome["diff"]["new_third_party_hosts"]
        assert hook.attempts == 2 and len(hook.received) == 1  # retried after a 500
        alert = hook.received[0]
        assert (
            alert["text"].startswith("cookiegov: changing.test:") and "new cookies" in alert["text"]
        )
        assert alert["diff"]["to_scan"] == outcome["scan_id"]
        assert len(sink.messages) == 1
        mail = sink.messages[0]
        assert mail["To"] == "privacy@shop.test" and "promo_variant" in mail.get_payload()
        listed = cli("schedule", "list").stdout
        assert f"last scan {outcome['scan_id']}" in listed
        assert (
            cli("schedule", "pause", "1").returncode == 0
            and "paused" in cli("schedule", "list").stdout
        )
        assert (
            cli(
                "diff", str(json.loads(first.stdout)["scan_id"]), str(outcome["scan_id"])
            ).returncode
            == 0
        )
        assert cli("schedule", "remove", "1").returncode == 0
        assert cli("schedule", "remove", "1").returncode == 3
    finally:
        dynamic.STATE["version"] = 1
        hook.server.shutdown()


@pytest.mark.browser
def test_failed_scheduled_scan_alerts(tmp_path: Path) -> None:
    hook = Webhook()
    hook.attempts = 1  # no failure injected this time
    (tmp_path / "cookiegov.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "f.db"}"\npage_timeout = 5\nretries = 0\n'
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args], capture_output=True, text=True, cwd=tmp_path, timeout=120
        )

    run("schedule", "add", "https://127.0.0.1:9/", "--cron", "0 * * * *", "--webhook", hook.url)
    run("schedule", "run", "1")
    r = run("worker", "--once")
    assert r.returncode == 0 and "failed" in r.stderr
    assert "failed" in hook.received[0]["text"]
    assert "error: could not load" in run("schedule", "list").stdout
    hook.server.shutdown()
