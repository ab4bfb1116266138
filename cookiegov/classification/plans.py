"""Which layers may answer a cookie, worked out once per kind of cookie in a batch.

:meth:`cookiegov.classify.Classifier.classify_many` asks, for cookies alike but for their
name and value, only the layers that may answer them: a layer whose answer depends on the
cookie's host, third-party flag and setter only (:data:`NAME_BLIND`) is asked once for
all of them; a layer keyed by the name is asked only when its quick test of the name
(``may_answer``) passes; one merged test (:func:`name_gate`) tells that none of them
may, so that most cookies no table knows cost one test before the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cookiegov.classification.attribution import AttributionLayer
from cookiegov.classification.base import Features, Layer
from cookiegov.classification.consensus import (
    SameDomainLayer,
    SameManagerLayer,
    SiteConsensusLayer,
)
from cookiegov.classification.known import KnownCookieLayer
from cookiegov.knowledge import CookieTable, KnownCookie
from cookiegov.models import Category

#: Layers whose answer depends on the cookie's host, third-party flag and setter only.
NAME_BLIND = (SameDomainLayer, AttributionLayer)
NameTest = Callable[[str], bool]


@dataclass(frozen=True, eq=False)
class Plan:
    #: The layers keyed by the name that may answer, in order, each with its name test.
    steps: tuple[tuple[Layer, NameTest | None], ...]
    #: A name-blind layer that answers every such cookie the steps leave, if any.
    last: Layer | None
    #: False when no step may answer the name (None: no merged test, ask each step).
    gate: NameTest | None
    #: False when no layer of the plan may answer the name (the gate, when no ``last``).
    quick: NameTest | None


def make_plan(
    layers: Sequence[Layer],
    features: Features,
    stop: Layer,
    gates: dict[tuple[object, ...], NameTest | None],
) -> Plan:
    """The plan for cookies like ``features``' but for name and value: the layers before
    ``stop`` (the model) that may answer them. Name-blind layers are asked here, with
    ``features``; layers with an empty table never answer. ``gates`` keeps the merged
    name tests between batches."""
    steps: list[tuple[Layer, NameTest | None]] = []
    last = None
    for layer in layers:
        if layer is stop:
            break
        if isinstance(layer, NAME_BLIND):
            if layer.classify(features) is not None:
                last = layer
                break  # it answers every cookie the layers before it leave
        elif not isinstance(layer, KnownCookieLayer) or len(layer):
            steps.append((layer, getattr(layer, "may_answer", None)))
    key = tuple((id(layer), len(layer) if isinstance(layer, KnownCookieLayer) else 0)
                for layer, _ in steps)  # fmt: skip
    if key not in gates:
        gates[key] = name_gate([layer for layer, _ in steps])
    gate = gates[key]
    return Plan(tuple(steps), last, gate, gate if last is None else None)


def name_gate(layers: Sequence[Layer]) -> NameTest | None:
    """One test of a name for all these layers: False when none of them may answer it;
    None when some layer is of a kind it does not know."""
    tables: list[CookieTable] = []
    names: set[str] = set()
    for layer in layers:
        if isinstance(layer, KnownCookieLayer):
            tables.append(layer.table)
        elif isinstance(layer, SameManagerLayer | SiteConsensusLayer):
            names |= layer.consensus.names
        else:
            return None
    # names with votes join the table as exact names (the table only tests names here)
    odd = frozenset(n for n in names if "*" in n or n.startswith("re:"))
    plain = [KnownCookie(n, Category.NECESSARY, None) for n in sorted(names - odd)]
    merged = CookieTable([*(e for t in tables for e in t.entries), *plain])
    if not odd:
        return merged.may_match

    def gate(name: str) -> bool:
        return name in odd or merged.may_match(name)

    return gate
