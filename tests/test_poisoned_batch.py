"""One visitor's bad values cannot fail another visitor's consent (issue 15, item 1).

Values a client can send that a database refuses (an unpaired UTF-16 surrogate, NUL, an
integer wider than the column) are refused at the edge with a 400; and a record the database
refuses all the same fails alone in the group commit, the other records of its batch are
stored. On SQLite and PostgreSQL, with a real server on loopback and concurrent clients.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from banner import create_app
from cookiegov.errors import InputError
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.appends import BatchCommitter, ConsentWriter
from cookiegov.storage.consents import ConsentInput, all_records, count_records, verify_chain
from cookiegov.storage.writer_service import WriterClient, WriterServer
from tests.conftest import served

# Bodies as a hostile client sends them: raw JSON text, escapes included.
POISONED_BODIES = (
    '{"categories": {}, "language": "\\ud800"}',  # unpaired surrogate
    '{"categories": {}, "page_url": "https://x.test/\\udfff"}',
    '{"categories": {}, "page_url": "https://x.test/\\u0000"}',  # NUL: PostgreSQL refuses it
    '{"categories": {}, "texts_hash": "a\\u0000b"}',
    '{"categories": {}, "revision": 9223372036854775808}',  # 2**63: wider than SQLite's
    '{"categories": {}, "revision": 2147483648}',  # 2**31: wider than PostgreSQL's integer
    '{"categories": {}, "revision": -1}',
)


def _entry(consent_id: str, **changes: object) -> ConsentInput:
    values: dict[str, object] = {
        "consent_id": consent_id,
        "choices": {"analytics": True, "advertising": False},
        "revision": 1,
        "method": "api",
        "gpc": False,
        "ip": "203.0.113.0/24",
    }
    values.update(changes)
    return ConsentInput(**values)  # type: ignore[arg-type]


# Records that get past no edge but that a database refuses (they reach the writer directly).
POISONED_ENTRIES = (
    {"revision": 2**63},
    {"language": "\ud800"},
    {"page_url": "https://x.test/\udfff"},
)


@pytest.fixture
def server(db: Database) -> Iterator[int]:
    settings = Settings(rate_limit=10**6, sites={"shop.test": {}})
    with served(create_app(settings, db)) as url:
        yield int(url.rsplit(":", 1)[1])


def _post(port: int, body: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/v1/sites/shop.test/consents",
            body=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_poisoned_clients_get_400_and_fail_no_legitimate_consent(server: int, db: Database) -> None:
    """Eight legitimate clients (400 consents) and two poisoned ones post at once: every
    legitimate consent is stored (201), every poisoned one is a clear 400."""
    legit = [json.dumps({"categories": {"analytics": i % 2 == 0}}) for i in range(400)]
    poisoned = [POISONED_BODIES[i % len(POISONED_BODIES)] for i in range(70)]
    jobs = [("legit", b) for b in legit] + [("poisoned", b) for b in poisoned]
    jobs = sorted(jobs, key=lambda j: hash(j[1]) % 97)  # interleaved
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda j: (j[0], *_post(server, j[1])), jobs))
    legit_codes = [code for kind, code, _ in results if kind == "legit"]
    assert legit_codes.count(201) == 400, sorted(set(legit_codes))
    for kind, code, document in results:
        if kind == "poisoned":
            assert code == 400 and document["error"]["code"] == "invalid_input", document
    assert count_records(db, "shop.test") == 400
    assert verify_chain(db, "shop.test").ok


def test_a_record_the_database_refuses_fails_alone_in_its_batch(db: Database) -> None:
    """The group commit splits a failed batch: the refused records fail with a clear error,
    the others of the same batch are stored in order and the chain verifies."""
    committer = BatchCommitter(db)
    items = [("shop.test", _entry(f"visitor-ok-{i:08d}")) for i in range(20)]
    for n, poison in enumerate(POISONED_ENTRIES):
        items.insert(3 + 6 * n, ("shop.test", _entry(f"visitor-bad-{n:07d}", **poison)))
    with db.write_lock():
        outcomes = committer.commit_isolating(items)
    committer.close()
    stored = [o for o in outcomes if isinstance(o, dict)]
    failed = [o for o in outcomes if not isinstance(o, dict)]
    assert len(stored) == 20 and len(failed) == len(POISONED_ENTRIES)
    assert all(isinstance(e, InputError) and "cannot be stored" in e.message for e in failed)
    assert [r["seq"] for r in stored] == list(range(1, 21))
    assert [r["consent_id"] for r in all_records(db, "shop.test")] == [
        f"visitor-ok-{i:08d}" for i in range(20)
    ]
    assert verify_chain(db, "shop.test").ok


def test_nul_is_refused_alone_on_postgresql_and_kept_on_sqlite(db: Database) -> None:
    committer = BatchCommitter(db)
    items = [("shop.test", _entry(f"visitor-ok-{i:08d}")) for i in range(6)]
    items.insert(2, ("shop.test", _entry("visitor-nul-00000", page_url="https://x.test/\x00")))
    with db.write_lock():
        outcomes = committer.commit_isolating(items)
    committer.close()
    refused = [o for o in outcomes if not isinstance(o, dict)]
    assert len(refused) == (1 if db.dialect == "postgresql" else 0)
    assert count_records(db, "shop.test") == 7 - len(refused)
    assert verify_chain(db, "shop.test").ok


def _hammer(append: object, n_legit: int = 300, n_bad: int = 30) -> tuple[int, list]:
    """Concurrent appends, legitimate and poisoned, through ``append``; returns how many
    legitimate ones were stored and the errors the legitimate ones met (must be none)."""
    errors: list[BaseException] = []
    poisoned_ok = []

    def legit(i: int) -> None:
        try:
            append("shop.test", _entry(f"visitor-ok-{i:08d}"))  # type: ignore[operator]
        except Exception as exc:
            errors.append(exc)

    def bad(i: int) -> None:
        poison = POISONED_ENTRIES[i % len(POISONED_ENTRIES)]
        try:
            append("shop.test", _entry(f"visitor-bad-{i:07d}", **poison))  # type: ignore[operator]
        except InputError:
            poisoned_ok.append(i)

    with ThreadPoolExecutor(16) as pool:
        for i in range(n_legit):
            pool.submit(legit, i)
            if i % (n_legit // n_bad) == 0:
                pool.submit(bad, i)
    assert len(poisoned_ok) == n_bad  # each poisoned append failed alone, as its own fault
    return n_legit - len(errors), errors


def test_concurrent_poisoned_appends_through_the_group_commit(db: Database) -> None:
    writer = ConsentWriter(db)
    stored, errors = _hammer(writer.append)
    assert errors == [] and stored == 300
    assert count_records(db, "shop.test") == 300 and verify_chain(db, "shop.test").ok


def test_concurrent_poisoned_appends_through_the_writer_process(
    db: Database, tmp_path: Path
) -> None:
    server = WriterServer(db, tmp_path / "writer.sock")
    stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        client = WriterClient(server.path, fallback=ConsentWriter(db))
        stored, errors = _hammer(client.append)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert errors == [] and stored == 300
    assert server.records == 300  # through the writer, not the fallback
    assert count_records(db, "shop.test") == 300 and verify_chain(db, "shop.test").ok
