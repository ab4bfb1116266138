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
    """:class:`InputError` unless ``url`` is an http(s) URL whose host is, and resolves to,
    public addresses only: a site's admin must not make the server post to its own network
    (loopback, private, link-local: cloud metadata, internal services). An operator's own
    schedules (CLI, global admin) may point anywhere."""
    parts = urlsplit(url)
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise InputError("the webhook must be an http(s) URL")
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        addresses = set()  # not resolvable now: nothing internal to reach either
    for address in addresses | ({host} if _is_ip(host) else set()):
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise InputError(f"the webhook's host {host} is not a public address")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def send_webhook(url: str, payload: dict[str, Any], *, backoff: float = 1.0) -> bool:
    """POST ``payload`` as JSON; ``text`` makes it readable in Slack. Retries on any failure."""

    def post() -> None:
        response = requests.post(url, json=payload, timeout=10)
        response.raise_for_status()

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
