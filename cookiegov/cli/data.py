"""``scans``, ``migrate``, ``classify`` and ``kb …``: the database and the classifier."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cookiegov import report
from cookiegov.cli.common import err, pass_db

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


@click.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    help="Output format (default: from the --output or input file's extension).",
)
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
      path, value, same_site, set_by   used by the heuristics when present
    Every input column is kept; category, vendor, confidence and reason are added.
    """
    from cookiegov.batch import classify_rows, read_rows, write_rows
    from cookiegov.kb_sources import classifier_for

    columns, rows = read_rows(Path(input_file))
    classifier = classifier_for(ctx.find_root().obj, db, site)
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


@click.group()
def kb() -> None:
    """Knowledge bases: import, list, evaluate."""


@kb.command("import")
@click.argument("kind", type=click.Choice(["open-cookie-database", "csv", "json"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", help="Source name (default: the file name).")
@pass_db
def kb_import(ctx: click.Context, db: Database, kind: str, file: str, name: str | None) -> None:
    """Import a cookie database or a site's declared cookies into the local knowledge base."""
    from cookiegov.kb_sources import read_declared, read_open_cookie_database
    from cookiegov.storage.kb import replace_source

    path = Path(file)
    if kind == "open-cookie-database":
        entries, problems = read_open_cookie_database(path)
        source, store_kind = name or "open-cookie-database", "database"
    else:
        entries, problems = read_declared(path, kind)
        source, store_kind = name or path.name, "declared"
    count = replace_source(db, source, store_kind, entries)
    for problem in problems:
        err.print(f"[yellow]skipped[/] {problem}", highlight=False)
    err.print(f"imported {count} entries as {source!r} ({store_kind})")


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
        )


@kb.command("evaluate")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False))
@click.option("--builtin-only", is_flag=True, help="Ignore imported knowledge.")
@click.pass_context
def kb_evaluate(ctx: click.Context, labelled: str, builtin_only: bool) -> None:
    """Accuracy, per-class precision and recall, confusion matrix and errors on LABELLED."""
    from cookiegov.batch import read_rows
    from cookiegov.cli.common import database_of
    from cookiegov.evaluate import evaluate
    from cookiegov.kb_sources import classifier_for

    _, rows = read_rows(Path(labelled))
    db = None if builtin_only else database_of(ctx)
    click.echo(evaluate(classifier_for(ctx.find_root().obj, db, None), rows).to_text())
