"""``consents verify``, ``consents checkpoint``, ``consents export`` and ``consents purge``:
the proof-of-consent chains, their signed checkpoints and anchors, the log as a table."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cookiegov.cli.common import err, output_options, pass_db, write_output
from cookiegov.consentlog import FORMATS as LOG_FORMATS
from cookiegov.errors import ConfigError, InputError
from cookiegov.settings import Settings

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.group()
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
@pass_db
def consents_verify(
    ctx: click.Context, db: Database, site: str, proof_files: tuple[str, ...]
) -> None:
    """Check SITE's chain, MACs, purge anchors, checkpoints and receipts: exit 1 on any
    record altered, inserted, removed, forged or truncated away."""
    from cookiegov.services.governance import require_site

    settings = ctx.find_root().obj
    require_site(db, settings, site)
    ok, lines = verify_consents(settings, db, site, proof_files)
    for line in lines:
        click.echo(line)
    if not ok:
        sys.exit(1)


def verify_consents(
    settings: Settings, db: Database, site: str, proof_files: tuple[str, ...] = ()
) -> tuple[bool, list[str]]:
    """The body of ``consents verify``: whether all holds, and the lines to print."""
    from cookiegov.keys import load_keys
    from cookiegov.proofs import load_proofs, verify

    keys = load_keys(settings.secret_key, settings.key_file)
    proofs = [p for path in proof_files for p in load_proofs(path)]
    if settings.checkpoint_file and Path(settings.checkpoint_file).exists():
        proofs += load_proofs(settings.checkpoint_file)
    report = verify(db, site, keys, proofs)
    checked = "hashes, MACs, anchors, checkpoints" if keys else "hashes only: no secret"
    if report.ok:
        return True, [f"{site}: {report.records} records, chain intact ({checked})"]
    return False, [
        f"{site}: {report.records} records, chain BROKEN ({checked})",
        *(f"  {problem}" for problem in report.problems),
    ]


@consents.command("checkpoint")
@click.argument("sites", nargs=-1)
@click.option("--webhook", help="Also POST the checkpoints to this witness URL.")
@pass_db
def consents_checkpoint(
    ctx: click.Context, db: Database, sites: tuple[str, ...], webhook: str | None
) -> None:
    """Sign each site's chain head (default: every site) and append it to checkpoint_file;
    run it on a timer (e.g. every 10 minutes) and keep the file away from the database."""
    for line in checkpoint_consents(ctx.find_root().obj, db, sites, webhook):
        click.echo(line)


def checkpoint_consents(
    settings: Settings, db: Database, sites: tuple[str, ...], webhook: str | None = None
) -> list[str]:
    """The body of ``consents checkpoint``: one line per signed checkpoint."""
    from cookiegov.keys import load_keys
    from cookiegov.proofs import checkpoint_sites

    keys = load_keys(settings.secret_key, settings.key_file)
    if keys is None:
        raise ConfigError("checkpoints need the secret: run `cookiegov keys init` first")
    made = checkpoint_sites(
        db, keys, sites or sorted(settings.sites), settings.checkpoint_file or None, webhook
    )
    return [f"{c['site']}: record {c['seq']} {c['hash'][:16]}… signed" for c in made]


def _utc_bound(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from cookiegov.consentlog import utc_bound

    try:
        return utc_bound(value) if value else None
    except InputError as exc:
        raise click.BadParameter(exc.message) from exc


@consents.command("export")
@click.argument("site")
@click.option(
    "--since",
    callback=_utc_bound,
    help="Only records made at or after this ISO date or time (2026-01-31, "
    "2026-01-31T12:00, 2026-01-31T12:00+02:00; without a zone: UTC).",
)
@click.option(
    "--until", callback=_utc_bound, help="Only records made before this ISO date or time."
)
@output_options(LOG_FORMATS, "csv")
@pass_db
def consents_export(
    ctx: click.Context,
    db: Database,
    site: str,
    since: str | None,
    until: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """SITE's consent log, oldest first: every field of every record (a column per category,
    the per-service choices, GPC and its override, region and rule, the chain hash); CSV cells
    are formula-safe and quoted."""
    from cookiegov.consentlog import site_log
    from cookiegov.services.governance import require_site

    require_site(db, ctx.find_root().obj, site)
    log = site_log(db, site, since=since, until=until)
    write_output(log, LOG_FORMATS, fmt, output, default="csv")
    err.print(f"{site}: {len(log['records'])} records", highlight=False)


@consents.command("purge")
@click.argument("site")
@click.option(
    "--days", type=click.IntRange(min=0), help="Keep this many days (default: retention_days)."
)
@pass_db
def consents_purge(ctx: click.Context, db: Database, site: str, days: int | None) -> None:
    """Delete SITE's records older than the retention period; the chain stays verifiable
    (the purge anchor is signed with the deployment's key when there is one)."""
    from cookiegov.keys import load_keys
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
    keys = load_keys(settings.secret_key, settings.key_file)
    deleted = purge_before(db, site, cutoff, keys)
    click.echo(f"{site}: deleted {deleted} records older than {keep} days")
