"""Storage: SQLAlchemy 2 Core over SQLite (default) or PostgreSQL, migrated by Alembic."""

from cookiegov.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
