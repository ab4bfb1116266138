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
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if mode == "hash":
        return hmac.new(salt.encode(), address.packed, hashlib.sha256).hexdigest()[:32]
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return f"{network.network_address}/{prefix}"
