"""Classification throughput: cookies per second in a batch on one core.

Goal (issue 4; issue 14, item 5): at least 50,000 cookies per second, including the worst
case where every cookie has a name never seen before and the learned model answers it.
Run: ``taskset -c 1 .venv/bin/python bench/classify_bench.py``.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.batch import parse_row  # noqa: E402
from cookiegov.classify import Classifier  # noqa: E402
from cookiegov.models import Classification, CookieInput  # noqa: E402


def timed(
    classifier: Classifier,
    label: str,
    cookies: list[CookieInput],
    note: Callable[[list[Classification]], str] = lambda _: "",
) -> list[Classification]:
    """Classify ``cookies`` in one batch, print its CPU-time rate (and ``note`` of the
    answers, after the timing), return the answers."""
    start = time.process_time()
    results = classifier.classify_many(cookies)
    elapsed = time.process_time() - start
    print(
        f"{label}: {len(cookies):,} cookies in {elapsed:.2f}s: "
        f"{len(cookies) / elapsed:,.0f} cookies/s (one core{note(results)})"
    )
    return results


def main(n: int = 200_000) -> None:
    with (ROOT / "fixtures" / "labelled" / "cookies.csv").open() as f:
        base = [parse_row(row) for row in csv.DictReader(f)]
    random.seed(1)
    cookies = [random.choice(base) for _ in range(n)]
    classifier = Classifier()
    classifier.classify_many(cookies[:1000])  # warm caches
    timed(classifier, "labelled mix", cookies)
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
    timed(classifier, "unknown names", unknown)
    answered = {r.layer for r in classifier.classify_many(unknown[:2000])}
    print(f"  (layers that answered: {', '.join(sorted(answered))})")
    # Names no table knows, recurring as they do across a site's pages and scans: 2,000
    # distinct names in 200,000 cookies, each value new; the model answers every one.
    names = [f"r{i}_{random.choice(['sess', 'pref', 'vid', 'q'])}" for i in range(2000)]
    recurring = [
        CookieInput(
            name=random.choice(names),
            domain="www.a.example",
            site="a.example",
            value=f"{random.getrandbits(64):x}",
            expires_in=random.choice([None, 86400.0, 3e7]),
            http_only=random.random() < 0.5,
        )
        for _ in range(n)
    ]
    results = timed(classifier, "recurring unknown names, model answers", recurring)
    assert {r.layer for r in results} == {"model"}, {r.layer for r in results}
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
    results = timed(classifier, "every name new, model answers", fresh)
    assert {r.layer for r in results} == {"model"}, {r.layer for r in results}
    # The same with names of random letters, so that no two share a pattern of digits.
    letters = "abcdefghijklmnopqrstuvwxyz"
    random_names = [
        CookieInput(
            name="".join(random.choice(letters) for _ in range(random.randint(4, 12)))
            + random.choice(["", "_id", "Sess", "_v2"]),
            domain="www.a.example",
            site="a.example",
            value=f"{random.getrandbits(64):x}",
            expires_in=random.choice([None, 86400.0, 3e7]),
            http_only=random.random() < 0.5,
        )
        for _ in range(n // 4)
    ]
    timed(
        classifier,
        "every name new, random letters",
        random_names,
        lambda results: f"; answered by {', '.join(sorted({r.layer for r in results}))}",
    )


if __name__ == "__main__":
    main()
