"""Alerts after a scheduled scan: a JSON webhook (Slack-compatible) and e-mail, with retries."""

from __future__ import annotations

import logging
import smtplib
import time
from email.message import EmailMessage
from typing import Any

import requests

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
