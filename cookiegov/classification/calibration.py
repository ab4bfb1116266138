"""Calibrated confidences of the knowledge layers.

A documented name is not always declared the way its vendor documents it: the confidence
of a ``kb`` or ``ocd`` answer is how often such answers agree with what sites declare
(Laplace-smoothed), measured on the labelled declarations the model is trained on
(``scripts/train_model.py`` writes ``data/calibration.json``; evaluation measures it on the
training folds only).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib import resources
from typing import TYPE_CHECKING

from cookiegov.classification.consensus import SiteConsensus

if TYPE_CHECKING:
    from cookiegov.classification.datasets import Labelled
    from cookiegov.classify import Classifier

CALIBRATED = ("kb", "ocd")
# Suffix of a layer's confidence on sites whose consent manager is not known: the knowledge
# layers then answer every name they know, not only those the manager's sites left over.
ALONE = "/alone"
MIN_ROWS = 20  # fewer answers than this measure nothing: the layer keeps its default


def calibrate(
    make: Callable[[SiteConsensus], Classifier], rows: Sequence[Labelled]
) -> dict[str, float]:
    """Per layer of :data:`CALIBRATED`: (agreeing + 1) / (answers + 2) on ``rows``, each
    site's cookies judged by a classifier whose "what sites declare" table leaves that site
    out (``make`` builds it), as a site never seen would be: otherwise a site's own votes
    answer its cookies and the knowledge layers are measured only on the leftovers."""
    by_site: dict[str, list[Labelled]] = {}
    for r in rows:
        by_site.setdefault(r.group, []).append(r)
    counts = {name + alone: [0, 0] for name in CALIBRATED for alone in ("", ALONE)}
    for site in sorted(by_site):
        others = [r for r in rows if r.group != site]
        classifier = make(SiteConsensus.from_labelled(others))
        for r in by_site[site]:
            # As seen with its consent manager, and as on a site whose manager is not known.
            for features, alone in ((r.features, ""), (replace(r.features, manager=""), ALONE)):
                result = classifier.classify_features(features)
                cell = counts.get(result.layer + alone)
                if cell is not None and (features.manager or alone):
                    cell[0] += 1
                    cell[1] += result.category is r.label
    return {
        name: round((right + 1) / (n + 2), 2)
        for name, (n, right) in counts.items()
        if n >= MIN_ROWS
    }


def calibration_json(values: dict[str, float]) -> str:
    return json.dumps(values, sort_keys=True, indent=1) + "\n"


@functools.cache
def shipped_calibration() -> dict[str, float]:
    path = resources.files("cookiegov.classification").joinpath("data/calibration.json")
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}
