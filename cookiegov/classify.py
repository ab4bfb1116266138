"""The layered, explainable classifier (layers: :mod:`cookiegov.classification.registry`).

Every cookie gets the most likely of the four categories with a confidence and a reason
naming the evidence; below ``review_threshold`` the answer is flagged ``needs_review``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from cookiegov.classification.base import Candidate, Features, Layer, features_of, to_input
from cookiegov.classification.consensus import SiteConsensus
from cookiegov.classification.model import LinearModel
from cookiegov.classification.registry import Knowledge, build_layers
from cookiegov.classification.review import DEFAULT_REVIEW_THRESHOLD
from cookiegov.knowledge import HostTable, KnownCookie
from cookiegov.models import Classification, CookieInput, ObservedCookie

__all__ = ["DEFAULT_REVIEW_THRESHOLD", "Classifier", "classify", "default_classifier", "to_input"]


class Classifier:
    def __init__(
        self,
        *,
        builtin: Iterable[KnownCookie] | None = None,
        hosts: HostTable | None = None,
        overrides: Iterable[KnownCookie] = (),
        declared: Iterable[KnownCookie] = (),
        imported: Iterable[KnownCookie] = (),
        ocd: Iterable[KnownCookie] | None = None,
        consensus: SiteConsensus | None = None,
        model: LinearModel | None = None,
        confidence: dict[str, float] | None = None,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
        skip: Iterable[str] = (),
    ) -> None:
        knowledge = Knowledge(
            overrides=tuple(overrides),
            declared=tuple(declared),
            builtin=None if builtin is None else tuple(builtin),
            imported=tuple(imported),
            ocd=None if ocd is None else tuple(ocd),
            hosts=hosts,
            consensus=consensus,
            model=model,
            confidence=confidence,
        )
        self.layers: list[Layer] = build_layers(knowledge, skip=skip)
        self.review_threshold = review_threshold

    def layer(self, name: str) -> Layer:
        return next(layer for layer in self.layers if layer.name == name)

    def classify(
        self, cookie: CookieInput | ObservedCookie, site: str | None = None
    ) -> Classification:
        return self.classify_features(features_of(cookie, site))

    def classify_features(self, features: Features) -> Classification:
        for layer in self.layers:
            answer = layer.classify(features)
            if answer is not None:
                return self._classification(answer)
        raise AssertionError("the model layer always answers")  # pragma: no cover

    def _classification(self, a: Candidate) -> Classification:
        return Classification(
            a.category,
            a.vendor,
            a.confidence,
            a.reason,
            a.layer,
            a.purpose,
            a.docs,
            a.confidence < self.review_threshold,
        )

    def classify_many(
        self, cookies: Sequence[CookieInput | ObservedCookie], site: str | None = None
    ) -> list[Classification]:
        return [self.classify(c, site) for c in cookies]


@functools.cache
def default_classifier() -> Classifier:
    return Classifier()


def classify(cookie: CookieInput | ObservedCookie, site: str | None = None) -> Classification:
    """Classify one cookie with the shipped knowledge (no overrides, no imports)."""
    return default_classifier().classify(cookie, site)
