"""Consent records: per-service choices and the regional rule that applied.

The columns are nullable and hashed only when present, so records written before this
migration keep their hashes and every chain still verifies.

Revision ID: 0020
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0009"


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("services", sa.JSON))
        batch.add_column(sa.Column("region", sa.String(16)))
        batch.add_column(sa.Column("rule", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("rule")
        batch.drop_column("region")
        batch.drop_column("services")
