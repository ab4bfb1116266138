"""Screenshot of the per-service preferences (docs/img/banner-services.png): the plain shop
fixture (tags without consent markup) is scanned with the banner accepting, then the banner's
preferences list the services the scan found under each category.
Run: ``.venv/bin/python bench/services_screenshot.py``.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from banner import create_app  # noqa: E402
from cookiegov.services.scanning import scan  # noqa: E402
from cookiegov.settings import Settings  # noqa: E402
from cookiegov.storage import open_database  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner.browser import find_chromium  # noqa: E402

SITE = "plain-shop.test"


def main() -> None:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    url = "sqlite:///:memory:"
    db = open_database(url)
    settings = Settings(sites={SITE: {"policy_url": f"https://www.{SITE}/privacy"}})
    servers = []
    for _ in range(2):  # the scan's endpoint, then one whose banner is built after the scan
        http = make_server("127.0.0.1", 0, create_app(settings, db), threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        servers.append(http)
    with FixtureServer(
        upstreams={f"consent.{SITE}": f"http://127.0.0.1:{servers[0].server_port}"}
    ) as fx:
        scan_settings = fx.settings(consent="accept")
        scan(f"https://www.{SITE}/", scan_settings, db)
        from banner import vendors

        vendors._cache.clear()  # the banner built for the scan is reused for seconds
        fx.upstreams[f"consent.{SITE}"] = f"http://127.0.0.1:{servers[1].server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=find_chromium(), args=["--no-sandbox", fx.resolver_rule]
            )
            page = browser.new_page(
                ignore_https_errors=True, viewport={"width": 900, "height": 760}
            )
            page.goto(f"https://www.{SITE}/")
            page.get_by_role("button", name="Preferences").click()
            page.get_by_label("Analytics", exact=True).check()
            page.get_by_label("Matomo").uncheck()
            page.wait_for_timeout(300)
            page.locator(".cg-box").screenshot(path=str(out / "banner-services.png"))
            browser.close()
    for http in servers:
        http.shutdown()
    print(out / "banner-services.png")


if __name__ == "__main__":
    main()
