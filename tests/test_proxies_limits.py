"""Visitors behind a reverse proxy, IPv4-mapped addresses, and the rate limits (issue 15, item 2).

Through the consent fast path and the Flask views (withdrawal), on a real database; the
shared limits against the real Redis on loopback, and against one that hangs.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from banner import create_app
from banner.proxies import TrustedProxies
from cookiegov.errors import ConfigError
from cookiegov.settings import Settings, load_settings
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records

PROXY = "10.1.2.3"


def _client(db: Database, **settings: Any) -> FlaskClient:
    values: dict[str, Any] = {"rate_limit": 3, "sites": {"shop.test": {}}}
    values.update(settings)
    return create_app(Settings(**values), db).test_client()


def _post(c: FlaskClient, peer: str, forwarded: str | None = None, site: str = "shop.test") -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return c.post(
        f"/v1/sites/{site}/consents",
        json={"categories": {"analytics": True}},
        headers=headers,
        environ_base={"REMOTE_ADDR": peer},
    )


def test_visitors_behind_a_trusted_proxy_have_their_own_limits_and_addresses(
    db: Database,
) -> None:
    c = _client(db, trusted_proxies=["10.0.0.0/8"])
    alice = [_post(c, PROXY, "198.51.100.7").status_code for _ in range(4)]
    bob = [_post(c, PROXY, "203.0.113.9").status_code for _ in range(3)]
    assert alice == [201, 201, 201, 429] and bob == [201, 201, 201]
    ips = {r["ip"] for r in all_records(db, "shop.test")}
    assert ips == {"198.51.100.0/24", "203.0.113.0/24"}  # never the proxy's 10.1.2.0/24


def test_the_visitor_is_the_rightmost_address_no_trusted_proxy_added(db: Database) -> None:
    """A visitor who sends X-Forwarded-For themselves cannot choose their address: nginx
    appends the real one, and only trusted hops are skipped from the right."""
    c = _client(db, trusted_proxies=["10.0.0.0/8", "192.168.0.0/16"])
    assert _post(c, PROXY, "1.2.3.4, 198.51.100.7, 192.168.1.1").status_code == 201
    assert all_records(db, "shop.test")[-1]["ip"] == "198.51.100.0/24"


def test_forwarded_for_from_an_untrusted_peer_is_ignored(db: Database) -> None:
    c = _client(db, trusted_proxies=["10.0.0.0/8"])
    codes = [_post(c, "198.51.100.50", f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]  # one client, whatever the header says
    assert {r["ip"] for r in all_records(db, "shop.test")} == {"198.51.100.0/24"}
    plain = _client(db)  # no trusted proxies: the header counts for nothing
    assert _post(plain, PROXY, "203.0.113.1").status_code == 201
    assert all_records(db, "shop.test")[-1]["ip"] == "10.1.2.0/24"


def test_withdrawal_behind_the_proxy_stores_the_visitors_network(db: Database) -> None:
    c = _client(db, trusted_proxies=["10.1.2.3"])
    cid = _post(c, PROXY, "198.51.100.7").get_json()["consent_id"]
    gone = c.delete(
        f"/v1/sites/shop.test/consents/{cid}",
        headers={"X-Forwarded-For": "198.51.100.8"},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert gone.status_code == 200
    assert [r["ip"] for r in all_records(db, "shop.test")] == ["198.51.100.0/24"] * 2


def test_ipv4_mapped_addresses_are_ipv4(db: Database) -> None:
    """A server bound to ``::`` sees IPv4 peers as ``::ffff:a.b.c.d``: stored as the IPv4
    /24, and limited together with the same network's plain IPv4 addresses."""
    c = _client(db)
    codes = [
        _post(c, "::ffff:203.0.113.9").status_code,
        _post(c, "::FFFF:203.0.113.10").status_code,
        _post(c, "203.0.113.11").status_code,
        _post(c, "::ffff:cb00:710c").status_code,  # 203.0.113.12, written in hex
    ]
    assert codes == [201, 201, 201, 429]
    assert {r["ip"] for r in all_records(db, "shop.test")} == {"203.0.113.0/24"}
    behind = _client(db, trusted_proxies=["::ffff:10.0.0.0/104"])
    assert _post(behind, "::ffff:10.1.2.3", "::ffff:198.51.100.7").status_code == 201
    assert all_records(db, "shop.test")[-1]["ip"] == "198.51.100.0/24"


def test_429_says_when_to_retry_in_the_error_shape(db: Database) -> None:
    c = _client(db, rate_limit=1)
    assert _post(c, "198.51.100.1").status_code == 201
    limited = _post(c, "198.51.100.1")
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    streamed = c.post(  # chunked: served by the Flask view, same answer
        "/v1/sites/shop.test/consents",
        data=b'{"categories": {}}',
        headers={"Transfer-Encoding": "chunked"},
        content_type="application/json",
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert streamed.status_code == 429 and int(streamed.headers["Retry-After"]) >= 1


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(env={"COOKIEGOV_TRUSTED_PROXIES": "10.0.0.0/8 nginx"})
    s = load_settings(env={"COOKIEGOV_TRUSTED_PROXIES": "10.0.0.0/8 ::1"})
    assert s.trusted_proxies == ["10.0.0.0/8", "::1"]
    proxies = TrustedProxies(lambda e, s: [], s.trusted_proxies)
    assert proxies.hops("6.6.6.6, 198.51.100.1, ::1, 10.9.9.9") == 3


def _redis_url() -> str:
    import redis

    url = os.environ.get("COOKIEGOV_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url} (CI requires it)")
        pytest.skip("Redis is not reachable")
    return url


def test_limits_are_shared_through_redis_per_visitor_behind_proxies(db: Database) -> None:
    site = f"s{uuid.uuid4().hex[:10]}.test"
    settings = {"redis_url": _redis_url(), "trusted_proxies": ["10.0.0.0/8"]}
    servers = [_client(db, sites={site: {}}, **settings) for _ in range(2)]
    codes = [_post(servers[i % 2], PROXY, "198.51.100.9", site).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    assert _post(servers[0], PROXY, "198.51.101.9", site).status_code == 201


@pytest.fixture
def hung_redis() -> Iterator[str]:
    """A TCP peer that accepts connections and never answers (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_redis_costs_a_short_timeout_and_limits_still_hold(
    db: Database, hung_redis: str
) -> None:
    c = _client(db, redis_url=hung_redis)
    started = time.monotonic()
    codes = [_post(c, "198.51.100.77").status_code for _ in range(4)]
    elapsed = time.monotonic() - started
    assert codes == [201, 201, 201, 429]  # counted in-process while Redis hangs
    assert elapsed < 3, f"{elapsed:.1f} s for four consents with Redis hanging"
