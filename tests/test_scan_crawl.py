"""Crawl rules in real Chromium: robots.txt, sitemaps (index and .gz), templates, globs."""

from __future__ import annotations

import pytest

from cookiegov.settings import Settings
from fixtures.server import FixtureServer
from scanner.crawl import path_template
from scanner.scan import scan_site

pytestmark = pytest.mark.browser


def bench_settings(server: FixtureServer, **kw: object) -> Settings:
    base = server.settings(
        max_pages=15,
        concurrency=2,
        settle_ms=150,
    )
    return base.replace(**kw)


def test_path_templates() -> None:
    assert path_template("https://s.test/products/hiking-boot-model-1") == (
        path_template("https://s.test/products/tent-2")
    )
    assert path_template("https://s.test/p/17") == "s.test/p/{n}"
    assert path_template("https://s.test/about") == "s.test/about"
    assert path_template("https://s.test/search?q=a&page=2") == "s.test/search?page&q"


def test_robots_sitemaps_and_templates(fixture_server: FixtureServer) -> None:
    result = scan_site("https://bench.test/", bench_settings(fixture_server, max_per_template=3))
    urls = [p.url for p in result.pages]
    assert result.settings["sitemap_urls"] == 200 + 10000  # index → .gz pages + products
    assert not [u for u in urls if "/private/" in u]  # robots.txt disallows it
    assert result.settings["skipped"]["robots"] >= 1
    assert len([u for u in urls if "/products/" in u]) <= 3  # 10,000 products, 3 visits
    assert result.settings["skipped"]["template"] > 9000
    assert "private_area" not in {c.name for c in result.cookies}


def test_ignore_robots_and_globs(fixture_server: FixtureServer) -> None:
    ignoring = scan_site(
        "https://bench.test/",
        bench_settings(
            fixture_server,
            ignore_robots=True,
            use_sitemap=False,
            max_pages=40,
            include=["/", "/p/*", "/private/*"],
            exclude=["/p/1*"],
        ),
    )
    urls = [p.url for p in ignoring.pages]
    assert any("/private/" in u for u in urls)
    assert not [u for u in urls if u.startswith("https://bench.test/p/1")]
    assert not [u for u in urls if "/products/" in u]  # not included
