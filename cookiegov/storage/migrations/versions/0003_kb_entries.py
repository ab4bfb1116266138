"""Imported knowledge: cookie names and patterns with their provenance.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # declared | database
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("vendor", sa.String(255)),
        sa.Column("purpose", sa.Text),
        sa.Column("domain", sa.String(255)),
        sa.Column("imported_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_kb_entries_source", "kb_entries", ["source"])
