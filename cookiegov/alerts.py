"""Alerts after a scheduled scan: a JSON webhook (Slack-compatible) and e-mail, with retries."""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import socket
import time
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import requests

from cookiegov.errors import InputError
from cookiegov.settings import Settings

log = logging.getLogger(__name__)
ATTEMPTS = 3


def _retry(what: str, action: Any, backoff: float) -> bool:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            action()
            return True
        except Exception as exc:
            log.warning("%s failed (attempt %d/%d): %s", what, attempt, ATTEMPTS, exc)
            if attempt < ATTEMPTS:
                time.sleep(backoff * attempt)
    return False


def require_public_webhook(url: str) -> None:
    """:class:`InputError` unless ``url`` is an http(s) URL whose host resolves, and only to
    public addresses: a site's admin must not make the server post to its own network
    (loopback, private, link-local: cloud metadata, internal services). An operator's own
    schedules (CLI, global admin) may point anywhere. Posts never follow a redirect
    (:func:`send_webhook`); a name is resolved here, not again at each post."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:  # "http://[127.0.0.1]/", a port out of range
        raise InputError("the webhook must be an http(s) URL") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise InputError("the webhook must be an http(s) URL")
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError) as exc:
        raise InputError(f"the webhook's host {host} does not resolve") from exc
    for address in sorted(addresses):
        if not _public(ipaddress.ip_address(address.split("%")[0])):
            raise InputError(f"the webhook's host {host} is not a public address")


# IPv6 forms that carry an IPv4 address: mapped, compatible, NAT64, 6to4.
_CARRIERS = tuple(
    ipaddress.ip_network(n) for n in ("::ffff:0:0/96", "::/96", "64:ff9b::/96", "2002::/16")
)


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_multicast or address.is_reserved or not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        for carrier in _CARRIERS:
            if address in carrier:
                packed = address.packed
                inner = packed[2:6] if carrier.prefixlen == 16 else packed[-4:]
                return _public(ipaddress.IPv4Address(inner))
    return True


def send_webhook(url: str, payload: dict[str, Any], *, backoff: float = 1.0) -> bool:
    """POST ``payload`` as JSON; ``text`` makes it readable in Slack. Retries on any failure."""

    def post() -> None:
        # never followed: a public webhook answering 307 must not send the post elsewhere
        response = requests.post(url, json=payload, timeout=10, allow_redirects=False)
        response.raise_for_status()
        if response.is_redirect:
            raise requests.HTTPError(f"redirected to {response.headers.get('Location')}")

    return _retry(f"webhook {url}", post, backoff)


def send_email(
    settings: Settings, to: str, subject: str, body: str, *, backoff: float = 1.0
) -> bool:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    def deliver() -> None:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)

    return _retry(f"e-mail to {to}", deliver, backoff)
