"""Regenerate the README screenshots: the demo report and the banner on the demo site."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from banner import create_app  # noqa: E402
from cookiegov.report import to_html  # noqa: E402
from cookiegov.settings import Settings  # noqa: E402
from cookiegov.storage import open_database  # noqa: E402
from cookiegov.storage.scans import save_scan  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner.browser import find_chromium  # noqa: E402
from scanner.scan import scan_site  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    db = open_database("sqlite:///:memory:")
    with FixtureServer() as fx:
        settings = Settings(
            browser_args=[fx.resolver_rule],
            ignore_https_errors=True,
            max_pages=12,
            sites={"shop.test": {"policy_url": "https://www.shop.test/privacy"}},
        )
        result = save_scan(db, scan_site("https://www.shop.test/", settings))
        report = out / "report.html"
        report.write_text(to_html(result))
        http = make_server("127.0.0.1", 0, create_app(settings, db), threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        fx.upstreams["consent.shop.test"] = f"http://127.0.0.1:{http.server_port}"
        fx.banner_script = "https://consent.shop.test/v1/sites/shop.test/banner.js"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=find_chromium(), args=["--no-sandbox", fx.resolver_rule]
            )
            page = browser.new_page(
                ignore_https_errors=True, viewport={"width": 1100, "height": 760}
            )
            page.goto(report.as_uri())
            page.screenshot(path=str(out / "report.png"), full_page=False)
            page.goto("https://www.shop.test/")
            page.get_by_role("button", name="Preferences").click()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "banner.png"))
            browser.close()
        report.unlink()
        http.shutdown()


if __name__ == "__main__":
    main()
