"""Crash durability: every acknowledged consent survives SIGKILL, and every chain verifies."""

from __future__ import annotations

import json
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records, verify_chain

BIN = Path(sys.executable).parent / "cookiegov"
CYCLES = 6  # each victim (server, writer, both) twice in writer mode
CLIENTS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["in-process", "writer"])
def write_mode(request: pytest.FixtureRequest) -> str:
    """Consents written by the app process itself, or by the machine's writer process."""
    return str(request.param)


def test_acknowledged_consents_survive_sigkill(
    db_url: str, write_mode: str, tmp_path: Path
) -> None:
    """SIGKILL at random moments, six times: the app server (in-process writes), or the app
    server, the writer or both (writer process). No acknowledged consent may be lost."""
    port = free_port()
    sock = tmp_path / "writer.sock"
    writer_line = f'writer_socket = "{sock}"\n' if write_mode == "writer" else ""
    (tmp_path / "cookiegov.toml").write_text(
        f'database_url = "{db_url}"\nrate_limit = 1000000\n{writer_line}'
        '[sites."shop.test"]\n[sites."other.test"]\n'
    )
    open_database(db_url).close()  # migrate once, before the first start
    acked: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            i += 1
            site = "shop.test" if i % 3 else "other.test"
            body = {
                "categories": {"analytics": bool(i % 2), "advertising": False},
                "consent_id": f"crash-{n:02d}-{i:08d}-x",
                "method": "api",
            }
            try:
                r = session.post(
                    f"http://127.0.0.1:{port}/v1/sites/{site}/consents", json=body, timeout=5
                )
            except requests.RequestException:
                time.sleep(0.02)
                continue
            if r.status_code == 201:
                with lock:
                    acked[body["consent_id"]] = r.json()["hash"]

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port), "--no-scheduler"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60  # a loaded machine starts Python slowly
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    return proc
            except requests.RequestException:
                time.sleep(0.05)
        proc.kill()
        raise AssertionError("server did not start")

    def start_writer() -> subprocess.Popen[bytes] | None:
        if write_mode != "writer":
            return None
        proc = subprocess.Popen(
            [str(BIN), "writer"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sock.exists():
                return proc
            time.sleep(0.02)
        proc.kill()
        raise AssertionError("writer did not start")

    def kill(proc: subprocess.Popen[bytes] | None) -> None:
        if proc is not None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    writer = start_writer()
    proc = start()
    for t in threads:
        t.start()
    random.seed(7)
    kills = 0
    try:
        for cycle in range(CYCLES):
            time.sleep(random.uniform(0.3, 1.0))
            victim = "server" if write_mode != "writer" else ("server", "writer", "both")[cycle % 3]
            if victim in ("server", "both"):
                kill(proc)
            if victim in ("writer", "both"):
                kill(writer)
                writer = start_writer()
            if victim in ("server", "both"):
                proc = start()
            kills += 1
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        kill(proc)
        if writer is not None:
            writer.send_signal(signal.SIGTERM)
            _, stderr = writer.communicate(timeout=10)
            last = re.search(rb"stopped after (\d+) records", stderr)
            assert last and int(last.group(1)) > 0, stderr  # appends went through the writer
    assert kills == CYCLES and len(acked) > 100
    db = open_database(db_url)
    stored = {
        r["consent_id"]: r["hash"]
        for site in ("shop.test", "other.test")
        for r in all_records(db, site)
    }
    missing = [cid for cid in acked if cid not in stored]
    assert not missing, f"{len(missing)} acknowledged consents lost, e.g. {missing[:3]}"
    assert all(stored[cid] == h for cid, h in acked.items())
    for site in ("shop.test", "other.test"):
        report = verify_chain(db, site)
        assert report.ok, json.dumps(report.problems[:5])
    db.close()
