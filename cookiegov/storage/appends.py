"""Appending consent records: the write path of the consent endpoint.

Every record extends its site's hash chain, so appends to one site are serialized: the chain
head is read under a lock (PostgreSQL ``SELECT ... FOR UPDATE`` on the site's row; SQLite's
write lock, taken by one writer at a time through :meth:`Database.write_lock`). A record is
acknowledged only after the commit that holds it, so an acknowledged consent is on disk.

This is the hot path, so it talks to the database driver directly: two statements per site
for the chain head, one ``executemany`` for the records, one commit (one fsync) per batch. On
PostgreSQL they travel in psycopg's pipeline mode: one round trip for the heads, one for the
records and the commit.
:class:`ConsentWriter` batches the appends of concurrent requests (group commit).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from cookiegov.errors import CookiegovError, InputError, StorageError
from cookiegov.keys import Keys
from cookiegov.storage.consents import (
    FIELDS,
    GENESIS,
    OPTIONAL_FIELDS,
    ConsentInput,
    record_hash,
)
from cookiegov.storage.database import Database, describe_driver_error, utcnow

log = logging.getLogger(__name__)
Item = tuple[str, ConsentInput]


class Appender(Protocol):
    """What the consent endpoint appends through: :class:`ConsentWriter` (this process) or
    :class:`cookiegov.storage.writer_service.WriterClient` (the machine's writer process)."""

    def append(self, site: str, entry: ConsentInput, timeout: float = 30.0) -> dict[str, Any]:
        """Append durably; return the stored record."""
        ...


@dataclass(frozen=True, slots=True)
class _Statements:
    site: str  # the site's id; on PostgreSQL its row stays locked until the commit
    new_site: str
    head: str  # the last record of the chain, by the site's domain
    insert: str


def _statements(postgresql: bool) -> _Statements:
    """Two statements to read a chain head, never one: under PostgreSQL's READ COMMITTED a
    statement that waits for the row lock still reads the rest from the snapshot it started
    with, so the head must be read by a later statement, after the lock is held."""
    p = "%({})s" if postgresql else ":{}"  # psycopg's and sqlite3's named parameters
    columns = ("site_id", *FIELDS, *OPTIONAL_FIELDS, "hash", "mac")
    site = f"SELECT id FROM sites WHERE domain = {p.format('domain')}"
    new_site = (
        "INSERT INTO sites (domain, name, created_at) VALUES"
        f" ({p.format('domain')}, {p.format('domain')}, {p.format('created_at')})"
    )
    return _Statements(
        site=site + (" FOR UPDATE" if postgresql else ""),
        new_site=new_site + (" ON CONFLICT (domain) DO NOTHING" if postgresql else ""),
        head=f"SELECT seq, hash FROM consents WHERE site_id = ({site}) ORDER BY seq DESC LIMIT 1",
        insert=f"INSERT INTO consents ({', '.join(columns)})"
        f" VALUES ({', '.join(p.format(c) for c in columns)})",
    )


_SQL = {False: _statements(False), True: _statements(True)}
Head = tuple[int, int, str]  # site id, last seq, last hash


def build_record(
    site: str,
    entry: ConsentInput,
    seq: int,
    previous: str,
    created_at: str,
    keys: Keys | None = None,
) -> dict[str, Any]:
    """The record that follows ``previous`` in the site's chain, its hash included, and with
    ``keys`` its MAC (which nobody without the deployment's secret can compute)."""
    record: dict[str, Any] = {
        "seq": seq,
        "consent_id": entry.consent_id,
        "created_at": created_at,
        "action": entry.action,
        "choices": dict(sorted(entry.choices.items())),
        "revision": entry.revision,
        "method": entry.method,
        "gpc": entry.gpc,
        "language": entry.language,
        "page_url": entry.page_url,
        "texts_hash": entry.texts_hash,
        "user_agent": entry.user_agent,
        "ip": entry.ip,
        "prev_hash": previous,
        "gpc_override": entry.gpc_override,
    }
    record["hash"] = record_hash(site, record)
    record["mac"] = keys.mac(record["hash"]) if keys is not None else None
    return record


def _head(cursor: Any, sql: _Statements, site: str) -> Head:
    """Lock the site (creating it on its first consent) and read its chain head."""
    cursor.execute(sql.site, {"domain": site})
    found = cursor.fetchone()
    if found is None:  # a site's first consent
        cursor.execute(sql.new_site, {"domain": site, "created_at": utcnow()})
        cursor.execute(sql.site, {"domain": site})
        found = cursor.fetchone()
    cursor.execute(sql.head, {"domain": site})
    last = cursor.fetchone()
    return (found[0], last[0], last[1]) if last else (found[0], 0, GENESIS)


def _heads_pipelined(connection: Any, sites: list[str]) -> dict[str, Head]:
    """PostgreSQL: lock every site's row and read its head in one round trip (psycopg's
    pipeline mode) instead of two per site; a site not stored yet is created the slow way."""
    sql = _SQL[True]
    pending = []
    with connection.pipeline():
        for site in sites:
            lock, head = connection.cursor(), connection.cursor()
            lock.execute(sql.site, {"domain": site})
            head.execute(sql.head, {"domain": site})
            pending.append((site, lock, head))
    heads: dict[str, Head] = {}
    for site, lock, head in pending:
        found, last = lock.fetchone(), head.fetchone()
        if found is None:
            heads[site] = _head(lock, sql, site)
        else:
            heads[site] = (found[0], last[0], last[1]) if last else (found[0], 0, GENESIS)
        lock.close()
        head.close()
    return heads


def _append(
    cursor: Any,
    postgresql: bool,
    items: list[Item],
    driver: Any = None,
    keys: Keys | None = None,
) -> list[dict[str, Any]]:
    """Append ``items`` inside the cursor's open transaction; the caller commits.

    Sites are locked in name order, so two writers with batches of the same sites cannot
    deadlock. ``driver`` (a psycopg connection) reads the heads in one round trip.
    """
    sql = _SQL[postgresql]
    sites = sorted({site for site, _ in items})
    if driver is not None:
        heads = _heads_pipelined(driver, sites)
    else:
        heads = {site: _head(cursor, sql, site) for site in sites}
    records: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for site, entry in items:
        site_id, seq, previous = heads[site]
        record = build_record(site, entry, seq + 1, previous, utcnow(), keys)
        heads[site] = (site_id, seq + 1, record["hash"])
        rows.append({**record, "site_id": site_id, "choices": json.dumps(record["choices"])})
        records.append(record)
    cursor.executemany(sql.insert, rows)
    return records


def append_many(db: Database, items: list[Item], keys: Keys | None = None) -> list[dict[str, Any]]:
    """Append records (of one or more sites) in one transaction: all stored, or none."""
    with db.write_lock(), db.begin() as conn:
        cursor = conn.connection.cursor()
        try:
            return _append(cursor, db.dialect == "postgresql", items, keys=keys)
        except db.engine.dialect.loaded_dbapi.Error as exc:
            raise StorageError(describe_driver_error(exc)) from exc
        finally:
            cursor.close()


def append_consent(
    db: Database, site: str, entry: ConsentInput, keys: Keys | None = None
) -> dict[str, Any]:
    """Append one record to the site's chain, durably, and return it."""
    return append_many(db, [(site, entry)], keys)[0]


class BatchCommitter:
    """Commits batches of appends on a driver connection of its own (kept between batches)."""

    def __init__(self, db: Database, keys: Keys | None = None) -> None:
        self.db = db
        self.keys = keys
        self._connection: Any = None

    def commit(self, items: list[Item]) -> list[dict[str, Any]]:
        """Append ``items`` in one transaction; the caller holds ``db.write_lock()``."""
        db = self.db
        if self._connection is None:
            self._connection = db.engine.raw_connection()
        connection = self._connection
        cursor = connection.cursor()
        try:
            if db.dialect == "postgresql":  # heads in one round trip, rows and commit in one
                driver = connection.driver_connection
                with driver.pipeline():  # leaving the block waits for every result
                    records = _append(cursor, True, items, driver, self.keys)
                    driver.commit()
            else:
                cursor.execute("BEGIN IMMEDIATE")
                records = _append(cursor, False, items, keys=self.keys)
                connection.commit()
            cursor.close()
            return records
        except Exception as exc:
            self._discard(cursor)  # nothing of the batch stays; the next one starts afresh
            if isinstance(exc, db.engine.dialect.loaded_dbapi.Error):
                raise StorageError(describe_driver_error(exc)) from exc
            raise

    def commit_isolating(self, items: list[Item]) -> list[dict[str, Any] | CookiegovError]:
        """Append ``items`` like :meth:`commit`, but a record the database refuses fails alone:
        a failed batch is split in halves and each half tried again, so one bad record costs
        about 2·log2(n) extra commits and every other record is stored. A failure of the
        database itself (disconnected, locked, disk full) fails the whole batch at once."""
        try:
            return list(self.commit(items))
        except Exception as exc:
            if len(items) == 1 or not _record_at_fault(exc):
                return [_as_error(exc, len(items) == 1)] * len(items)
        middle = len(items) // 2
        return self.commit_isolating(items[:middle]) + self.commit_isolating(items[middle:])

    def _discard(self, cursor: Any) -> None:
        """Roll back and drop the connection. The rollback comes first: SQLite keeps a closed
        connection (and its write lock) alive while one of its statements is unfinished."""
        connection, self._connection = self._connection, None
        try:
            cursor.close()
            connection.rollback()
        except Exception:  # the connection is gone already
            log.debug("rolling back a consent batch failed", exc_info=True)
        try:
            connection.invalidate()
        except Exception:
            log.debug("discarding the consent writer's connection failed", exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _record_at_fault(exc: BaseException) -> bool:
    """Whether a failure is the record's own: a value the driver cannot send or the column
    cannot hold (the driver's ``DataError``; Python's ``ValueError``/``OverflowError``, e.g.
    an unpaired surrogate or an integer wider than SQLite's). Anything else (a lost
    connection, a lock, a full disk, a missing table) is the database's and fails the batch."""
    cause: BaseException | None = exc
    while cause is not None:
        names = {c.__name__ for c in type(cause).__mro__}
        if "DataError" in names:
            return True
        if "Error" not in names and isinstance(cause, ValueError | OverflowError):
            return True  # Python's own, not a DB-API error (those derive from ``Error``)
        cause = cause.__cause__
    return False


def _as_error(exc: Exception, alone: bool) -> CookiegovError:
    """What the request that handed a record over is told: the database's failure, or, for a
    record that failed on its own, that the record cannot be stored (its own fault)."""
    if alone and _record_at_fault(exc):
        reason = exc.message if isinstance(exc, CookiegovError) else f"{type(exc).__name__}: {exc}"
        error = InputError(f"this record cannot be stored ({reason})")
        error.__cause__ = exc
        return error
    if isinstance(exc, CookiegovError):
        return exc
    return StorageError(f"the consent batch failed: {type(exc).__name__}")


class ConsentWriter:
    """Group commit: appends from many request threads share one transaction and one fsync.

    A request thread hands its record over and waits; the writer thread takes everything that
    is waiting (up to ``max_batch``), appends it in one transaction and answers each thread
    only after the commit.
    """

    def __init__(self, db: Database, max_batch: int = 128, keys: Keys | None = None) -> None:
        self.db = db
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Item, Future[dict[str, Any]]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._committer = BatchCommitter(db, keys)
        self.largest_batch = 0

    def append(self, site: str, entry: ConsentInput, timeout: float = 30.0) -> dict[str, Any]:
        future: Future[dict[str, Any]] = Future()
        self._queue.put(((site, entry), future))
        self._ensure_thread()
        return future.result(timeout=timeout)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="consent-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            with self.db.write_lock():  # what arrives while waiting for the turn joins the batch
                batch = [first]
                while len(batch) < self.max_batch:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                self.largest_batch = max(self.largest_batch, len(batch))
                outcomes = self._committer.commit_isolating([item for item, _ in batch])
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, CookiegovError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
