"""Regenerate the README screenshots: the scan report, the banner, the compliance report and
the dashboard, all from the demo site on loopback."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from banner import create_app  # noqa: E402
from cookiegov.compliance import check  # noqa: E402
from cookiegov.report import check_html, to_html  # noqa: E402
from cookiegov.services.scanning import scan, scan_states  # noqa: E402
from cookiegov.storage import open_database  # noqa: E402
from cookiegov.storage.consents import ConsentInput, append_consent  # noqa: E402
from cookiegov.storage.scans import save_scan  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from scanner.browser import find_chromium  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    db = open_database("sqlite:///:memory:")
    with FixtureServer() as fx:
        settings = fx.settings(
            max_pages=12,
            sites={"shop.test": {"policy_url": "https://www.shop.test/privacy"}},
        )
        result = save_scan(db, scan("https://www.shop.test/", settings))
        # Compliance report and dashboard of the site as it was before the banner.
        results = {
            k: save_scan(db, v)
            for k, v in scan_states("https://www.shop.test/", settings.replace(max_pages=6)).items()
        }
        for i, (analytics, ads) in enumerate(
            [
                (True, True),
                (True, False),
                (False, False),
                (True, False),
                (False, False),
                (True, True),
                (True, False),
                (False, False),
                (True, True),
            ]
        ):
            append_consent(
                db,
                "shop.test",
                ConsentInput(
                    f"visitor-demo-{i:06d}",
                    {"analytics": analytics, "advertising": ads, "functional": analytics},
                    1,
                    "banner",
                    i == 4,
                ),
            )
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
            check_page = out / "check.html"
            check_page.write_text(check_html(check(results)))
            page.goto(check_page.as_uri())
            page.screenshot(path=str(out / "check.png"))
            check_page.unlink()
            dash_app = create_app(settings.replace(admin_token="demo"), db)
            dash = make_server("127.0.0.1", 0, dash_app, threaded=True)
            threading.Thread(target=dash.serve_forever, daemon=True).start()
            plain = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = plain.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://localhost:{dash.server_port}/dashboard/login")
            page.get_by_label("Admin token").fill("demo")
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"http://localhost:{dash.server_port}/dashboard/sites/shop.test")
            page.frame_locator("iframe.preview").locator(".cg-root").wait_for()
            page.set_viewport_size({"width": 1280, "height": 1000})
            page.screenshot(path=str(out / "dashboard.png"))
            plain.close()
            dash.shutdown()
            browser.close()
        report.unlink()
        http.shutdown()


if __name__ == "__main__":
    main()
