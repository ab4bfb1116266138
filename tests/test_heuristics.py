"""The heuristic layer on single cookies: features in, category and reason out."""

from __future__ import annotations

import pytest

from cookiegov.heuristics import heuristic, tokens
from cookiegov.models import Category, CookieInput

DAY = 86400.0
ID = "q8d0b3h1v5kz2m7wa9e4tr6ycx"


@pytest.mark.parametrize(
    ("cookie", "category", "clause"),
    [
        (
            CookieInput("site_lang", "www.a.test", value="fr", expires_in=365 * DAY),
            "functional",
            "'lang'",
        ),
        (CookieInput("csrftoken", "www.a.test", value=ID), "necessary", "'csrftoken'"),
        (CookieInput("abTestVariant", "www.a.test", value="b"), "analytics", "'variant'"),
        (
            CookieInput("x", "tr.ads.test", value=ID, expires_in=90 * DAY, third_party=True),
            "advertising",
            "third-party cookie holding an ID",
        ),
        (
            CookieInput("s", "www.a.test", value=ID, http_only=True),
            "necessary",
            "first-party session cookie holding an ID",
        ),
    ],
)
def test_features_point_to_a_category(cookie: CookieInput, category: str, clause: str) -> None:
    result = heuristic(cookie)
    assert (result.category.value, result.layer) == (category, "heuristic")
    assert clause in result.reason
    assert 0.25 <= result.confidence <= 0.75  # never as sure as a documented name


def test_no_evidence_or_conflicting_evidence_is_unknown() -> None:
    assert heuristic(CookieInput("zq", "www.a.test")).category is Category.UNKNOWN
    mixed = heuristic(CookieInput("ads_session", "www.a.test", value="1"))
    assert mixed.category is Category.UNKNOWN and "conflicting" in mixed.reason


def test_tokens_split_names_the_way_sites_write_them() -> None:
    assert tokens("_ga_ABC123") == ("ga", "abc123")
    assert tokens("userSessionId") == ("user", "session", "id")
    assert tokens("a.b:c|d[e]") == ("a", "b", "c", "d", "e")
