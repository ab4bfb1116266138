"""Override files and the one entry parser (no browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cookiegov.classify import Classifier
from cookiegov.errors import InputError
from cookiegov.kb_sources import classifier_for, entry_from, load_overrides
from cookiegov.knowledge import builtin_cookies, entry_from_dict
from cookiegov.models import CookieInput
from cookiegov.settings import Settings
from cookiegov.storage import Database


@pytest.mark.parametrize("domain", ["www.shop.test", ".shop.test", "shop.test", "SHOP.test."])
def test_override_with_a_host_as_domain_applies(tmp_path: Path, domain: str) -> None:
    """Before: an override with domain `www.shop.test` never matched (silently ignored)."""
    (tmp_path / "shop.test.json").write_text(
        json.dumps({"cookies": [{"name": "promo", "category": "advertising", "domain": domain}]})
    )
    classifier = classifier_for(Settings(overrides_dir=str(tmp_path)), None, "shop.test")
    result = classifier.classify(CookieInput("promo", "www.shop.test", site="shop.test"))
    assert (result.layer, result.category.value) == ("override", "advertising")
    # Not on another site's cookies.
    other = classifier.classify(CookieInput("promo", "www.other.test", site="other.test"))
    assert other.layer != "override"


def test_override_file_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "shop.test.toml").write_text('[[cookies]]\nname = "x"\ncategory = "nope"\n')
    with pytest.raises(InputError, match=r"shop\.test\.toml: invalid overrides file"):
        load_overrides(Settings(overrides_dir=str(tmp_path)), "shop.test")
    (tmp_path / "other.test.json").write_text('{"cookies": {"name": "x"}}')
    with pytest.raises(InputError, match="expected a list"):
        load_overrides(Settings(overrides_dir=str(tmp_path)), "other.test")


def test_one_entry_parser_for_builtin_overrides_and_imports() -> None:
    item = {"name": " _x ", "category": "Marketing", "vendor": "V", "domain": "a.b.shop.test"}
    assert entry_from(item, source="s") == entry_from_dict(item, source="s")
    entry = entry_from(item, source="s")
    assert (entry.pattern, entry.category.value, entry.domain) == ("_x", "advertising", "shop.test")
    cases = (
        ({}, "missing name"),
        ({"name": "a"}, "missing category"),
        ({"name": "a", "category": "often"}, "unknown category"),
        (3, "object"),
    )
    for bad, message in cases:
        with pytest.raises(InputError, match=message):
            entry_from(bad, source="s")  # type: ignore[arg-type]
    assert len(builtin_cookies()) >= 600  # the built-in base reads through the same parser


def test_declared_entries_stored_with_a_host_still_match(tmp_path: Path) -> None:
    from cookiegov.knowledge import KnownCookie
    from cookiegov.models import Category
    from cookiegov.storage import open_database
    from cookiegov.storage.kb import replace_source

    db = open_database(f"sqlite:///{tmp_path / 'k.db'}")
    old = KnownCookie("promo", Category.ADVERTISING, None, domain="www.shop.test")  # as stored
    replace_source(db, "ours.csv", "declared", [old])
    classifier = classifier_for(Settings(), db, "shop.test")
    result = classifier.classify(CookieInput("promo", "www.shop.test", site="shop.test"))
    assert (result.layer, result.category.value) == ("declared", "advertising")


def test_the_commands_classifier_is_the_evaluated_one() -> None:
    """classifier_for (scan, check, classify, kb evaluate) once used the built-in tracker
    hosts only, not those grown from the vendor facts the model was trained with."""
    from cookiegov.classification.attribution import grown_hosts
    from cookiegov.knowledge import builtin_hosts

    grown = next(
        h.domain for h in grown_hosts()._hosts.values() if builtin_hosts().lookup(h.domain) is None
    )
    cookie = CookieInput("zq_unheard_of", f".{grown}", site="shop.test")
    ours = classifier_for(Settings(), None, "shop.test").classify(cookie)
    assert ours == Classifier().classify(cookie)
    assert ours.layer == "attribution" and grown in ours.reason


def test_the_editors_cookie_overrides_classify_the_sites_scans(db: Database) -> None:
    """An admin's category for a cookie in the dashboard's editor is the site's word in
    every later scan and check (it was used by the declaration only)."""
    from cookiegov.storage.site_admin import set_cookie_override

    set_cookie_override(
        db, "shop.test", "_ga", ".shop.test",
        category="necessary", vendor="Our analytics", purpose="load balancing", actor="admin",
    )  # fmt: skip
    ours = classifier_for(Settings(), db, "shop.test")
    answer = ours.classify(CookieInput("_ga", ".shop.test", site="shop.test"))
    assert (answer.layer, answer.category, answer.vendor) == (
        "override",
        "necessary",
        "Our analytics",
    )
    assert answer.confidence == 1.0 and not answer.needs_review
    # other sites, and the same name on another site's domain, are not touched
    other = classifier_for(Settings(), db, "other.test")
    assert other.classify(CookieInput("_ga", ".other.test")).category == "analytics"
    assert ours.classify(CookieInput("_ga", ".elsewhere.test")).category == "analytics"


def test_an_editor_override_is_about_one_cookie(db: Database) -> None:
    """The admin set a category for one cookie of the inventory: the same name on another
    host of the domain, or in another letter case, is another cookie (it once matched both:
    the override table folds case and matches by registrable domain)."""
    from cookiegov.storage.site_admin import set_cookie_override

    set_cookie_override(
        db, "shop.test", "_ga", "www.shop.test",
        category="necessary", vendor="", purpose="", actor="admin",
    )  # fmt: skip
    ours = classifier_for(Settings(), db, "shop.test")
    cookies = [
        CookieInput("_ga", "www.shop.test", site="shop.test"),
        CookieInput("_ga", "WWW.shop.test", site="shop.test"),  # the same host, written so
        CookieInput("_ga", "blog.shop.test", site="shop.test"),
        CookieInput("_ga", ".shop.test", site="shop.test"),
        CookieInput("_GA", "www.shop.test", site="shop.test"),
    ]
    one = [ours.classify(c) for c in cookies]
    assert [r.layer for r in one] == ["override", "override", "kb", "kb", "kb"]
    assert [r.category for r in one[2:4]] == ["analytics", "analytics"]
    assert ours.classify_many(cookies) == one


def test_a_host_only_cookie_and_a_domain_cookie_of_one_name_keep_their_own_overrides(
    db: Database,
) -> None:
    """``pref`` set host-only on shop.test and ``pref`` set for .shop.test are two cookies, as
    in the banner and the declaration (the classifier once folded them into one, the last
    override winning for both); a trailing dot names the same host."""
    from cookiegov.storage.site_admin import set_cookie_override

    for domain, category in (("shop.test", "necessary"), (".shop.test", "advertising")):
        set_cookie_override(
            db, "shop.test", "pref", domain,
            category=category, vendor="", purpose="", actor="admin",
        )  # fmt: skip
    ours = classifier_for(Settings(), db, "shop.test")
    cookies = [
        CookieInput("pref", "shop.test", site="shop.test"),
        CookieInput("pref", ".shop.test", site="shop.test"),
        CookieInput("pref", "shop.test.", site="shop.test"),
    ]
    answers = [ours.classify(c) for c in cookies]
    assert [(a.layer, a.category) for a in answers] == [
        ("override", "necessary"),
        ("override", "advertising"),
        ("override", "necessary"),
    ]
    assert ours.classify_many(cookies) == answers


def test_a_generic_name_is_a_vendors_cookie_only_on_the_vendors_domain() -> None:
    """The Open Cookie Database lists Adform's `uid` and Magnite's `c`, cookies on their own
    domains: a shop's own `uid` or `c` is not theirs (it was answered "advertising, Adform"
    on any site, and the opt-out report then named Adform as a vendor of the shop)."""
    from cookiegov.classification.ocd import fact_entries, generic_name, ocd_facts

    assert generic_name("uid") and generic_name("c") and generic_name("SID")
    assert not generic_name("_ga") and not generic_name("_shopify_y")
    clf = Classifier(skip=("kb",))  # the facts alone
    for name in ("uid", "c", "C"):
        own = clf.classify(CookieInput(name, "www.shop.example", site="shop.example"))
        assert own.layer != "ocd" and own.vendor is None, (name, own)
    adform = clf.classify(CookieInput("uid", ".adform.net", site="shop.example"))
    assert (adform.layer, adform.vendor, adform.category.value) == ("ocd", "Adform", "advertising")
    shopify = clf.classify(CookieInput("_s", "www.shop.example", site="shop.example"))
    assert (shopify.layer, shopify.vendor) == ("ocd", "Shopify")  # a distinctive name: anywhere
    domains = {e.pattern: e.domain for e in fact_entries(ocd_facts())}
    assert domains["uid"] == "adform.net" and domains["_s"] is None


def test_a_sites_declared_cookies_answer_for_that_site_only(db: Database) -> None:
    """`kb import csv FILE --site SITE`: one site's list classified every site's cookies of
    the same name at 0.95; now only its own (a list imported without --site still answers
    for every site, as before)."""
    from cookiegov.storage.kb import replace_source, sources

    own = [entry_from({"name": "ui_theme", "category": "functional"}, source="x")]
    replace_source(db, "bank:decl.csv", "declared", own, site="bank.example")
    everyone = [entry_from({"name": "shared_pref", "category": "functional"}, source="x")]
    replace_source(db, "all.csv", "declared", everyone)
    settings = Settings()
    for site, layer in (("bank.example", "declared"), ("shop.example", "model")):
        clf = classifier_for(settings, db, site)
        answer = clf.classify(CookieInput("ui_theme", f"www.{site}", site=site))
        assert answer.layer == layer, (site, answer)
        shared = clf.classify(CookieInput("shared_pref", f"www.{site}", site=site))
        assert shared.layer == "declared"
    assert {(s["source"], s["site"]) for s in sources(db)} == {
        ("bank:decl.csv", "bank.example"),
        ("all.csv", None),
    }


def test_kb_import_site_option(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cookiegov.cli import cli

    decl = tmp_path / "decl.csv"
    decl.write_text("name,domain,category\nui_theme,,functional\n")
    config = tmp_path / "cookiegov.toml"
    config.write_text('[sites."bank.example"]\n')
    base = ["--config", str(config), "--db", f"sqlite:///{tmp_path / 'k.db'}", "kb", "import"]
    ok = CliRunner().invoke(cli, [*base, "csv", str(decl), "--site", "bank.example"])
    assert ok.exit_code == 0 and "for bank.example" in ok.output
    unknown = CliRunner().invoke(cli, [*base, "csv", str(decl), "--site", "nope.example"])
    assert unknown.exit_code == 3 and "nope.example" in unknown.output
    ocd = CliRunner().invoke(cli, [*base, "open-cookie-database", str(decl), "--site", "x"])
    assert ocd.exit_code == 2 and "--site is for" in ocd.output


def test_a_reused_source_name_replaces_only_the_same_sites_list(db: Database) -> None:
    from cookiegov.storage.kb import load_entries, replace_source, sources

    def entries(name: str) -> list[Any]:
        return [entry_from({"name": name, "category": "functional"}, source="x")]

    replace_source(db, "decl", "declared", entries("a_pref"), site="a.test")
    replace_source(db, "decl", "declared", entries("b_pref"), site="b.test")
    replace_source(db, "decl", "declared", entries("b_pref2"), site="b.test")  # b's new list
    assert {(s["site"], s["entries"]) for s in sources(db)} == {("a.test", 1), ("b.test", 1)}
    assert [e.pattern for e in load_entries(db, "declared", "a.test")] == ["a_pref"]
    assert [e.pattern for e in load_entries(db, "declared", "b.test")] == ["b_pref2"]
