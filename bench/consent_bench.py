"""Consent managers of the test bed answered by the scanner: right, verified, how long.

For every shop behind a real consent manager (npm packages served on loopback) and each
state, one clean scan of the home page: "right" means a refusal left no analytics or
advertising cookie and an acceptance found the shop's trackers; "verified" is the scanner's
own claim (the handler's check held and the consent state was written). Run with the whole
engine (autoconsent's rules first) and with the generic handler alone (``--generic``).
Run: ``.venv/bin/python bench/consent_bench.py [--generic] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.models import Category  # noqa: E402
from cookiegov.services.scanning import scan as scan_site  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner import cmps  # noqa: E402

SHOPS = {
    "www.vanilla-shop.test": "vanilla-cookieconsent 3 (en)",
    "www.cc2-shop.test": "CookieConsent 2 (it)",
    "www.klaro-shop.test": "Klaro (de)",
    "www.tarte-shop.test": "tarteaucitron (fr)",
    "www.osano-shop.test": "Osano cookieconsent (en)",
    "www.boulangerie.test": "look-alike, plain markup (fr)",
    "www.velo-shop.test": "look-alike, shadow root (de)",
    "www.layers-shop.test": "vanilla-cookieconsent 3, no refusal (en)",
}
TRACKING = {Category.ANALYTICS, Category.ADVERTISING}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generic", action="store_true", help="the generic handler alone")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.generic:
        cmps.handlers()
        del cmps.REGISTRY["autoconsent"]
    print(
        f"{'manager':<42} {'state':<7} {'handler':<12} {'found as':<20} {'right':<6} "
        f"{'verified':<9} {'answer s':>8} {'scan s':>7}"
    )
    with FixtureServer() as fx:
        for shop, label in SHOPS.items():
            for state in ("reject", "accept"):
                answers, scans, right, verified, evidence = [], [], True, True, {}
                for _ in range(args.rounds):
                    settings = fx.settings(
                        max_pages=1,
                        concurrency=1,
                        use_sitemap=False,
                        consent=state,
                    )
                    began = time.monotonic()
                    result = scan_site(f"https://{shop}/", settings)
                    scans.append(time.monotonic() - began)
                    evidence = result.evidence[0]
                    answers.append(evidence["seconds"])
                    tracking = {c.name for c in result.cookies if c.category in TRACKING}
                    right = right and (bool(tracking) == (state == "accept"))
                    verified = verified and bool(evidence["verified"])
                print(
                    f"{label:<42} {state:<7} {evidence['method']:<12} "
                    f"{str(evidence['cmp'])[:20]:<20} {'yes' if right else 'NO':<6} "
                    f"{'yes' if verified else 'no':<9} {statistics.median(answers):>8.2f} "
                    f"{statistics.median(scans):>7.1f}"
                )


if __name__ == "__main__":
    main()
