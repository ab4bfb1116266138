"""The layered, explainable classifier (layers: :mod:`cookiegov.classification.registry`).

Every cookie gets the most likely of the four categories with a confidence and a reason
naming the evidence; below ``review_threshold`` the answer is flagged ``needs_review``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cookiegov.classification.attribution import AttributionLayer
from cookiegov.classification.base import Candidate, Features, Layer, features_of, to_input
from cookiegov.classification.consensus import (
    SameDomainLayer,
    SameManagerLayer,
    SiteConsensus,
    SiteConsensusLayer,
)
from cookiegov.classification.features import context_prefix, value_bucket
from cookiegov.classification.known import KnownCookieLayer
from cookiegov.classification.model import LinearModel, ModelLayer
from cookiegov.classification.registry import Knowledge, build_layers
from cookiegov.classification.review import DEFAULT_REVIEW_THRESHOLD
from cookiegov.knowledge import HostTable, KnownCookie
from cookiegov.models import Classification, CookieInput, ObservedCookie
from cookiegov.values import value_kind

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
        self,
        cookie: CookieInput | ObservedCookie,
        site: str | None = None,
        manager: str | None = None,
    ) -> Classification:
        """``manager``: the site's consent manager as detected (e.g. autoconsent's name)."""
        return self.classify_features(features_of(cookie, site, manager))

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
        self,
        cookies: Sequence[CookieInput | ObservedCookie],
        site: str | None = None,
        manager: str | None = None,
    ) -> list[Classification]:
        """The answers of :meth:`classify`, one per cookie, computed once per distinct cookie.

        Only the model reads a cookie's value, and only its shape: cookies alike but for
        their value share the other layers' verdict and the value-free part of the model's
        context, so a recurring cookie costs a few dictionary look-ups.
        """
        if not self._batchable:
            return [self.classify(c, site, manager) for c in cookies]
        seen: dict[tuple[object, ...], Classification | tuple[str, tuple[str, ...]]] = {}
        shapes: dict[str, tuple[str, str]] = {}
        model = next((la for la in self.layers if isinstance(la, ModelLayer)), None)
        memo = _Memo(site, manager, model)
        out: list[Classification | None] = []
        append = out.append
        buckets: dict[tuple[str, str], tuple[str, str]] = {}
        contexts: dict[tuple[int, int], tuple[str, ...]] = {}
        asked: dict[tuple[str, tuple[int, int]], int] = {}  # the model's questions, numbered
        questions: list[tuple[str, tuple[str, ...]]] = []
        holes: list[int] = []  # (place in out, question) of each cookie the model answers
        numbers: list[int] = []
        for c in cookies:
            if isinstance(c, CookieInput):
                key: tuple[object, ...] = (
                    c.name, c.domain, c.path, c.expires_in, c.http_only, c.secure,
                    c.same_site, c.site, c.set_by, c.third_party, c.consent_manager,
                )  # fmt: skip
            else:  # a scanned cookie holds its value's shape, not the value
                key = (
                    c.name, c.domain, c.path, c.lifetime, c.http_only, c.secure, c.same_site,
                    site, c.set_by, c.third_party, c.value_kind, c.value_length,
                )  # fmt: skip
            hit = seen.get(key)
            if hit is None:
                hit = seen[key] = self._prepare(c, memo)
            if type(hit) is Classification:
                append(hit)
                continue
            name, prefix = hit  # type: ignore[misc]
            value = c.value if isinstance(c, CookieInput) else None
            if value is None:
                bucket: tuple[str, ...] = _NO_VALUE
            else:
                bucket = shapes.get(value)  # type: ignore[assignment]
                if bucket is None:
                    shape = value_bucket(value_kind(value), len(value))
                    bucket = shapes[value] = buckets.setdefault(shape, shape)
            # one context tuple per (prefix, bucket): the model tells contexts apart by identity
            ckey = (id(prefix), id(bucket))
            context = contexts.get(ckey)
            if context is None:
                context = contexts[ckey] = prefix + bucket
            mkey = (name, ckey)
            number = asked.get(mkey)
            if number is None:
                number = asked[mkey] = len(questions)
                questions.append((name, context))
            holes.append(len(out))
            numbers.append(number)
            append(None)
        if questions:
            assert model is not None
            alike: dict[int, Classification] = {}  # equal answers are one Candidate
            found = []
            for a in model.answer_many(questions):
                result = alike.get(id(a))
                if result is None:
                    result = alike[id(a)] = self._classification(a)
                found.append(result)
            for place, number in zip(holes, numbers, strict=True):
                out[place] = found[number]
        return out  # type: ignore[return-value]

    def _prepare(
        self, cookie: CookieInput | ObservedCookie, memo: _Memo
    ) -> Classification | tuple[str, tuple[str, ...]]:
        """A cookie's answer, or, when the model answers an input cookie, its name and the
        value-free part of its context (the answer then depends on the value's shape).

        Only the layers that may answer are asked (:meth:`_plan`); a cookie no layer before
        the model may answer needs no :class:`Features` at all."""
        model = memo.model
        if model is None or not isinstance(cookie, CookieInput):
            return self._classification(self._answer(features_of(cookie, memo.site, memo.manager)))
        c = cookie
        fkey = (c.domain, c.site, c.third_party, c.consent_manager)
        facts = memo.facts.get(fkey)
        features = None
        if facts is None:
            features = features_of(c, memo.site, memo.manager)
            facts = memo.facts[fkey] = (features.host, features.third_party, features.manager)
        host, third, manager = facts
        pkey = (host, third, c.set_by, manager)
        plan = memo.plans.get(pkey)
        if plan is None:
            features = features or features_of(c, memo.site, memo.manager)
            plan = memo.plans[pkey] = self._plan(features, model)
        name = c.name
        for layer, may_answer in plan:
            if may_answer is not None and not may_answer(name):
                continue
            features = features or features_of(c, memo.site, memo.manager)
            answer = layer.classify(features)
            if answer is not None:
                return self._classification(answer)
        # the context's inputs (features.context_prefix); features_of always knows lifetimes
        ckey = (host, third, True, manager, c.expires_in, c.http_only, c.secure, c.same_site)
        prefix = memo.contexts.get(ckey)
        if prefix is None:
            features = features or features_of(c, memo.site, memo.manager)
            prefix = memo.contexts[ckey] = context_prefix(features, model.hosts)
        return name, prefix

    def _answer(self, features: Features) -> Candidate:
        for layer in self.layers:
            answer = layer.classify(features)
            if answer is not None:
                return answer
        raise AssertionError("the model layer always answers")  # pragma: no cover

    def _plan(
        self, features: Features, model: ModelLayer
    ) -> list[tuple[Layer, Callable[[str], bool] | None]]:
        """The layers before the model that may answer cookies of this one's host,
        third-party flag, setter and consent manager, each with its test of a name.

        Name-blind layers (:data:`_NAME_BLIND`) answer alike for every such cookie: asked
        once here, those that do not answer are left out. Layers with an empty table never
        answer."""
        plan: list[tuple[Layer, Callable[[str], bool] | None]] = []
        for layer in self.layers:
            if layer is model:
                break
            if isinstance(layer, _NAME_BLIND):
                if layer.classify(features) is not None:
                    plan.append((layer, None))
                    break  # it answers every cookie the layers before it leave
            elif not isinstance(layer, KnownCookieLayer) or len(layer):
                plan.append((layer, getattr(layer, "may_answer", None)))
        return plan

    @property
    def _batchable(self) -> bool:
        """Only the shipped layer kinds are known not to read a cookie's value."""
        return all(type(la) in _VALUE_BLIND or type(la) is ModelLayer for la in self.layers)


@dataclass(frozen=True, eq=False)
class _Memo:
    """What one :meth:`Classifier.classify_many` call works out once and looks up after."""

    site: str | None
    manager: str | None
    model: ModelLayer | None
    facts: dict[tuple[object, ...], tuple[str, bool | None, str]] = field(default_factory=dict)
    plans: dict[tuple[object, ...], list[tuple[Layer, Callable[[str], bool] | None]]] = field(
        default_factory=dict
    )
    contexts: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict)


_NO_VALUE = ("?", "?")
# Layers whose answer depends on the cookie's host, third-party flag and setter only.
_NAME_BLIND = (SameDomainLayer, AttributionLayer)
_VALUE_BLIND = (
    KnownCookieLayer,
    SiteConsensusLayer,
    SameManagerLayer,
    SameDomainLayer,
    AttributionLayer,
)


@functools.cache
def default_classifier() -> Classifier:
    return Classifier()


def classify(cookie: CookieInput | ObservedCookie, site: str | None = None) -> Classification:
    """Classify one cookie with the shipped knowledge (no overrides, no imports)."""
    return default_classifier().classify(cookie, site)
