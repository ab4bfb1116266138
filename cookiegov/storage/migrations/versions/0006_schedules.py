"""Scheduled scans.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("cron", sa.String(120), nullable=False),
        sa.Column("consent", sa.String(16), nullable=False, server_default="none"),
        sa.Column("max_pages", sa.Integer),
        sa.Column("paused", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("webhook", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("next_run_at", sa.String(32)),
        sa.Column("last_run_at", sa.String(32)),
        sa.Column("last_scan_id", sa.Integer),
        sa.Column("last_error", sa.Text),
    )
