"""The visitor's address behind trusted reverse proxies, for Flask and the fast path alike.

With ``trusted_proxies`` (addresses or networks) set, a request whose peer is one of them has
its client address taken from ``X-Forwarded-For``: the rightmost entry that is not itself a
trusted proxy, so a visitor cannot pick an address by sending the header themselves. Werkzeug's
:class:`~werkzeug.middleware.proxy_fix.ProxyFix` applies it (and ``X-Forwarded-Proto``), with
the number of hops counted per request. Requests from anyone else keep their peer address.
IPv4-mapped IPv6 addresses (``::ffff:192.0.2.1``, as a server bound to ``::`` sees IPv4 peers)
become plain IPv4 addresses, so truncation and rate limits treat them as IPv4.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

from cookiegov.errors import ConfigError
from cookiegov.privacy import plain_ip

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_HOPS = 16
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def parse_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    """``trusted_proxies`` as networks; :class:`ConfigError` names a malformed entry."""
    networks: list[Network] = []
    for entry in entries:
        try:
            network = ipaddress.ip_network(plain_ip(entry.strip()), strict=False)
        except ValueError as exc:
            raise ConfigError(f"trusted_proxies: {entry!r} is not an address or network") from exc
        if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_MAPPED):
            mapped = network.network_address.ipv4_mapped
            network = ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")
        networks.append(network)
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware in front of everything else (the consent fast path included)."""

    def __init__(self, app: WSGIApp, trusted: Sequence[str]) -> None:
        self.app = app
        self.networks = parse_networks(trusted)
        self._fixes = {
            hops: ProxyFix(self._plain, x_for=hops, x_proto=1, x_host=0, x_port=0, x_prefix=0)
            for hops in range(1, MAX_HOPS + 1)
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        peer = environ["REMOTE_ADDR"] = plain_ip(environ.get("REMOTE_ADDR") or "")
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if not self.networks or not forwarded or not self.trusted(peer):
            return self.app(environ, start_response)
        return self._fixes[self.hops(forwarded)](environ, start_response)

    def _plain(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        environ["REMOTE_ADDR"] = plain_ip(environ.get("REMOTE_ADDR") or "")
        return self.app(environ, start_response)

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def hops(self, forwarded: str) -> int:
        """How many ``X-Forwarded-For`` entries, from the right, lead to the first address
        that is not a trusted proxy (the peer itself is trusted: at least one)."""
        chain = [part.strip() for part in forwarded.split(",")]
        hops = 1
        while hops < min(len(chain), MAX_HOPS) and self.trusted(plain_ip(chain[-hops])):
            hops += 1
        return hops
