"""The machine's consent writer: shared batches across app processes, fallback, bad input."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cookiegov.errors import ConfigError
from cookiegov.storage import Database, open_database
from cookiegov.storage.appends import ConsentWriter
from cookiegov.storage.consents import ConsentInput, count_records, verify_chain
from cookiegov.storage.writer_service import WriterClient, WriterServer


def _consent(consent_id: str, analytics: bool = True) -> ConsentInput:
    return ConsentInput(
        consent_id=consent_id,
        choices={"analytics": analytics, "advertising": False},
        revision=1,
        method="api",
        gpc=False,
        ip="203.0.113.0/24",
    )


@pytest.fixture
def writer(db: Database, tmp_path: Path) -> Iterator[WriterServer]:
    server = WriterServer(db, tmp_path / "writer.sock")
    stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(stop,), daemon=True)
    thread.start()
    yield server
    stop.set()
    thread.join(timeout=5)


def test_appends_of_several_app_processes_share_commits(db: Database, writer: WriterServer) -> None:
    """Three app processes (each its own client and fallback) append at once through one
    writer: every record is answered once, sequence numbers are unique, the chain verifies."""
    clients = [WriterClient(writer.path, fallback=ConsentWriter(db)) for _ in range(3)]
    sites = ["shop.test" if i % 4 else "other.test" for i in range(400)]
    with ThreadPoolExecutor(24) as pool:
        records = list(
            pool.map(
                lambda i: clients[i % 3].append(sites[i], _consent(f"visitor-ws-{i:08d}")),
                range(400),
            )
        )
    for site in ("shop.test", "other.test"):
        seqs = sorted(r["seq"] for r, s in zip(records, sites, strict=True) if s == site)
        assert seqs == list(range(1, sites.count(site) + 1))
        assert verify_chain(db, site).ok
    assert count_records(db, "shop.test") + count_records(db, "other.test") == 400
    assert writer.records == 400  # all went through the writer, none through a fallback
    assert writer.largest_batch > 1


def test_without_a_writer_the_app_writes_itself(db: Database, tmp_path: Path) -> None:
    client = WriterClient(tmp_path / "nobody.sock", fallback=ConsentWriter(db))
    record = client.append("shop.test", _consent("visitor-fallback-01"))
    assert record["seq"] == 1 and verify_chain(db, "shop.test").ok


def test_a_restarted_writer_is_found_again(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "writer.sock"
    client = WriterClient(path, fallback=ConsentWriter(db), retry_after=0)
    for round_ in range(2):
        server = WriterServer(db, path)
        stop = threading.Event()
        thread = threading.Thread(target=server.serve_forever, args=(stop,), daemon=True)
        thread.start()
        client.append("shop.test", _consent(f"visitor-restart-{round_:02d}"))
        assert server.records == 1  # the second round reconnected instead of falling back
        stop.set()
        thread.join(timeout=5)
    assert count_records(db, "shop.test") == 2 and verify_chain(db, "shop.test").ok


def test_malformed_lines_get_an_error_and_the_connection_lives_on(
    db: Database, writer: WriterServer
) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(writer.path)
        replies = sock.makefile("rb")
        sock.sendall(b'{"site": "shop.test"}\n')  # no entry
        assert b"malformed append" in replies.readline()
        sock.sendall(b"not json\n")
        assert b"malformed append" in replies.readline()
        sock.sendall(
            b'{"site": "shop.test", "entry": {"consent_id": "visitor-raw-00000001",'
            b' "choices": {"analytics": true}, "revision": 1, "method": "api", "gpc": false}}\n'
        )
        assert b'"seq": 1' in replies.readline()
    assert verify_chain(db, "shop.test").ok


def test_one_writer_per_socket(db: Database, writer: WriterServer) -> None:
    with pytest.raises(ConfigError, match="already listens"):
        WriterServer(db, writer.path)


def test_a_stale_socket_file_is_replaced(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "writer.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))  # bound but never listening: what a killed writer leaves behind
    stale.close()
    db = open_database(db_url)
    server = WriterServer(db, path)
    server.close()
    db.close()
    assert not path.exists()


def test_a_failed_commit_is_reported_to_the_app_and_the_writer_goes_on(
    db: Database, writer: WriterServer
) -> None:
    import sqlalchemy as sa

    from cookiegov.errors import StorageError

    client = WriterClient(writer.path, fallback=ConsentWriter(db))
    client.append("shop.test", _consent("visitor-ok-0000001"))
    with db.engine.begin() as conn:  # the next commit cannot succeed
        conn.execute(sa.text("ALTER TABLE consents RENAME TO consents_away"))
    with pytest.raises(StorageError, match="database error"):
        client.append("shop.test", _consent("visitor-lost-000001"))
    with db.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE consents_away RENAME TO consents"))
    assert client.append("shop.test", _consent("visitor-ok-0000002"))["seq"] == 2
    assert writer.records == 2 and verify_chain(db, "shop.test").ok
