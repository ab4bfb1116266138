"""Scanner throughput and memory on a 200-page fixture site with realistic third-party scripts.

Prints pages per minute, peak RSS (this process and every Chromium process), the share of
page time spent waiting (navigation and settling) and CPU seconds per page (this process,
Playwright's driver and every Chromium process) at concurrency 1, 2 and 4.
Goals (issue 3): >= 120 pages/minute at the default concurrency with full collection, peak RSS
under 1.5 GB. Run: ``.venv/bin/python bench/scan_bench.py [--pages N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scanner.scan as scan_module  # noqa: E402
from cookiegov.settings import Settings  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402


def tree_rss(pid: int) -> tuple[int, int]:
    """Memory of ``pid`` and all its descendants, in bytes: (sum of RSS, sum of PSS).

    RSS counts pages shared between Chromium's processes (its binary, fonts) once per process;
    PSS divides each shared page among the processes sharing it, so its sum is the real
    footprint of the process tree.
    """
    total, pss, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total, pss


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int, into: dict[int, float]) -> None:
    """CPU seconds (user + system) of ``pid``'s descendants so far, per process, into ``into``
    (a process that has exited keeps its last reading)."""
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            if p != pid:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                into[p] = (int(fields[11]) + int(fields[12])) / TICKS
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue


class Sampler(threading.Thread):
    """Peak memory and CPU seconds of this process and everything it started (Playwright's
    driver, Chromium and its renderers)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.peak_pss = 0
        self.running = True
        self.children: dict[int, float] = {}
        self.began = time.process_time()

    def run(self) -> None:
        while self.running:
            rss, pss = tree_rss(os.getpid())
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            tree_cpu(os.getpid(), self.children)
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        return time.process_time() - self.began + sum(self.children.values())


def instrument() -> dict[str, float]:
    """Count seconds spent in navigation and settling (waiting on the page)."""
    waited = {"s": 0.0}
    runner = scan_module._Runner
    for name in ("_load", "settle"):
        original = getattr(runner, name)

        async def timed(self, *a, _original=original, **k):  # type: ignore[no-untyped-def]
            began = time.monotonic()
            try:
                return await _original(self, *a, **k)
            finally:
                waited["s"] += time.monotonic() - began

        setattr(runner, name, timed)
    return waited


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--consent", default="none", choices=["none", "accept", "reject"])
    args = parser.parse_args()
    waited = instrument()
    default = Settings().concurrency
    print(f"{args.pages} pages of https://bench.test/ · default concurrency here: {default}")
    print(
        f"{'concurrency':>11} {'pages':>6} {'seconds':>8} {'pages/min':>10} {'peak PSS':>9}"
        f" {'(sum RSS)':>10} {'waiting':>8} {'CPU s/page':>10}"
    )
    with FixtureServer() as fx:
        for concurrency in args.concurrency:
            settings = fx.settings(
                max_pages=args.pages,
                concurrency=concurrency,
                max_per_template=0,
                max_depth=50,
                consent=args.consent,
            )
            waited["s"] = 0.0
            sampler = Sampler()
            sampler.start()
            began = time.monotonic()
            result = scan_module.scan_site("https://bench.test/", settings)
            elapsed = time.monotonic() - began
            sampler.running = False
            sampler.join()
            cpu = sampler.cpu_seconds()
            page_time = sum(p.elapsed_ms for p in result.pages) / 1000
            print(
                f"{concurrency:>11} {len(result.pages):>6} {elapsed:>8.1f} "
                f"{len(result.pages) / elapsed * 60:>10.0f} {sampler.peak_pss / 2**20:>7.0f}MB "
                f"{sampler.peak / 2**20:>8.0f}MB "
                f"{waited['s'] / page_time:>8.0%} {cpu / len(result.pages):>10.3f}"
            )


if __name__ == "__main__":
    main()
