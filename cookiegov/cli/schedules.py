"""``schedule …`` and ``worker``: scheduled scans with diffs and alerts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from cookiegov import report
from cookiegov.cli.common import CONSENT_CHOICE, err, pass_db
from cookiegov.models import ConsentState

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.group()
def schedule() -> None:
    """Scheduled scans with diffs and alerts (run by `cookiegov worker` or `serve`)."""


@schedule.command("add")
@click.argument("url")
@click.option(
    "--cron",
    required=True,
    help='Crontab expression, e.g. "0 3 * * 1", or @hourly, @daily, @weekly, @monthly (UTC).',
)
@click.option(
    "--consent",
    type=CONSENT_CHOICE,
    default=str(ConsentState.NONE),
    show_default=True,
    help="Consent state each scheduled scan is made in.",
)
@click.option("--max-pages", type=click.IntRange(min=1), help="Page budget of each scan.")
@click.option("--webhook", help="POST a JSON alert here (Slack-compatible).")
@click.option("--email", help="E-mail an alert here (SMTP settings).")
@pass_db
def schedule_add(
    ctx: click.Context,
    db: Database,
    url: str,
    cron: str,
    consent: str,
    max_pages: int | None,
    webhook: str | None,
    email: str | None,
) -> None:
    """Scan URL on a cron schedule."""
    from cookiegov import schedules as sched
    from scanner.scan import check_url

    check_url(url)
    s = sched.add_schedule(
        db, url, cron, consent=consent, max_pages=max_pages, webhook=webhook, email=email
    )
    click.echo(f"schedule {s.id}: {s.url} at '{s.cron}', next run {s.next_run_at}")


@schedule.command("list")
@pass_db
def schedule_list(ctx: click.Context, db: Database) -> None:
    """List schedules."""
    from cookiegov import schedules as sched

    click.echo(report.schedules_text(sched.list_schedules(db)), nl=False)


@schedule.command("remove")
@click.argument("schedule_id", type=int)
@pass_db
def schedule_remove(ctx: click.Context, db: Database, schedule_id: int) -> None:
    """Delete a schedule."""
    from cookiegov import schedules as sched

    sched.remove_schedule(db, schedule_id)
    click.echo(f"removed schedule {schedule_id}")


@schedule.command("pause")
@click.argument("schedule_id", type=int)
@pass_db
def schedule_pause(ctx: click.Context, db: Database, schedule_id: int) -> None:
    """Pause a schedule."""
    from cookiegov import schedules as sched

    sched.set_paused(db, schedule_id, True)
    click.echo(f"paused schedule {schedule_id}")


@schedule.command("resume")
@click.argument("schedule_id", type=int)
@pass_db
def schedule_resume(ctx: click.Context, db: Database, schedule_id: int) -> None:
    """Resume a paused schedule."""
    from cookiegov import schedules as sched

    s = sched.set_paused(db, schedule_id, False)
    click.echo(f"resumed schedule {schedule_id}, next run {s.next_run_at}")


@schedule.command("run")
@click.argument("schedule_id", type=int)
@pass_db
def schedule_run(ctx: click.Context, db: Database, schedule_id: int) -> None:
    """Make a schedule due now (the worker runs it at its next check)."""
    from cookiegov import schedules as sched

    sched.make_due(db, schedule_id)
    click.echo(f"schedule {schedule_id} is due")


@click.command()
@click.option("--once", is_flag=True, help="Run the schedules that are due, then exit.")
@click.option("--celery", is_flag=True, help="Consume queued scans from Redis instead.")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    help="With --celery: scans in parallel.",
)
@pass_db
def worker(ctx: click.Context, db: Database, once: bool, celery: bool, concurrency: int) -> None:
    """Run scheduled scans (diffs, alerts), or with --celery consume queued scan jobs."""
    from cookiegov import schedules as sched
    from cookiegov.diff import summary_text
    from cookiegov.services.scanning import scan_function

    settings = ctx.find_root().obj
    if celery:
        from cookiegov.celery_app import run_worker

        run_worker(settings, concurrency)
        return
    if once:
        for outcome in sched.run_due(db, settings, scan_function(db)):
            if "error" in outcome:
                err.print(
                    f"[red]schedule {outcome['schedule']} failed:[/] {escape(outcome['error'])}"
                )
            elif "diff" in outcome:
                err.print(
                    f"schedule {outcome['schedule']}: {escape(summary_text(outcome['diff']))}"
                )
            else:
                err.print(f"schedule {outcome['schedule']}: first scan {outcome['scan_id']}")
            click.echo(json.dumps(outcome))
        return
    err.print(f"worker checking for due scans every {settings.worker_interval}s (Ctrl-C stops)")
    sched.start_scheduler(db, settings, scan_function(db), blocking=True)
