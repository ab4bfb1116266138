"""The learned model, last layer: a linear model over the features of :mod:`.features`.

One cookie is scored in plain Python over a weights table (no scikit-learn), the scores of
a name and of a context each cached; a batch scores its distinct names together in NumPy
(:mod:`.namebatch`, :meth:`LinearModel.predict_arrays`) with the very same floating-point
operations in the same order, so both give the same answers bit for bit. The
probabilities are a softmax with a temperature fitted on held-out folds at training time,
so that the confidence is calibrated. The artefact, ``classification/data/model.json.gz``,
is written by ``scripts/train_model.py``.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from cookiegov.classification.base import Candidate, Features
from cookiegov.classification.features import context_features, context_key, name_parts
from cookiegov.knowledge import HostTable
from cookiegov.models import Category

if TYPE_CHECKING:  # NumPy is imported when a batch first needs it (a CLI starts faster)
    from cookiegov.classification.namebatch import NameScorer

CLASSES = (Category.NECESSARY, Category.FUNCTIONAL, Category.ANALYTICS, Category.ADVERTISING)
SCALE = 10_000  # weights are stored as integers of 1/SCALE

Vector = tuple[float, float, float, float]
Scored = tuple[Vector, tuple[tuple[str, tuple[float, ...]], ...]]  # sums, (phrase, centred)

# What a token in a name suggests, in a reader's words.
_GLOSSES = (
    ("sess session sessid sessionid sid phpsessid jsessionid", "a session identifier"),
    ("csrf xsrf csrftoken antiforgery requestverificationtoken token nonce", "a request token"),
    (
        "consent cookieconsent optanon gdpr cmp tcf euconsent cookielaw cookiebot",
        "a consent record",
    ),
    (
        "lang language locale lng currency country region tz timezone",
        "a language or region setting",
    ),
    ("cart basket checkout order wishlist", "shop state"),
    ("lb balancer route affinity awsalb awsalbcors", "load balancing"),
    ("uid uuid vid visitor visitorid userid cid clientid", "a visitor identifier"),
    ("ga gid utma utmb utmc utmz gat", "Google Analytics"),
    (
        "ad ads adid gclid gcl fbp fbc pixel click conversion campaign retarget sync",
        "an ad identifier",
    ),
)
_GLOSS = {word: f"name looks like {what}" for words, what in _GLOSSES for word in words.split()}
_RESEMBLES = "name resembles {cls} cookie names"
_LIFE_TEXT = {
    "session": "session lifetime",
    "1h": "lives under an hour",
    "1d": "lives up to a day",
    "1w": "lives up to a week",
    "1m": "lives up to a month",
    "6m": "lives up to six months",
    "1y": "lives up to a year",
    "2y": "lives up to two years",
    "long": "lives for years",
}
_KIND_TEXT = {
    "id": "holds an ID",
    "uuid": "holds a UUID",
    "base64": "holds base64 data",
    "json": "holds JSON",
    "timestamp": "holds a timestamp",
    "flag": "holds a yes/no flag",
    "number": "holds a number",
    "text": "holds text",
    "empty": "is empty",
}


def _phrase(feature: str) -> str | None:
    """The readable evidence a feature stands for (n-grams and shape: the name's look)."""
    kind, _, value = feature.partition(":")
    if kind in ("t", "t0"):
        if value in ("#", "<hex>"):
            return "name carries a number or hash"
        return _GLOSS.get(value, f"name contains '{value}'")
    if kind == "p":
        return f"name starts with '{value}'"
    if kind in ("g", "p3", "s"):
        return _RESEMBLES
    if kind == "life" or (kind == "x" and "life" in value):
        band = value.rpartition("life")[2] if kind == "x" else value
        return _LIFE_TEXT.get(band)
    if kind == "ho" and value == "1":
        return "HttpOnly"
    if kind == "sec" and value == "1":
        return "Secure"
    if kind == "ss" and value == "no_restriction":
        return "SameSite=None"
    if kind == "tp" and value == "1":
        return "third-party"
    if kind == "dom":
        return f"set on {value}"
    if kind == "trk":
        return f"set on a known {value} host"
    if kind == "vk":
        return _KIND_TEXT.get(value)
    return None


@dataclass(frozen=True, eq=False)  # hashed by identity: its methods cache per model
class LinearModel:
    weights: dict[str, Vector]
    intercept: Vector
    temperature: float
    meta: dict[str, Any]

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearModel:
        raw = json.loads(gzip.decompress(data))
        weights = {f: _vec(w) for f, w in raw["weights"].items()}
        return cls(weights, _vec(raw["intercept"]), raw["temperature"], raw.get("meta", {}))

    def to_bytes(self) -> bytes:
        doc = {
            "classes": [c.value for c in CLASSES],
            "scale": SCALE,
            "intercept": [round(x * SCALE) for x in self.intercept],
            "temperature": self.temperature,
            "meta": self.meta,
            "weights": {
                f: [round(x * SCALE) for x in w]
                for f, w in sorted(self.weights.items())
                if any(round(x * SCALE) for x in w)
            },
        }
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)

    @functools.cached_property
    def _phrases(self) -> dict[str, tuple[str, Vector]]:
        """Feature -> (its readable evidence, its weights minus their mean), once per model."""
        out = {}
        for f, w in self.weights.items():
            phrase = _phrase(f)
            if phrase:
                mean = (w[0] + w[1] + w[2] + w[3]) / 4
                out[f] = (phrase, (w[0] - mean, w[1] - mean, w[2] - mean, w[3] - mean))
        return out

    @functools.cached_property
    def _table(self) -> dict[str, tuple[Vector, tuple[str, Vector] | None]]:
        """Feature -> (its weights, its readable evidence if any): one look-up per feature."""
        phrases = self._phrases
        return {f: (w, phrases.get(f)) for f, w in self.weights.items()}

    def _score(self, features: Iterable[str]) -> Scored:
        """Sum of the weights, and the readable evidence: (phrase, centred weights) each."""
        s0 = s1 = s2 = s3 = 0.0
        get = self._table.get
        evidence: dict[str, list[float]] = {}
        for f in features:
            row = get(f)
            if row is None:
                continue
            w, hit = row
            s0 += w[0]
            s1 += w[1]
            s2 += w[2]
            s3 += w[3]
            if hit is not None:
                cell = evidence.get(hit[0])
                c = hit[1]
                if cell is None:
                    evidence[hit[0]] = [c[0], c[1], c[2], c[3]]
                else:
                    cell[0] += c[0]
                    cell[1] += c[1]
                    cell[2] += c[2]
                    cell[3] += c[3]
        return (s0, s1, s2, s3), tuple((p, tuple(v)) for p, v in evidence.items())

    @functools.cached_property
    def _grams(self) -> dict[str, tuple[int, Vector]]:
        """N-gram -> (its place in the order of the sums, its weights)."""
        from cookiegov.classification.namecodes import gram_order  # NumPy, when first needed

        grams = gram_order(f[2:] for f in self.weights if f.startswith("g:"))
        return {g: (i, self.weights[f"g:{g}"]) for i, g in enumerate(grams)}

    @functools.cached_property
    def _phrase_ids(self) -> dict[str, int]:
        """Readable evidence -> its rank in alphabetical order (the ties' order)."""
        return {p: i for i, p in enumerate(sorted({p for p, _ in self._phrases.values()}))}

    @functools.cached_property
    def _scorer(self) -> NameScorer:
        from cookiegov.classification.namebatch import NameScorer

        return NameScorer(
            self.weights, self._phrases, self._phrase_ids, _RESEMBLES, self.name_score
        )

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one model per process
    def name_score(self, name: str) -> Scored:
        """The name's sum of weights and its evidence: word features in order, then the
        n-grams in :func:`.namebatch.gram_order` (the batch adds in the same order)."""
        words, grams = name_parts(name)
        (s0, s1, s2, s3), evidence = self._score(words)
        vectors = sorted(v for v in map(self._grams.get, grams) if v is not None)
        if not vectors:
            return (s0, s1, s2, s3), evidence
        g0 = g1 = g2 = g3 = 0.0
        for _, w in vectors:
            g0 += w[0]
            g1 += w[1]
            g2 += w[2]
            g3 += w[3]
        mean = (g0 + g1 + g2 + g3) / 4
        centred = [g0 - mean, g1 - mean, g2 - mean, g3 - mean]
        merged = []
        for phrase, v in evidence:
            if phrase == _RESEMBLES:
                centred = [a + b for a, b in zip(centred, v, strict=True)]
            else:
                merged.append((phrase, v))
        merged.append((_RESEMBLES, tuple(centred)))
        return (s0 + g0, s1 + g1, s2 + g2, s3 + g3), tuple(merged)

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one model per process
    def context_score(self, key: tuple[str, ...]) -> Scored:
        return self._score(context_features(key))

    def probabilities(self, name: str, key: tuple[str, ...]) -> list[float]:
        return self._softmax(self.name_score(name)[0], self.context_score(key)[0])

    def _softmax(self, a: Vector, b: Vector) -> list[float]:
        i, t = self.intercept, self.temperature
        z = [(i[k] + a[k] + b[k]) / t for k in range(4)]
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = e[0] + e[1] + e[2] + e[3]  # as the batch adds (sum() compensates on 3.12)
        return [x / total for x in e]

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one model per process
    def predict(self, name: str, key: tuple[str, ...]) -> tuple[int, float, str]:
        """Best class index, its probability, and the evidence for it as a phrase list."""
        (a, name_ev), (b, context_ev) = self.name_score(name), self.context_score(key)
        p = self._softmax(a, b)
        best = max(range(4), key=p.__getitem__)
        found = [(v[best], phrase) for phrase, v in name_ev + context_ev if v[best] > 0.05]
        found.sort(key=lambda t: (-t[0], t[1]))
        return best, p[best], _why(best, [phrase for _, phrase in found[:3]])

    def predict_many(
        self, pairs: Sequence[tuple[str, tuple[str, ...]]]
    ) -> list[tuple[int, float, str]]:
        """:meth:`predict` for each (name, context key), the names scored together."""
        names = [n for n, _ in pairs]
        best, p, top = self.predict_arrays(names, [k for _, k in pairs])
        return [
            (b, pb, self.why(b, t))
            for b, pb, t in zip(best.tolist(), p.tolist(), top.tolist(), strict=True)
        ]

    def predict_arrays(
        self, names: Sequence[str], keys: Sequence[tuple[str, ...]], *, exact: bool = True
    ) -> tuple[Any, Any, Any]:
        """Per name and its context key (two lists, so that a batch builds no pairs): the
        best class index, its probability, and the phrase ids (:meth:`why`) of the evidence
        for it, -1 where fewer than three; as arrays.

        ``exact=False`` takes NumPy's ``exp``, which may differ from ``math.exp`` in the
        last bit: the probabilities are then exact only where a few bits could change the
        best class or the probability rounded to two decimals (all that an answer shows)."""
        import numpy as np

        from cookiegov.classification.batchanswers import softmax, top_evidence

        if not names:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros((0, 3), dtype=np.int64)
        name_list = list(dict.fromkeys(names))
        if len(name_list) == len(names):
            pn = np.arange(len(names))
        else:
            name_ix = {n: i for i, n in enumerate(name_list)}
            pn = np.array(list(map(name_ix.__getitem__, names)), dtype=np.int64)
        # contexts by identity: equal keys apart are merely scored twice
        by_id = dict(zip(map(id, keys), keys, strict=True))
        key_ix = {k: i for i, k in enumerate(by_id)}
        pk = np.array(list(map(key_ix.__getitem__, map(id, keys))), dtype=np.int64)
        scores = self._scorer.score(name_list)
        contexts = [self.context_score(k) for k in by_id.values()]
        ids = self._phrase_ids
        ctx = np.array([v for v, _ in contexts], dtype=np.float64)
        ctx_ev = [(i, ids[p], v) for i, (_, ev) in enumerate(contexts) for p, v in ev]
        z = (np.array(self.intercept) + scores.sums[pn] + ctx[pk]) / self.temperature
        p = softmax(z - z.max(axis=1)[:, None], exact=exact)
        best = p.argmax(axis=1)
        top = top_evidence(
            best,
            (scores.ev_name, scores.ev_phrase, scores.ev_values, pn),
            (
                np.array([c for c, _, _ in ctx_ev], dtype=np.int64),
                np.array([ph for _, ph, _ in ctx_ev], dtype=np.int64),
                np.array([v for _, _, v in ctx_ev], dtype=np.float64).reshape(-1, 4),
                pk,
            ),
        )
        return best, p[np.arange(len(names)), best], top

    def why(self, best: int, top: Sequence[int]) -> str:
        """The evidence text of :meth:`predict` from phrase ids (:meth:`predict_arrays`)."""
        key = (best, *top)
        text = self._whys.get(key)
        if text is None:
            phrases = self._phrase_list
            text = self._whys[key] = _why(best, [phrases[t] for t in top if t >= 0])
        return text

    @functools.cached_property
    def _phrase_list(self) -> list[str]:
        return sorted(self._phrase_ids, key=self._phrase_ids.__getitem__)

    @functools.cached_property
    def _whys(self) -> dict[tuple[int, ...], str]:
        return {}


