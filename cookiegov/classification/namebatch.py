"""The learned model's name scores for many names at once, in NumPy.

The features are those of :func:`.features.name_parts`, worked out on arrays of
character codes for the names of the usual alphabet (ASCII letters, digits and the
separators): tokens packed into integers and character n-grams as integer codes
(:mod:`.namecodes`), looked up in sorted code arrays or a table indexed by code. Other
names (non-ASCII characters, letter runs too long to pack) go through
:func:`.features.name_parts` one by one.

The sums are the same floating-point operations in the same order as the one-name path
(:meth:`.model.LinearModel.name_score`): each name's word features in the order
``name_parts`` lists them, then its n-grams in the order of their codes
(:func:`gram_code`), each added one at a time (``np.bincount`` adds in array order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cookiegov.classification.features import _LEXICON, _PREFIXES_BY_START
from cookiegov.classification.namecodes import (
    BASE,
    DIGIT,
    FOLD,
    HEX,
    LETTER,
    LEX_ORDER,
    LOWER,
    LOWERED,
    MAX_PACKED,
    PACK,
    PREFIX_STARTS,
    SEP,
    UPPER,
    USUAL,
    gram_code,
    gram_order,
    p3_code,
    pack,
    packed,
)

Vector = tuple[float, float, float, float]
Scored = tuple[Vector, tuple[tuple[str, tuple[float, ...]], ...]]
Array = Any  # numpy arrays (numpy's stubs are not a dependency of the type check)
_SHAPES = ("upper", "underscore", "dunder", "hexrun", "digits")


@dataclass(frozen=True, eq=False)
class NameScores:
    """Per name: the sums (n, 4); the evidence as rows (name index, phrase id, values)."""

    sums: Array
    ev_name: Array
    ev_phrase: Array
    ev_values: Array


class _Lookup:
    """Sorted integer codes -> row numbers."""

    def __init__(self, pairs: dict[int, int]) -> None:
        keys = sorted(pairs)
        self.codes = np.array(keys, dtype=np.int64)
        self.rows = np.array([pairs[k] for k in keys], dtype=np.int64)

    def __call__(self, codes: Array) -> Array:
        """Row of each code, -1 where none."""
        if not len(self.codes):
            return np.full(len(codes), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        return np.where(self.codes[at] == codes, self.rows[at], -1)


class NameScorer:
    """The name part of a linear model's weights, arranged for scoring arrays of names."""

    def __init__(
        self,
        weights: dict[str, Vector],
        phrases: dict[str, tuple[str, Vector]],
        phrase_ids: dict[str, int],
        resembles: str,
        one_name: Callable[[str], Scored],
    ) -> None:
        features = [f for f in weights if not f.startswith("g:")]
        row = {f: i for i, f in enumerate(features)}
        self.w = np.array([weights[f] for f in features], dtype=np.float64).reshape(-1, 4)
        self.centred = np.zeros_like(self.w)
        self.phrase = np.full(len(features), -1, dtype=np.int64)
        for f, (phrase, c) in phrases.items():
            if f in row:
                self.centred[row[f]] = c
                self.phrase[row[f]] = phrase_ids[phrase]
        self.row = row
        self.phrase_ids = phrase_ids
        self.resembles = phrase_ids[resembles]
        self.one_name = one_name
        self.t = _Lookup(packed(row, "t:"))
        self.t0 = _Lookup(packed(row, "t0:"))
        self.lex = _Lookup(
            {p: LEX_ORDER.index(c) for w, c in _LEXICON.items() if (p := pack(w)) is not None}
        )
        self.lex_rows = np.array([row.get(f"lex:{c}", -1) for c in LEX_ORDER], dtype=np.int64)
        p3 = {}
        for f, i in row.items():
            if f.startswith("p3:") and len(f) <= 6:
                code = p3_code(f[3:])
                if code is not None:
                    p3[code] = i
        self.p3 = _Lookup(p3)
        self.shape_rows = np.array([row.get(f"s:{s}", -1) for s in _SHAPES], dtype=np.int64)
        self.len_rows = np.array([row.get(f"s:len{n}", -1) for n in range(9)], dtype=np.int64)
        grams = gram_order(g[2:] for g in weights if g.startswith("g:"))
        self.gram_w = np.array([weights[f"g:{g}"] for g in grams], dtype=np.float64)
        self.gram_w = self.gram_w.reshape(-1, 4)
        # n-gram code -> its row: a table indexed by code (7.7 MB), one read per n-gram
        small = len(grams) < 2**15
        self.gram_rows = np.full(BASE**4 + BASE**3, -1, dtype=np.int16 if small else np.int32)
        for i, g in enumerate(grams):
            code = gram_code(g)
            if code is not None:
                self.gram_rows[code] = i

    def score(self, names: Sequence[str]) -> NameScores:
        n = len(names)
        if not n:
            empty = np.zeros(0, dtype=np.int64)
            return NameScores(np.zeros((0, 4)), empty, empty, np.zeros((0, 4)))
        names = [name[:64] for name in names]
        lengths = np.fromiter(map(len, names), dtype=np.int64, count=n)
        text = "^" + "$^".join(names) + "$"
        data = text.encode("utf-32-le", "surrogatepass")  # lone surrogates are characters too
        raw = np.frombuffer(data, dtype=np.uint32).astype(np.int64)
        starts = np.cumsum(lengths + 2) - (lengths + 2)  # each name's "^"
        pad = np.zeros(len(raw), dtype=bool)
        pad[starts] = True
        pad[starts + lengths + 1] = True
        ascii_ = raw < 128
        ch = np.where(ascii_, raw, 0)
        usual = ascii_ & (USUAL[ch] | pad)
        ok = np.logical_and.reduceat(usual, starts)
        owner = np.repeat(np.arange(n), lengths + 2)

        # in name_parts' order within each name: bincount adds in array order
        rows, who, ok = self._words(ch, pad, starts, lengths, owner, ok, names)
        sums = np.stack(
            [np.bincount(who, weights=self.w[rows, k], minlength=n) for k in range(4)], axis=1
        )
        ph = self.phrase[rows]
        has = ph >= 0
        ev_key = who[has] * len(self.phrase_ids) + ph[has]
        keys, inverse = np.unique(ev_key, return_inverse=True)
        ev_values = np.stack(
            [
                np.bincount(inverse, weights=self.centred[rows[has], k], minlength=len(keys))
                for k in range(4)
            ],
            axis=1,
        )
        ev_name, ev_phrase = keys // len(self.phrase_ids), keys % len(self.phrase_ids)
        sums, ev_name, ev_phrase, ev_values = self._grams(
            ch, pad, starts, lengths, owner, ok, sums, ev_name, ev_phrase, ev_values
        )
        return self._others(names, ok, sums, ev_name, ev_phrase, ev_values)

    def _words(
        self,
        ch: Array,
        pad: Array,
        starts: Array,
        lengths: Array,
        owner: Array,
        ok: Array,
        names: list[str],
    ) -> tuple[Array, Array, Array]:
        """(row, name index) of each word feature of the names of the usual alphabet, a
        name's in the order of :func:`.features.name_parts` (each kind of feature comes
        sorted by name, the kinds in that order); and which names those are (not those
        with letter runs too long to pack)."""
        lower, upper, digit = LOWER[ch], UPPER[ch], DIGIT[ch]
        alpha = lower | upper
        sep = SEP[ch] | pad
        prev = np.roll
        begins = ~sep & (
            prev(sep, 1)
            | (prev(lower, 1) & upper)
            | (prev(alpha, 1) & digit)
            | (prev(digit, 1) & alpha)
        )
        tok_start = np.flatnonzero(begins)
        inside = ~sep
        tok_id = np.maximum(np.cumsum(begins) - 1, 0)
        tok_len = np.bincount(tok_id[inside], minlength=len(tok_start))
        tok_owner = owner[tok_start]
        # letters packed base 27 (most significant first); digit runs are "#" (code 0)
        if len(tok_start):
            end = tok_start[tok_id] + tok_len[tok_id] - 1
            power = np.where(inside, end - np.arange(len(ch)), 0)
        else:
            power = np.zeros(len(ch), dtype=np.int64)
        too_long = tok_len > MAX_PACKED
        power = np.minimum(power, MAX_PACKED - 1)
        value = np.where(inside & alpha, LETTER[ch] * PACK**power, 0)
        packed = np.add.reduceat(value, tok_start) if len(tok_start) else value[:0]
        packed = np.where(digit[tok_start], 0, packed)
        ok = ok.copy()
        ok[tok_owner[too_long]] = False
        first_tok = np.searchsorted(tok_owner, np.arange(len(starts)))
        tok_index = np.arange(len(tok_start)) - first_tok[tok_owner]
        keep_tok = ok[tok_owner]
        parts: list[tuple[Array, Array]] = []
        # t:<token>, each once, in the order of first appearance
        t_rows = self.t(packed)
        sel = keep_tok & (t_rows >= 0)
        key = tok_owner[sel] * len(self.row) + t_rows[sel]
        _, first = np.unique(key, return_index=True)
        idx = np.sort(np.flatnonzero(sel)[first])
        parts.append((t_rows[idx], tok_owner[idx]))
        # t0:<first token>
        sel = keep_tok & (tok_index == 0)
        t0 = self.t0(packed[sel])
        parts.append((t0, tok_owner[sel]))
        # p:<known prefix>, in the prefixes' order
        p_rows, p_owner = [], []
        two = LOWERED[ch[np.minimum(starts + 1, len(ch) - 1)]] * 128
        two += LOWERED[ch[np.minimum(starts + 2, len(ch) - 1)]]
        maybe = ok & (lengths >= 2) & np.isin(two, PREFIX_STARTS)
        for i in np.flatnonzero(maybe).tolist():
            low = names[i].lower()
            for p in _PREFIXES_BY_START.get(low[:2], ()):
                if low.startswith(p) and f"p:{p}" in self.row:
                    p_rows.append(self.row[f"p:{p}"])
                    p_owner.append(i)
        parts.append((np.array(p_rows, dtype=np.int64), np.array(p_owner, dtype=np.int64)))
        # lex:<category>, sorted, each once
        cat = self.lex(packed)
        sel = keep_tok & (cat >= 0) & ~digit[tok_start]
        key = _distinct(tok_owner[sel] * 8 + cat[sel])
        lex_owner, lex_cat = key // 8, key % 8
        parts.append((self.lex_rows[lex_cat], lex_owner))
        # p3:<first three characters, digits folded>
        fold = FOLD[ch]
        drop = digit & prev(digit, 1)
        kept = np.flatnonzero(~drop)
        f_len = lengths - np.add.reduceat(drop, starts)
        f_starts = np.searchsorted(kept, starts)
        c1, c2, c3 = (
            np.where(f_len > k, fold[kept[np.minimum(f_starts + 1 + k, len(kept) - 1)]], 0)
            for k in range(3)
        )
        p3 = self.p3((c1 * BASE + c2) * BASE + c3)
        parts.append((p3, np.arange(len(starts))))
        # s:<shape>
        any_upper = np.logical_or.reduceat(upper, starts)
        any_lower = np.logical_or.reduceat(lower, starts)
        any_digit = np.logical_or.reduceat(digit, starts)
        hexes = np.concatenate([[0], np.cumsum(HEX[ch] & ~pad)])
        run8 = np.zeros(len(ch), dtype=bool)
        if len(ch) >= 8:
            run8[: len(ch) - 7] = hexes[8:] - hexes[:-8] == 8
        any_hex8 = np.logical_or.reduceat(run8, starts)
        first = ch[np.minimum(starts + 1, len(ch) - 1)]
        second = ch[np.minimum(starts + 2, len(ch) - 1)]
        under = (lengths >= 1) & (first == ord("_"))
        dunder = under & (lengths >= 2) & (second == ord("_"))
        shapes = (any_upper & ~any_lower, under & ~dunder, dunder, any_hex8, any_digit)
        for k, flag in enumerate(shapes):
            idx = np.flatnonzero(flag)
            parts.append((np.full(len(idx), self.shape_rows[k]), idx))
        len_rows = self.len_rows[np.minimum(lengths // 4, 8)]
        parts.append((len_rows, np.arange(len(starts))))
        rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
        who = np.concatenate([p[1] for p in parts]).astype(np.int64)
        good = (rows >= 0) & ok[who]
        return rows[good], who[good], ok

    def _grams(
        self,
        ch: Array,
        pad: Array,
        starts: Array,
        lengths: Array,
        owner: Array,
        ok: Array,
        sums: Array,
        ev_name: Array,
        ev_phrase: Array,
        ev_values: Array,
    ) -> tuple[Array, Array, Array, Array]:
        """Add each name's n-gram weights (each distinct n-gram once, in code order)."""
        n = len(starts)
        digit = DIGIT[ch]
        kept = ~(digit & np.roll(digit, 1))
        f = FOLD[ch][kept]
        f_owner = owner[kept]
        f_len = np.bincount(f_owner, minlength=n)  # with the padding
        f_end = np.cumsum(f_len)
        pos = np.arange(len(f))
        codes, whose = [], []
        for size in (3, 4):
            if len(f) < size:
                continue
            m = len(f) - size + 1
            code = np.zeros(m, dtype=np.int64)
            for k in range(size):
                code = code * BASE + f[k : k + m]
            if size == 4:
                code += BASE**3
            valid = pos[:m] + size <= f_end[f_owner[:m]]
            codes.append(code[valid])
            whose.append(f_owner[:m][valid])
        if not codes:
            return sums, ev_name, ev_phrase, ev_values
        code, who = np.concatenate(codes), np.concatenate(whose)
        rank = self.gram_rows[code].astype(np.int64)
        sel = (rank >= 0) & ok[who]
        key = _distinct(who[sel] * len(self.gram_w) + rank[sel])
        who, rank = key // len(self.gram_w), key % len(self.gram_w)
        g = np.stack(
            [np.bincount(who, weights=self.gram_w[rank, k], minlength=n) for k in range(4)],
            axis=1,
        )
        has = np.bincount(who, minlength=n) > 0
        sums = np.where(has[:, None], sums + g, sums)
        mean = (((g[:, 0] + g[:, 1]) + g[:, 2]) + g[:, 3]) / 4
        centred = g - mean[:, None]
        # "resembles" evidence: the n-grams' centred sum plus the word features' own
        res = (ev_phrase == self.resembles) & has[ev_name]
        ev_values = ev_values.copy()
        ev_values[res] = centred[ev_name[res]] + ev_values[res]
        alone = has.copy()
        alone[ev_name[res]] = False
        extra = np.flatnonzero(alone)
        ev_name = np.concatenate([ev_name, extra])
        ev_phrase = np.concatenate([ev_phrase, np.full(len(extra), self.resembles)])
        ev_values = np.concatenate([ev_values, centred[extra]])
        return sums, ev_name, ev_phrase, ev_values

    def _others(
        self,
        names: list[str],
        ok: Array,
        sums: Array,
        ev_name: Array,
        ev_phrase: Array,
        ev_values: Array,
    ) -> NameScores:
        """Names outside the usual alphabet, one at a time; then evidence sorted by name."""
        others = np.flatnonzero(~ok).tolist()
        if others:
            extra_name, extra_phrase, extra_values = [], [], []
            for i in others:
                vector, evidence = self.one_name(names[i])
                sums[i] = vector
                for phrase, values in evidence:
                    extra_name.append(i)
                    extra_phrase.append(self.phrase_ids[phrase])
                    extra_values.append(values)
            keep = ok[ev_name]
            ev_name = np.concatenate([ev_name[keep], np.array(extra_name, dtype=np.int64)])
            ev_phrase = np.concatenate([ev_phrase[keep], np.array(extra_phrase, dtype=np.int64)])
            ev_values = np.concatenate(
                [ev_values[keep], np.array(extra_values, dtype=np.float64).reshape(-1, 4)]
            )
        order = np.argsort(ev_name, kind="stable")
        return NameScores(sums, ev_name[order], ev_phrase[order], ev_values[order])


def _distinct(a: Array) -> Array:
    """The distinct values, sorted (np.unique, without its hashing)."""
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a
