"""The test layers themselves: markers registered, the fast layer kept away from Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_markers_are_registered_and_make_has_the_fast_layer() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"browser: ' in pyproject and '"slow: ' in pyproject
    makefile = (ROOT / "Makefile").read_text()
    assert 'test-fast: setup\n\t$(BIN)/pytest -m "not browser and not slow"' in makefile


def test_an_unmarked_test_cannot_drive_chromium() -> None:
    from playwright.async_api import BrowserType as AsyncBrowserType
    from playwright.sync_api import BrowserType as SyncBrowserType

    for cls in (SyncBrowserType, AsyncBrowserType):
        with pytest.raises(AssertionError, match="mark it browser"):
            cls.launch(None)  # type: ignore[arg-type]
        with pytest.raises(AssertionError, match="mark it browser"):
            cls.connect_over_cdp(None, "http://127.0.0.1:9")  # type: ignore[arg-type]


def test_browser_fixtures_mark_a_test(request: pytest.FixtureRequest) -> None:
    from tests.conftest import BROWSER_FIXTURES

    assert "fixture_server" in BROWSER_FIXTURES
    assert request.node.get_closest_marker("browser") is None
