"""Crash durability: every acknowledged consent survives SIGKILL, and every chain verifies."""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from cookiegov.storage import open_database
from cookiegov.storage.consents import all_records, verify_chain

BIN = Path(sys.executable).parent / "cookiegov"
CYCLES = 10
CLIENTS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_acknowledged_consents_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "cookiegov.toml").write_text(
        f'database_url = "{db_url}"\nrate_limit = 1000000\n'
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
        for _ in range(200):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    return proc
            except requests.RequestException:
                time.sleep(0.05)
        proc.kill()
        raise AssertionError("server did not start")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    proc = start()
    for t in threads:
        t.start()
    random.seed(7)
    kills = 0
    try:
        for _ in range(CYCLES):
            time.sleep(random.uniform(0.3, 1.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            proc = start()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
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
