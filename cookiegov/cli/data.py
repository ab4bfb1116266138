"""``scans``, ``migrate``, ``classify`` and ``kb …``: the database and the classifier."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from cookiegov import report
from cookiegov.cli.common import err, output_options, pass_db, write_output
from cookiegov.errors import InputError

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.command("scans")
@click.option("--site", help="Only this site (registrable domain).")
@pass_db
def scans_list(ctx: click.Context, db: Database, site: str | None) -> None:
    """List stored scans, newest first."""
    from cookiegov.services.governance import require_site
    from cookiegov.storage.scans import list_scans

    if site:
        require_site(db, ctx.find_root().obj, site)
    click.echo(report.scans_text(list_scans(db, site)), nl=False)


@click.command("migrate")
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create or upgrade the database schema in place."""
    from cookiegov.storage import Database

    db = Database(ctx.find_root().obj.database_url)
    before = db.revision()
    db.migrate()
    err.print(f"{db.safe_url}: schema {before or 'empty'} → {db.revision()}")


def _rows_renderer(fmt: str) -> Any:
    def render(data: tuple[list[str], list[dict[str, Any]]]) -> str:
        from cookiegov.batch import write_rows

        return write_rows(*data, fmt)

    return render


CLASSIFY_FORMATS: dict[str, Any] = {"csv": _rows_renderer("csv"), "json": _rows_renderer("json")}


@click.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False))
@output_options(CLASSIFY_FORMATS, "csv", default_text="the input file's format")
@click.option("--site", help="Apply this site's overrides file.")
@pass_db
def classify(
    ctx: click.Context,
    db: Database,
    input_file: str,
    output: str | None,
    fmt: str | None,
    site: str | None,
) -> None:
    """Classify the cookies of INPUT_FILE (CSV or JSON); one output row per input row.

    \b
    Columns (CSV header or JSON keys); name and domain are required:
      name, domain               the cookie and the domain it is set for
      site                       the site it was seen on (makes third_party known)
      expires_in                 lifetime in seconds (empty or -1: session)
      session, http_only, secure true/false
      path, value, same_site, set_by   used by the learned model when present
      consent_manager            the site's consent manager (Cookiebot, OneTrust, ...):
                                 what sites of that manager declare answers first
    CookieBlock's crawl columns (first_party_domain, expiry_seconds, httpOnly,
    sameSite, cmp_origin) are read as the same.
    Every input column is kept (one named category, vendor, confidence, needs_review
    or reason as input_<name>); category, vendor, confidence, needs_review and reason
    are added. Rows that cannot be read are written with the reason and listed on
    stderr; the exit code is then 2 (bad input).
    """
    from cookiegov.batch import classify_rows, read_rows
    from cookiegov.cookie_files import file_format
    from cookiegov.kb_sources import classifier_for

    path = Path(input_file)
    columns, rows = read_rows(path)
    classifier = classifier_for(ctx.find_root().obj, db, site)
    out, bad = classify_rows(classifier, rows)
    write_output((columns, out), CLASSIFY_FORMATS, fmt, output, default=file_format(path))
    for row in bad:
        err.print(f"[yellow]line {row.line}:[/] {escape(row.message)}", highlight=False)
    if bad:
        sys.exit(2)


@click.group()
def kb() -> None:
    """Knowledge bases: import, list, evaluate."""


@kb.command("import")
@click.argument("kind", type=click.Choice(["open-cookie-database", "csv", "json"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", help="Source name (default: the file name).")
@click.option(
    "--site",
    help="The site whose declared cookies these are (csv|json): they answer for it only. "
    "Without it they answer for every site.",
)
@pass_db
def kb_import(
    ctx: click.Context, db: Database, kind: str, file: str, name: str | None, site: str | None
) -> None:
    """Import a cookie database or a site's declared cookies into the local knowledge base."""
    from cookiegov.kb_sources import read_declared, read_open_cookie_database
    from cookiegov.services.governance import require_site
    from cookiegov.storage.kb import replace_source

    path = Path(file)
    if kind == "open-cookie-database":
        if site:
            raise InputError("--site is for a site's declared cookies (csv or json)")
        entries, problems = read_open_cookie_database(path)
        source, store_kind = name or "open-cookie-database", "database"
    else:
        if site:
            require_site(db, ctx.find_root().obj, site)
        entries, problems = read_declared(path, kind)
        source, store_kind = name or (f"{site}:{path.name}" if site else path.name), "declared"
    count = replace_source(db, source, store_kind, entries, site)
    for problem in problems:
        err.print(f"[yellow]skipped[/] {escape(problem)}", highlight=False)
    scope = f" for {site}" if site else ""
    err.print(f"imported {count} entries as {escape(repr(source))} ({store_kind}{scope})")


@kb.command("sources")
@pass_db
def kb_sources(ctx: click.Context, db: Database) -> None:
    """List imported knowledge sources."""
    from cookiegov.knowledge import builtin_cookies, builtin_hosts
    from cookiegov.storage.kb import sources

    click.echo(f"builtin   {len(builtin_cookies()):>6} cookies  {len(builtin_hosts()):>5} hosts")
    for row in sources(db):
        click.echo(
            f"{row['source']:<28} {row['kind']:<9} {row['entries']:>6}  {row['imported_at']}"
            f"  {row['site'] or 'every site'}"
        )


@kb.command("evaluate")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False))
@click.option("--builtin-only", is_flag=True, help="Ignore imported knowledge.")
@click.option(
    "--cv",
    type=click.Choice(["sites", "vendors"]),
    help="Grouped cross-validation: LABELLED is CookieBlock's crawl CSV (sites) or the "
    "Open Cookie Database CSV (vendors); the model is retrained in every fold.",
)
@click.option(
    "--folds",
    type=click.IntRange(2, 20),
    default=5,
    show_default=True,
    help="Number of cross-validation folds (with --cv).",
)
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(exists=True, dir_okay=False),
    help="With --cv vendors: CookieBlock's crawl CSV to train on as well.",
)
@click.pass_context
def kb_evaluate(
    ctx: click.Context,
    labelled: str,
    builtin_only: bool,
    cv: str | None,
    folds: int,
    sites_file: str | None,
) -> None:
    """Accuracy, per-class precision and recall, confusion matrix and errors on LABELLED."""
    from cookiegov.batch import read_rows
    from cookiegov.cli.common import database_of
    from cookiegov.evaluate import cross_validate, evaluate
    from cookiegov.kb_sources import classifier_for

    if cv:
        progress = functools.partial(click.echo, err=True)
        click.echo(cross_validate(cv, Path(labelled), folds, sites_file, progress))
        return
    columns, rows = read_rows(Path(labelled))
    if "cmp_origin" in columns or "label_name" in columns:
        err.print(
            "note: the shipped site table was built from CookieBlock's crawl "
            "(cookieblock-dev.csv); on those sites this measures agreement with the training "
            "data. For sites never seen: --cv sites.",
            highlight=False,
            soft_wrap=True,
        )
    db = None if builtin_only else database_of(ctx)
    ev = evaluate(classifier_for(ctx.find_root().obj, db, None), rows)
    if not ev.total:
        raise InputError(
            f"{labelled}: no row could be judged (a label column - label, category or "
            "label_name - with one of necessary, functional, analytics, advertising is needed)"
            + (f"; first problem: {ev.skipped[0]}" if ev.skipped else "")
        )
    click.echo(ev.to_text())
