"""What every command shares: the error handling, the settings and database of the run, the
output options and the one function that writes a command's output."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from cookiegov.errors import CookiegovError, InputError
from cookiegov.models import ConsentState
from cookiegov.settings import Settings

if TYPE_CHECKING:
    from cookiegov.storage import Database

err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
#: A renderer turns a command's data into text, or into something rich prints (a table).
Renderer = Callable[[Any], Any]
CONSENT_CHOICE = click.Choice([str(s) for s in ConsentState])


def _silence_stdout() -> None:
    """The reader of stdout went away (``| head``): drop what is left, quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def report_error(exc: BaseException) -> int:
    """One line on stderr for a failure, and the exit code; never a traceback."""
    if isinstance(exc, CookiegovError):
        err.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False, soft_wrap=True)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        err.print("interrupted")
        return 130
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        _silence_stdout()
        return 0
    assert isinstance(exc, OSError)
    where = escape(str(exc.filename or ""))
    err.print(
        f"[bold red]error:[/] {escape(str(exc.strerror or exc))}: {where}",
        highlight=False,
        soft_wrap=True,
    )
    return 1


class FriendlyGroup(click.Group):
    """The ``cookiegov`` group: library errors of any command, its own callback included,
    become one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CookiegovError, KeyboardInterrupt, OSError) as exc:
            sys.exit(report_error(exc))


def settings_of(ctx: click.Context, **flags: Any) -> Settings:
    """The run's settings with this command's flags applied (unset flags are None)."""
    settings: Settings = ctx.find_root().obj
    browser_args = flags.pop("browser_args", None)
    settings = settings.replace(**flags)
    if browser_args:
        settings = settings.replace(browser_args=[*settings.browser_args, *browser_args])
    return settings


def database_of(ctx: click.Context) -> Database:
    """The run's database, opened once and closed when the command ends."""
    from cookiegov.storage import open_database

    root = ctx.find_root()
    db: Database | None = root.meta.get("cookiegov.db")
    if db is None:
        db = open_database(root.obj.database_url)
        root.meta["cookiegov.db"] = db
        root.call_on_close(db.close)
    return db


def pass_db(fn: F) -> F:
    """Give the command the run's database as its first argument (after the context)."""

    @click.pass_context
    @functools.wraps(fn)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return fn(ctx, database_of(ctx), *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def output_options(
    formats: Mapping[str, Renderer], default: str, *, default_text: str | None = None
) -> Callable[[F], F]:
    """``--format`` and ``--output``, with the same rule in every command (see
    :func:`resolve_format`); ``default_text`` says what ``default`` is where it varies."""
    names = list(formats)

    def decorate(fn: F) -> F:
        fn = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False),
            help="Write to this file, not stdout; its extension picks the format"
            f" ({', '.join('.' + n for n in names if n != 'table')}) unless --format is given.",
        )(fn)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(names),
            help="Output format (default: from the --output extension, else"
            f" {default_text or default}).",
        )(fn)

    return decorate


def resolve_format(
    fmt: str | None, output: str | None, formats: Mapping[str, Renderer], default: str
) -> str:
    """The format: the flag, else the output file's extension, else ``default``."""
    if fmt:
        return fmt
    if output:
        suffix = Path(output).suffix.lstrip(".").lower()
        if suffix in formats and suffix != "table":
            return suffix
        raise InputError(f"cannot tell the format of {output}; pass --format")
    return default


def write_output(
    data: Any,
    formats: Mapping[str, Renderer],
    fmt: str | None,
    output: str | None,
    *,
    default: str,
) -> None:
    """Render ``data`` in the resolved format to ``output`` or stdout; the one write path of
    every command's data."""
    chosen = resolve_format(fmt, output, formats, default)
    rendered = formats[chosen](data)
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(rendered, bytes):
            path.write_bytes(rendered)
        elif isinstance(rendered, str):
            path.write_text(rendered, encoding="utf-8")
        else:
            with path.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=150, color_system=None).print(rendered)
        err.print(f"wrote {escape(output)}", highlight=False)
    elif isinstance(rendered, bytes):
        if sys.stdout.isatty():
            raise InputError("this format is binary: write it to a file with --output")
        sys.stdout.flush()
        sys.stdout.buffer.write(rendered)
        sys.stdout.buffer.flush()
    elif isinstance(rendered, str):
        click.echo(rendered, nl=not rendered.endswith("\n"))
    else:
        Console(width=None if sys.stdout.isatty() else 150).print(rendered)


def scan_options(fn: F) -> F:
    """The browser options of every command that drives Chromium."""
    options = [
        click.option(
            "--browser-arg",
            "browser_args",
            multiple=True,
            help="Extra Chromium argument (repeatable), e.g. --host-resolver-rules=...",
        ),
        click.option(
            "--ignore-https-errors",
            is_flag=True,
            default=None,
            help="Accept invalid TLS certificates while scanning.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def budget_options(fn: F) -> F:
    """Page budget options shared by ``scan`` and ``check`` (at least 1 each: exit 2)."""
    options = [
        click.option(
            "--max-pages",
            type=click.IntRange(min=1),
            help="Page budget per consent state (default 20).",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            help="Pages in parallel (default: 2 × CPU count, max 8).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn
