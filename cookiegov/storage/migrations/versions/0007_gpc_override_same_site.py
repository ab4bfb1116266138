"""GPC overrides recorded separately; SameSite values as the browser reports them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(
            sa.Column("gpc_override", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("cookies") as batch:
        batch.alter_column("same_site", type_=sa.String(64), existing_type=sa.String(16))


def downgrade() -> None:
    with op.batch_alter_table("cookies") as batch:
        batch.alter_column("same_site", type_=sa.String(16), existing_type=sa.String(64))
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("gpc_override")
