"""Blocked cookies and value shape on cookies; storage keys and third-party requests.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("cookies") as batch:
        batch.add_column(sa.Column("blocked_reason", sa.String(255)))
        batch.add_column(sa.Column("value_length", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("value_kind", sa.String(16), nullable=False, server_default="empty")
        )
        batch.add_column(sa.Column("value_entropy", sa.Float, nullable=False, server_default="0"))
    op.create_table(
        "storage_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("third_party", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("pages", sa.JSON, nullable=False),
    )
    op.create_index("ix_storage_scan", "storage_items", ["scan_id"])
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("initiator", sa.Text),
        sa.Column("page", sa.Text, nullable=False),
        sa.Column("beacon", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_index("ix_requests_scan", "requests", ["scan_id"])
