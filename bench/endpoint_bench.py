"""Endpoint load: gunicorn on loopback, wrk as the load generator in its own process.

Prints throughput and p50/p99 latency of the consent POST (durable writes) and the banner
script GET, next to a bare Flask hello-world served the same way, on SQLite and PostgreSQL.
Goal (issue 7): consent writes at >= 60% of hello-world throughput, p99 under 50 ms.
Run: ``.venv/bin/python bench/endpoint_bench.py [--seconds N] [--connections N]``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"categories": {"analytics": %s, "advertising": false},'
    .. ' "consent_id": "bench-%s-%08d", "method": "api"}',
    counter % 2 == 0 and "true" or "false", string.sub(tostring(math.random()), 3, 10), counter)
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: str, cwd: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc, port
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"gunicorn {app} did not start")


def wrk(
    url: str, seconds: int, connections: int, script: str | None = None, warm: int = 2
) -> dict[str, float]:
    """Run wrk against ``url``: a ``warm``-second run first (workers booted, caches filled,
    not counted), then the measured one."""
    if warm:
        wrk(url, warm, connections, script, warm=0)
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": float(non2xx.group(1)) if non2xx else 0.0,
    }


def line(name: str, r: dict[str, float], base: float) -> None:
    print(
        f"{name:<34} {r['rps']:>9.0f} {r['rps'] / base:>8.0%} {r['p50']:>8.1f} "
        f"{r['p99']:>8.1f} {r['errors']:>7.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cookiegov-bench-"))
    script = work / "post.lua"
    script.write_text(POST_LUA)
    print(
        f"gunicorn -w {args.workers} --threads 8 (gthread), "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, {os.cpu_count()} cores"
    )
    print(f"{'':<34} {'req/s':>9} {'vs hello':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>7}")
    hello, port = serve("bench.hello_app:app", ROOT, args.workers)
    base = wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections)
    hello.send_signal(signal.SIGTERM)
    hello.wait()
    line("hello world GET", base, base["rps"])
    name = f"cgbench_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(f"{PG}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        for label, url in (
            ("SQLite", f"sqlite:///{work / 'bench.db'}"),
            ("PostgreSQL", f"{PG}/{name}"),
        ):
            (work / "cookiegov.toml").write_text(
                f'database_url = "{url}"\nrate_limit = 1000000000\n[sites."shop.test"]\n'
            )
            subprocess.run(
                [str(BIN / "cookiegov"), "migrate"], cwd=work, check=True, capture_output=True
            )
            app, port = serve("banner.wsgi:app", work, args.workers)
            post = wrk(
                f"http://127.0.0.1:{port}/v1/sites/shop.test/consents",
                args.seconds,
                args.connections,
                str(script),
            )
            line(f"consent POST ({label}, durable)", post, base["rps"])
            if label == "SQLite":
                get = wrk(
                    f"http://127.0.0.1:{port}/v1/sites/shop.test/banner.js",
                    args.seconds,
                    args.connections,
                )
                line("banner.js GET", get, base["rps"])
            app.send_signal(signal.SIGTERM)
            app.wait()
            verify = subprocess.run(
                [str(BIN / "cookiegov"), "consents", "verify", "shop.test"],
                cwd=work,
                capture_output=True,
                text=True,
            )
            print(f"{'':<34} {verify.stdout.strip()}")
    finally:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
