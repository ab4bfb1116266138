"""The scanner's mark on its own consents, so that they never count as a visitor's.

When a scan answers a banner served by our endpoint, the scanner adds a signed header to
that consent request only (never to other requests, so the mark does not reach third
parties): ``X-Cookiegov-Scan: <unix time>.<HMAC-SHA256>``. The endpoint checks the signature
and its age; a marked consent is answered exactly as a visitor's (same document, same
cookie, so the scan sees what a visitor gets) but is not appended to the consent log, and
therefore not to the statistics or the opt-out figures. The key is ``scan_key``, else derived
from the deployment's secret (``key_file``/``COOKIEGOV_SECRET_KEY``), else from the
installation's ``admin_token`` and ``database_url``, so that the scanner and the endpoint of
one installation agree without configuration.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from cookiegov.keys import load_keys
from cookiegov.settings import Settings

HEADER = "X-Cookiegov-Scan"
MAX_AGE = 6 * 3600  # seconds a mark stays valid (a long scan)


def key_for(settings: Settings) -> bytes:
    """The mark's key: ``scan_key`` if set, else derived from the deployment's secret
    (``key_file`` / ``COOKIEGOV_SECRET_KEY``), else - a deployment with no secret - from its
    admin token and database URL (the scanner and the server share the settings)."""
    if settings.scan_key:
        return settings.scan_key.encode()
    keys = load_keys(settings.secret_key, settings.key_file)
    if keys is not None:
        return keys.scan_mark_key
    material = f"cookiegov-scan|{settings.admin_token}|{settings.database_url}"
    return hashlib.sha256(material.encode()).digest()


def sign(key: bytes, now: float | None = None, purpose: str = "scan") -> str:
    """``<unix time>.<HMAC>`` of ``purpose`` ("scan": the scanner's consents; "test-session":
    the dashboard's test-session cookie), so one mark never passes for another."""
    stamp = str(int(time.time() if now is None else now))
    mac = hmac.new(key, f"{purpose}.{stamp}".encode(), hashlib.sha256).hexdigest()
    return f"{stamp}.{mac}"


def verify(
    value: str | None,
    key: bytes,
    now: float | None = None,
    purpose: str = "scan",
    max_age: float = MAX_AGE,
) -> bool:
    """True for a mark of ``purpose`` signed with ``key`` in the last ``max_age`` seconds."""
    if not value or "." not in value or len(value) > 128:
        return False
    stamp, _, mac = value.partition(".")
    if not (stamp.isascii() and stamp.isdigit()):  # "²" is a digit that int() refuses
        return False
    expected = hmac.new(key, f"{purpose}.{stamp}".encode(), hashlib.sha256).hexdigest()
    age = (time.time() if now is None else now) - int(stamp)
    # as bytes: compare_digest refuses a str with non-ASCII characters
    return hmac.compare_digest(mac.encode(), expected.encode()) and -300 <= age <= max_age
