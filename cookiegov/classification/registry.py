"""The classifier's layers, in one place and in order; the first that answers wins.

| order | layer | answers when |
|---|---|---|
| 1 | override | the site's override file names the cookie |
| 2 | declared | the site's own declared cookies (``kb import csv|json``) name it |
| 3 | manager | sites behind the site's own consent manager declared it (shipped table) |
| 4 | kb | the built-in vendor knowledge base documents it |
| 5 | ocd | the shipped Open Cookie Database facts (and database imports) list it |
| 6 | sites | several sites declared it alike (what sites declare, shipped table) |
| 7 | domain | a third-party cookie: sites declared the cookies on its domain alike |
| 8 | attribution | it is set on, or by a script or response from, a known tracker host |
| 9 | model | always: the learned model's most likely class |

Layers 3, 4 and 5 follow what sites declare where it contradicts the vendor's documentation,
and say so; a documented tracker that sites call necessary is flagged for review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cookiegov.classification.attribution import AttributionLayer, grown_hosts
from cookiegov.classification.base import Layer
from cookiegov.classification.calibration import shipped_calibration
from cookiegov.classification.consensus import (
    SameDomainLayer,
    SameManagerLayer,
    SiteConsensus,
    SiteConsensusLayer,
    shipped_consensus,
)
from cookiegov.classification.known import KnownCookieLayer
from cookiegov.classification.model import LinearModel, ModelLayer, shipped_model
from cookiegov.classification.ocd import ocd_entries
from cookiegov.knowledge import HostTable, KnownCookie, builtin_cookies

#: Layer names in the order they are asked.
LAYER_ORDER = (
    "override",
    "declared",
    "manager",
    "kb",
    "ocd",
    "sites",
    "domain",
    "attribution",
    "model",
)
#: Confidence of an exact-name answer. ``kb`` and ``ocd`` are replaced by how often their
#: answers agree with what sites declare (``data/calibration.json``, see :mod:`.calibration`).
CONFIDENCE = {"override": 1.0, "declared": 0.95, "kb": 0.95, "ocd": 0.85}


@dataclass(frozen=True)
class Knowledge:
    """Everything the layers are built from; ``None`` means the shipped default."""

    overrides: tuple[KnownCookie, ...] = ()
    declared: tuple[KnownCookie, ...] = ()
    builtin: tuple[KnownCookie, ...] | None = None
    imported: tuple[KnownCookie, ...] = ()  # database imports, asked with the OCD facts
    ocd: tuple[KnownCookie, ...] | None = None
    hosts: HostTable | None = None
    consensus: SiteConsensus | None = None
    model: LinearModel | None = None
    confidence: dict[str, float] | None = None  # calibrated per-layer confidences


def build_layers(k: Knowledge, *, skip: Iterable[str] = ()) -> list[Layer]:
    """The layers of :data:`LAYER_ORDER` built from ``k`` (minus any named in ``skip``)."""
    consensus = shipped_consensus() if k.consensus is None else k.consensus
    hosts = grown_hosts() if k.hosts is None else k.hosts
    ocd = ocd_entries() if k.ocd is None else k.ocd
    conf = {**CONFIDENCE, **(shipped_calibration() if k.confidence is None else k.confidence)}
    skipped = set(skip)
    knowledge = {
        "kb": KnownCookieLayer(
            "kb",
            builtin_cookies() if k.builtin is None else k.builtin,
            conf["kb"],
            consensus=consensus,
            confidence_alone=conf.get("kb/alone"),
        ),
        "ocd": KnownCookieLayer(
            "ocd",
            (*k.imported, *ocd),
            conf["ocd"],
            consensus=consensus,
            confidence_alone=conf.get("ocd/alone"),
        ),
    }
    # What the sites' layers say of a cookie's vendor, purpose and docs: the knowledge bases'.
    vendors = tuple(layer.table for name, layer in knowledge.items() if name not in skipped)
    builders: dict[str, Callable[[], Layer]] = {
        "override": lambda: KnownCookieLayer("override", k.overrides, conf["override"]),
        "declared": lambda: KnownCookieLayer("declared", k.declared, conf["declared"]),
        "manager": lambda: SameManagerLayer(consensus, vendors),
        "domain": lambda: SameDomainLayer(consensus),
        "kb": lambda: knowledge["kb"],
        "ocd": lambda: knowledge["ocd"],
        "sites": lambda: SiteConsensusLayer(consensus),
        "attribution": lambda: AttributionLayer(hosts),
        "model": lambda: ModelLayer(shipped_model() if k.model is None else k.model, hosts),
    }
    return [builders[name]() for name in LAYER_ORDER if name not in skipped]
