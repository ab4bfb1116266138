"""The banner app with its consent storage replaced by a stub (no database, no writer): the
cost of the consent POST's own request handling, for bench/endpoint_bench.py."""

from __future__ import annotations

import itertools
from typing import Any

from banner.wsgi import app
from cookiegov.storage.consents import GENESIS, ConsentInput, record_hash


class StubAppender:
    """Builds the record the real writer would store, hash included, and keeps nothing."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)

    def append(self, site: str, entry: ConsentInput, timeout: float = 30.0) -> dict[str, Any]:
        record: dict[str, Any] = {
            "seq": next(self._seq),
            "consent_id": entry.consent_id,
            "created_at": "2026-01-01T00:00:00.000+00:00",
            "action": entry.action,
            "choices": dict(sorted(entry.choices.items())),
            "revision": entry.revision,
            "method": entry.method,
            "gpc": entry.gpc,
            "language": entry.language,
            "page_url": entry.page_url,
            "texts_hash": entry.texts_hash,
            "user_agent": entry.user_agent,
            "ip": entry.ip,
            "prev_hash": GENESIS,
        }
        record["hash"] = record_hash(site, record)
        return record


app.extensions["cookiegov_writer"] = StubAppender()
