"""``consents verify`` and ``consents purge``: the proof-of-consent chains."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from cookiegov.cli.common import pass_db
from cookiegov.errors import InputError

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.group()
def consents() -> None:
    """Proof of consent records."""


@consents.command("verify")
@click.argument("site")
@pass_db
def consents_verify(ctx: click.Context, db: Database, site: str) -> None:
    """Check SITE's hash chain: exit 1 when any record was altered, inserted or removed."""
    from cookiegov.services.governance import require_site
    from cookiegov.storage.consents import verify_chain

    require_site(db, ctx.find_root().obj, site)
    result = verify_chain(db, site)
    if result.ok:
        click.echo(f"{site}: {result.records} records, chain intact")
        return
    click.echo(f"{site}: {result.records} records, chain BROKEN")
    for problem in result.problems:
        click.echo(f"  {problem}")
    sys.exit(1)


@consents.command("purge")
@click.argument("site")
@click.option(
    "--days", type=click.IntRange(min=0), help="Keep this many days (default: retention_days)."
)
@pass_db
def consents_purge(ctx: click.Context, db: Database, site: str, days: int | None) -> None:
    """Delete SITE's records older than the retention period; the chain stays verifiable."""
    from cookiegov.services.governance import require_site
    from cookiegov.storage.consents import purge_before

    settings = ctx.find_root().obj
    keep = settings.retention_days if days is None else days
    if keep < 0:
        raise InputError("--days must not be negative")
    require_site(db, settings, site)
    try:
        since = datetime.now(UTC) - timedelta(days=keep)
    except OverflowError:  # more days than the calendar holds: keep everything
        since = datetime.min.replace(tzinfo=UTC)
    cutoff = since.isoformat(timespec="milliseconds")
    deleted = purge_before(db, site, cutoff)
    click.echo(f"{site}: deleted {deleted} records older than {keep} days")
