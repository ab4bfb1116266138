"""Endpoint load: gunicorn on loopback, wrk as the load generator in its own process.

Prints throughput and p50/p99 latency of the consent POST (durable writes, on SQLite and
PostgreSQL, each gunicorn worker writing or the machine's `cookiegov writer`) and the banner
script GET, next to a bare Flask hello world served the same way. Two more rows split the
cost: a bare Flask JSON echo POST (HTTP and JSON alone) and the consent POST with its storage
stubbed (cookiegov's request handling alone).
Goal (issue 7): consent writes at >= 60% of hello-world throughput, p99 under 50 ms.
Run: ``.venv/bin/python bench/endpoint_bench.py [--rounds N] [--seconds N]``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
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


def serve(app: str, cwd: Path, workers: int, threads: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
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


def start_writer(cwd: Path, socket_path: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(BIN / "cookiegov"), "writer", "--socket", str(socket_path)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        if socket_path.exists():
            return proc
        time.sleep(0.05)
    raise RuntimeError("cookiegov writer did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait()


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


def line(name: str, runs: list[dict[str, float]], base: float) -> None:
    r = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(
        f"{name:<54} {r['rps']:>7.0f} {r['rps'] / base:>8.0%} {r['p50']:>7.1f} "
        f"{r['p99']:>7.1f} {sum(run['errors'] for run in runs):>7.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3, help="Rounds; medians are printed.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cookiegov-bench-"))
    script = work / "post.lua"
    script.write_text(POST_LUA)
    lua = str(script)
    sock = work / "writer.sock"
    name = f"cgbench_{uuid.uuid4().hex[:8]}"
    engines = {"SQLite": f"sqlite:///{work / 'bench.db'}", "PostgreSQL": f"{PG}/{name}"}
    admin = sqlalchemy.create_engine(f"{PG}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    results: dict[str, list[dict[str, float]]] = {}

    def measure(label: str, app: str, cwd: Path, path: str, lua: str | None = None) -> None:
        proc, port = serve(app, cwd, args.workers, args.threads)
        try:
            run = wrk(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, lua)
        finally:
            stop(proc)
        results.setdefault(label, []).append(run)

    try:
        for url in engines.values():
            (work / "cookiegov.toml").write_text(f'database_url = "{url}"\n')
            subprocess.run(
                [str(BIN / "cookiegov"), "migrate"], cwd=work, check=True, capture_output=True
            )
        for _ in range(args.rounds):  # rounds interleave the cases, so drift hits all alike
            measure("hello world GET", "bench.hello_app:app", ROOT, "/")
            measure("JSON echo POST (bare Flask)", "bench.hello_app:app", ROOT, "/echo", lua)
            for engine, url in engines.items():
                for writer in (False, True):
                    config = f'database_url = "{url}"\nrate_limit = 1000000000\n'
                    config += f'writer_socket = "{sock}"\n' if writer else ""
                    (work / "cookiegov.toml").write_text(config + '[sites."shop.test"]\n')
                    mode = "writer process" if writer else "each worker writes"
                    writer_proc = start_writer(work, sock) if writer else None
                    if engine == "SQLite" and not writer:
                        measure(
                            "consent POST, storage stubbed (handling only)",
                            "bench.stub_app:app",
                            work,
                            "/v1/sites/shop.test/consents",
                            lua,
                        )
                    try:
                        measure(
                            f"consent POST ({engine}, durable, {mode})",
                            "banner.wsgi:app",
                            work,
                            "/v1/sites/shop.test/consents",
                            lua,
                        )
                    finally:
                        if writer_proc:
                            stop(writer_proc)
            measure("banner.js GET", "banner.wsgi:app", work, "/v1/sites/shop.test/banner.js")
        print(
            f"gunicorn -w {args.workers} --threads {args.threads} (gthread), wrk -t2 "
            f"-c{args.connections} -d{args.seconds}s, {os.cpu_count()} cores, "
            f"median of {args.rounds} rounds"
        )
        print(f"{'':<54} {'req/s':>7} {'vs hello':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}")
        base = statistics.median(run["rps"] for run in results["hello world GET"])
        for label, runs in results.items():
            line(label, runs, base)
        for engine, url in engines.items():
            (work / "cookiegov.toml").write_text(f'database_url = "{url}"\n')
            verify = subprocess.run(
                [str(BIN / "cookiegov"), "consents", "verify", "shop.test"],
                cwd=work,
                capture_output=True,
                text=True,
            )
            print(f"{engine}: {verify.stdout.strip()}")
    finally:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
