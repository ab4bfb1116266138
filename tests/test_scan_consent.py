"""Consent states in real Chromium: our banner via its API, look-alike banners by their buttons."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from cookiegov.models import ScanResult
from cookiegov.services.scanning import scan
from cookiegov.settings import Settings
from cookiegov.storage import Database, open_database
from cookiegov.storage.consents import count_records
from fixtures.server import FixtureServer
from tests.conftest import demo_site_with_banner

pytestmark = pytest.mark.browser


def settings_for(server: FixtureServer, **kw: object) -> Settings:
    base = server.settings(max_pages=2, concurrency=1)
    return base.replace(**kw)


def names(result: ScanResult) -> set[str]:
    return {c.name for c in result.cookies}


@pytest.mark.parametrize(
    ("site", "reject_text", "accept_text"),
    [
        ("https://www.boulangerie.test/", "tout refuser", "tout accepter"),
        ("https://www.velo-shop.test/", "alle ablehnen", "alle akzeptieren"),
    ],
)
def test_look_alike_banners_reject_and_accept(
    request: pytest.FixtureRequest,
    fixture_server: FixtureServer,
    site: str,
    reject_text: str,
    accept_text: str,
) -> None:
    def scanned(consent: str) -> ScanResult:
        if "boulangerie" in site:  # the session's comparison of the bakery has both states
            return request.getfixturevalue("boulangerie_states")[consent]
        return scan(site, settings_for(fixture_server, consent=consent))

    rejected = scanned("reject")
    evidence = rejected.evidence[0]
    assert evidence["banner_found"] and evidence["method"] == "generic"
    assert evidence["clicked"].lower() == reject_text and evidence["verified"]
    assert len(base64.b64decode(evidence["screenshot"])) > 1000
    assert not {n for n in names(rejected) if n.startswith("_pk_")}
    accepted = scanned("accept")
    assert accepted.evidence[0]["clicked"].lower() == accept_text
    assert "_pk_id.7.4f2a" in names(accepted)


def test_no_banner_is_recorded_as_not_found(fixture_server: FixtureServer) -> None:
    result = scan(
        "https://www.shop.test/", settings_for(fixture_server, consent="reject", max_pages=1)
    )
    assert result.evidence and not result.evidence[0]["banner_found"]
    assert not result.evidence[0]["verified"]


def test_gpc_sends_the_signal(fixture_server: FixtureServer) -> None:
    result = scan("https://www.velo-shop.test/", settings_for(fixture_server, consent="gpc"))
    assert "gpc_seen" in names(result)
    plain = scan("https://www.velo-shop.test/", settings_for(fixture_server))
    assert "gpc_seen" not in names(plain)


def test_compare_reports_what_each_state_adds(boulangerie_states: dict) -> None:
    results = boulangerie_states
    assert list(results) == ["none", "reject", "gpc", "accept"]
    assert not {n for n in names(results["none"]) if n.startswith("_pk_")}
    added = names(results["accept"]) - names(results["none"])
    assert {"_pk_id.7.4f2a", "adnet_uid"} <= added
    assert names(results["reject"]) - names(results["none"]) == {"consentia"}


@pytest.fixture(scope="module")
def banner_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('c') / 'c.db'}")
    yield db
    db.close()


@pytest.fixture(scope="module")
def banner_site(banner_db: Database) -> Iterator[FixtureServer]:
    settings = Settings(sites={"shop.test": {}})
    with demo_site_with_banner(settings, banner_db) as server:
        yield server


def test_our_banner_through_its_api(banner_site: FixtureServer, banner_db: Database) -> None:
    rejected = scan("https://www.shop.test/", settings_for(banner_site, consent="reject"))
    assert rejected.evidence[0]["method"] == "cookiegov" and rejected.evidence[0]["verified"]
    assert not {n for n in names(rejected) if n.startswith("_pk_") or n.startswith("adnet")}
    assert "cookiegov" in names(rejected)
    accepted = scan("https://www.shop.test/", settings_for(banner_site, consent="accept"))
    assert {"_pk_id.7.4f2a", "adnet_uid"} <= names(accepted)
    assert accepted.evidence[0]["verified"]
    # The scanner's own answers reached the endpoint but are not visitors' consents.
    assert "/v1/sites/shop.test/consents" in banner_site.requests_to("consent.shop.test")
    assert count_records(banner_db, "shop.test") == 0


def _png_size(b64: str) -> tuple[int, int]:
    data = base64.b64decode(b64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_evidence_shows_the_frame_that_was_clicked(fixture_server: FixtureServer) -> None:
    """The consent dialog is the page's second iframe (420x180); the first is a 120x40
    widget. The screenshot must show the dialog's frame, not the first iframe."""
    result = scan(
        "https://www.framed-cmp.test/", settings_for(fixture_server, consent="reject", max_pages=1)
    )
    evidence = result.evidence[0]
    assert evidence["banner_found"] and evidence["frame"].endswith("/dialog.html")
    width, height = _png_size(evidence["screenshot"])
    assert width == 420 and abs(height - 180) <= 1  # subpixel layout may add a row
