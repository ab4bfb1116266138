"""``declaration``, ``optout-status``, ``policy-check`` and ``diff``: reports over stored
scans and consent records."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from cookiegov import report
from cookiegov.cli.common import (
    err,
    output_options,
    pass_db,
    scan_options,
    settings_of,
    write_output,
)
from cookiegov.declaration import declaration_html
from cookiegov.errors import NotFoundError

if TYPE_CHECKING:
    from cookiegov.storage import Database

JSON = {"json": lambda data: json.dumps(data, indent=2)}
DECLARATION_FORMATS: dict[str, Any] = {"html": declaration_html, **JSON}
OPTOUT_FORMATS: dict[str, Any] = {"table": report.optout_tables, **JSON}


@click.command()
@click.argument("site")
@output_options(DECLARATION_FORMATS, "html")
@pass_db
def declaration(
    ctx: click.Context, db: Database, site: str, fmt: str | None, output: str | None
) -> None:
    """The cookie declaration of SITE (from its latest scan) as embeddable HTML or JSON."""
    from cookiegov.services import governance

    data = governance.site_declaration(db, site)
    write_output(data, DECLARATION_FORMATS, fmt, output, default="html")


@click.command("optout-status")
@click.argument("site")
@output_options(OPTOUT_FORMATS, "table")
@pass_db
def optout_status(
    ctx: click.Context, db: Database, site: str, fmt: str | None, output: str | None
) -> None:
    """Advertising opt-outs of SITE's visitors, and whether each ad vendor honours them."""
    from cookiegov.services import governance

    data = governance.optout_report(db, ctx.find_root().obj, site)
    write_output(data, OPTOUT_FORMATS, fmt, output, default="table")


@click.command("policy-check")
@click.argument("site")
@click.option("--policy", "policy_url", required=True, help="URL of the privacy/cookie policy.")
@scan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    help="Output format (default table).",
)
@pass_db
def policy_check(
    ctx: click.Context,
    db: Database,
    site: str,
    policy_url: str,
    fmt: str | None,
    **flags: Any,
) -> None:
    """Compare what SITE's policy declares with what its scans found."""
    from cookiegov.services import governance

    settings = settings_of(ctx, **flags)
    result, found = governance.policy_check(db, settings, site, policy_url)
    formats: dict[str, Any] = {
        "table": lambda r: report.policy_text(r, policy_url, found),
        **JSON,
    }
    write_output(result, formats, fmt, None, default="table")


DIFF_FORMATS: dict[str, Any] = {"table": report.diff_table, **JSON}


@click.command()
@click.argument("old_scan", type=int)
@click.argument("new_scan", type=int)
@output_options(DIFF_FORMATS, "table")
@pass_db
def diff(
    ctx: click.Context,
    db: Database,
    old_scan: int,
    new_scan: int,
    fmt: str | None,
    output: str | None,
) -> None:
    """What changed between two stored scans (a table; JSON with --format json)."""
    from cookiegov.compliance import CheckContext
    from cookiegov.diff import diff_scans
    from cookiegov.storage.scans import load_scan

    old, new = load_scan(db, old_scan), load_scan(db, new_scan)
    if old is None or new is None:
        raise NotFoundError(f"no scan {old_scan if old is None else new_scan}")
    ctx_check = CheckContext.from_settings(settings_of(ctx))
    data = diff_scans(old, new, ctx_check)
    for mismatch in ("site_mismatch", "state_mismatch"):
        if data[mismatch]:
            err.print(f"[yellow]warning:[/] {escape(data[mismatch])}", highlight=False)
    write_output(data, DIFF_FORMATS, fmt, output, default="table")
