"""Privacy helpers: how a visitor's IP address is kept (never raw)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress


def anonymize_ip(ip: str | None, mode: str, salt: str = "") -> str | None:
    """``truncate``: IPv4 to /24, IPv6 to /48; ``hash``: HMAC-SHA256 with a per-site salt;
    ``none``: nothing kept."""
    if not ip or mode == "none":
        return None
    if mode == "truncate":
        fast = _truncate_ipv4(ip)
        if fast is not None:
            return fast
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
    if mode == "hash":
        return hmac.new(salt.encode(), address.packed, hashlib.sha256).hexdigest()[:32]
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return f"{network.network_address}/{prefix}"


def _truncate_ipv4(ip: str) -> str | None:
    """The /24 of a plain dotted-quad IPv4 address without ``ipaddress`` (hot path)."""
    parts = ip.split(".")
    if len(parts) != 4:
        return None
    for part in parts:
        if not (part.isdigit() and part.isascii()) or len(part) > 3 or int(part) > 255:
            return None
        if len(part) > 1 and part[0] == "0":
            return None  # leading zeros are ambiguous; let ipaddress reject them
    return f"{parts[0]}.{parts[1]}.{parts[2]}.0/24"


def plain_ip(ip: str) -> str:
    """An IPv4-mapped IPv6 address (``::ffff:192.0.2.1``, as a server bound to ``::`` sees
    IPv4 peers) as the IPv4 address it stands for; any other text unchanged."""
    if ":" not in ip or "." not in ip:
        return ip  # plain IPv4 or IPv6 without an IPv4 tail: the common case, no parsing
    try:
        address = ipaddress.ip_address(ip.strip("[] "))
    except ValueError:
        return ip
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return str(mapped) if mapped is not None else ip
