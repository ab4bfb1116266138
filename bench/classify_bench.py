"""Classification throughput: cookies per second in a batch on one core.

Goal (issue 4): at least 50,000 cookies per second.
Run: ``.venv/bin/python bench/classify_bench.py``.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.batch import parse_row  # noqa: E402
from cookiegov.classify import Classifier  # noqa: E402
from cookiegov.models import CookieInput  # noqa: E402


def main(n: int = 200_000) -> None:
    with (ROOT / "fixtures" / "labelled" / "cookies.csv").open() as f:
        base = [parse_row(row) for row in csv.DictReader(f)]
    random.seed(1)
    cookies = [random.choice(base) for _ in range(n)]
    classifier = Classifier()
    classifier.classify_many(cookies[:1000])  # warm caches
    start = time.process_time()
    classifier.classify_many(cookies)
    elapsed = time.process_time() - start
    print(f"labelled mix: {n:,} cookies in {elapsed:.2f}s: {n / elapsed:,.0f} cookies/s (one core)")
    # The slow path: names no knowledge base has, decided by attribution and the model.
    unknown = [
        CookieInput(
            name=f"x{i % 5000}_{random.choice(['sess', 'pref', 'vid', 'q'])}",
            domain=random.choice(["www.a.example", "t.b.example"]),
            site="a.example",
            value=f"{random.getrandbits(64):x}",
            expires_in=random.choice([None, 86400.0]),
            third_party=random.random() < 0.3,
        )
        for i in range(n // 4)
    ]
    start = time.process_time()
    classifier.classify_many(unknown)
    elapsed = time.process_time() - start
    print(
        f"unknown names: {len(unknown):,} cookies in {elapsed:.2f}s: "
        f"{len(unknown) / elapsed:,.0f} cookies/s (one core)"
    )
    answered = {r.layer for r in classifier.classify_many(unknown[:2000])}
    print(f"  (layers that answered: {', '.join(sorted(answered))})")
    # The worst case: every name new (no cache helps), every cookie answered by the model.
    fresh = [
        CookieInput(
            name=f"{random.choice(['zz', 'qx', 'vk'])}{i}_{random.choice(['sess', 'pref', 'v'])}",
            domain="www.a.example",
            site="a.example",
            value=f"{random.getrandbits(64):x}",
            expires_in=random.choice([None, 86400.0, 3e7]),
            http_only=random.random() < 0.5,
        )
        for i in range(n // 4)
    ]
    start = time.process_time()
    results = classifier.classify_many(fresh)
    elapsed = time.process_time() - start
    assert {r.layer for r in results} == {"model"}, {r.layer for r in results}
    print(
        f"every name new, model answers: {len(fresh):,} cookies in {elapsed:.2f}s: "
        f"{len(fresh) / elapsed:,.0f} cookies/s (one core)"
    )


if __name__ == "__main__":
    main()
