"""Site configuration managed from the dashboard, cookie overrides, the admin audit log and
test-traffic marks.

Revision ID: 0030
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0020"


def upgrade() -> None:
    op.create_table(
        "site_configs",
        sa.Column("site", sa.String(255), primary_key=True),
        sa.Column("published", sa.JSON, nullable=False),
        sa.Column("draft", sa.JSON),
        sa.Column("revision_bumps", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(255), nullable=False),
    )
    op.create_table(
        "cookie_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("vendor", sa.String(255)),
        sa.Column("purpose", sa.Text),
        sa.Column("changed_by", sa.String(255), nullable=False),
        sa.Column("changed_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("site", "name", "domain"),
    )
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(255)),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_admin_audit_site", "admin_audit", ["site", "id"])
    op.create_table(
        "test_consents",
        sa.Column("site", sa.String(255), primary_key=True),
        sa.Column("consent_id", sa.String(64), primary_key=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("test_consents")
    op.drop_index("ix_admin_audit_site", "admin_audit")
    op.drop_table("admin_audit")
    op.drop_table("cookie_overrides")
    op.drop_table("site_configs")
