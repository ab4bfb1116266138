"""The classification package: layers, learned model, review flag, shipped facts, training
and the grouped evaluation (real data from ../shared/data where a test needs it)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from cookiegov.batch import classify_rows, write_rows
from cookiegov.classification.base import Features, Layer, features_of
from cookiegov.classification.consensus import SiteConsensus
from cookiegov.classification.datasets import (
    Labelled,
    ocd_labelled,
    ocd_training,
    read_cookieblock,
)
from cookiegov.classification.model import LinearModel, shipped_model
from cookiegov.classification.ocd import ocd_facts
from cookiegov.classification.registry import LAYER_ORDER
from cookiegov.classification.train import train
from cookiegov.classify import Classifier, classify
from cookiegov.declaration import declaration
from cookiegov.evaluate import CLASSES, any_layer_right, grouped_folds, site_grouped_cv
from cookiegov.models import Category, Classification, CookieInput, ObservedCookie, ScanResult
from tests import builders

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "cookiegov" / "classification" / "data"
SHARED = ROOT.parent / "shared" / "data"
COOKIEBLOCK = SHARED / "cookieblock-dev.csv"
OCD_CSV = SHARED / "open-cookie-database-2023-11-13.csv"
needs_shared = pytest.mark.skipif(
    not COOKIEBLOCK.exists() and not os.environ.get("CI"), reason="../shared is absent"
)


def c(name: str, domain: str = "www.shop.test", **kw: object) -> CookieInput:
    return CookieInput(name=name, domain=domain, site="shop.test", **kw)  # type: ignore[arg-type]


def test_layers_follow_one_protocol_in_the_registry_order() -> None:
    clf = Classifier()
    assert [layer.name for layer in clf.layers] == list(LAYER_ORDER)
    assert all(isinstance(layer, Layer) for layer in clf.layers)
    skipped = Classifier(skip=("kb", "ocd"))
    assert [layer.name for layer in skipped.layers] == [
        n for n in LAYER_ORDER if n not in ("kb", "ocd")
    ]


def test_every_cookie_gets_one_of_the_four_categories_with_a_readable_reason() -> None:
    odd = ["zq", "x", "🍪", "a" * 500, "__", "12345", "sess"]
    for name in odd:
        r = classify(c(name, value="v" * 40, expires_in=3e7))
        assert r.category in (
            Category.NECESSARY,
            Category.FUNCTIONAL,
            Category.ANALYTICS,
            Category.ADVERTISING,
        )
        assert 0.0 < r.confidence <= 1.0 and r.reason and r.layer
    sess = classify(c("shopsess", value="q8d0b3h1v5kz2m7wa9e4tr6ycx", http_only=True))
    assert sess.layer == "model" and sess.category is Category.NECESSARY
    assert sess.reason.startswith("learned model: ") and "session lifetime" in sess.reason


def test_model_reason_names_evidence_for_the_class_it_gives() -> None:
    tracker = classify(
        CookieInput(
            "uid_sync_x",
            ".adnet-unknown.example",
            site="shop.test",
            value="a8f7e6d5c4b3a291f0e9",
            expires_in=3e7,
            same_site="None",
            secure=True,
        )
    )
    assert tracker.layer == "model" and tracker.category is Category.ADVERTISING
    assert "third-party" in tracker.reason or "advertising" in tracker.reason


def test_attribution_reason_names_the_setter_and_the_vendor_kind() -> None:
    r = classify(c("q_mystery", set_by="https://analytics.tiktok.com/i18n/pixel/events.js"))
    assert r.layer == "attribution" and r.category is Category.ADVERTISING
    assert r.reason.startswith("set by a script from tiktok.com, an advertising vendor")


def test_review_flag_follows_the_threshold() -> None:
    cookie = c("zq_state", value="1")
    default = Classifier().classify(cookie)
    assert default.needs_review is (default.confidence < 0.5)
    strict = Classifier(review_threshold=0.99).classify(cookie)
    assert strict.needs_review and strict.category is default.category
    documented = Classifier(review_threshold=0.8).classify(c("_ga"))
    assert not documented.needs_review and documented.to_dict()["needs_review"] is False


def test_sites_overrule_a_vendors_documentation_and_say_so() -> None:
    votes = SiteConsensus.from_declarations(
        (f"site{i}.test", "_ga", "", "", Category.NECESSARY) for i in range(4)
    )
    r = Classifier(consensus=votes).classify(c("_ga"))
    assert r.category is Category.NECESSARY and r.layer == "kb"
    assert "documented as a Google Analytics cookie (analytics)" in r.reason
    assert "but 4 of 4 sites declare it necessary: following what sites declare" in r.reason
    # One site is not enough, to contradict the vendor or to answer for an unknown name.
    one = SiteConsensus.from_declarations(
        ("site1.test", name, "", "", Category.FUNCTIONAL) for name in ("_ga", "zz_custom_pref")
    )
    clf = Classifier(consensus=one)
    assert clf.classify(c("_ga")).category is Category.ANALYTICS
    assert clf.classify(c("zz_custom_pref")).layer == "model"
    two = SiteConsensus.from_declarations(
        (f"site{i}.test", "zz_custom_pref", "", "", Category.FUNCTIONAL) for i in range(2)
    )
    custom = Classifier(consensus=two).classify(c("zz_custom_pref"))
    assert custom.layer == "sites" and custom.category is Category.FUNCTIONAL
    assert "declared functional by 2 of 2 sites" in custom.reason


def test_sites_behind_the_same_consent_manager_answer_first() -> None:
    """Cookiebot sites declare _shopify_y necessary, sites of other managers analytics (as
    Shopify documents it): a Cookiebot site gets what Cookiebot sites declare, says that it
    contradicts the documentation, and - a documented tracker made necessary - is flagged."""
    rows = [
        *((f"cb{i}.test", "_shopify_y", "", "cookiebot", Category.NECESSARY) for i in range(2)),
        *((f"ot{i}.test", "_shopify_y", "", "onetrust", Category.ANALYTICS) for i in range(3)),
        ("cb0.test", "zq_basket", "", "cookiebot", Category.NECESSARY),
    ]
    clf = Classifier(consensus=SiteConsensus.from_declarations(rows))
    shop = CookieInput(name="_shopify_y", domain=".shop.test", consent_manager="Cybotcookiebot")
    r = clf.classify(shop)
    assert (r.category, r.layer, r.vendor) == (Category.NECESSARY, "manager", "Shopify")
    assert r.reason.startswith(
        "'_shopify_y' is documented as a Shopify cookie (analytics), but 2 of 2 sites using "
        "Cookiebot, this site's consent manager, declare it necessary"
    )
    assert r.needs_review and r.confidence < 0.5
    # A name no knowledge base documents: one site of the same manager is enough.
    basket = clf.classify(CookieInput("zq_basket", ".shop.test"), manager="Cookiebot")
    assert (basket.layer, basket.category, basket.needs_review) == ("manager", "necessary", False)
    assert "'zq_basket' is declared necessary by 1 of 1 site using Cookiebot" in basket.reason
    # The manager can also come with the scan rather than the cookie.
    plain = CookieInput(name="_shopify_y", domain=".shop.test")
    assert clf.classify(plain, manager="Cookiebot").layer == "manager"
    assert clf.classify_many([plain], manager="cookiebot")[0].layer == "manager"
    # The vendor's article is the kb layer's: "an Adobe Analytics cookie".
    adobe = Classifier(
        consensus=SiteConsensus.from_declarations(
            [("cb0.test", "s_cc", "", "cookiebot", Category.NECESSARY)]
        )
    ).classify(CookieInput("s_cc", ".shop.test"), manager="Cookiebot")
    assert "'s_cc' is documented as an Adobe Analytics cookie (analytics), but" in adobe.reason
    # An unknown manager, or none: what sites in general declare.
    for other in ("Klaro", None):
        r = clf.classify(CookieInput(name="_shopify_y", domain=".shop.test"), manager=other)
        assert r.layer != "manager"
        assert r.category is Category.ANALYTICS  # 3 of 5 sites agree with the documentation


def test_crafted_names_reach_no_other_cell_of_the_site_table() -> None:
    """The table's keys for a name on a domain, under a manager, or any name on a domain
    cannot be spelled by a cookie name (a tab is never in one)."""
    rows = [(f"s{i}.test", "IDE", "doubleclick.net", "onetrust", Category.ADVERTISING)
            for i in range(3)]  # fmt: skip
    rows.append(("s9.test", "publicvn#lang", "", "", Category.NECESSARY))
    votes = SiteConsensus.from_declarations(rows)
    assert votes.managers == {"onetrust"}  # no phantom manager "lang"
    clf = Classifier(consensus=votes, skip=("kb", "ocd"))
    for crafted in ("@doubleclick.net", "IDE@doubleclick.net", "IDE#onetrust", "IDE\t#onetrust"):
        r = clf.classify(CookieInput(crafted, ".shop.test", site="shop.test"))
        assert r.layer == "model", (crafted, r)


def test_new_vendors_of_the_knowledge_base() -> None:
    cases = {
        ("form_key", "www.shop.test"): Category.NECESSARY,  # Magento
        ("PrestaShop-1a2b3c", "www.shop.test"): Category.NECESSARY,
        ("_scid", ".shop.test"): Category.ADVERTISING,  # Snapchat
        ("_ym_uid", ".shop.test"): Category.ANALYTICS,  # Yandex Metrica
        ("Hm_lvt_0123456789abcdef", ".shop.test"): Category.ANALYTICS,  # Baidu Tongji
        ("__cf_bm", ".shop.test"): Category.NECESSARY,  # Cloudflare
        ("AWSALB", "www.shop.test"): Category.NECESSARY,
        ("visid_incap_123456", ".shop.test"): Category.NECESSARY,  # Imperva
        ("ak_bmsc", ".shop.test"): Category.NECESSARY,  # Akamai
        ("t_gid", ".shop.test"): Category.ADVERTISING,  # Taboola
        ("svSession", "www.shop.test"): Category.NECESSARY,  # Wix
        ("crumb", "www.shop.test"): Category.NECESSARY,  # Squarespace
        ("lsclick_mid12345", ".shop.test"): Category.ADVERTISING,  # Rakuten
    }
    for (name, domain), category in cases.items():
        r = classify(c(name, domain))
        assert r.layer == "kb", (name, r)
        assert r.category is category, (name, r)


def test_shipped_facts_keep_no_description_and_carry_the_notice() -> None:
    notice = (DATA / "NOTICE").read_text("utf-8")
    assert "Open Cookie Database" in notice and "Apache License" in notice
    assert "CookieBlock" in notice and "MIT" in notice  # consensus.json and the model
    text = (DATA / "ocd.json").read_text("utf-8")
    facts = ocd_facts()
    assert len(facts) > 1200 and all(f.category is not Category.UNKNOWN for f in facts)
    if OCD_CSV.exists():
        with OCD_CSV.open(encoding="utf-8-sig") as f:
            descriptions = [row["Description"] for row in csv.DictReader(f)]
        long_ones = [d for d in descriptions if len(d) > 40]
        assert long_ones and not any(d in text for d in long_ones)


def _small_training_set() -> list[Labelled]:
    facts = [f for f in ocd_facts() if f.platform < "H"]
    return ocd_training(facts)


@pytest.mark.slow  # trains the model
def test_training_twice_gives_the_same_bytes() -> None:
    examples = _small_training_set()
    first = train(examples, None).to_bytes()
    second = train(list(reversed(examples)), None).to_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    model = LinearModel.from_bytes(first)
    assert model.to_bytes() == first and 0.5 <= model.temperature <= 3.0


@pytest.mark.slow  # trains the model
@needs_shared
def test_the_shipped_model_is_what_the_script_builds(tmp_path: Path) -> None:
    import runpy

    build = runpy.run_path(str(ROOT / "scripts" / "train_model.py"))["build"]
    digests = build(COOKIEBLOCK, tmp_path)
    for name, digest in digests.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
    assert (DATA / "model.json.gz").stat().st_size < 300_000
    assert shipped_model().meta["trained_on"][0] == "cookieblock-dev.csv"


def test_grouped_folds_never_split_a_group() -> None:
    groups = [f"g{i % 7}" for i in range(100)] + ["big"] * 30
    folds = grouped_folds(groups, 3)
    assert sorted(i for fold in folds for i in fold) == list(range(len(groups)))
    homes = [{groups[i] for i in fold} for fold in folds]
    assert all(a.isdisjoint(b) for i, a in enumerate(homes) for b in homes[i + 1 :])
    assert grouped_folds(groups, 3) == folds  # deterministic


@pytest.mark.slow  # trains the model
@needs_shared
def test_site_grouped_evaluation_on_real_declarations() -> None:
    sites = read_cookieblock(COOKIEBLOCK)
    assert len(sites) == 1090 and len({s.group for s in sites}) == 106
    subset = [s for s in sites if s.group < "e"]  # a quick run on part of the sites
    facts = [f for f in ocd_facts() if f.platform < "M"]
    ev = site_grouped_cv(subset, facts, folds=3)
    assert ev.total == len(subset)
    assert set(ev.by_layer()) <= set(LAYER_ORDER)
    assert ev.accuracy > 0.6, ev.to_text(show_wrong=False)
    assert "unknown" not in {p for row in ev.confusion.values() for p in row}
    assert sum(n for _, _, n, _, _ in ev.reliability()) == ev.total
    # Some layer was right at least wherever the first answer was, and the report says how far
    # choosing among the layers' answers could go.
    assert ev.reachable is not None and ev.correct <= ev.reachable <= ev.total
    assert f"right: {ev.reachable_accuracy:.1%}" in ev.to_text(show_wrong=False)


def test_any_layer_right_asks_every_layer_not_only_the_first() -> None:
    clf = Classifier()
    fact = next(f for f in ocd_facts() if f.name == "AMP_TOKEN")
    (amp,) = ocd_labelled([fact], names_only=True)
    answers = {
        a.category for layer in clf.layers if (a := layer.classify(amp.features)) is not None
    }
    # The kb answers first (analytics); alone, the model would say otherwise.
    assert clf.classify_features(amp.features).category is Category.ANALYTICS
    assert len(answers) == 2
    for label in CLASSES:
        relabelled = dataclasses.replace(amp, label=label)
        assert any_layer_right(clf, relabelled) is (label in answers), label


def test_names_only_features_do_not_claim_a_session() -> None:
    fact = next(f for f in ocd_facts() if f.name == "_ga")
    (named,) = ocd_labelled([fact], names_only=True)
    assert not named.features.lifetime_known
    r = Classifier(skip=("kb", "ocd", "sites")).classify_features(named.features)
    assert "session lifetime" not in r.reason


def test_csv_output_carries_the_review_flag() -> None:
    rows = [(2, {"name": "_ga", "domain": ".a.example"}), (3, {"name": "zq", "domain": "a.ex"})]
    out, bad = classify_rows(Classifier(review_threshold=0.8), rows)
    assert not bad
    text = write_rows(["name", "domain"], out, "csv")
    parsed = list(csv.DictReader(text.splitlines()))
    assert parsed[0]["needs_review"] == "false"
    assert parsed[1]["needs_review"] == ("true" if out[1]["confidence"] < 0.8 else "false")


def _observed(name: str, classification: Classification) -> ObservedCookie:
    return builders.cookie(
        name, lifetime=None, secure=False, same_site=None, set_via=(), classification=classification
    )


def test_declaration_uses_the_review_flag() -> None:
    unsure = Classification(Category.NECESSARY, None, 0.41, "learned model: …", "model")
    unsure = dataclasses.replace(unsure, needs_review=True)
    sure = Classification(Category.NECESSARY, "PHP", 0.95, "'PHPSESSID' is documented", "kb")
    scan = ScanResult(
        url="https://www.shop.test/",
        site="shop.test",
        started_at="t0",
        finished_at="t1",
        consent="none",
        pages=[],
        cookies=[_observed("zz_guess", unsure), _observed("PHPSESSID", sure)],
    )
    d = declaration(scan)
    flags = {x["name"]: x["needs_review"] for x in d["categories"]["necessary"]}
    assert flags == {"zz_guess": True, "PHPSESSID": False} and d["needs_review"] == 1


def test_features_of_a_scanned_cookie_use_its_value_shape() -> None:
    f: Features = features_of(_observed("x", Classification(Category.NECESSARY, None, 1, "", "")))
    assert f.kind == "empty" and f.value_length == 0


def test_hostile_cookies_get_an_answer_not_a_traceback() -> None:
    hostile = [
        ("a" * 100_000, "x" * 100_000),
        ("deep", "[" * 100_000),  # nested past Python's recursion limit if parsed as JSON
        ("deep2", '{"a":' * 5_000),
        ("(.*)+$[", "%7B%22a%22"),
        ("\x00名前\u202e", None),
        ("_ga_" + "9" * 5_000, None),
    ]
    for name, value in hostile:
        r = classify(c(name, value=value))
        assert r.category is not Category.UNKNOWN and r.reason, name[:20]


def test_a_scan_is_classified_with_the_consent_manager_it_met() -> None:
    """The manager the scan's consent handler named (autoconsent: "Cybotcookiebot") is the
    one whose sites' declarations answer first."""
    from cookiegov.services.scanning import classify_result
    from tests import builders

    rows = [(f"cb{i}.test", "zq_basket", "", "cookiebot", Category.NECESSARY) for i in range(2)]
    rows += [(f"ot{i}.test", "zq_basket", "", "onetrust", Category.ADVERTISING) for i in range(3)]
    clf = Classifier(consensus=SiteConsensus.from_declarations(rows))
    shop = [builders.cookie("zq_basket", None)]
    met = builders.scan(cookies=shop, evidence=[builders.banner(cmp="Cybotcookiebot")])
    (answer,) = [c.classification for c in classify_result(met, clf).cookies]
    assert answer is not None and answer.layer == "manager"
    assert answer.category is Category.NECESSARY and "using Cookiebot" in answer.reason
    unknown = builders.scan(cookies=shop, evidence=[builders.banner(found=False)])
    (answer,) = [c.classification for c in classify_result(unknown, clf).cookies]
    assert answer is not None and (answer.layer, answer.category) == ("sites", "advertising")


