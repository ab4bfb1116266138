"""Integer codes of the learned model's name features, for scoring names in arrays.

A name of the usual alphabet (ASCII letters, digits and the separators) is read as an
array of character codes (:mod:`.namebatch`): these are the look-up tables of its
characters, and the codes of tokens (letters packed base 27), n-grams (characters of the
digit-folded, lower-cased name base 44, 4-grams above 3-grams) and first three
characters that the model's features are found by.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from cookiegov.classification.features import _LEXICON, _PREFIXES_BY_START

Array = Any  # numpy arrays (numpy's stubs are not a dependency of the type check)

#: The characters of a digit-folded, lower-cased name of the usual alphabet, with the
#: ``^``/``$`` padding of the n-grams; codes 1..len (0 is no character).
GRAM_ALPHABET = "^$0abcdefghijklmnopqrstuvwxyz_-.:|[]@%=/, "
BASE = len(GRAM_ALPHABET) + 1
_CODE = {ch: i + 1 for i, ch in enumerate(GRAM_ALPHABET)}
_SEPARATORS = "_-.:|[]@%=/, "  # what features._SPLIT splits on, in this alphabet
PACK = 27  # letters a..z as 1..26: a token of up to 13 letters packs into an int64
MAX_PACKED = 13
LEX_ORDER = sorted(set(_LEXICON.values()))  # lex:<category> features come sorted


def gram_code(gram: str) -> int | None:
    """An n-gram's integer code (3-grams below 4-grams), None outside the alphabet."""
    codes = [_CODE.get(ch) for ch in gram]
    if len(gram) not in (3, 4) or None in codes:
        return None
    value = 0
    for c in codes:
        value = value * BASE + c  # type: ignore[operator]
    return value + (BASE**3 if len(gram) == 4 else 0)


def gram_order(grams: Iterable[str]) -> list[str]:
    """N-grams in the order a name's n-gram weights are added: by code (then the others)."""
    return sorted(grams, key=_gram_key)


def _gram_key(gram: str) -> tuple[bool, int, str]:
    code = gram_code(gram)
    return (code is None, code or 0, gram)


def pack(word: str) -> int | None:
    if word == "#":
        return 0
    if not (0 < len(word) <= MAX_PACKED and word.isascii() and word.isalpha() and word.islower()):
        return None
    value = 0
    for ch in word:
        value = value * PACK + (ord(ch) - 96)
    return value


def _lut(chars: str) -> Array:
    table = np.zeros(128, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


LOWER = _lut("abcdefghijklmnopqrstuvwxyz")
UPPER = _lut("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGIT = _lut("0123456789")
HEX = _lut("0123456789abcdefABCDEF")
SEP = _lut(_SEPARATORS + "^$")
USUAL = LOWER | UPPER | DIGIT | _lut(_SEPARATORS)
FOLD = np.zeros(128, dtype=np.int64)  # lower-cased, digits as "0", padding kept
for _i in range(128):
    _ch = chr(_i).lower()
    _ch = "0" if _ch.isdigit() else _ch
    FOLD[_i] = _CODE.get(_ch, 0)
LOWERED = np.array([ord(chr(i).lower()) for i in range(128)], dtype=np.int64)
PREFIX_STARTS = np.array([ord(k[0]) * 128 + ord(k[1]) for k in _PREFIXES_BY_START if len(k) == 2])
LETTER = np.zeros(128, dtype=np.int64)
for _i in range(128):
    if chr(_i).isascii() and chr(_i).isalpha():
        LETTER[_i] = ord(chr(_i).lower()) - 96


def packed(row: dict[str, int], kind: str) -> dict[int, int]:
    out = {}
    for f, i in row.items():
        if f.startswith(kind):
            code = pack(f[len(kind) :])
            if code is not None:
                out[code] = i
    return out


def p3_code(text: str) -> int | None:
    codes = [_CODE.get(c) for c in text]
    if None in codes or len(codes) > 3 or "^" in text or "$" in text:
        return None
    codes += [0] * (3 - len(codes))
    return (codes[0] * BASE + codes[1]) * BASE + codes[2]  # type: ignore[operator]
