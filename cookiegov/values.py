"""Shape of a cookie value: the classifier's evidence without keeping the value itself."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time

_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
_HEX = re.compile(r"^[0-9a-f]{16,}$", re.I)
_NUM = re.compile(r"^-?\d+(\.\d+)?$")
_GA = re.compile(r"^GA\d\.\d\.\d+\.\d+$|^GS\d\.\d\.")
_ID_ALPHABET = re.compile(r"^[A-Za-z0-9_\-.%~+/=:]+$")
_FLAGS = {"true", "false", "yes", "no", "on", "off", "0", "1", "y", "n", "null", "none"}


def entropy(value: str) -> float:
    """Shannon entropy per character, in bits."""
    if not value:
        return 0.0
    n = len(value)
    # log2(n) - sum(c log2 c) / n, counting with str.count (fast for cookie-sized values)
    return math.log2(n) - sum(c * math.log2(c) for c in map(value.count, set(value))) / n


def value_kind(value: str | None, *, now: float | None = None) -> str:
    """One of: empty, flag, timestamp, number, uuid, id, json, base64, text."""
    if not value:
        return "empty"
    v = value.strip().strip('"')
    if len(v) >= 16 and len(v) != 32 and _HEX.match(v) and not v.isdigit():
        return "id"  # what the tests below say of hex other than digits or a bare UUID
    low = v.lower()
    if low in _FLAGS:
        return "flag"
    if _NUM.match(v):
        number = float(v)
        now = now or time.time()
        for scale in (1.0, 1000.0):
            if 946_684_800 <= number / scale <= now + 20 * 365 * 86400:
                return "timestamp"
        return "number"
    if _UUID.match(v) or _GA.match(v):
        return "id" if _GA.match(v) else "uuid"
    if v[:1] in "{[" or v[:3] in ("%7B", "%7b", "%5B", "%5b"):
        try:
            json.loads(v if v[:1] in "{[" else _unquote(v))
            return "json"
        except (ValueError, RecursionError):  # nested too deep to be data: not JSON to us
            pass
    if _HEX.match(v):
        return "id"
    if len(v) >= 16 and len(v) % 4 == 0 and re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", v):
        try:
            base64.b64decode(v, validate=True)
            if entropy(v) > 3.5:
                return "base64"
        except (binascii.Error, ValueError):
            pass
    if len(v) >= 12 and _ID_ALPHABET.match(v) and entropy(v) >= 3.2:
        return "id"
    return "text"


def _unquote(v: str) -> str:
    from urllib.parse import unquote

    return unquote(v)