def _why(best: int, phrases: list[str]) -> str:
    cls = CLASSES[best].value
    return ", ".join(phrase.replace("{cls}", cls) for phrase in phrases)


def _vec(w: list[int]) -> Vector:
    return (w[0] / SCALE, w[1] / SCALE, w[2] / SCALE, w[3] / SCALE)


class ModelLayer:
    """Always answers: the most likely of the four classes and its probability."""

    name = "model"

    def __init__(self, model: LinearModel, hosts: HostTable | None) -> None:
        self.model = model
        self.hosts = hosts

    def classify(self, features: Features) -> Candidate:
        key = context_key(features, self.hosts)
        return self.answer(features.name, key)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one layer per classifier
    def answer(self, name: str, key: tuple[str, ...]) -> Candidate:
        """The answer for a name in a context (:func:`.features.context_key`)."""
        best, p, why = self.model.predict(name, key)
        return Candidate(CLASSES[best], round(p, 2), _reason(why, p), self.name)

    def answer_many(self, names: Sequence[str], keys: Sequence[tuple[str, ...]]) -> list[Candidate]:
        """:meth:`answer` for each name and its context key, the names scored together;
        equal answers are one :class:`Candidate`."""
        import numpy as np

        from cookiegov.classification.batchanswers import round2

        if not names:
            return []
        model = self.model
        best, p, top = model.predict_arrays(names, keys, exact=False)  # rounded: the same
        confidence = round2(p)
        # equal answers: same class, rounded probability and evidence (phrase ids + 1)
        span = len(model._phrase_ids) + 1
        key = np.rint(confidence * 100).astype(np.int64) * 4 + best
        for k in range(3):
            key = key * span + top[:, k] + 1
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        answers = []
        for i in first.tolist():  # round(p, 2) and f"{p:.2f}" both round p's exact value
            b, pb = int(best[i]), float(p[i])
            why = model.why(b, top[i].tolist())
            answers.append(Candidate(CLASSES[b], float(confidence[i]), _reason(why, pb), self.name))
        return [answers[i] for i in inverse.tolist()]


def _reason(why: str, p: float) -> str:
    return f"learned model: {why or 'no telling feature'} ({p:.2f})"


@functools.cache
def shipped_model() -> LinearModel:
    data = resources.files("cookiegov.classification").joinpath("data/model.json.gz").read_bytes()
    return LinearModel.from_bytes(data)
