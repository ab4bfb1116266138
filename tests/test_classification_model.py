"""The learned model layer on single cookies: features in, category and reason out."""

from __future__ import annotations

import pytest

from cookiegov.classification.base import features_of
from cookiegov.classification.features import _split, context_key, name_features
from cookiegov.classification.model import CLASSES, ModelLayer
from cookiegov.classification.registry import LAYER_ORDER
from cookiegov.classify import Classifier
from cookiegov.models import CookieInput

DAY = 86400.0
ID = "q8d0b3h1v5kz2m7wa9e4tr6ycx"
MODEL_ONLY = Classifier(skip=tuple(n for n in LAYER_ORDER if n != "model"))


@pytest.mark.parametrize(
    ("cookie", "category", "clause"),
    [
        (CookieInput("csrftoken", "www.a.test", value=ID), "necessary", "session lifetime"),
        (
            CookieInput("x", "tr.ads.test", value=ID, expires_in=90 * DAY, third_party=True),
            "advertising",
            "third-party",
        ),
        (CookieInput("s", "www.a.test", value=ID, http_only=True), "necessary", "HttpOnly"),
        (
            CookieInput("_pk_ses.9.a1b2", "www.a.test", value="1", expires_in=1800),
            "analytics",
            "name",
        ),
    ],
)
def test_features_point_to_a_category(cookie: CookieInput, category: str, clause: str) -> None:
    result = MODEL_ONLY.classify(cookie)
    assert (result.category.value, result.layer) == (category, "model")
    assert result.reason.startswith("learned model: ") and clause in result.reason
    assert 0.25 <= result.confidence < 1.0


def test_probabilities_sum_to_one_and_the_answer_is_the_most_likely() -> None:
    layer = MODEL_ONLY.layer("model")
    assert isinstance(layer, ModelLayer)
    cookie = CookieInput("zz_vid", "www.a.test", value=ID, expires_in=400 * DAY)
    p = layer.model.probabilities("zz_vid", context_key(features_of(cookie), layer.hosts))
    assert abs(sum(p) - 1.0) < 1e-9
    result = MODEL_ONLY.classify(cookie)
    assert result.confidence == round(max(p), 2)
    assert result.category is CLASSES[p.index(max(p))]


def test_names_split_the_way_sites_write_them() -> None:
    assert _split("_ga_ABC123") == ["ga", "abc", "#"]
    assert _split("userSessionId") == ["user", "session", "id"]
    assert _split("a.b:c|d[e]") == ["a", "b", "c", "d", "e"]
    assert _split("_hjSession_12345") == ["hj", "session", "#"]
    features = name_features("__utma")
    assert "p:__utm" in features and "t:utma" in features and "g:^__u" in features
