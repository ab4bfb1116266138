"""The ``cookiegov`` command: a thin layer over the service layer.

Data goes to stdout, messages and progress to stderr; exit codes: 0 ok, 1 failure,
2 bad input or configuration, 3 not found (unknown site, scan or schedule), 4 storage (or an
unreachable scan queue), 5 browser, 6 scan failed, 7 ``check --fail-on`` found findings,
130 interrupted.
A closed stdout (``cookiegov scans | head -1``) ends the command quietly.

One module per command group; :mod:`cookiegov.cli.common` holds what they share.
"""

from __future__ import annotations

import logging
import sys

import click

from cookiegov.cli import access, consents, data, governance, scanning, schedules, server
from cookiegov.cli.common import FriendlyGroup, _silence_stdout
from cookiegov.settings import load_settings


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--db", "database_url", help="Database URL (default sqlite:///cookiegov.db).")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.version_option(package_name="cookiegov", help="Show the version and exit.")
@click.pass_context
def cli(
    ctx: click.Context, config_file: str | None, database_url: str | None, verbose: int
) -> None:
    """Cookie consent and tracking governance: scan, classify, consent, prove."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = load_settings(config_file, database_url=database_url)


for command in (
    scanning.scan,
    scanning.check,
    governance.declaration,
    governance.optout_status,
    governance.policy_check,
    governance.diff,
    consents.consents,
    schedules.schedule,
    schedules.worker,
    server.serve,
    server.writer,
    server.demo,
    data.scans_list,
    data.migrate,
    data.classify,
    data.kb,
    access.token,
    access.keys,
):
    cli.add_command(command)


def main() -> None:
    """The console script: run the group, and end quietly when stdout's reader is gone."""
    code: int = 0
    try:
        cli.main(prog_name="cookiegov")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)


if __name__ == "__main__":
    main()
