"""``token create|list|revoke`` (admin tokens) and ``keys init`` (the secret outside the
database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cookiegov.cli.common import err, pass_db
from cookiegov.errors import InputError
from cookiegov.settings import Settings

if TYPE_CHECKING:
    from cookiegov.storage import Database


@click.group()
def token() -> None:
    """Admin tokens: per site, or global (the admin role). Stored hashed."""


@token.command("create")
@click.option("--site", help="The site this token may administer (default: every site).")
@click.option("--name", required=True, help="Who or what uses it (shown in `token list`).")
@pass_db
def token_create(ctx: click.Context, db: Database, site: str | None, name: str) -> None:
    """Make a random token; it is printed once, to stdout, and never stored."""
    click.echo(create_admin_token(ctx.find_root().obj, db, site, name))


def create_admin_token(settings: Settings, db: Database, site: str | None, name: str) -> str:
    """The body of ``token create``: the new token (its row is reported on stderr)."""
    from cookiegov.admin_access import create_token

    if site is not None and site not in settings.sites:
        raise InputError(f"unknown site {site!r} (configure [sites.{site!r}] first)")
    row, secret = create_token(db, site, name)
    err.print(f"token {row['id']} ({row['name']}) for {site or 'every site (admin role)'}")
    return secret


@token.command("list")
@pass_db
def token_list(ctx: click.Context, db: Database) -> None:
    """Tokens with their id, name, site and state (never the token itself)."""
    for line in admin_token_lines(db):
        click.echo(line)


def admin_token_lines(db: Database) -> list[str]:
    from cookiegov.admin_access import list_tokens

    return [
        f"{t['id']}\t{t['prefix']}…\t{t['site'] or '*'}\t{t['name']}\t"
        + (f"revoked {t['revoked_at']}" if t["revoked_at"] else f"active since {t['created_at']}")
        for t in list_tokens(db)
    ]


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_db
def token_revoke(ctx: click.Context, db: Database, token_id: int) -> None:
    """Revoke a token; its dashboard sessions end at once."""
    from cookiegov.admin_access import revoke_token

    row = revoke_token(db, token_id)
    click.echo(f"token {row['id']} ({row['name']}) revoked")


@click.group()
def keys() -> None:
    """The secret that signs checkpoints and receipts and salts hashed addresses."""


@keys.command("init")
@click.pass_context
def keys_init(ctx: click.Context) -> None:
    """Write a new random secret to key_file (mode 0600); an existing one is never replaced."""
    click.echo(init_key_file(ctx.find_root().obj))


def init_key_file(settings: Settings) -> str:
    from cookiegov.keys import create_key_file, load_keys

    path = create_key_file(settings.key_file)
    found = load_keys("", str(path))
    assert found is not None
    return f"{path}: new secret; public key {found.public_key}"
