"""A stored cookie keeps its review flag as the scan set it (against the deployment's
``review_threshold``); rows stored before have none and are judged against the default.

Revision ID: 0040
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0030"


def upgrade() -> None:
    with op.batch_alter_table("cookies") as batch:
        batch.add_column(sa.Column("needs_review", sa.Boolean))


def downgrade() -> None:
    with op.batch_alter_table("cookies") as batch:
        batch.drop_column("needs_review")
