"""The layered, explainable classifier (layers: :mod:`cookiegov.classification.registry`).

Every cookie gets the most likely of the four categories with a confidence and a reason
naming the evidence; below ``review_threshold`` the answer is flagged ``needs_review``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
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
from cookiegov.classification.plans import NameTest, Plan, make_plan
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
        self._gates: dict[tuple[object, ...], NameTest | None] = {}  # see make_plan
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
        model = next((la for la in self.layers if isinstance(la, ModelLayer)), None)
        if not self._batchable:
            return [self.classify(c, site, manager) for c in cookies]
        memo = _Memo(site, manager, model)
        seen: dict[tuple[object, ...], Classification] = {}  # scanned cookies
        # input cookies by all but their name and value: what the layers ask of them
        places: dict[tuple[object, ...], _Place] = {}
        shapes: dict[str, tuple[str, str]] = {}  # value -> its shape (one tuple per shape)
        buckets: dict[tuple[str, str], tuple[str, str]] = {}
        names: list[str] = []  # the model's questions: (name, context) ...
        contexts: list[tuple[str, ...]] = []
        out: list[Classification | int] = []  # ... an int: the number of the question
        append = out.append
        for c in cookies:
            if model is None or not isinstance(c, CookieInput):
                if isinstance(c, CookieInput):
                    key: tuple[object, ...] = (c.name, *_context(c))
                else:  # a scanned cookie holds its value's shape, not the value
                    key = (
                        c.name, c.domain, c.path, c.lifetime, c.http_only, c.secure,
                        c.same_site, site, c.set_by, c.third_party, c.value_kind, c.value_length,
                    )  # fmt: skip
                hit = seen.get(key)
                if hit is None:
                    hit = seen[key] = self._classification(
                        self._answer(features_of(c, site, manager))
                    )
                append(hit)
                continue
            ctx = (  # _context(c), inline: this loop is the batch's hot path
                c.domain, c.path, c.expires_in, c.http_only, c.secure, c.same_site, c.site,
                c.set_by, c.third_party, c.consent_manager, c.lifetime_known,
            )  # fmt: skip
            place = places.get(ctx)
            if place is None:
                place = places[ctx] = self._place(c, memo, model)
            name = c.name
            answer = place.names.get(name)
            if answer is None:
                quick = place.plan.quick
                if quick is not None and not quick(name):
                    answer = _MODEL  # no layer before the model may answer
                else:
                    answer = self._ask(place.plan, c, memo)
                place.names[name] = answer
            if answer is not _MODEL:
                append(answer)  # type: ignore[arg-type]
                continue
            value = c.value
            if value is None:
                bucket: tuple[str, str] = _NO_VALUE
            else:
                bucket = shapes.get(value)  # type: ignore[assignment]
                if bucket is None:
                    shape = value_bucket(value_kind(value), len(value))
                    bucket = shapes[value] = buckets.setdefault(shape, shape)
            # the context (prefix + shape) and the questions asked in it, by name
            shaped = place.shaped.get(id(bucket))
            if shaped is None:
                shaped = place.shaped[id(bucket)] = (place.prefix + bucket, {})
            number = shaped[1].get(name)
            if number is None:
                number = shaped[1][name] = len(names)
                names.append(name)
                contexts.append(shaped[0])
            append(number)
        if not names:
            return out  # type: ignore[return-value]
        assert model is not None
        alike: dict[int, Classification] = {}  # equal answers are one Candidate
        found = []
        for a in model.answer_many(names, contexts):
            result = alike.get(id(a))
            if result is None:
                result = alike[id(a)] = self._classification(a)
            found.append(result)
        return [found[x] if type(x) is int else x for x in out]  # type: ignore[misc]

    def _place(self, cookie: CookieInput, memo: _Memo, model: ModelLayer) -> _Place:
        """What the layers ask of cookies like this one but for their name and value: the
        layers that may answer them (:func:`.plans.make_plan`) and the value-free part of
        the model's context (:func:`.features.context_prefix`)."""
        features = features_of(cookie, memo.site, memo.manager)
        c = features.cookie
        pkey = (features.host, features.third_party, c.set_by, features.manager)
        plan = memo.plans.get(pkey)
        if plan is None:
            plan = memo.plans[pkey] = make_plan(self.layers, features, model, self._gates)
        ckey = (
            features.host, features.third_party, features.lifetime_known, features.manager,
            c.expires_in, c.http_only, c.secure, c.same_site,
        )  # fmt: skip
        prefixed = memo.contexts.get(ckey)
        if prefixed is None:
            prefixed = memo.contexts[ckey] = (context_prefix(features, model.hosts), {})
        return _Place(plan, prefixed[0], prefixed[1], {})

    def _ask(self, plan: Plan, cookie: CookieInput, memo: _Memo) -> Classification | object:
        """The answer of the first layer of the plan to answer, else :data:`_MODEL`: only
        the layers that may answer the name are asked, so most cookies no table knows
        need no :class:`Features` at all."""
        name = cookie.name
        features = None
        if plan.gate is None or plan.gate(name):
            for layer, may_answer in plan.steps:
                if may_answer is not None and not may_answer(name):
                    continue
                features = features or features_of(cookie, memo.site, memo.manager)
                answer = layer.classify(features)
                if answer is not None:
                    return self._classification(answer)
        if plan.last is not None:
            answer = plan.last.classify(features or features_of(cookie, memo.site, memo.manager))
            if answer is not None:
                return self._classification(answer)
        return _MODEL

    def _answer(self, features: Features) -> Candidate:
        for layer in self.layers:
            answer = layer.classify(features)
            if answer is not None:
                return answer
        raise AssertionError("the model layer always answers")  # pragma: no cover

    @property
    def _batchable(self) -> bool:
        """Only the shipped layer kinds are known not to read a cookie's value."""
        return all(type(la) in _VALUE_BLIND or type(la) is ModelLayer for la in self.layers)


_MODEL = object()  # the model answers (a batch asks it once for all such cookies)


_Shaped = dict[int, tuple[tuple[str, ...], dict[str, int]]]


@dataclass(frozen=True, slots=True, eq=False)
class _Memo:
    """What one :meth:`Classifier.classify_many` call works out once and looks up after."""

    site: str | None
    manager: str | None
    model: ModelLayer | None
    plans: dict[tuple[object, ...], Plan] = field(default_factory=dict)
    # the model's context inputs -> (value-free context, its contexts by value shape)
    contexts: dict[tuple[object, ...], tuple[tuple[str, ...], _Shaped]] = field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Place:
    """Cookies alike but for name and value: see :meth:`Classifier._place`."""

    plan: Plan
    prefix: tuple[str, ...]  # the value-free part of the model's context
    # id of a value shape -> (the model's context, its questions' numbers by name); shared
    # by the places of one prefix, so that a context is one tuple
    shaped: _Shaped
    names: dict[str, Classification | object]  # name -> answer, or _MODEL


def _context(c: CookieInput) -> tuple[object, ...]:
    return (
        c.domain, c.path, c.expires_in, c.http_only, c.secure, c.same_site, c.site, c.set_by,
        c.third_party, c.consent_manager, c.lifetime_known,
    )  # fmt: skip


_NO_VALUE = ("?", "?")
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
