"""Training the learned model (needs the ``ml`` extra: scikit-learn and NumPy).

Deterministic by construction: examples sorted, vocabulary sorted, a fixed solver with no
randomness, grouped folds without shuffling, weights rounded before serialisation and the
gzip header without a time stamp, so training twice on the same data gives the same bytes.
The regularisation strength is chosen, and the softmax temperature fitted, by grouped
cross-validation inside the training data only.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from cookiegov.classification.datasets import Labelled
from cookiegov.classification.features import context_features, context_key, name_features
from cookiegov.classification.model import CLASSES, LinearModel
from cookiegov.errors import InputError
from cookiegov.knowledge import CookieTable, HostTable, KnownCookie

log = logging.getLogger(__name__)

C_GRID = (0.03, 0.1, 0.3, 1.0)
T_GRID = tuple(round(0.5 + 0.05 * i, 2) for i in range(51))  # 0.5 .. 3.0
INNER_FOLDS = 3
MIN_COUNT = 2  # features seen in fewer examples are dropped
MIN_CALIBRATION = 30  # fewer picked examples than this fit no temperature of their own


def _require_sklearn() -> Any:
    try:
        import numpy as np
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
        from threadpoolctl import threadpool_limits
    except ImportError as exc:  # pragma: no cover - the ml extra is part of the test extra
        raise InputError("training needs scikit-learn: pip install 'cookiegov[ml]'") from exc
    # One BLAS thread: faster on a shared machine, and the sums are always in the same order.
    threadpool_limits(1)
    return np, sparse, LogisticRegression, GroupKFold


def example_features(ex: Labelled, hosts: HostTable | None) -> tuple[str, ...]:
    key = context_key(ex.features, hosts)
    return name_features(ex.features.name) + context_features(key)


def _sort_key(ex: Labelled) -> tuple[Any, ...]:
    c = ex.features.cookie
    return (ex.group, c.name, c.domain, ex.label.value, str(c.expires_in), ex.line)


def model_answers(known: Sequence[KnownCookie]) -> Callable[[Labelled], bool]:
    """Whether an example is one the model would answer in use: a cookie a site declared
    (not a vendor fact) whose name no knowledge table in ``known`` lists."""
    table = CookieTable(known)

    def answered(ex: Labelled) -> bool:
        return not ex.group.startswith("vendor:") and (
            table.match(ex.features.name, ex.features.cookie.domain) is None
        )

    return answered


def train(
    examples: Sequence[Labelled],
    hosts: HostTable | None,
    *,
    meta: dict[str, Any] | None = None,
    calibrate_on: Callable[[Labelled], bool] | None = None,
) -> LinearModel:
    """The model, its regularisation chosen by grouped CV inside ``examples``; its softmax
    temperature fitted on the out-of-fold answers to the examples ``calibrate_on`` picks
    (:func:`model_answers`: the cookies the model answers in use, names no table knows,
    on which it is less sure than on all; all examples when it picks fewer than
    :data:`MIN_CALIBRATION`)."""
    np, sparse, LogisticRegression, GroupKFold = _require_sklearn()
    examples = sorted(examples, key=_sort_key)
    rows = [example_features(ex, hosts) for ex in examples]
    counts = Counter(f for row in rows for f in set(row))
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    indptr, indices = [0], []
    for row in rows:
        cols = sorted({index[f] for f in row if f in index})
        indices.extend(cols)
        indptr.append(len(indices))
    X = sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(rows), len(vocab)),
    )
    y = np.array([CLASSES.index(ex.label) for ex in examples])
    groups = np.array([ex.group for ex in examples])
    folds = list(GroupKFold(n_splits=INNER_FOLDS).split(X, y, groups))

    def fit(c: float, idx: Any) -> Any:
        m = LogisticRegression(C=c, max_iter=2000, tol=1e-6, solver="lbfgs")
        return m.fit(X[idx], y[idx])

    def out_of_fold(c: float) -> Any:
        logits = np.zeros((len(y), len(CLASSES)))
        for tr, te in folds:
            m = fit(c, tr)
            logits[np.ix_(te, m.classes_)] = m.decision_function(X[te])
        return logits

    best_c, best_loss, best_logits = C_GRID[0], math.inf, np.zeros((len(y), len(CLASSES)))
    for c in C_GRID:
        logits = out_of_fold(c)
        loss = _nll(np, logits, y, 1.0)
        log.info("C=%s: out-of-fold log loss %.4f", c, loss)
        if loss < best_loss - 1e-9:
            best_c, best_loss, best_logits = c, loss, logits
    picked = np.array([bool(calibrate_on(ex)) if calibrate_on else True for ex in examples])
    if picked.sum() < MIN_CALIBRATION:
        picked[:] = True
    logits_c, y_c = best_logits[picked], y[picked]
    temperature = min(T_GRID, key=lambda t: (_nll(np, logits_c, y_c, t), t))
    model = fit(best_c, np.arange(len(y)))
    coef = np.zeros((len(CLASSES), len(vocab)))
    intercept = np.zeros(len(CLASSES))
    coef[model.classes_] = model.coef_
    intercept[model.classes_] = model.intercept_
    weights = {
        f: (float(coef[0, i]), float(coef[1, i]), float(coef[2, i]), float(coef[3, i]))
        for i, f in enumerate(vocab)
    }
    info = {
        "C": best_c,
        "examples": len(examples),
        "features": len(vocab),
        "by_class": {c.value: int((y == k).sum()) for k, c in enumerate(CLASSES)},
        "calibrated_on": int(picked.sum()),
        **(meta or {}),
    }
    trained = LinearModel(
        weights,
        (float(intercept[0]), float(intercept[1]), float(intercept[2]), float(intercept[3])),
        float(temperature),
        info,
    )
    # What is shipped is rounded: evaluate exactly that.
    return LinearModel.from_bytes(trained.to_bytes())


def _nll(np: Any, logits: Any, y: Any, t: float) -> float:
    z = logits / t
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean())