def test_third_party_cookies_follow_what_sites_declare_for_their_domain() -> None:
    """A third-party cookie no knowledge base or site table knows by name follows what sites
    declare for the cookies on its domain; a documented name keeps its documentation, and a
    site votes once per domain however many labels it gives there."""
    rows = [
        ("a.test", "bcookie", "linkedin.com", "", Category.ADVERTISING),
        ("a.test", "lidc", "linkedin.com", "", Category.ADVERTISING),
        ("a.test", "li_gc", "linkedin.com", "", Category.FUNCTIONAL),
        ("b.test", "lidc", "linkedin.com", "", Category.ADVERTISING),
        ("c.test", "UserMatchHistory", "linkedin.com", "", Category.ADVERTISING),
    ]
    clf = Classifier(consensus=SiteConsensus.from_declarations(rows))
    new = clf.classify(CookieInput("zq_li_new", ".linkedin.com", site="shop.test"))
    assert (new.layer, new.category) == ("domain", Category.ADVERTISING)
    assert new.reason.startswith(
        "'zq_li_new' is set on linkedin.com, whose cookies are declared advertising by 3 of 3 "
        "sites"  # three sites, not four labels
    )
    documented = clf.classify(CookieInput("lang", ".linkedin.com", site="shop.test"))
    assert (documented.layer, documented.category) == ("kb", Category.FUNCTIONAL)
    first = clf.classify(CookieInput("zq_li_new", "www.linkedin.com", site="linkedin.com"))
    assert first.layer != "domain"  # first-party: the domain says nothing
    # One site is not "sites": no answer from the domain.
    one = Classifier(consensus=SiteConsensus.from_declarations(rows[:3]))
    assert one.classify(CookieInput("zq_li_new", ".linkedin.com", site="x.test")).layer != "domain"


