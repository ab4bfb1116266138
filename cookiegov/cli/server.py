"""``serve``, ``writer`` and ``demo``: the long-running processes."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Any

import click

from cookiegov.cli.common import err, pass_db, settings_of
from cookiegov.errors import ConfigError
from cookiegov.settings import Settings

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default 8000).")
@click.option("--no-scheduler", is_flag=True, help="Do not run scheduled scans here.")
@click.option("--debug", is_flag=True, help="Werkzeug's development server instead of waitress.")
@pass_db
def serve(ctx: click.Context, db: Database, no_scheduler: bool, debug: bool, **flags: Any) -> None:
    """Serve the banner script, the preference endpoint and the dashboard; run schedules."""
    run_server(settings_of(ctx, **flags), db, no_scheduler=no_scheduler, debug=debug)


def run_server(settings: Settings, db: Database, *, no_scheduler: bool, debug: bool) -> None:
    """The body of ``serve``: waitress by default, the development server with ``--debug``;
    the scheduler in the background unless ``no_scheduler``."""
    from banner import create_app
    from banner.serving import serve as serve_app
    from cookiegov.schedules import start_scheduler
    from cookiegov.services.governance import app_services
    from cookiegov.services.scanning import scan_function

    app = create_app(settings, db, app_services(settings, db))
    if not no_scheduler:
        start_scheduler(db, settings, scan_function(db), blocking=False)
    server = "development server (--debug)" if debug else "waitress"
    err.print(
        f"cookiegov endpoint on http://{settings.host}:{settings.port}/v1/ ({server}; Ctrl-C stops)"
    )
    serve_app(app, settings.host, settings.port, debug=debug)


@click.command()
@click.option("--socket", "socket_path", help="Unix socket to listen on [writer_socket].")
@pass_db
def writer(ctx: click.Context, db: Database, socket_path: str | None) -> None:
    """Commit the consent writes of every app process on this machine in shared batches."""
    from cookiegov.storage.writer_service import WriterServer

    path = socket_path or ctx.find_root().obj.writer_socket
    if not path:
        raise ConfigError("no socket: pass --socket PATH or set writer_socket")
    from cookiegov.keys import load_keys

    settings = ctx.find_root().obj
    server = WriterServer(db, path, keys=load_keys(settings.secret_key, settings.key_file))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    err.print(f"consent writer on {path} (Ctrl-C stops)")
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.serve_forever(stop)
    err.print(
        f"consent writer stopped after {server.records} records in {server.commits} commits"
        f" (largest batch {server.largest_batch})"
    )


@click.command()
@click.option(
    "--report",
    "report_path",
    default="out/demo-report.html",
    show_default=True,
    help="Where to write the demo scan's HTML report.",
)
@click.option("--scan-only", is_flag=True, help="Scan and report, then exit (no banner).")
@click.pass_context
def demo(ctx: click.Context, report_path: str, scan_only: bool) -> None:
    """Scan the bundled demo site, report, then serve it with the banner."""
    from cookiegov.cli.demo import run_demo

    run_demo(ctx.find_root().obj, report_path, serve=not scan_only, console=err)
