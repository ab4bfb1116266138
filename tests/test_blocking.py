"""The site's own block list and services from its scan (cookiegov.blocking)."""

from __future__ import annotations

import dataclasses

import pytest

from cookiegov.blocking import block_list, service_id, site_services
from cookiegov.models import Category
from tests.builders import cookie, request, scan


def test_hosts_that_set_cookies_of_a_category_are_listed_with_their_service() -> None:
    result = scan(
        cookies=[
            cookie(
                "_pk_id.1",
                Category.ANALYTICS,
                set_by="https://cdn.metrics.test/m.js",
                vendor="Matomo",
            ),
            cookie(
                "uid",
                Category.ADVERTISING,
                domain="adnet.test",
                third_party=True,
                set_by="https://ads.adnet.test/px.gif",
            ),
            cookie("sessionid", Category.NECESSARY, set_by="https://login.example.net/"),
            cookie("lang", Category.FUNCTIONAL, set_by="https://www.shop.test/static/site.js"),
        ]
    )
    listed = block_list(result)
    assert set(listed) == {"cdn.metrics.test", "ads.adnet.test"}  # not necessary, not our own
    assert (listed["cdn.metrics.test"].category, listed["cdn.metrics.test"].service) == (
        Category.ANALYTICS,
        "matomo",
    )
    # no vendor known: the host is a service of its own, named by its domain
    assert (listed["ads.adnet.test"].service, listed["ads.adnet.test"].name) == (
        "adnet-test",
        "adnet.test",
    )


def test_what_a_listed_script_loads_follows_it_and_the_strictest_category_wins() -> None:
    beacon = dataclasses.replace(
        request("collect.metrics.test"), initiator="https://cdn.metrics.test/m.js"
    )
    result = scan(
        cookies=[
            cookie("a", Category.FUNCTIONAL, set_by="https://cdn.metrics.test/m.js", vendor="M"),
            cookie("b", Category.ANALYTICS, set_by="https://cdn.metrics.test/m.js", vendor="M"),
        ],
        requests=[beacon, request("www.google-analytics.com")],
    )
    listed = block_list(result)
    assert listed["cdn.metrics.test"].category is Category.ANALYTICS
    assert listed["collect.metrics.test"].reason == "loaded by cdn.metrics.test"
    assert listed["collect.metrics.test"].service == "m"
    assert listed["www.google-analytics.com"].service == "google-analytics"


def test_site_overrides_allow_or_add_hosts() -> None:
    result = scan(cookies=[cookie("a", Category.ANALYTICS, set_by="https://cdn.metrics.test/m.js")])
    listed = block_list(result, {"cdn.metrics.test": "allow", "widgets.example": "advertising"})
    assert set(listed) == {"widgets.example"}
    assert listed["widgets.example"].category is Category.ADVERTISING


@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        ("Google Analytics", "google-analytics"),
        ("Microsoft Advertising (Bing)", "microsoft-advertising-bing"),
        ("Matomo", "matomo"),
    ],
)
def test_service_ids(vendor: str, expected: str) -> None:
    assert service_id(vendor) == expected


def test_services_in_category_order_under_their_strictest_category() -> None:
    result = scan(
        cookies=[
            cookie("x", Category.ADVERTISING, vendor="Meta"),
            cookie("y", Category.ANALYTICS, vendor="Matomo"),
            cookie("z", Category.FUNCTIONAL, vendor="Matomo"),
            cookie("s", Category.NECESSARY, vendor="Stripe"),
        ]
    )
    assert [(s.id, s.category) for s in site_services(result)] == [
        ("matomo", Category.ANALYTICS),
        ("meta", Category.ADVERTISING),
    ]
