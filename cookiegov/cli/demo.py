"""``cookiegov demo``: the bundled demo site, scanned, reported, then served with the banner.

An entry point: it wires the fixture server (from the source checkout), the scan service and
the banner together, as only the entry points may.
"""

from __future__ import annotations

import importlib
import secrets
import sys
import threading
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from cookiegov import report
from cookiegov.errors import ConfigError
from cookiegov.settings import Settings
from cookiegov.storage import open_database

DEMO_SITE = "shop.test"
DEMO_URL = "https://www.shop.test/"
CONSENT_HOST = "consent.shop.test"


def _fixtures() -> Any:
    root = Path(__file__).resolve().parents[2]
    if not (root / "fixtures" / "server.py").exists():
        raise ConfigError("the demo needs a source checkout of cookiegov (fixtures/ is missing)")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module("fixtures.server")


def demo_banner(site_port: int, app_port: int, token: str) -> str:
    """What the demo prints once it serves: where everything is and how to sign in."""
    base = f"http://127.0.0.1:{app_port}"
    return (
        f"\n[bold green]Demo site with the consent banner:[/] http://127.0.0.1:{site_port}/\n"
        f"[bold]Dashboard:[/] {base}/dashboard/  (sign in with the admin token below)\n"
        f"[bold]Admin token:[/] {token}\n"
        f"API: {base}/v1/ (links to the OpenAPI document and docs) · Ctrl-C stops."
    )


def run_demo(settings: Settings, report_path: str, *, serve: bool, console: Console) -> None:
    from werkzeug.serving import make_server

    from banner import create_app
    from cookiegov.services.governance import app_services
    from cookiegov.services.scanning import scan

    fixtures = _fixtures()
    server = fixtures.FixtureServer(loopback_view=True)
    server.start()
    try:
        token = settings.admin_token or secrets.token_urlsafe(24)
        settings = settings.replace(
            admin_token=token,
            browser_args=[*settings.browser_args, server.resolver_rule],
            ignore_https_errors=True,
            sites={
                **settings.sites,
                DEMO_SITE: {
                    "name": "Meridian Assist",
                    "policy_url": "https://www.shop.test/privacy",
                    "revision": 1,
                },
            },
        )
        db = open_database(settings.database_url)
        console.print(f"[bold]Scanning the demo site[/] {DEMO_URL} (fixture server on loopback)")
        result = scan(DEMO_URL, settings, db, site=DEMO_SITE)
        report.print_table(result)
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(report.to_html(result), encoding="utf-8")
        console.print(f"HTML report written to [bold]{escape(str(Path(report_path).resolve()))}[/]")
        if not serve:
            return
        app = create_app(settings, db, app_services(settings, db))
        http = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        server.upstreams[CONSENT_HOST] = f"http://127.0.0.1:{http.server_port}"
        server.banner_script = f"https://{CONSENT_HOST}/v1/sites/{DEMO_SITE}/banner.js"
        console.print(demo_banner(server.http_port, http.server_port, token), highlight=False)
        threading.Event().wait()
    finally:
        server.stop()
