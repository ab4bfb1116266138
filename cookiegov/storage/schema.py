"""The current schema. Migrations in ``migrations/versions`` build it step by step."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, unique=True),
    Column("name", String(255)),
    Column("created_at", String(32), nullable=False),
)

scans = Table(
    "scans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("consent", String(16), nullable=False, server_default="none"),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("status", String(16), nullable=False, server_default="done"),
    Column("settings", JSON),
    Column("page_count", Integer, nullable=False, server_default="0"),
    Column("cookie_count", Integer, nullable=False, server_default="0"),
    Column("evidence", JSON),  # added by 0004
    Index("ix_scans_site", "site_id", "id"),
)

pages = Table(
    "pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer),
    Column("error", Text),
    Column("title", Text),
    Column("elapsed_ms", Integer, nullable=False, server_default="0"),
    Column("depth", Integer, nullable=False, server_default="0"),
    Index("ix_pages_scan", "scan_id"),
)

cookies = Table(
    "cookies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("domain", String(255), nullable=False),
    Column("path", Text, nullable=False),
    Column("expires", Float),
    Column("lifetime", Float),
    Column("http_only", Boolean, nullable=False),
    Column("secure", Boolean, nullable=False),
    Column("same_site", String(64)),  # widened by 0007
    Column("third_party", Boolean, nullable=False),
    Column("set_via", String(64), nullable=False),
    Column("set_by", Text),
    Column("pages", JSON, nullable=False),
    Column("category", String(16), nullable=False),
    Column("vendor", String(255)),
    Column("confidence", Float, nullable=False, server_default="0"),
    Column("reason", Text),
    Column("purpose", Text),
    # added by 0002
    Column("blocked_reason", String(255)),
    Column("value_length", Integer, nullable=False, server_default="0"),
    Column("value_kind", String(16), nullable=False, server_default="empty"),
    Column("value_entropy", Float, nullable=False, server_default="0"),
    # added by 0040: the flag as the scan set it (None on older rows)
    Column("needs_review", Boolean),
    Index("ix_cookies_scan", "scan_id"),
)

storage_items = Table(
    "storage_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("origin", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("third_party", Boolean, nullable=False, server_default="0"),
    Column("pages", JSON, nullable=False),
    Index("ix_storage_scan", "scan_id"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False),
    Column("host", String(255), nullable=False),
    Column("url", Text, nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("initiator", Text),
    Column("page", Text, nullable=False),
    Column("beacon", Boolean, nullable=False, server_default="0"),
    Index("ix_requests_scan", "scan_id"),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("consent_id", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("action", String(16), nullable=False),  # grant | withdraw
    Column("choices", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("gpc", Boolean, nullable=False),
    Column("language", String(16)),
    Column("page_url", Text),
    Column("texts_hash", String(64)),
    Column("user_agent", Text),
    Column("ip", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("gpc_override", Boolean, nullable=False, server_default=false()),  # added by 0007
    Column("mac", String(64)),  # added by 0009: HMAC of hash under the deployment's secret
    Column("services", JSON),  # per-service choices (0020); hashed only when present
    Column("region", String(16)),  # region of the rule that applied (0020)
    Column("rule", String(16)),  # opt-in | opt-out | none (0020)
    UniqueConstraint("site_id", "seq", name="uq_consents_site_seq"),
    Index("ix_consents_consent_id", "consent_id"),
)

kb_entries = Table(
    "kb_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(255), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("pattern", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("vendor", String(255)),
    Column("purpose", Text),
    Column("domain", String(255)),
    Column("imported_at", String(32), nullable=False),
    Column("site", String(255)),  # 0050: a site's own declared cookies; None: every site
    Index("ix_kb_entries_source", "source"),
)

chain_anchors = Table(
    "chain_anchors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("first_seq", Integer, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("purged", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("signature", String(128)),  # added by 0009
)

chain_checkpoints = Table(  # added by 0009
    "chain_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("site", String(255), nullable=False),
    Column("cron", String(120), nullable=False),
    Column("consent", String(16), nullable=False, server_default="none"),
    Column("max_pages", Integer),
    Column("paused", Boolean, nullable=False, server_default="0"),
    Column("webhook", Text),
    Column("email", Text),
    Column("created_at", String(32), nullable=False),
    Column("next_run_at", String(32)),
    Column("last_run_at", String(32)),
    Column("last_scan_id", Integer),
    Column("last_error", Text),
)

# -- managed from the dashboard (migration 0030) ------------------------------------------
site_configs = Table(  # a site's settings as published from the dashboard, and its draft
    "site_configs",
    metadata,
    Column("site", String(255), primary_key=True),
    Column("published", JSON, nullable=False),
    Column("draft", JSON),
    Column("revision_bumps", Integer, nullable=False, server_default="0"),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", String(255), nullable=False),
)

cookie_overrides = Table(  # a site's own category, vendor and purpose for a cookie
    "cookie_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("domain", String(255), nullable=False),
    Column("category", String(32), nullable=False),
    Column("vendor", String(255)),
    Column("purpose", Text),
    Column("changed_by", String(255), nullable=False),
    Column("changed_at", String(32), nullable=False),
    UniqueConstraint("site", "name", "domain"),
)

admin_audit = Table(  # every change an admin made, append-only
    "admin_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(255)),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_admin_audit_site", "site", "id"),
)

test_consents = Table(  # consent IDs recorded from test traffic (left out of statistics)
    "test_consents",
    metadata,
    Column("site", String(255), primary_key=True),
    Column("consent_id", String(64), primary_key=True),
    Column("reason", String(16), nullable=False),  # session | network
    Column("created_at", String(32), nullable=False),
)

admin_tokens = Table(  # added by 0008
    "admin_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("site", String(255)),  # None: the global admin role
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

admin_sessions = Table(  # added by 0008
    "admin_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_id", Integer),  # None: signed in with the admin_token setting
    Column("site", String(255)),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)
