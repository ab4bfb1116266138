"""Distributed scans: two Celery workers consume scan jobs from Redis; results land in the DB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from cookiegov.storage import open_database
from cookiegov.storage.scans import list_scans
from fixtures.server import FixtureServer

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).parent / "cookiegov"
REDIS = os.environ.get("COOKIEGOV_TEST_REDIS", "redis://127.0.0.1:6379/0")
SITES = [
    "https://www.shop.test/",
    "https://www.boulangerie.test/",
    "https://www.velo-shop.test/",
    "https://www.collectors.test/",
]


def test_two_workers_scan_several_sites(fixture_server: FixtureServer, tmp_path: Path) -> None:
    try:
        redis.Redis.from_url(REDIS, socket_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS} (CI requires it)")
        pytest.skip("Redis is not reachable")
    db_url = f"sqlite:///{tmp_path / 'q.db'}"
    (tmp_path / "cookiegov.toml").write_text(
        f'database_url = "{db_url}"\nredis_url = "{REDIS}"\n'
        f'queue_name = "test-{uuid.uuid4().hex[:8]}"\n'
        f'browser_args = ["{fixture_server.resolver_rule}"]\n'
        "ignore_https_errors = true\nmax_pages = 2\nconcurrency = 1\n"
    )
    open_database(db_url).close()
    workers = [
        subprocess.Popen(
            [str(BIN), "worker", "--celery"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:

        def queue(url: str) -> dict:
            r = subprocess.run(
                [str(BIN), "scan", url, "--queue", "--wait"],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert r.returncode == 0, r.stderr
            return json.loads(r.stdout)

        with ThreadPoolExecutor(len(SITES)) as pool:
            outcomes = list(pool.map(queue, SITES))
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
    assert all(o.get("scan_id") and o["pages"] >= 1 for o in outcomes), outcomes
    assert len({o["worker"] for o in outcomes}) == 2  # both workers took jobs
    stored = {row["domain"] for row in list_scans(open_database(db_url))}
    assert stored == {"shop.test", "boulangerie.test", "velo-shop.test", "collectors.test"}
