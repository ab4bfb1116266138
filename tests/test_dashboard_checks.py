"""The dashboard judges stored scans as `cookiegov check` does (in-process Flask client)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from banner import create_app
from cookiegov.models import Category, ConsentState
from cookiegov.settings import Settings
from cookiegov.storage import open_database
from cookiegov.storage.scans import save_scan
from tests.builders import DAY, banner, cookie, scan

TOKEN = "dash-t0ken-for-the-dashboard-4Wq"


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'd.db'}",
        admin_token=TOKEN,
        consent_days=365,
        sites={"shop.test": {"name": "Shop"}},
    )
    db = open_database(settings.database_url)
    # No choice: clean but for a consent cookie of 300 days (fine with 365 configured).
    save_scan(db, scan(ConsentState.NONE, [cookie("cookiegov", lifetime=300 * DAY)]))
    # After Reject all: an analytics cookie stays, a violation.
    save_scan(
        db,
        scan(ConsentState.REJECT, [cookie("_ga", Category.ANALYTICS)], evidence=[banner()]),
    )
    app = create_app(settings, db)
    test_client = app.test_client()
    response = test_client.post("/dashboard/login", data={"token": TOKEN})
    assert response.status_code == 302
    return test_client


def test_overview_counts_violations_of_every_state(client: FlaskClient) -> None:
    """Before: the overview checked the none scan only and showed 'compliant'."""
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "1 violation(s)" in html
    assert "compliant" not in html


def test_site_page_uses_the_configured_consent_period(client: FlaskClient) -> None:
    """Before: the site page judged the consent cookie against 182 days, not 365."""
    html = client.get("/dashboard/sites/shop.test").get_data(as_text=True)
    assert "after Reject all" in html
    assert "consent cookie cookiegov" not in html
    cards = re.findall(r'<div class="card"><b>(\d+)</b><span>(violations|warnings)</span>', html)
    assert cards == [("1", "violations"), ("0", "warnings")]
