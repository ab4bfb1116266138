"""A batch of the learned model's answers: which evidence each names, how it rounds.

:meth:`.model.LinearModel.predict_arrays` and :meth:`.model.ModelLayer.answer_many` work
on arrays, one row per (name, context) question; the one-question path
(:meth:`.model.LinearModel.predict`) sorts a list and calls ``round``, and these give the
very same results.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Array = Any  # numpy arrays (numpy's stubs are not a dependency of the type check)


def top_evidence(best: Array, *sources: tuple[Array, Array, Array, Array]) -> Array:
    """Per pair, the ids of its three strongest pieces of evidence for its best class (over
    0.05; ties by phrase id, the phrases' alphabetical rank), -1 where fewer.

    A source is evidence rows sorted by owner (owner, phrase id, values) and each pair's
    owner in it (its name, its context)."""
    pairs = len(best)
    cand_pair, cand_phrase, cand_value = [], [], []
    for ev_owner, ev_phrase, ev_values, pair_owner in sources:
        owners = int(pair_owner.max()) + 1 if pairs else 0
        counts = np.bincount(ev_owner, minlength=owners)[:owners]
        first = np.cumsum(counts) - counts
        per_pair = counts[pair_owner]
        pair = np.repeat(np.arange(pairs), per_pair)
        within = np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        rows = first[pair_owner][pair] + within
        cand_pair.append(pair)
        cand_phrase.append(ev_phrase[rows])
        cand_value.append(ev_values[rows, best[pair]])
    pair = np.concatenate(cand_pair)
    phrase = np.concatenate(cand_phrase)
    value = np.concatenate(cand_value)
    keep = value > 0.05
    pair, phrase, value = pair[keep], phrase[keep], value[keep]
    order = np.lexsort((phrase, -value, pair))
    pair, phrase = pair[order], phrase[order]
    rank = np.arange(len(pair)) - np.searchsorted(pair, pair)
    top = np.full((pairs, 3), -1, dtype=np.int64)
    keep = rank < 3
    top[pair[keep], rank[keep]] = phrase[keep]
    return top


def round2(p: Array) -> Array:
    """``round(x, 2)`` of each probability, as Python rounds (the exact value, half to even):
    ``rint(x * 100) / 100``, but by ``round`` itself where ``x * 100`` is too near a
    half-cent for its rounding error to be ignored."""
    cents = p * 100
    out = np.rint(cents) / 100
    near = np.flatnonzero(np.abs(cents - np.floor(cents) - 0.5) < 1e-6)
    out[near] = [round(x, 2) for x in p[near].tolist()]
    return out


def softmax(shifted: Array, *, exact: bool = True) -> Array:
    """Rows of ``exp(z - max z)`` normalised as :meth:`.model.LinearModel._softmax` does
    (``math.exp``, the four added left to right). ``exact=False`` takes NumPy's ``exp``,
    which may differ in the last bit, and ``math.exp`` only where that could change the
    best class (a runner-up within a hair) or the probability rounded to two decimals."""
    if exact:
        e = np.array([math.exp(x) for x in shifted.ravel().tolist()]).reshape(-1, 4)
        return e / (((e[:, 0] + e[:, 1]) + e[:, 2]) + e[:, 3])[:, None]
    e = np.exp(shifted)
    p = e / (((e[:, 0] + e[:, 1]) + e[:, 2]) + e[:, 3])[:, None]
    cents = p.max(axis=1) * 100
    close = np.sort(shifted, axis=1)[:, 2] > -1e-9
    near = np.flatnonzero(close | (np.abs(cents - np.floor(cents) - 0.5) < 1e-6))
    p[near] = softmax(shifted[near])
    return p
