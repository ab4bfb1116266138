"""Proofs that survive tampering: record MACs, signed purge anchors, signed checkpoints.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("mac", sa.String(64)))
    with op.batch_alter_table("chain_anchors") as batch:
        batch.add_column(sa.Column("signature", sa.String(128)))
    op.create_table(
        "chain_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chain_checkpoints")
    with op.batch_alter_table("chain_anchors") as batch:
        batch.drop_column("signature")
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("mac")