def test_the_consent_manager_is_found_in_the_inventory_when_no_handler_named_it() -> None:
    from cookiegov.classification.managers import manager_in_inventory
    from cookiegov.services.scanning import consent_manager
    from tests import builders

    assert manager_in_inventory(["consent.cookiebot.com"], []) == "Cookiebot"
    assert manager_in_inventory(["cdn.cookielaw.org", "www.google.com"], []) == "OneTrust"
    assert manager_in_inventory([], ["OptanonConsent", "_ga"]) == "OneTrust"
    assert manager_in_inventory(["app.termly.io."], []) == "Termly"
    # two managers, or a look-alike host: not known
    assert manager_in_inventory(["consent.cookiebot.com"], ["OptanonConsent"]) is None
    assert manager_in_inventory(["notcookiebot.com", "cookiebot.com.evil.test"], []) is None
    seen = builders.scan(
        cookies=[builders.cookie("OptanonConsent")],
        requests=[builders.request("cdn.cookielaw.org")],
        evidence=[builders.banner(found=False)],
    )
    assert consent_manager(seen) == "OneTrust"
    named = builders.scan(requests=[builders.request("cdn.cookielaw.org")],
                          evidence=[builders.banner(cmp="Cybotcookiebot")])  # fmt: skip
    assert consent_manager(named) == "Cybotcookiebot"  # the handler's word first


def test_a_handlers_placeholder_name_does_not_hide_the_manager_the_inventory_shows() -> None:
    from cookiegov.services.scanning import consent_manager
    from tests import builders

    generic = builders.scan(
        cookies=[builders.cookie("OptanonConsent")],
        requests=[builders.request("cdn.cookielaw.org")],
        evidence=[builders.banner(cmp="unknown")],  # scanner/cmps/generic.py's name
    )
    assert consent_manager(generic) == "OneTrust"
    assert consent_manager(builders.scan(evidence=[builders.banner(cmp="Klaro")])) is None
