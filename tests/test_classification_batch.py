"""``Classifier.classify_many``, the batch path: the very same answers as one cookie at a
time (category, vendor, confidence, reason, layer, review flag), on real labelled cookies,
names no table knows, scanned cookies and hostile values; and the interfaces use it."""

from __future__ import annotations

import csv
import dataclasses
import random
from pathlib import Path

import pytest

from cookiegov.batch import classify_rows, parse_row
from cookiegov.classification.base import Candidate, Features
from cookiegov.classification.datasets import read_cookieblock
from cookiegov.classify import Classifier
from cookiegov.models import CookieInput, ObservedCookie, ScanResult, SetVia
from cookiegov.services.scanning import classify_result
from tests.test_classification import COOKIEBLOCK, needs_shared

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "fixtures" / "labelled" / "cookies.csv"


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier()


def one_by_one(clf: Classifier, cookies: list[CookieInput], site: str | None = None) -> list:
    return [clf.classify(c, site) for c in cookies]


@needs_shared
def test_batch_answers_equal_single_answers_on_real_cookies(clf: Classifier) -> None:
    cookies = [r.features.cookie for r in read_cookieblock(COOKIEBLOCK)]
    assert len(cookies) == 1090
    # as declared behind their consent managers, and as on sites whose manager is unknown
    cookies += [dataclasses.replace(c, consent_manager=None) for c in cookies]
    shuffled = cookies * 2
    random.Random(3).shuffle(shuffled)
    batch = clf.classify_many(shuffled)
    assert batch == one_by_one(clf, shuffled)
    # every layer takes part, the model included, so the test covers each path
    assert {r.layer for r in batch} >= {"manager", "kb", "ocd", "attribution", "model"}


def test_batch_answers_equal_single_answers_on_the_labelled_set(clf: Classifier) -> None:
    with LABELLED.open() as f:
        cookies = [parse_row(row) for row in csv.DictReader(f)]
    assert clf.classify_many(cookies * 2) == one_by_one(clf, cookies * 2)


def test_batch_answers_equal_single_answers_for_new_names_and_odd_values(clf: Classifier) -> None:
    rnd = random.Random(7)
    values = [None, "", "1", "true", "1763700000", "{}", '{"a":1}', "%7B%22a%22%3A1%7D", "x" * 300]
    values += ["GA1.1.1.2", "550e8400-e29b-41d4-a716-446655440000", "[" * 5000, "🍪"]
    cookies = [
        CookieInput(
            name=f"{rnd.choice(['zz', 'qx', '_ga', 'sess'])}{i % 700}_{rnd.choice(['v', 'id'])}",
            domain=rnd.choice(["www.a.example", "t.b.example", ".doubleclick.net", ""]),
            site=rnd.choice(["a.example", None]),
            value=rnd.choice(values) if i % 3 else f"{rnd.getrandbits(64):x}",
            expires_in=rnd.choice([None, 60.0, 86400.0, 3e7]),
            http_only=rnd.choice([None, True, False]),
            secure=rnd.choice([None, True]),
            same_site=rnd.choice([None, "Lax", "None"]),
            set_by=rnd.choice([None, "https://www.googletagmanager.com/gtag/js"]),
            third_party=rnd.choice([None, True, False]),
        )
        for i in range(4000)
    ]
    batch = clf.classify_many(cookies)
    assert batch == one_by_one(clf, cookies)
    assert "model" in {r.layer for r in batch}


def test_batch_answers_equal_single_answers_for_scanned_cookies(clf: Classifier) -> None:
    observed = [
        ObservedCookie(
            name=name,
            domain=domain,
            path="/",
            expires=None,
            lifetime=lifetime,
            http_only=False,
            secure=True,
            same_site="Lax",
            third_party=domain != "www.shop.test",
            set_via=(SetVia.HEADER,),
            set_by=None,
            pages=("https://www.shop.test/",),
            value_length=length,
            value_kind=kind,
        )
        for name in ("_ga", "zq_sess", "lang", "qx1_v")
        for domain in ("www.shop.test", "ads.tracker.example")
        for lifetime in (None, 3e7)
        for kind, length in (("id", 20), ("json", 200), ("empty", 0))
    ]
    for site in ("shop.test", None):
        assert clf.classify_many(observed, site) == one_by_one(clf, observed, site)  # type: ignore[arg-type]
    scan = ScanResult(
        url="https://www.shop.test/",
        site="shop.test",
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:00:01Z",
        consent="none",
        pages=[],
        cookies=observed,
    )
    classified = classify_result(scan, clf)
    assert [c.classification for c in classified.cookies] == one_by_one(clf, observed, "shop.test")  # type: ignore[arg-type]


def test_a_layer_that_reads_the_value_gets_every_cookie(clf: Classifier) -> None:
    """The batch shares answers between cookies alike but for their value only when no
    layer reads the value; an added layer of another kind makes it ask per cookie."""

    class ValueLayer:
        name = "value"

        def classify(self, features: Features) -> Candidate | None:
            value = features.cookie.value or ""
            return Candidate(clf.classify(features.cookie).category, 0.9, value, self.name)

    custom = Classifier()
    custom.layers.insert(0, ValueLayer())
    cookies = [CookieInput(name="zz_v", domain="a.example", value=v) for v in ("a", "b", "a")]
    assert [r.reason for r in custom.classify_many(cookies)] == ["a", "b", "a"]


def test_the_classify_command_rows_use_the_batch_and_keep_bad_rows(clf: Classifier) -> None:
    rows = [
        (2, {"name": "_ga", "domain": ".shop.test"}),
        (3, {"name": "", "domain": ".shop.test"}),
        (4, {"name": "zz_sess", "domain": "www.shop.test", "expires_in": "nope"}),
        (5, {"name": "zz_sess", "domain": "www.shop.test"}),
    ]
    out, bad = classify_rows(clf, rows)
    assert [b.line for b in bad] == [3, 4]
    assert out[1]["category"] == "" and out[1]["reason"].startswith("not classified: ")
    assert out[0]["category"] == clf.classify(parse_row(rows[0][1])).category.value
    assert out[3]["reason"] == clf.classify(parse_row(rows[3][1])).reason
