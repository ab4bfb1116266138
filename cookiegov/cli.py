"""The ``cookiegov`` command: a thin layer over the library.

Data goes to stdout, messages and progress to stderr; exit codes: 0 ok, 1 failure,
2 bad input or configuration, 3 not found, 4 storage, 5 browser, 6 scan failed.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cookiegov.errors import CookiegovError, InputError
from cookiegov.settings import Settings, load_settings

err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn library errors into one line on stderr and an exit code; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CookiegovError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        except OSError as exc:
            err.print(f"[bold red]error:[/] {exc.strerror or exc}: {exc.filename or ''}")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--db", "database_url", help="Database URL (default sqlite:///cookiegov.db).")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.version_option(package_name="cookiegov")
@click.pass_context
@friendly
def cli(
    ctx: click.Context, config_file: str | None, database_url: str | None, verbose: int
) -> None:
    """Cookie consent and tracking governance: scan, classify, consent, prove."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = load_settings(config_file, database_url=database_url)


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    settings: Settings = ctx.obj
    return settings.replace(**flags)


# -- scan --------------------------------------------------------------------------------
@cli.command()
@click.argument("url")
@click.option("--max-pages", type=int, help="Page budget (default 20).")
@click.option("--max-depth", type=int, help="Deepest link level to follow.")
@click.option("--concurrency", type=int, help="Pages in parallel (default: CPU count, max 4).")
@click.option(
    "--consent",
    type=click.Choice(["none", "accept", "reject", "gpc"]),
    help="Consent state: answer the banner (accept/reject) or send GPC.",
)
@click.option("--compare", is_flag=True, help="Scan in none, reject, gpc and accept; compare.")
@click.option("--max-per-template", type=int, help="Pages per path template (0: no limit).")
@click.option("--include", "include", multiple=True, help="Only paths matching this glob.")
@click.option("--exclude", "exclude", multiple=True, help="Skip paths matching this glob.")
@click.option("--ignore-robots", is_flag=True, default=None, help="Ignore robots.txt.")
@click.option("--no-sitemap", "no_sitemap", is_flag=True, help="Do not read sitemaps.")
@click.option("--retries", type=int, help="Retries after transient errors (default 1).")
@click.option("--browser-profile", type=click.Choice(["default", "strict"]))
@click.option("--browser-arg", "browser_args", multiple=True, help="Extra Chromium argument.")
@click.option("--ignore-https-errors", is_flag=True, default=None)
@click.option("--page-timeout", type=float, help="Seconds per page.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "html"]), default="table"
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--no-store", is_flag=True, help="Do not save the scan in the database.")
@click.option("--queue", is_flag=True, help="Send the scan to the Celery workers (redis_url).")
@click.option("--wait", is_flag=True, help="With --queue: wait for the worker's result.")
@click.pass_context
@friendly
def scan(
    ctx: click.Context,
    url: str,
    fmt: str,
    output: str | None,
    no_store: bool,
    browser_args: tuple[str, ...],
    compare: bool,
    queue: bool,
    wait: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    no_sitemap: bool,
    **flags: Any,
) -> None:
    """Scan URL's site and print its cookie inventory."""
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import save_scan
    from scanner.scan import check_url, scan_site

    settings = _settings(ctx, **flags)
    if browser_args:
        settings = settings.replace(browser_args=[*settings.browser_args, *browser_args])
    settings = settings.replace(
        include=list(include) or None,
        exclude=list(exclude) or None,
        use_sitemap=False if no_sitemap else None,
    )
    from cookiegov.domains import registrable_domain
    from cookiegov.kb_sources import classifier_for

    check_url(url)
    if queue:
        _enqueue_scan(settings, url, flags, wait)
        return
    db = open_database(settings.database_url)
    classifier = classifier_for(settings, db, registrable_domain(url))
    if compare:
        _compare(url, settings, classifier, db, no_store, fmt, output)
        return
    with Progress(
        TextColumn("[bold]scanning[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=settings.max_pages)

        def advance(page: Any, done: int, total: int) -> None:
            progress.update(task, completed=done, description=page.url[-60:])

        result = scan_site(url, settings, classifier=classifier, progress=advance)
    if not no_store:
        result = save_scan(db, result)
    _emit(result, fmt, output)
    failed = sum(1 for p in result.pages if p.error)
    err.print(
        f"{len(result.cookies)} cookies on {len(result.pages)} pages"
        + (f" ({failed} pages failed)" if failed else "")
        + (f", saved as scan {result.scan_id}" if result.scan_id else "")
    )


def _enqueue_scan(settings: Settings, url: str, flags: dict[str, Any], wait: bool) -> None:
    import json

    from cookiegov.celery_app import enqueue

    overrides = {k: v for k, v in flags.items() if v is not None}
    task = enqueue(settings, url, overrides)
    err.print(f"queued scan of {url} as task {task.id}")
    if wait:
        outcome = task.get(timeout=3600)
        click.echo(json.dumps(outcome))
        if "error" in outcome:
            sys.exit(6)


def _scan_states(url: str, settings: Settings, classifier: Any, db: Any) -> dict[str, Any]:
    """One clean-profile scan per consent state (none, reject, gpc, accept), stored unless
    ``db`` is None, with a status line on stderr while each runs."""
    from cookiegov.storage.scans import save_scan
    from scanner.scan import scan_site

    results = {}
    for state in ("none", "reject", "gpc", "accept"):
        with err.status(f"scanning with consent state [bold]{state}[/]"):
            result = scan_site(url, settings.replace(consent=state), classifier=classifier)
        results[state] = result if db is None else save_scan(db, result)
    return results


def _compare(
    url: str,
    settings: Settings,
    classifier: Any,
    db: Any,
    no_store: bool,
    fmt: str,
    output: str | None,
) -> None:
    import json

    from cookiegov.compare import comparison, comparison_table

    results = _scan_states(url, settings, classifier, None if no_store else db)
    data = comparison(results)
    if fmt == "json" or (output and output.endswith(".json")):
        text = json.dumps(data, indent=2)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            err.print(f"wrote {output}")
        else:
            click.echo(text)
        return
    Console(width=None if sys.stdout.isatty() else 150).print(comparison_table(data))


def _emit(result: Any, fmt: str, output: str | None) -> None:
    from cookiegov import report

    if fmt == "table":
        if output:
            fmt = Path(output).suffix.lstrip(".") if Path(output).suffix else "json"
            if fmt not in report.FORMATS:
                raise InputError(f"cannot tell the format of {output}; pass --format")
        else:
            report.print_table(result)
            return
    text = report.FORMATS[fmt](result)
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        click.echo(text)


# -- governance --------------------------------------------------------------------------
@cli.command()
@click.argument("url")
@click.option("--max-pages", type=int, help="Page budget per state (default 20).")
@click.option("--browser-arg", "browser_args", multiple=True, help="Extra Chromium argument.")
@click.option("--ignore-https-errors", is_flag=True, default=None)
@click.option(
    "--fail-on",
    type=click.Choice(["violations", "warnings"]),
    help="Exit with 7 when there are findings of this level (or worse).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table")
@click.option("--output", "-o", type=click.Path(dir_okay=False))
@click.pass_context
@friendly
def check(
    ctx: click.Context,
    url: str,
    browser_args: tuple[str, ...],
    fail_on: str | None,
    fmt: str,
    output: str | None,
    **flags: Any,
) -> None:
    """Scan URL in the none, reject, gpc and accept states and report violations."""
    import json

    from cookiegov import report as reports
    from cookiegov.compliance import check as run_check
    from cookiegov.domains import registrable_domain
    from cookiegov.kb_sources import classifier_for
    from cookiegov.storage import open_database
    from scanner.scan import check_url

    settings = _settings(ctx, **flags)
    if browser_args:
        settings = settings.replace(browser_args=[*settings.browser_args, *browser_args])
    check_url(url)
    db = open_database(settings.database_url)
    classifier = classifier_for(settings, db, registrable_domain(url))
    results = _scan_states(url, settings, classifier, db)
    result = run_check(results, consent_days=settings.consent_days)
    if fmt == "table" and not output:
        Console(width=None if sys.stdout.isatty() else 150).print(reports.check_table(result))
    else:
        if fmt == "table":
            fmt = "html" if output and output.endswith(".html") else "json"
        text = (
            reports.check_html(result) if fmt == "html" else json.dumps(result.to_dict(), indent=2)
        )
        if output:
            Path(output).write_text(text, encoding="utf-8")
            err.print(f"wrote {output}")
        else:
            click.echo(text)
    if result.failed(fail_on):
        sys.exit(7)


@cli.command()
@click.argument("site")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html")
@click.option("--output", "-o", type=click.Path(dir_okay=False))
@click.pass_context
@friendly
def declaration(ctx: click.Context, site: str, fmt: str, output: str | None) -> None:
    """The cookie declaration of SITE (from its latest scan) as embeddable HTML or JSON."""
    import json

    from cookiegov.declaration import declaration as build
    from cookiegov.declaration import declaration_html
    from cookiegov.errors import NotFoundError
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import baseline_scan

    scan = baseline_scan(open_database(ctx.obj.database_url), site)
    if scan is None:
        raise NotFoundError(f"no stored scan of {site}; run `cookiegov scan` first")
    data = build(scan)
    text = declaration_html(data) if fmt == "html" else json.dumps(data, indent=2)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        click.echo(text)


@cli.command("optout-status")
@click.argument("site")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@friendly
def optout_status(ctx: click.Context, site: str, fmt: str) -> None:
    """Advertising opt-outs of SITE's visitors, and whether each ad vendor honours them."""
    import json

    from rich.table import Table

    from cookiegov.optout import optout_report
    from cookiegov.storage import open_database

    data = optout_report(open_database(ctx.obj.database_url), site)
    series, vendors = data["series"], data["vendors"]
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    out = Console(width=None if sys.stdout.isatty() else 150)
    days = Table(title=f"Advertising refused by {site}'s visitors", header_style="bold")
    for column in ("Day", "Choices", "Refused", "Share", "Banner refused", "GPC refused"):
        days.add_column(column)
    for d in series:
        days.add_row(
            d["day"],
            str(d["choices"]),
            str(d["refused_advertising"]),
            f"{d['share_refused']:.0%}",
            f"{d['by_banner']['refused']}/{d['by_banner']['choices']}",
            f"{d['by_gpc']['refused']}/{d['by_gpc']['choices']}",
        )
    out.print(days)
    table = Table(title="Is the opt-out honoured?", header_style="bold")
    for column in ("Vendor", "Cookies", "After Reject all", "With GPC"):
        table.add_column(column)

    def verdict(v: dict[str, Any]) -> str:
        if v["honoured"] is None:
            return "not scanned"
        if v["honoured"]:
            return "[green]honoured[/]"
        return "[red]not honoured[/]: " + ", ".join(v["cookies"] + v["requests"])

    for v in vendors:
        table.add_row(v["vendor"], ", ".join(v["cookies"]), verdict(v["reject"]), verdict(v["gpc"]))
    out.print(table)


@cli.command("policy-check")
@click.argument("site")
@click.option("--policy", "policy_url", required=True, help="URL of the privacy/cookie policy.")
@click.option("--browser-arg", "browser_args", multiple=True, help="Extra Chromium argument.")
@click.option("--ignore-https-errors", is_flag=True, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@friendly
def policy_check(
    ctx: click.Context,
    site: str,
    policy_url: str,
    browser_args: tuple[str, ...],
    fmt: str,
    **flags: Any,
) -> None:
    """Compare what SITE's policy declares with what its scans found."""
    import json

    from cookiegov.policy import compare, parse_policy
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import latest_scan
    from scanner.fetch import fetch_html

    settings = _settings(ctx, **flags)
    if browser_args:
        settings = settings.replace(browser_args=[*settings.browser_args, *browser_args])
    db = open_database(settings.database_url)
    scans = [s for s in (latest_scan(db, site, st) for st in ("accept", "none")) if s]
    if not scans and latest_scan(db, site) is None:
        from cookiegov.errors import NotFoundError

        raise NotFoundError(f"no stored scan of {site}; run `cookiegov scan` first")
    html = fetch_html(policy_url, settings)
    names = {c.name for s in scans for c in s.cookies}
    result = compare(parse_policy(html, names), scans)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    out = Console(width=None if sys.stdout.isatty() else 150)
    out.print(
        f"[bold]{policy_url}[/] declares {len(result['declared'])} cookies; "
        f"the scans found {len(names)}."
    )
    for title, rows in (
        (
            "Found but not declared",
            [f"{r['name']} ({r['category']})" for r in result["undeclared"]],
        ),
        ("Declared but not found", result["declared_but_absent"]),
        (
            "Category differs",
            [
                f"{m['name']}: policy says {m['declared']}, scan says {m['found']}"
                for m in result["category_mismatches"]
            ],
        ),
        ("Vendors found but not named", result["vendors_not_named"]),
    ):
        out.print(f"\n[bold]{title}[/] ({len(rows)})")
        for row in rows:
            out.print(f"  • {row}", highlight=False)


# -- serve -------------------------------------------------------------------------------
@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--no-scheduler", is_flag=True, help="Do not run scheduled scans here.")
@click.option("--debug", is_flag=True, help="Werkzeug's development server instead of waitress.")
@click.pass_context
@friendly
def serve(ctx: click.Context, no_scheduler: bool, debug: bool, **flags: Any) -> None:
    """Serve the banner script, the preference endpoint and the dashboard; run schedules."""
    run_server(_settings(ctx, **flags), no_scheduler=no_scheduler, debug=debug)


def run_server(settings: Settings, *, no_scheduler: bool, debug: bool) -> None:
    """The body of ``cookiegov serve``: waitress by default, the development server with
    ``--debug``; the scheduler in the background unless ``no_scheduler``."""
    from banner import create_app
    from banner.serving import serve
    from cookiegov.schedules import start_scheduler
    from cookiegov.storage import open_database

    db = open_database(settings.database_url)
    app = create_app(settings, db)
    if not no_scheduler:
        start_scheduler(db, settings, _scan_fn(db), blocking=False)
    server = "development server (--debug)" if debug else "waitress"
    err.print(
        f"cookiegov endpoint on http://{settings.host}:{settings.port}/v1/ ({server}; Ctrl-C stops)"
    )
    serve(app, settings.host, settings.port, debug=debug)


@cli.command()
@click.option("--socket", "socket_path", help="Unix socket to listen on [writer_socket].")
@click.pass_context
@friendly
def writer(ctx: click.Context, socket_path: str | None) -> None:
    """Commit the consent writes of every app process on this machine in shared batches."""
    import signal
    import threading

    from cookiegov.errors import ConfigError
    from cookiegov.storage import open_database
    from cookiegov.storage.writer_service import WriterServer

    path = socket_path or ctx.obj.writer_socket
    if not path:
        raise ConfigError("no socket: pass --socket PATH or set writer_socket")
    from cookiegov.keys import load_keys

    keys = load_keys(ctx.obj.secret_key, ctx.obj.key_file)
    server = WriterServer(open_database(ctx.obj.database_url), path, keys=keys)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    err.print(f"consent writer on {path} (Ctrl-C stops)")
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.serve_forever(stop)
    err.print(
        f"consent writer stopped after {server.records} records in {server.commits} commits"
        f" (largest batch {server.largest_batch})"
    )


# -- demo --------------------------------------------------------------------------------
@cli.command()
@click.option("--report", "report_path", default="out/demo-report.html", show_default=True)
@click.option("--scan-only", is_flag=True, help="Scan and report, then exit (no banner).")
@click.pass_context
@friendly
def demo(ctx: click.Context, report_path: str, scan_only: bool) -> None:
    """Scan the bundled demo site, report, then serve it with the banner."""
    from cookiegov.demo import run_demo

    run_demo(ctx.obj, report_path, serve=not scan_only, console=err)


# -- consents ----------------------------------------------------------------------------
@cli.group()
def consents() -> None:
    """Proof of consent records."""


@consents.command("verify")
@click.argument("site")
@click.option(
    "--proofs",
    "proof_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Checkpoint file (JSON lines) or a visitor's receipt, kept outside the database.",
)
@click.pass_context
@friendly
def consents_verify(ctx: click.Context, site: str, proof_files: tuple[str, ...]) -> None:
    """Check SITE's chain, MACs, purge anchors, checkpoints and receipts: exit 1 on any
    record altered, inserted, removed, forged or truncated away."""
    ok, lines = verify_consents(ctx.obj, site, proof_files)
    for line in lines:
        click.echo(line)
    if not ok:
        sys.exit(1)


def verify_consents(
    settings: Settings, site: str, proof_files: tuple[str, ...] = ()
) -> tuple[bool, list[str]]:
    """The body of ``consents verify``: whether all holds, and the lines to print."""
    from cookiegov.keys import load_keys
    from cookiegov.proofs import load_proofs, verify
    from cookiegov.storage import open_database

    keys = load_keys(settings.secret_key, settings.key_file)
    proofs = [p for path in proof_files for p in load_proofs(path)]
    if settings.checkpoint_file and Path(settings.checkpoint_file).exists():
        proofs += load_proofs(settings.checkpoint_file)
    report = verify(open_database(settings.database_url), site, keys, proofs)
    checked = "hashes, MACs, anchors, checkpoints" if keys else "hashes only: no secret"
    if report.ok:
        return True, [f"{site}: {report.records} records, chain intact ({checked})"]
    return False, [f"{site}: {report.records} records, chain BROKEN ({checked})"] + [
        f"  {problem}" for problem in report.problems
    ]


@consents.command("checkpoint")
@click.argument("sites", nargs=-1)
@click.option("--webhook", help="Also POST the checkpoints to this witness URL.")
@click.pass_context
@friendly
def consents_checkpoint(ctx: click.Context, sites: tuple[str, ...], webhook: str | None) -> None:
    """Sign each site's chain head (default: every site) and append it to checkpoint_file;
    run it on a timer (e.g. every 10 minutes) and keep the file away from the database."""
    for line in checkpoint_consents(ctx.obj, sites, webhook):
        click.echo(line)


def checkpoint_consents(
    settings: Settings, sites: tuple[str, ...], webhook: str | None = None
) -> list[str]:
    from cookiegov.errors import ConfigError
    from cookiegov.keys import load_keys
    from cookiegov.proofs import checkpoint_sites
    from cookiegov.storage import open_database

    keys = load_keys(settings.secret_key, settings.key_file)
    if keys is None:
        raise ConfigError("checkpoints need the secret: run `cookiegov keys init` first")
    made = checkpoint_sites(
        open_database(settings.database_url),
        keys,
        sites or sorted(settings.sites),
        settings.checkpoint_file or None,
        webhook,
    )
    return [f"{c['site']}: record {c['seq']} {c['hash'][:16]}… signed" for c in made]


@consents.command("purge")
@click.argument("site")
@click.option("--days", type=int, help="Keep this many days (default: retention_days).")
@click.pass_context
@friendly
def consents_purge(ctx: click.Context, site: str, days: int | None) -> None:
    """Delete SITE's records older than the retention period; the chain stays verifiable."""
    from datetime import UTC, datetime, timedelta

    from cookiegov.keys import load_keys
    from cookiegov.storage import open_database
    from cookiegov.storage.consents import purge_before

    keep = ctx.obj.retention_days if days is None else days
    if keep < 0:
        raise InputError("--days must not be negative")
    cutoff = (datetime.now(UTC) - timedelta(days=keep)).isoformat(timespec="milliseconds")
    keys = load_keys(ctx.obj.secret_key, ctx.obj.key_file)
    deleted = purge_before(open_database(ctx.obj.database_url), site, cutoff, keys)
    click.echo(f"{site}: deleted {deleted} records older than {keep} days")


# -- admin tokens and keys ---------------------------------------------------------------
@cli.group()
def token() -> None:
    """Admin tokens: per site, or global (the admin role). Stored hashed."""


@token.command("create")
@click.option("--site", help="The site this token may administer (default: every site).")
@click.option("--name", required=True, help="Who or what uses it (shown in `token list`).")
@click.pass_context
@friendly
def token_create(ctx: click.Context, site: str | None, name: str) -> None:
    """Make a random token; it is printed once, to stdout, and never stored."""
    click.echo(create_admin_token(ctx.obj, site, name))


def create_admin_token(settings: Settings, site: str | None, name: str) -> str:
    """The body of ``token create``: the new token (its row is reported on stderr)."""
    from cookiegov.admin_access import create_token
    from cookiegov.storage import open_database

    if site is not None and site not in settings.sites:
        raise InputError(f"unknown site {site!r} (configure [sites.{site!r}] first)")
    row, secret = create_token(open_database(settings.database_url), site, name)
    err.print(f"token {row['id']} ({row['name']}) for {site or 'every site (admin role)'}")
    return secret


@token.command("list")
@click.pass_context
@friendly
def token_list(ctx: click.Context) -> None:
    """Tokens with their id, name, site and state (never the token itself)."""
    for line in admin_token_lines(ctx.obj):
        click.echo(line)


def admin_token_lines(settings: Settings) -> list[str]:
    from cookiegov.admin_access import list_tokens
    from cookiegov.storage import open_database

    return [
        f"{t['id']}\t{t['prefix']}…\t{t['site'] or '*'}\t{t['name']}\t"
        + (f"revoked {t['revoked_at']}" if t["revoked_at"] else f"active since {t['created_at']}")
        for t in list_tokens(open_database(settings.database_url))
    ]


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
@friendly
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke a token; its dashboard sessions end at once."""
    click.echo(revoke_admin_token(ctx.obj, token_id))


def revoke_admin_token(settings: Settings, token_id: int) -> str:
    from cookiegov.admin_access import revoke_token
    from cookiegov.storage import open_database

    row = revoke_token(open_database(settings.database_url), token_id)
    return f"token {row['id']} ({row['name']}) revoked"


@cli.group()
def keys() -> None:
    """The secret that signs checkpoints and receipts and salts hashed addresses."""


@keys.command("init")
@click.pass_context
@friendly
def keys_init(ctx: click.Context) -> None:
    """Write a new random secret to key_file (mode 0600); an existing one is never replaced."""
    click.echo(init_key_file(ctx.obj))


def init_key_file(settings: Settings) -> str:
    from cookiegov.keys import create_key_file, load_keys

    path = create_key_file(settings.key_file)
    found = load_keys("", str(path))
    assert found is not None
    return f"{path}: new secret; public key {found.public_key}"


# -- schedules ---------------------------------------------------------------------------
def _scan_fn(db: Any) -> Any:
    """The scan a schedule runs: in-process, or on a Celery worker with ``queue_scans``."""
    from cookiegov.domains import registrable_domain
    from cookiegov.kb_sources import classifier_for
    from scanner.scan import scan_site

    def queued(url: str, settings: Settings) -> Any:
        from cookiegov.celery_app import enqueue
        from cookiegov.errors import ScanError
        from cookiegov.storage.scans import load_scan

        outcome = enqueue(
            settings, url, {"consent": settings.consent, "max_pages": settings.max_pages}
        ).get(timeout=3600)
        if "error" in outcome:
            raise ScanError(outcome["error"])
        return load_scan(db, outcome["scan_id"])

    def scan(url: str, settings: Settings) -> Any:
        if settings.queue_scans:
            return queued(url, settings)
        return scan_site(
            url, settings, classifier=classifier_for(settings, db, registrable_domain(url))
        )

    return scan


@cli.group()
def schedule() -> None:
    """Scheduled scans with diffs and alerts (run by `cookiegov worker` or `serve`)."""


@schedule.command("add")
@click.argument("url")
@click.option("--cron", required=True, help='Crontab expression, e.g. "0 3 * * 1" (UTC).')
@click.option("--consent", type=click.Choice(["none", "accept", "reject", "gpc"]), default="none")
@click.option("--max-pages", type=int)
@click.option("--webhook", help="POST a JSON alert here (Slack-compatible).")
@click.option("--email", help="E-mail an alert here (SMTP settings).")
@click.pass_context
@friendly
def schedule_add(
    ctx: click.Context,
    url: str,
    cron: str,
    consent: str,
    max_pages: int | None,
    webhook: str | None,
    email: str | None,
) -> None:
    """Scan URL on a cron schedule."""
    from cookiegov.schedules import add_schedule
    from cookiegov.storage import open_database
    from scanner.scan import check_url

    check_url(url)
    s = add_schedule(
        open_database(ctx.obj.database_url),
        url,
        cron,
        consent=consent,
        max_pages=max_pages,
        webhook=webhook,
        email=email,
    )
    click.echo(f"schedule {s.id}: {s.url} at '{s.cron}', next run {s.next_run_at}")


@schedule.command("list")
@click.pass_context
@friendly
def schedule_list(ctx: click.Context) -> None:
    """List schedules."""
    from cookiegov.schedules import list_schedules
    from cookiegov.storage import open_database

    for s in list_schedules(open_database(ctx.obj.database_url)):
        state = "paused" if s.paused else f"next {s.next_run_at}"
        last = f"last scan {s.last_scan_id}" if s.last_scan_id else "never run"
        error = f" · error: {s.last_error}" if s.last_error else ""
        click.echo(f"{s.id:>4}  {s.cron:<16} {s.consent:<7} {state:<34} {last}  {s.url}{error}")


@schedule.command("remove")
@click.argument("schedule_id", type=int)
@click.pass_context
@friendly
def schedule_remove(ctx: click.Context, schedule_id: int) -> None:
    """Delete a schedule."""
    from cookiegov.schedules import remove_schedule
    from cookiegov.storage import open_database

    remove_schedule(open_database(ctx.obj.database_url), schedule_id)
    click.echo(f"removed schedule {schedule_id}")


@schedule.command("pause")
@click.argument("schedule_id", type=int)
@click.pass_context
@friendly
def schedule_pause(ctx: click.Context, schedule_id: int) -> None:
    """Pause a schedule."""
    from cookiegov.schedules import set_paused
    from cookiegov.storage import open_database

    set_paused(open_database(ctx.obj.database_url), schedule_id, True)
    click.echo(f"paused schedule {schedule_id}")


@schedule.command("resume")
@click.argument("schedule_id", type=int)
@click.pass_context
@friendly
def schedule_resume(ctx: click.Context, schedule_id: int) -> None:
    """Resume a paused schedule."""
    from cookiegov.schedules import set_paused
    from cookiegov.storage import open_database

    s = set_paused(open_database(ctx.obj.database_url), schedule_id, False)
    click.echo(f"resumed schedule {schedule_id}, next run {s.next_run_at}")


@schedule.command("run")
@click.argument("schedule_id", type=int)
@click.pass_context
@friendly
def schedule_run(ctx: click.Context, schedule_id: int) -> None:
    """Make a schedule due now (the worker runs it at its next check)."""
    from cookiegov.schedules import make_due
    from cookiegov.storage import open_database

    make_due(open_database(ctx.obj.database_url), schedule_id)
    click.echo(f"schedule {schedule_id} is due")


@cli.command()
@click.option("--once", is_flag=True, help="Run the schedules that are due, then exit.")
@click.option("--celery", is_flag=True, help="Consume queued scans from Redis instead.")
@click.option("--concurrency", type=int, default=1, help="With --celery: scans in parallel.")
@click.pass_context
@friendly
def worker(ctx: click.Context, once: bool, celery: bool, concurrency: int) -> None:
    """Run scheduled scans (diffs, alerts), or with --celery consume queued scan jobs."""
    import json

    from cookiegov.diff import summary_text
    from cookiegov.schedules import run_due, start_scheduler
    from cookiegov.storage import open_database

    if celery:
        from cookiegov.celery_app import run_worker

        run_worker(ctx.obj, concurrency)
        return
    db = open_database(ctx.obj.database_url)
    if once:
        for outcome in run_due(db, ctx.obj, _scan_fn(db)):
            if "error" in outcome:
                err.print(f"[red]schedule {outcome['schedule']} failed:[/] {outcome['error']}")
            elif "diff" in outcome:
                err.print(f"schedule {outcome['schedule']}: {summary_text(outcome['diff'])}")
            else:
                err.print(f"schedule {outcome['schedule']}: first scan {outcome['scan_id']}")
            click.echo(json.dumps(outcome))
        return
    err.print(f"worker checking for due scans every {ctx.obj.worker_interval}s (Ctrl-C stops)")
    start_scheduler(db, ctx.obj, _scan_fn(db), blocking=True)


@cli.command()
@click.argument("old_scan", type=int)
@click.argument("new_scan", type=int)
@click.pass_context
@friendly
def diff(ctx: click.Context, old_scan: int, new_scan: int) -> None:
    """What changed between two stored scans (JSON)."""
    import json

    from cookiegov.diff import diff_scans
    from cookiegov.errors import NotFoundError
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import load_scan

    db = open_database(ctx.obj.database_url)
    old, new = load_scan(db, old_scan), load_scan(db, new_scan)
    if old is None or new is None:
        raise NotFoundError(f"no scan {old_scan if old is None else new_scan}")
    click.echo(json.dumps(diff_scans(old, new), indent=2))


# -- scans and database ------------------------------------------------------------------
@cli.command("scans")
@click.option("--site", help="Only this site (registrable domain).")
@click.pass_context
@friendly
def scans_list(ctx: click.Context, site: str | None) -> None:
    """List stored scans, newest first."""
    from cookiegov.storage import open_database
    from cookiegov.storage.scans import list_scans

    for row in list_scans(open_database(ctx.obj.database_url), site):
        click.echo(
            f"{row['id']:>5}  {row['started_at']}  {row['domain']:<24} {row['consent']:<6} "
            f"{row['page_count']:>4} pages {row['cookie_count']:>4} cookies  {row['url']}"
        )


@cli.command("migrate")
@click.pass_context
@friendly
def migrate(ctx: click.Context) -> None:
    """Create or upgrade the database schema in place."""
    from cookiegov.storage import Database

    db = Database(ctx.obj.database_url)
    before = db.revision()
    db.migrate()
    err.print(f"{db.safe_url}: schema {before or 'empty'} → {db.revision()}")


# -- classification ----------------------------------------------------------------------
@cli.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Default: by suffix.")
@click.option("--site", help="Apply this site's overrides file.")
@click.pass_context
@friendly
def classify(
    ctx: click.Context, input_file: str, output: str | None, fmt: str | None, site: str | None
) -> None:
    """Classify the cookies of INPUT_FILE (CSV or JSON); one output row per input row."""
    from cookiegov.batch import classify_rows, read_rows, write_rows
    from cookiegov.kb_sources import classifier_for
    from cookiegov.storage import open_database

    columns, rows = read_rows(Path(input_file))
    classifier = classifier_for(ctx.obj, open_database(ctx.obj.database_url), site)
    out, bad = classify_rows(classifier, rows)
    fmt = fmt or ("json" if (output or input_file).lower().endswith(".json") else "csv")
    text = write_rows(columns, out, fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        err.print(f"wrote {len(out)} rows to {output}")
    else:
        click.echo(text, nl=False)
    for row in bad:
        err.print(f"[yellow]line {row.line}:[/] {row.message}", highlight=False)
    if bad:
        sys.exit(1)


@cli.group()
def kb() -> None:
    """Knowledge bases: import, list, evaluate."""


@kb.command("import")
@click.argument("kind", type=click.Choice(["open-cookie-database", "csv", "json"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", help="Source name (default: the file name).")
@click.pass_context
@friendly
def kb_import(ctx: click.Context, kind: str, file: str, name: str | None) -> None:
    """Import a cookie database or a site's declared cookies into the local knowledge base."""
    from cookiegov.kb_sources import read_declared, read_open_cookie_database
    from cookiegov.storage import open_database
    from cookiegov.storage.kb import replace_source

    path = Path(file)
    if kind == "open-cookie-database":
        entries, problems = read_open_cookie_database(path)
        source, store_kind = name or "open-cookie-database", "database"
    else:
        entries, problems = read_declared(path, kind)
        source, store_kind = name or path.name, "declared"
    count = replace_source(open_database(ctx.obj.database_url), source, store_kind, entries)
    for problem in problems:
        err.print(f"[yellow]skipped[/] {problem}", highlight=False)
    err.print(f"imported {count} entries as {source!r} ({store_kind})")


@kb.command("sources")
@click.pass_context
@friendly
def kb_sources(ctx: click.Context) -> None:
    """List imported knowledge sources."""
    from cookiegov.knowledge import builtin_cookies, builtin_hosts
    from cookiegov.storage import open_database
    from cookiegov.storage.kb import sources

    click.echo(f"builtin   {len(builtin_cookies()):>6} cookies  {len(builtin_hosts()):>5} hosts")
    for row in sources(open_database(ctx.obj.database_url)):
        click.echo(
            f"{row['source']:<28} {row['kind']:<9} {row['entries']:>6}  {row['imported_at']}"
        )


@kb.command("evaluate")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False))
@click.option("--builtin-only", is_flag=True, help="Ignore imported knowledge.")
@click.pass_context
@friendly
def kb_evaluate(ctx: click.Context, labelled: str, builtin_only: bool) -> None:
    """Accuracy, per-class precision and recall, confusion matrix and errors on LABELLED."""
    from cookiegov.batch import read_rows
    from cookiegov.evaluate import evaluate
    from cookiegov.kb_sources import classifier_for
    from cookiegov.storage import open_database

    _, rows = read_rows(Path(labelled))
    db = None if builtin_only else open_database(ctx.obj.database_url)
    click.echo(evaluate(classifier_for(ctx.obj, db, None), rows).to_text())


def main() -> None:
    cli(prog_name="cookiegov")


if __name__ == "__main__":
    main()
