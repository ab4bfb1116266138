"""The scanner at scale (issue 7).

1. A synthetic site whose sitemap lists 10,000 product URLs (plus 2,000 pages): with template
   sampling the scan stays within its page budget.
2. A 2,000-page full scan (no template sampling): pages per minute and peak memory (PSS of the
   whole process tree, and the sum of RSS) — goal under 1.5 GB.
Run: ``.venv/bin/python bench/scale_bench.py [--pages N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scan_bench import Sampler  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner.scan import scan_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with FixtureServer() as fx:
        base = fx.settings(max_depth=60)
        began = time.monotonic()
        sampled = scan_site("https://big.test/", base.replace(max_pages=60, max_per_template=5))
        elapsed = time.monotonic() - began
        products = [p for p in sampled.pages if "/products/" in p.url]
        print(
            f"sitemap URLs: {sampled.settings['sitemap_urls']:,}; visited {len(sampled.pages)} "
            f"pages ({len(products)} product pages) in {elapsed:.1f}s; skipped by template: "
            f"{sampled.settings['skipped'].get('template', 0):,}"
        )
        sampler = Sampler()
        sampler.start()
        began = time.monotonic()
        full = scan_site(
            "https://big.test/",
            base.replace(max_pages=args.pages, max_per_template=0, use_sitemap=True),
        )
        elapsed = time.monotonic() - began
        sampler.running = False
        sampler.join()
        errors = sum(1 for p in full.pages if p.error)
        print(
            f"full scan: {len(full.pages):,} pages ({errors} errors) in {elapsed:.0f}s = "
            f"{len(full.pages) / elapsed * 60:.0f} pages/min; peak PSS "
            f"{sampler.peak_pss / 2**20:.0f} MB (sum of RSS {sampler.peak / 2**20:.0f} MB); "
            f"{len(full.cookies)} cookies"
        )


if __name__ == "__main__":
    main()
