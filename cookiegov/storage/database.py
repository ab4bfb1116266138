"""Engine, connection settings and migrations."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own lock is used alone
    fcntl = None  # type: ignore[assignment]

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from cookiegov.errors import StorageError
from cookiegov.settings import mask_url
from cookiegov.storage.schema import sites

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Database:
    """A migrated database. Cheap to share between threads; one per process is enough."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._write_lock = threading.Lock()
        self._lock_file = _lock_file_for(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _alembic_config(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema in place to ``revision`` (default: the newest)."""
        try:
            with self.engine.begin() as conn:
                command.upgrade(self._alembic_config(conn), revision)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot migrate database {self.safe_url}: {exc}") from exc

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head(self) -> str | None:
        with self.engine.connect() as conn:
            return ScriptDirectory.from_config(self._alembic_config(conn)).get_current_head()

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction; storage failures become :class:`StorageError`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StorageError(_describe(exc)) from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StorageError(_describe(exc)) from exc

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Serialize hot-path writers (consent appends) across threads and processes.

        SQLite's own lock is correct but waits by polling (its busy handler sleeps 1, 2, 5,
        10 ... ms), which under load costs tens of milliseconds per commit. An exclusive
        ``flock`` on ``<database>.lock`` hands the turn over as soon as the holder is done.
        PostgreSQL needs nothing here: its row locks already wake the next writer at once.
        """
        with self._write_lock:
            if self._lock_file is None:
                yield
                return
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def site_id(self, conn: Connection, domain: str, *, lock: bool = False) -> int:
        """The id of the site ``domain``, created on first use.

        With ``lock`` the site's row stays locked until the transaction ends (PostgreSQL
        ``SELECT ... FOR UPDATE``; SQLite transactions already hold the write lock), so that
        appends to the site's consent chain are serialized even for a brand-new site.
        """
        query = select(sites.c.id).where(sites.c.domain == domain)
        if lock and self.dialect == "postgresql":
            query = query.with_for_update()
        found = conn.execute(query).scalar()
        if found is None:
            values = {"domain": domain, "name": domain, "created_at": utcnow()}
            if self.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                conn.execute(pg_insert(sites).values(**values).on_conflict_do_nothing())
            else:
                conn.execute(insert(sites).values(**values))
            found = conn.execute(query).scalar_one()
        return int(found)

    def close(self) -> None:
        self.engine.dispose()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


def _lock_file_for(engine: Engine) -> IO[bytes] | None:
    """The lock file beside a SQLite database file (none for memory or server databases)."""
    database = engine.url.database
    if fcntl is None or engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    try:
        return open(f"{database}.lock", "ab")  # held open for the life of the Database
    except OSError as exc:
        log.warning("no writer lock file beside %s (%s); relying on SQLite's lock", database, exc)
        return None


def _describe(exc: OperationalError) -> str:
    return describe_driver_error(exc.orig if exc.orig else exc)


def describe_driver_error(exc: BaseException) -> str:
    """A storage failure in words a user can act on (disk full, busy, or the driver's)."""
    text = str(exc)
    if "disk" in text.lower() and "full" in text.lower():
        return "the disk is full: nothing was written, free some space and retry"
    if "locked" in text.lower():
        return "the database is busy (locked by another process); retry shortly"
    return f"database error: {text}"


def _make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if not path or path == ":memory:":
            kwargs["poolclass"] = StaticPool  # one shared connection, or each sees its own DB
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StorageError(f"cannot open database {mask_url(url)!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: appends to a hash chain never race.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def open_database(url: str, *, migrate: bool = True) -> Database:
    db = Database(url)
    if migrate:
        db.migrate()
    return db
