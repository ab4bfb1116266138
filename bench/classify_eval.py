"""Honest evaluation of the classifier (issue 14). Needs ../shared/data and the ml extra.

1. CookieBlock's crawl (cookieblock-dev.csv, 1,090 real cookies of 106 sites, labelled by
   what each site declared): 5-fold SITE-grouped cross-validation.
2. The Open Cookie Database: 5-fold VENDOR-grouped cross-validation on names alone.

Run: ``.venv/bin/python bench/classify_eval.py [--svg docs/img/reliability.svg]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.classification.datasets import Labelled, read_cookieblock  # noqa: E402
from cookiegov.classification.ocd import OcdFact, ocd_facts  # noqa: E402
from cookiegov.evaluate import site_grouped_cv, vendor_grouped_cv  # noqa: E402
from cookiegov.reliability import reliability_svg  # noqa: E402

COOKIEBLOCK = ROOT.parent / "shared" / "data" / "cookieblock-dev.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--svg", type=Path)
    parser.add_argument("--wrong", action="store_true", help="list the wrong answers")
    parser.add_argument("--only", choices=["sites", "vendors"], help="run one of the two")
    args = parser.parse_args()
    sites = read_cookieblock(COOKIEBLOCK)
    facts = list(ocd_facts())
    if args.only != "vendors":
        sites_cv(args, sites, facts)
    if args.only != "sites":
        vendors_cv(args, sites, facts)


def agreement(sites: list[Labelled]) -> tuple[int, float]:
    """How far sites agree with each other: for each cookie whose name other sites also
    declare, is its label the one most of the other sites gave? (rows, share that is)"""
    votes: dict[str, Counter[tuple[str, str]]] = {}
    for s in sites:
        votes.setdefault(s.features.name, Counter())[(s.group, s.label.value)] += 1
    rows = agree = 0
    for s in sites:
        others: Counter[str] = Counter()
        for (site, label), n in votes[s.features.name].items():
            if site != s.group:
                others[label] += n
        if others:
            rows += 1
            agree += max(sorted(others), key=lambda k: others[k]) == s.label.value
    return rows, agree / rows


def sites_cv(args: argparse.Namespace, sites: list[Labelled], facts: list[OcdFact]) -> None:
    rows, share = agreement(sites)
    print(
        f"sites agreeing with each other: of {rows} cookies whose name other sites declare too, "
        f"{share:.1%} carry the label most of those sites gave"
    )
    start = time.perf_counter()
    ev = site_grouped_cv(sites, facts, folds=args.folds, progress=print)
    print(
        f"\n== cookieblock-dev.csv, {args.folds}-fold site-grouped CV "
        f"({time.perf_counter() - start:.0f}s)"
    )
    print(ev.to_text(show_wrong=args.wrong))
    if args.svg:
        args.svg.parent.mkdir(parents=True, exist_ok=True)
        args.svg.write_text(reliability_svg(ev, "cookieblock-dev.csv, site-grouped CV"), "utf-8")


def vendors_cv(args: argparse.Namespace, sites: list[Labelled], facts: list[OcdFact]) -> None:
    start = time.perf_counter()
    v = vendor_grouped_cv(facts, sites, folds=args.folds, progress=print)
    print(
        f"\n== Open Cookie Database, {args.folds}-fold vendor-grouped CV, names only "
        f"({time.perf_counter() - start:.0f}s)"
    )
    for title, e in (
        ("all layers (built-in vendor KB included)", v.full),
        ("learned model alone (trained on the other vendors and cookieblock)", v.model),
        ("learned model alone, trained on the other vendors only", v.strict),
    ):
        print(f"\n-- {title}")
        print(e.to_text(show_wrong=False))


if __name__ == "__main__":
    main()
