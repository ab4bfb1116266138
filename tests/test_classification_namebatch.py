"""The learned model's batch path (issue 14, item 5): names scored together in NumPy give,
bit for bit, the sums and evidence of the one-name path; the batch's probabilities,
rounding and evidence are those of :meth:`LinearModel.predict`; the quick tests that let
a batch skip layers never skip one that would answer."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cookiegov.classification.base import features_of
from cookiegov.classification.batchanswers import round2
from cookiegov.classification.features import context_key
from cookiegov.classification.model import ModelLayer, shipped_model
from cookiegov.classify import Classifier
from cookiegov.knowledge import CookieTable, KnownCookie
from cookiegov.models import Category, CookieInput
from cookiegov.values import value_kind

_USUAL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:|[]@%=/, "
_ODD = "$é٣７ǅİΣß\t~'#²"


def varied_names(n: int, seed: int = 11) -> list[str]:
    rnd = random.Random(seed)
    names = ["", "_", "__", "a", "A", "0", "zz123_sess", "_ga", "__utma", "ABC", "aB1c", "x" * 70]
    names += ["requestverificationtoken_x", "deadbeef12", "_hjSession_12345", "wp-settings-1"]
    names += ["ab" * 7, "ab" * 7 + "c", "cookieconsent", "..", "a b", "_ga_GXLD6GNCFB"]
    names += ["lone\udc80surrogate", "nul\x00byte", "astral\U0001f36asess", "DEL\x7f"]
    for _ in range(n):
        alphabet = _USUAL if rnd.random() < 0.8 else _USUAL + _ODD
        names.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))))
    return names


def test_names_scored_together_are_scored_as_one_by_one_bit_for_bit() -> None:
    model = shipped_model()
    names = varied_names(4000)
    scores = model._scorer.score(names)
    ids = model._phrase_ids
    for i, name in enumerate(names):
        sums, evidence = model.name_score(name)
        assert tuple(scores.sums[i].tolist()) == sums, name
        rows = np.flatnonzero(scores.ev_name == i)
        phrases, values = scores.ev_phrase[rows].tolist(), scores.ev_values[rows].tolist()
        got = dict(zip(phrases, values, strict=True))
        assert got == {ids[p]: list(v) for p, v in evidence}, name
    assert model._scorer.score([]).sums.shape == (0, 4)


def test_predictions_together_are_the_one_by_one_predictions() -> None:
    layer = Classifier().layer("model")
    assert isinstance(layer, ModelLayer)
    rnd = random.Random(5)
    keys = []
    for _ in range(60):
        cookie = CookieInput(
            name="x",
            domain=rnd.choice(["www.a.example", "t.b.example", "x.doubleclick.net"]),
            site="a.example",
            value=rnd.choice([None, "", "1", "abc", "deadbeefdeadbeef1234", "{}"]),
            expires_in=rnd.choice([None, 60.0, 3e7]),
            http_only=rnd.choice([None, True]),
            same_site=rnd.choice([None, "Lax", "None"]),
            consent_manager=rnd.choice([None, "Cookiebot"]),
        )
        keys.append(context_key(features_of(cookie), layer.hosts))
    pairs = [(name, rnd.choice(keys)) for name in varied_names(1500, seed=3) for _ in range(2)]
    model = layer.model
    assert model.predict_many(pairs) == [model.predict(n, k) for n, k in pairs]
    names, keys = [n for n, _ in pairs], [k for _, k in pairs]
    assert layer.answer_many(names, keys) == [layer.answer(n, k) for n, k in pairs]
    assert layer.answer_many([], []) == [] and model.predict_many([]) == []


def test_rounding_together_is_round_half_even_of_the_exact_value() -> None:
    rnd = random.Random(2)
    xs = [rnd.random() for _ in range(200_000)]
    for k in range(201):  # on and about every half cent
        for d in (0.0, 1e-17, -1e-17, 1e-16, -1e-16, 1e-15, -1e-15, 1e-7, -1e-7, 2e-6, -2e-6):
            xs.append(min(max(k / 200 + d, 0.0), 1.0))
        xs += [float(np.nextafter(k / 200, 1.0)), float(np.nextafter(k / 200, 0.0))]
    assert round2(np.array(xs)).tolist() == [round(x, 2) for x in xs]


def test_hex_values_are_ids_as_before() -> None:
    assert value_kind("deadbeefdeadbeef") == "id"
    assert value_kind("deadbeefdeadbeefdeadbeefdeadbeef") == "uuid"  # 32: a bare UUID
    assert value_kind("1234567890123456") == "number"
    assert value_kind('"0123456789abcdef0"') == "id"
    assert value_kind("abcdefabcdefabcdef") == "id"


def test_a_tables_quick_test_never_misses_a_match() -> None:
    entries = [
        KnownCookie("exact_one", Category.NECESSARY, None),
        KnownCookie("Folded", Category.FUNCTIONAL, None),
        KnownCookie("stem_*", Category.ANALYTICS, None, domain="shop.test"),
        KnownCookie("s*", Category.ANALYTICS, None),
        KnownCookie("*", Category.ADVERTISING, None, domain="only.test"),
        KnownCookie("a?c*", Category.FUNCTIONAL, None),
        KnownCookie(r"re:^(x)y\1$", Category.NECESSARY, None),  # a group reference
        KnownCookie("re:(?i)^caseless[0-9]+$", Category.NECESSARY, None),  # a global flag
        KnownCookie("re:^q[0-9]{2}$", Category.NECESSARY, None),
    ]
    names = ["exact_one", "folded", "FOLDED", "stem_1", "s", "", "abc1", "xyx", "xyy", "CASELESS9"]
    names += ["q12", "q123", "zzz", "a", "st", *varied_names(300, seed=9)]
    for size in range(len(entries) + 1):
        table = CookieTable(entries[:size])
        for name in names:
            for domain in ("www.shop.test", "only.test", "other.test", ""):
                if table.match(name, domain) is not None:
                    assert table.may_match(name), (size, name, domain)


def test_batches_with_site_knowledge_answer_as_one_by_one() -> None:
    """Override and declared tables (patterns, domain-bound entries) take part in the
    batch's merged name test, which must not skip what they answer."""
    clf = Classifier(
        overrides=[
            KnownCookie("zz_keep", Category.NECESSARY, "Us", source="override:site"),
            KnownCookie("zz_dom*", Category.FUNCTIONAL, None, domain="a.example"),
        ],
        declared=[
            KnownCookie("re:^qx[0-9]+_v$", Category.ANALYTICS, None, source="declared"),
            KnownCookie("Lang", Category.FUNCTIONAL, None, source="declared"),
        ],
    )
    rnd = random.Random(4)
    cookies = [
        CookieInput(
            name=rnd.choice(["zz_keep", "zz_dom1", "qx12_v", "lang", "_ga", "zz\udc80", ""])
            + rnd.choice(["", "", "9"]),
            domain=rnd.choice(["www.a.example", "t.b.example", "x.doubleclick.net"]),
            site=rnd.choice(["a.example", None]),
            value=rnd.choice([None, "1", f"{rnd.getrandbits(64):x}"]),
            third_party=rnd.choice([None, True, False]),
            consent_manager=rnd.choice([None, "Cookiebot"]),
        )
        for _ in range(3000)
    ]
    batch = clf.classify_many(cookies)
    assert batch == [clf.classify(c) for c in cookies]
    assert {r.layer for r in batch} >= {"override", "declared", "model"}


def test_answers_together_hold_where_numpys_exp_differs_in_the_last_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The batch's answers take NumPy's ``exp`` (exact only where it could matter): with
    an ``exp`` one unit in the last place off, every answer is still the same."""
    layer = Classifier().layer("model")
    assert isinstance(layer, ModelLayer)
    exp = np.exp
    monkeypatch.setattr(np, "exp", lambda x: np.nextafter(exp(x), np.inf))
    key = context_key(features_of(CookieInput("x", "www.a.example", value="1")), layer.hosts)
    pairs = [(name, key) for name in varied_names(3000, seed=21)]
    names = [n for n, _ in pairs]
    assert layer.answer_many(names, [key] * len(names)) == [layer.answer(n, k) for n, k in pairs]
