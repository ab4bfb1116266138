"""Schemathesis against /v1/openapi.json: generated requests, no 5xx, responses match the schema.

Every operation gets up to 100 generated cases (14 operations: well over 1,000 requests).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from banner import create_app
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.appends import append_consent
from cookiegov.storage.consents import ConsentInput

TOKEN = "fuzz-token-for-the-admin-api-9Zk2"
_db = open_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'fuzz.db'}")
append_consent(
    _db, "shop.test", ConsentInput("visitor-fuzz-000000", {"analytics": True}, 1, "banner", False)
)
APP = create_app(Settings(admin_token=TOKEN, rate_limit=10**9, sites={"shop.test": {}}), _db)
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", APP)
CALLS = {"n": 0}


@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_fuzz(case: schemathesis.Case) -> None:
    CALLS["n"] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})


def test_enough_requests_were_generated() -> None:
    assert CALLS["n"] >= 1000, CALLS["n"]
