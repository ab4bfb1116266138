"""``scan`` and ``check``: scans in one or several consent states."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cookiegov import report
from cookiegov.cli.common import (
    CONSENT_CHOICE,
    budget_options,
    err,
    output_options,
    pass_db,
    scan_options,
    settings_of,
    write_output,
)
from cookiegov.compare import comparison
from cookiegov.errors import InputError
from cookiegov.evidence import CheckRun, evidence_html
from cookiegov.models import COMPARE_ORDER, ConsentState
from cookiegov.services import reports
from cookiegov.settings import Settings

if TYPE_CHECKING:
    from cookiegov.storage import Database

SCAN_FORMATS: dict[str, Any] = {"table": report.inventory_table, **report.FORMATS}
COMPARE_FORMATS: dict[str, Any] = {
    "table": lambda results: report.comparison_table(comparison(results)),
    "json": lambda results: report.comparison_json(comparison(results)),
    "csv": lambda results: report.comparison_csv(comparison(results)),
    "html": lambda results: report.comparison_html(comparison(results)),
}
CHECK_FORMATS: dict[str, Any] = {
    "table": lambda run: report.check_table(run.report),
    "json": lambda run: json.dumps(run.report.to_dict(), indent=2),
    "html": lambda run: evidence_html(run.results, run.report),
    "pdf": lambda run: reports.evidence_pdf(run),
}


class StateProgress:
    """Progress of a scan in several consent states, on stderr: a bar per state with the
    current page on a terminal; one line per state otherwise (logs, CI, cron)."""

    def __init__(
        self, states: tuple[ConsentState, ...] = COMPARE_ORDER, console: Console = err
    ) -> None:
        self.states = states
        self.console = console
        self.live = console.is_terminal
        self.progress = Progress(
            TextColumn("[bold]{task.fields[state]:<7}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=False,
        )
        self.started = 0.0
        self.pages = 0

    def __enter__(self) -> StateProgress:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live:
            self.progress.stop()

    @contextlib.contextmanager
    def state(self, state: ConsentState) -> Iterator[None]:
        self.started, self.pages = time.monotonic(), 0
        number = f"[{self.states.index(state) + 1}/{len(self.states)}]"
        task = self.progress.add_task("", state=str(state), total=None) if self.live else None
        self._task = task
        yield
        seconds = time.monotonic() - self.started
        if task is not None:
            self.progress.update(task, description=f"done in {seconds:.1f} s")
        else:
            self.console.print(
                f"{number} consent state {state}: {self.pages} pages in {seconds:.1f} s",
                highlight=False,
            )

    def pages_of(self, state: ConsentState) -> Any:
        def advance(page: Any, done: int, total: int) -> None:
            self.pages = done
            if self._task is not None:
                self.progress.update(
                    self._task, completed=done, total=total, description=escape(page.url[-60:])
                )

        return advance


@click.command()
@click.argument("url")
@budget_options
@click.option("--max-depth", type=click.IntRange(min=0), help="Deepest link level to follow.")
@click.option(
    "--consent",
    type=CONSENT_CHOICE,
    help="Consent state: answer the banner (accept/reject) or send GPC.",
)
@click.option("--compare", is_flag=True, help="Scan in none, reject, gpc and accept; compare.")
@click.option(
    "--max-per-template",
    type=click.IntRange(min=0),
    help="Pages per path template (0: no limit).",
)
@click.option("--include", "include", multiple=True, help="Only paths matching this glob.")
@click.option("--exclude", "exclude", multiple=True, help="Skip paths matching this glob.")
@click.option("--ignore-robots", is_flag=True, default=None, help="Ignore robots.txt.")
@click.option("--no-sitemap", "no_sitemap", is_flag=True, help="Do not read sitemaps.")
@click.option(
    "--retries", type=click.IntRange(min=0), help="Retries after transient errors (default 1)."
)
@click.option(
    "--browser-profile",
    type=click.Choice(["default", "strict"]),
    help="default: third-party cookies allowed (desktop Chrome); strict: blocked.",
)
@scan_options
@click.option(
    "--page-timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds one page may take, load and settle included (default 20).",
)
@click.option(
    "--site",
    help="File the results under this site (e.g. example.com) instead of the URL's domain:"
    " for scans of a local copy such as http://127.0.0.1:8080/.",
)
@output_options(SCAN_FORMATS, "table")
@click.option("--no-store", is_flag=True, help="Do not save the scan in the database.")
@click.option("--queue", is_flag=True, help="Send the scan to the Celery workers (redis_url).")
@click.option("--wait", is_flag=True, help="With --queue: wait for the worker's result.")
@pass_db
def scan(
    ctx: click.Context,
    db: Database,
    url: str,
    fmt: str | None,
    output: str | None,
    no_store: bool,
    compare: bool,
    queue: bool,
    wait: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    no_sitemap: bool,
    site: str | None,
    **flags: Any,
) -> None:
    """Scan URL's site and print its cookie inventory."""
    from cookiegov.services import scanning
    from scanner.scan import check_url

    given = {
        **flags,
        "include": list(include) or None,
        "exclude": list(exclude) or None,
        "use_sitemap": False if no_sitemap else None,
    }
    settings = settings_of(ctx, **given)
    check_url(url)
    scanning.check_budgets(settings)
    if wait and not queue:
        raise InputError("--wait goes with --queue")
    if queue and (no_store or output or fmt):
        raise InputError(
            "a queued scan is stored by the worker: --no-store, --format and --output do not"
            " apply (--wait prints its summary)"
        )
    if queue and site:
        raise InputError("--site is not sent to queued scans; scan without --queue")
    if queue:
        overrides = {k: list(v) if isinstance(v, tuple) else v for k, v in given.items()}
        _enqueue(
            settings, url, {k: v for k, v in overrides.items() if v is not None}, compare, wait
        )
        return
    if compare:
        with StateProgress() as shown:
            results = scanning.scan_states(
                url,
                settings,
                db,
                store=not no_store,
                on_state=shown.state,
                progress=shown.pages_of,
                site=site,
            )
        write_output(results, COMPARE_FORMATS, fmt, output, default="table")
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
            progress.update(task, completed=done, description=escape(page.url[-60:]))

        result = scanning.scan(url, settings, db, store=not no_store, progress=advance, site=site)
    write_output(result, SCAN_FORMATS, fmt, output, default="table")
    failed = sum(1 for p in result.pages if p.error)
    err.print(
        f"{len(result.cookies)} cookies on {len(result.pages)} pages"
        + (f" ({failed} pages failed)" if failed else "")
        + (f", saved as scan {result.scan_id}" if result.scan_id else "")
    )


