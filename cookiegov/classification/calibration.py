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
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cookiegov.classification.datasets import Labelled
    from cookiegov.classify import Classifier

CALIBRATED = ("kb", "ocd")
MIN_ROWS = 20  # fewer answers than this measure nothing: the layer keeps its default


def calibrate(classifier: Classifier, rows: Iterable[Labelled]) -> dict[str, float]:
    """Per layer of :data:`CALIBRATED`: (agreeing + 1) / (answers + 2) on ``rows``."""
    counts = {name: [0, 0] for name in CALIBRATED}
    for r in rows:
        result = classifier.classify_features(r.features)
        if result.layer in counts:
            counts[result.layer][0] += 1
            counts[result.layer][1] += result.category is r.label
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
