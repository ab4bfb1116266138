"""The banner app with its consent storage replaced by a stub (no database, no writer): the
cost of the consent POST's own request handling, for bench/endpoint_bench.py."""

from __future__ import annotations

import itertools
from typing import Any

from banner.wsgi import app
from cookiegov.storage.appends import build_record
from cookiegov.storage.consents import GENESIS, ConsentInput
from cookiegov.storage.database import utcnow


class StubAppender:
    """Builds the record the real writer would store, hash included, and keeps nothing."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)

    def append(self, site: str, entry: ConsentInput, timeout: float = 30.0) -> dict[str, Any]:
        return build_record(site, entry, next(self._seq), GENESIS, utcnow())


app.extensions["cookiegov_writer"] = StubAppender()
