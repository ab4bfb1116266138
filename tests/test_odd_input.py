"""Odd input gets the right answer in the API's error shape, and a site's odd values never lose
a scan (issue 15, item 6); ``cookiegov serve`` runs a production server (item 10).

Against real servers on loopback: waitress (what ``serve`` runs) and Werkzeug's development
server (``serve --debug``); the scan storage on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from banner import create_app
from banner.serving import JsonErrorRequestHandler, production_server
from cookiegov.models import (
    Category,
    Classification,
    ObservedCookie,
    PageResult,
    ScanResult,
    ThirdPartyRequest,
)
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records
from cookiegov.storage.scans import load_scan, save_scan
from tests import builders

TOKEN = "odd-input-admin-token-5c1d7e9a3b8f2046"


def _settings() -> Settings:
    return Settings(admin_token=TOKEN, sites={"shop.test": {}})


def test_a_non_ascii_digit_limit_is_a_400(db: Database) -> None:
    c = create_app(_settings(), db).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for query in ("limit=²", "offset=٣", "limit=1e3", "since=٢٠٢٦-٠١-٠١"):
        r = c.get(f"/v1/sites/shop.test/admin/consents?{query}", headers=auth)
        assert r.status_code == 400, (query, r.status_code)
        assert r.get_json()["error"]["code"] == "invalid_input"
    assert c.get("/v1/sites/shop.test/admin/consents?limit=5", headers=auth).status_code == 200


def test_a_non_ascii_content_length_is_no_500(db: Database) -> None:
    app = create_app(_settings(), db)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/v1/sites/shop.test/consents",
        "CONTENT_LENGTH": "²",
        "CONTENT_TYPE": "application/json",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": __import__("io").BytesIO(b'{"categories": {}}'),
        "wsgi.errors": sys.stderr,
        "REMOTE_ADDR": "198.51.100.1",
    }
    seen: list[str] = []
    body = b"".join(app.wsgi_app(environ, lambda status, headers: seen.append(status)))
    assert not seen[0].startswith("5"), seen
    assert "error" in json.loads(body) or "consent_id" in json.loads(body)


@pytest.fixture(params=["waitress", "werkzeug"])
def served(request: pytest.FixtureRequest, db: Database) -> Iterator[int]:
    """The app behind a real server on loopback: waitress (``serve``) or Werkzeug's
    development server with its JSON error handler (``serve --debug``)."""
    app = create_app(_settings(), db)
    if request.param == "waitress":
        server = production_server(app, "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        yield server.effective_port
        server.close()
    else:
        dev = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=JsonErrorRequestHandler
        )
        thread = threading.Thread(target=dev.serve_forever, daemon=True)
        thread.start()
        yield dev.server_port
        dev.shutdown()
    thread.join(timeout=5)


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send a raw HTTP request (from another thread: a server may answer before it has read
    all of it) and read the answer: status, headers and body (by its Content-Length)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:

        def send() -> None:
            with contextlib.suppress(OSError):  # the server may answer and close first
                sock.sendall(request)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, "connection closed before an answer"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        while len(body) < int(headers.get("content-length", "0")):
            chunk = sock.recv(65536)
            assert chunk, "connection closed in the middle of the answer"
            body += chunk
        with contextlib.suppress(OSError):  # the server may have closed already
            sock.shutdown(socket.SHUT_RDWR)
    sender.join(timeout=5)
    return int(lines[0].split()[1]), headers, body


def test_a_100_kb_header_gets_a_json_431(served: int) -> None:
    status, headers, body = _raw(
        served,
        b"GET /v1/sites/shop.test/banner.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"X-Padding: " + b"a" * 100_000 + b"\r\n\r\n",
    )
    assert status == 431 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "request_header_fields_too_large"


def test_a_chunked_10_mb_body_gets_a_json_413(served: int) -> None:
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(160)) + b"0\r\n\r\n"
    status, headers, answer = _raw(
        served,
        b"POST /v1/sites/shop.test/consents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(answer)["error"]["code"] == "request_entity_too_large"


def test_a_small_chunked_consent_is_recorded(served: int, db: Database) -> None:
    payload = json.dumps({"categories": {"analytics": True}}).encode()
    status, _, answer = _raw(
        served,
        b"POST /v1/sites/shop.test/consents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n0\r\n\r\n"
        % (len(payload), payload),
    )
    assert status == 201, answer
    assert all_records(db, "shop.test")[0]["choices"]["analytics"] is True


@pytest.mark.parametrize("origin", ["https://[x", "http://[::1", "https://a:99999999999"])
def test_a_malformed_origin_is_no_origin_and_the_answer_matches_what_is_stored(
    served: int, db: Database, origin: str
) -> None:
    """A client (not a browser) sending an Origin no host can be read from: the consent is
    recorded once and answered 201 (it was answered 500 after being stored, so a retry would
    store it twice); a withdrawal and the banner script are answered too, without CORS."""
    payload = json.dumps({"categories": {"analytics": True}}).encode()
    head = (
        f"Host: x\r\nConnection: close\r\nOrigin: {origin}\r\nContent-Type: application/json\r\n"
    ).encode()
    path = b"/v1/sites/shop.test/consents"
    sized = b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s" % (
        path,
        head,
        len(payload),
        payload,
    )
    chunked = b"POST %s HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (
        path,
        head,
        len(payload),
        payload,
    )
    ids = []
    for request in (sized, chunked):  # the fast path, and Flask's for a chunked body
        status, headers, answer = _raw(served, request)
        assert status == 201, answer
        assert "access-control-allow-origin" not in headers
        ids.append(json.loads(answer)["consent_id"])
    stored = all_records(db, "shop.test")
    assert [r["consent_id"] for r in stored] == ids
    withdraw = b"DELETE %s/%s HTTP/1.1\r\n%s\r\n" % (path, ids[0].encode(), head)
    status, _, answer = _raw(served, withdraw)
    assert status == 200, answer
    assert [r["action"] for r in all_records(db, "shop.test")] == ["grant", "grant", "withdraw"]
    script = b"GET /v1/sites/shop.test/banner.js HTTP/1.1\r\n%s\r\n" % head
    status, headers, _ = _raw(served, script)
    assert status == 200 and "Origin" in headers["vary"]


def _cookie(same_site: str, name: str = "pref") -> ObservedCookie:
    return builders.cookie(
        name,
        lifetime=None,
        same_site=same_site,
        set_by="https://www.shop.test/",
        pages=("https://www.shop.test/\x00",),
        classification=Classification(Category.UNKNOWN, None, 0.0, "test", "test"),
    )


def test_odd_values_from_a_site_never_lose_a_scan(db: Database) -> None:
    """``SameSite=Strict-except-partners`` (longer than the old ``varchar(16)``), NUL and an
    unpaired surrogate in titles and names, an overlong domain: stored, bounded, loaded."""
    result = ScanResult(
        url="https://www.shop.test/",
        site="shop.test",
        started_at="2026-11-29T00:00:00",
        finished_at="2026-11-29T00:00:01",
        consent="none",
        pages=[PageResult("https://www.shop.test/", 200, None, "Title \ud800 with\x00NUL")],
        cookies=[
            _cookie("Strict-except-partners"),
            _cookie("x" * 500, name="long\x00name"),
        ],
        requests=[
            ThirdPartyRequest("t" * 300 + ".test", "https://t.test/\udfff", "script", None, "/")
        ],
        evidence=[{"note": "clicked \x00 \ud83d"}],
    )
    saved = save_scan(db, result)
    assert saved.scan_id is not None
    loaded = load_scan(db, saved.scan_id)
    assert loaded is not None
    assert loaded.cookies[0].same_site == "Strict-except-partners"
    assert loaded.cookies[1].same_site == "x" * 64 and loaded.cookies[1].name == "longname"
    assert loaded.pages[0].title == "Title \ufffd withNUL"
    assert len(loaded.requests[0].host) == 255
    assert loaded.evidence == [{"note": "clicked  \ufffd"}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("debug", [False, True])
def test_serve_runs_waitress_and_the_dev_server_only_with_debug(
    tmp_path: Path, debug: bool
) -> None:
    """``cookiegov serve`` behind a proxy on 127.0.0.1 (``trusted_proxies``): the server
    that answers, and the visitor's network stored from ``X-Forwarded-For``."""
    port = _free_port()
    db_path = tmp_path / "serve.db"
    (tmp_path / "cookiegov.toml").write_text('[sites."shop.test"]\n')
    env = {
        **os.environ,
        "COOKIEGOV_DATABASE_URL": f"sqlite:///{db_path}",
        "COOKIEGOV_TRUSTED_PROXIES": "127.0.0.1",
    }
    cookiegov = str(Path(sys.executable).parent / "cookiegov")
    cmd = [cookiegov, "serve", "--port", str(port), "--no-scheduler"]
    proc = subprocess.Popen(
        [*cmd, *(["--debug"] if debug else [])],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        answer: Any = None
        deadline = time.monotonic() + 60  # a loaded machine starts Python slowly
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request(
                    "POST",
                    "/v1/sites/shop.test/consents",
                    body=b'{"categories": {}}',
                    headers={"Content-Type": "application/json", "X-Forwarded-For": "198.51.100.7"},
                )
                answer = conn.getresponse()
                answer.read()
                break
            except OSError:
                time.sleep(0.1)
        assert answer is not None and answer.status == 201
        server = answer.getheader("Server")
        assert server.startswith("Werkzeug") if debug else server == "cookiegov"
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert ("development server" in stderr.decode()) == debug
    from cookiegov.storage import open_database

    stored = open_database(f"sqlite:///{db_path}")
    assert all_records(stored, "shop.test")[0]["ip"] == "198.51.100.0/24"
    stored.close()