def _enqueue(
    settings: Settings, url: str, overrides: dict[str, Any], compare: bool, wait: bool
) -> None:
    """Send the scan with the options given on the command line (the worker's own settings
    fill in the rest; --browser-arg adds to its Chromium arguments)."""
    from cookiegov.services import queue

    states = [str(s) for s in COMPARE_ORDER] if compare else None
    task = queue.enqueue(settings, url, overrides, states)
    err.print(f"queued scan of {escape(url)} as task {task.id}")
    if wait:
        outcome = task.get(timeout=3600)
        click.echo(json.dumps(outcome))
        if "error" in outcome:
            sys.exit(6)


@click.command()
@click.argument("url")
@budget_options
@scan_options
@click.option(
    "--fail-on",
    type=click.Choice(["violations", "warnings"]),
    help="Exit with 7 when there are findings of this level (or worse).",
)
@click.option(
    "--site",
    help="File the results under this site (e.g. example.com) instead of the URL's domain:"
    " for scans of a local copy such as http://127.0.0.1:8080/.",
)
@output_options(CHECK_FORMATS, "table")
@pass_db
def check(
    ctx: click.Context,
    db: Database,
    url: str,
    fail_on: str | None,
    fmt: str | None,
    output: str | None,
    site: str | None,
    **flags: Any,
) -> None:
    """Scan URL in the none, reject, gpc and accept states and report violations.

    --format html (or pdf) writes the evidence report: per state the banner screenshots, what
    was clicked, cookies, storage, requests and beacons; the findings with their legal basis.
    """
    from cookiegov.services import governance, scanning

    settings = settings_of(ctx, **flags)
    with StateProgress() as shown:
        results = scanning.scan_states(
            url, settings, db, on_state=shown.state, progress=shown.pages_of, site=site
        )
    result = governance.run_check(results, settings)
    write_output(CheckRun(results, result, settings), CHECK_FORMATS, fmt, output, default="table")
    if result.failed(fail_on):
        sys.exit(7)
