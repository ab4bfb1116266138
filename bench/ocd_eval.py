"""What importing the Open Cookie Database adds (issue 4). Needs ../shared/data.

1. Our labelled set (fixtures/labelled/cookies.csv): built-in only vs built-in + OCD import.
2. The OCD itself as cookies we have never seen: its 4-class labels against the built-in
   classifier (names only, no values or setters: the hardest case), and with the OCD imported
   by 2-fold cross-validation (import one half, evaluate on the other) so no row is judged by
   its own entry.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.batch import read_rows  # noqa: E402
from cookiegov.classify import Classifier  # noqa: E402
from cookiegov.evaluate import evaluate  # noqa: E402
from cookiegov.kb_sources import read_open_cookie_database  # noqa: E402
from cookiegov.knowledge import KnownCookie  # noqa: E402

OCD = ROOT.parent / "shared" / "data" / "open-cookie-database-2023-11-13.csv"


def ocd_rows(entries: list[KnownCookie]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for i, e in enumerate(entries, start=2):
        name = e.pattern.rstrip("*") + ("x1" if e.pattern.endswith("*") else "")
        rows.append(
            (
                i,
                {
                    "name": name,
                    "domain": "www.site.example",
                    "site": "site.example",
                    "category": e.category.value,
                },
            )
        )
    return rows


def main() -> dict[str, float]:
    entries, _ = read_open_cookie_database(OCD)
    labelled = read_rows(ROOT / "fixtures" / "labelled" / "cookies.csv")[1]
    builtin = Classifier()
    with_ocd = Classifier(imported=entries)
    figures = {
        "ocd_entries": float(len(entries)),
        "labelled_builtin": evaluate(builtin, labelled).accuracy,
        "labelled_with_ocd": evaluate(with_ocd, labelled).accuracy,
    }
    rows = ocd_rows(entries)
    ev = evaluate(builtin, rows)
    figures["ocd_builtin_accuracy"] = ev.accuracy
    figures["ocd_builtin_balanced"] = ev.balanced_accuracy
    unknown = sum(r.get("unknown", 0) for r in ev.confusion.values())
    figures["ocd_builtin_answered"] = 1 - unknown / ev.total
    answered = ev.total - unknown
    figures["ocd_builtin_accuracy_when_answered"] = ev.correct / answered if answered else 0.0
    random.seed(42)
    order = list(range(len(entries)))
    random.shuffle(order)
    halves = [order[: len(order) // 2], order[len(order) // 2 :]]
    correct = total = 0
    for train, test in (halves, halves[::-1]):
        fold = Classifier(imported=[entries[i] for i in train])
        fold_ev = evaluate(fold, [rows[i] for i in test])
        correct += fold_ev.correct
        total += fold_ev.total
    figures["ocd_cross_validated_with_import"] = correct / total
    for key, value in figures.items():
        print(f"{key:<38} {value:.3f}" if value <= 1 else f"{key:<38} {value:.0f}")
    return figures


if __name__ == "__main__":
    main()
