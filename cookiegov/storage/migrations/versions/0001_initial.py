"""Initial schema: sites, scans, pages, observed cookies and consent records.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("domain", sa.String(255), nullable=False, unique=True),
        sa.Column("name", sa.String(255)),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("consent", sa.String(16), nullable=False, server_default="none"),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False, server_default="done"),
        sa.Column("settings", sa.JSON),
        sa.Column("page_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cookie_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_scans_site", "scans", ["site_id", "id"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("elapsed_ms", sa.Integer, nullable=False, server_default="0"),
        sa.Column("depth", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_pages_scan", "pages", ["scan_id"])
    op.create_table(
        "cookies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("expires", sa.Float),
        sa.Column("lifetime", sa.Float),
        sa.Column("http_only", sa.Boolean, nullable=False),
        sa.Column("secure", sa.Boolean, nullable=False),
        sa.Column("same_site", sa.String(16)),
        sa.Column("third_party", sa.Boolean, nullable=False),
        sa.Column("set_via", sa.String(64), nullable=False),
        sa.Column("set_by", sa.Text),
        sa.Column("pages", sa.JSON, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("vendor", sa.String(255)),
        sa.Column("confidence", sa.Float, nullable=False, server_default="0"),
        sa.Column("reason", sa.Text),
        sa.Column("purpose", sa.Text),
    )
    op.create_index("ix_cookies_scan", "cookies", ["scan_id"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("consent_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("choices", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("gpc", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("page_url", sa.Text),
        sa.Column("texts_hash", sa.String(64)),
        sa.Column("user_agent", sa.Text),
        sa.Column("ip", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("site_id", "seq", name="uq_consents_site_seq"),
    )
    op.create_index("ix_consents_consent_id", "consents", ["consent_id"])
