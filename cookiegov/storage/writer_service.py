"""One consent writer per machine: app processes hand their appends to it over a Unix socket.

When every gunicorn worker commits its own appends, each commits small batches, pays one
fsync per batch and waits its turn for the database's write lock while its request threads
compete for the same GIL. A writer process (``cookiegov writer``) gathers the appends of all
workers on the machine into shared transactions (group commit across processes) and does so
on its own core. App processes fall back to writing themselves while no writer listens, so
the writer speeds things up but is never a single point of failure.

Protocol, one JSON object per line: the app sends ``{"site": ..., "entry": {...}}`` and gets
``{"record": {...}}`` or ``{"error": "..."}`` back. The writer answers only after the commit
that holds the record, so an answered append is on disk.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import socket
import threading
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from cookiegov.errors import ConfigError, CookiegovError, InputError, StorageError
from cookiegov.keys import Keys
from cookiegov.storage.appends import Appender, BatchCommitter, Item
from cookiegov.storage.consents import ConsentInput
from cookiegov.storage.database import Database

log = logging.getLogger(__name__)
MAX_LINE = 64 * 1024  # an append is well under 4 KB; anything longer is refused
_ENTRY_FIELDS = tuple(f.name for f in fields(ConsentInput))


class WriterServer:
    """Accepts appends from any number of app processes and commits them in shared batches."""

    def __init__(
        self, db: Database, path: str | Path, max_batch: int = 256, keys: Keys | None = None
    ) -> None:
        self.db = db
        self.path = str(path)
        self.max_batch = max_batch
        self.committer = BatchCommitter(db, keys)
        self.largest_batch = 0
        self.records = 0
        self.commits = 0
        self._selector = selectors.DefaultSelector()
        self._buffers: dict[socket.socket, bytearray] = {}
        self._listener = self._listen()

    def _listen(self) -> socket.socket:
        if os.path.exists(self.path):
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(self.path)
                except OSError:
                    os.unlink(self.path)  # left by a writer that died
                else:
                    raise ConfigError(f"a consent writer already listens on {self.path}")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.path)
        except OSError as exc:
            listener.close()
            raise ConfigError(f"cannot listen on {self.path}: {exc.strerror}") from exc
        os.chmod(self.path, 0o660)  # the app servers' user and group only
        listener.listen(512)
        self._selector.register(listener, selectors.EVENT_READ)
        return listener

    def serve_forever(self, stop: threading.Event | None = None) -> None:
        log.info("consent writer listening on %s", self.path)
        try:
            while stop is None or not stop.is_set():
                self._round(timeout=0.5)
        finally:
            self.close()

    def _round(self, timeout: float) -> None:
        """Read every append waiting on any connection, commit them together, answer each."""
        pending: list[tuple[socket.socket, Item]] = []
        for key, _ in self._selector.select(timeout):
            conn = key.fileobj
            assert isinstance(conn, socket.socket)
            if conn is self._listener:
                self._accept()
            else:
                pending.extend((conn, item) for item in self._read(conn))
        for start in range(0, len(pending), self.max_batch):
            self._commit(pending[start : start + self.max_batch])

    def _accept(self) -> None:
        conn, _ = self._listener.accept()
        conn.settimeout(5)  # a client that stops reading its answers is dropped, not waited for
        self._buffers[conn] = bytearray()
        self._selector.register(conn, selectors.EVENT_READ)

    def _read(self, conn: socket.socket) -> list[Item]:
        try:
            chunk = conn.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(conn)
            return []
        buffer = self._buffers[conn]
        buffer += chunk
        items: list[Item] = []
        while (end := buffer.find(b"\n")) >= 0:
            line = bytes(buffer[:end])
            del buffer[: end + 1]
            try:
                items.append(_decode(line))
            except (ValueError, TypeError, KeyError) as exc:
                self._answer(conn, {"error": f"malformed append: {exc}"})
        if len(buffer) > MAX_LINE:
            self._drop(conn)
            return []
        return items

    def _commit(self, batch: list[tuple[socket.socket, Item]]) -> None:
        self.largest_batch = max(self.largest_batch, len(batch))
        with self.db.write_lock():
            outcomes = self.committer.commit_isolating([item for _, item in batch])
        self.commits += 1
        for (conn, _), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, CookiegovError):
                self._answer(conn, {"error": outcome.message, "code": outcome.code})
            else:
                self.records += 1
                self._answer(conn, {"record": outcome})

    def _answer(self, conn: socket.socket, message: dict[str, Any]) -> None:
        if conn not in self._buffers:
            return  # the client went away; its record is stored all the same
        try:
            conn.sendall(json.dumps(message).encode() + b"\n")
        except OSError:
            self._drop(conn)

    def _drop(self, conn: socket.socket) -> None:
        if self._buffers.pop(conn, None) is not None:
            self._selector.unregister(conn)
            conn.close()

    def close(self) -> None:
        for conn in list(self._buffers):
            self._drop(conn)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(self._listener)
        self._listener.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.committer.close()


def _decode(line: bytes) -> Item:
    message = json.loads(line)
    entry = message["entry"]
    return str(message["site"]), ConsentInput(**entry)


class WriterClient:
    """An :class:`Appender` that hands appends to the machine's writer process.

    Each request thread keeps a connection of its own. While no writer listens, appends go
    to ``fallback`` (this process writes them itself); the writer is tried again after
    ``retry_after`` seconds.
    """

    def __init__(self, path: str | Path, fallback: Appender, retry_after: float = 5) -> None:
        self.path = str(path)
        self.fallback = fallback
        self.retry_after = retry_after
        self._local = threading.local()
        self._down_until = 0.0

    def append(self, site: str, entry: ConsentInput, timeout: float = 30.0) -> dict[str, Any]:
        body = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
        line = json.dumps({"site": site, "entry": body}).encode() + b"\n"
        replies = self._send(line, timeout)
        if replies is None:
            return self.fallback.append(site, entry, timeout)
        try:
            answer = replies.readline(MAX_LINE)
        except OSError:
            answer = b""
        if not answer.endswith(b"\n"):
            self._close()
            raise StorageError("the consent writer stopped before confirming the record; retry")
        message = json.loads(answer)
        if "error" in message:
            if message.get("code") == InputError.code:  # this record, not the writer, failed
                raise InputError(str(message["error"]))
            raise StorageError(str(message["error"]))
        record: dict[str, Any] = message["record"]
        return record

    def _send(self, line: bytes, timeout: float) -> Any | None:
        """Send ``line`` to the writer; its reply stream, or None when no writer takes it.

        A send fails on a connection whose writer has restarted since this thread last wrote
        (the line never reached a writer), so it is tried once more on a new connection.
        """
        for _ in range(2):
            channel = self._channel(timeout)
            if channel is None:
                return None
            sock, replies = channel
            try:
                sock.settimeout(timeout)
                sock.sendall(line)
            except OSError:
                self._close()
                continue
            return replies
        return None

    def _channel(self, timeout: float) -> tuple[socket.socket, Any] | None:
        channel = getattr(self._local, "channel", None)
        if channel is not None:
            return channel
        if time.monotonic() < self._down_until:
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(self.path)
        except OSError as exc:
            sock.close()
            self._down_until = time.monotonic() + self.retry_after
            log.warning("no consent writer on %s (%s); writing in-process", self.path, exc)
            return None
        self._local.channel = (sock, sock.makefile("rb"))
        return self._local.channel

    def _close(self) -> None:
        channel = getattr(self._local, "channel", None)
        self._local.channel = None
        if channel is not None:
            with contextlib.suppress(OSError):
                channel[1].close()
                channel[0].close()
