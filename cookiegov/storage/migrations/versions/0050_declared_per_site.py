"""A site's declared cookies (``kb import csv|json FILE --site SITE``) answer for that site
only; entries imported before, or without ``--site``, have no site and answer for every one.

Revision ID: 0050
Revises: 0040
"""

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0040"


def upgrade() -> None:
    with op.batch_alter_table("kb_entries") as batch:
        batch.add_column(sa.Column("site", sa.String(255)))


def downgrade() -> None:
    with op.batch_alter_table("kb_entries") as batch:
        batch.drop_column("site")
