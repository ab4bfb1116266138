"""Banner size and time-to-visible.

Prints the gzipped size of banner.js + banner.css (budget 7 KB, also enforced by a test), the
size of a typical per-site configuration, and the time from the banner script starting to run
until the banner is painted, measured in Chromium over several page loads (goal: 50 ms).
Run: ``.venv/bin/python bench/banner_bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from banner import create_app  # noqa: E402
from cookiegov.services.scanning import scan as scan_and_classify  # noqa: E402
from cookiegov.settings import Settings  # noqa: E402
from cookiegov.storage import open_database  # noqa: E402
from cookiegov.storage.scans import save_scan  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner.browser import find_chromium  # noqa: E402

STATIC = ROOT / "banner" / "static"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    js, css = (STATIC / "banner.js").read_bytes(), (STATIC / "banner.css").read_bytes()
    print(f"banner.js   {len(js):>6} bytes, {gz(js):>5} gzipped")
    print(f"banner.css  {len(css):>6} bytes, {gz(css):>5} gzipped")
    print(f"together    {len(js) + len(css):>6} bytes, {gz(js + css):>5} gzipped (budget 7168)")
    db = open_database("sqlite:///:memory:")
    settings = Settings(sites={"shop.test": {}})
    with FixtureServer() as fx:
        scan = scan_and_classify(
            "https://www.shop.test/",
            settings.replace(
                browser_args=[fx.resolver_rule], ignore_https_errors=True, max_pages=10
            ),
        )
        save_scan(db, scan)
        app = create_app(settings, db)
        served = app.test_client().get("/v1/sites/shop.test/banner.js").data
        config = served.split(b"\n", 1)[0]
        print(
            f"config of the demo site ({len(scan.cookies)} cookies): {len(config)} bytes, "
            f"{gz(config)} gzipped; served script {gz(served)} gzipped"
        )
        http = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        fx.upstreams["consent.shop.test"] = f"http://127.0.0.1:{http.server_port}"
        fx.banner_script = "https://consent.shop.test/v1/sites/shop.test/banner.js"
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=find_chromium(), args=["--no-sandbox", fx.resolver_rule]
            )
            for _ in range(args.runs):
                context = browser.new_context(ignore_https_errors=True)
                page = context.new_page()
                page.goto("https://www.shop.test/")
                page.wait_for_function("() => window.cookiegov && cookiegov.timing.visible")
                t = page.evaluate("() => cookiegov.timing.visible - cookiegov.timing.start")
                times.append(t)
                context.close()
            browser.close()
        http.shutdown()
    times.sort()
    print(
        f"time to visible over {len(times)} loads: median {statistics.median(times):.1f} ms, "
        f"max {times[-1]:.1f} ms (goal 50 ms)"
    )


if __name__ == "__main__":
    main()
