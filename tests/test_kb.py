"""Knowledge imports, overrides, the classify and evaluate commands, and accuracy."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cookiegov.batch import classify_rows, parse_row, read_rows
from cookiegov.classification.base import features_of
from cookiegov.classify import Classifier
from cookiegov.errors import InputError
from cookiegov.evaluate import evaluate
from cookiegov.kb_sources import classifier_for, entry_from, read_open_cookie_database
from cookiegov.knowledge import KnownCookie
from cookiegov.models import Category, CookieInput
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.kb import replace_source

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "fixtures" / "labelled" / "cookies.csv"
OCD = ROOT.parent / "shared" / "data" / "open-cookie-database-2023-11-13.csv"
COOKIEBLOCK = ROOT.parent / "shared" / "data" / "cookieblock-dev.csv"
BIN = Path(sys.executable).parent / "cookiegov"


def test_labelled_set_accuracy_is_at_least_93_percent() -> None:
    # Our own 180 cookies: it was 100% with hand-written heuristics tuned to it; the learned
    # model (trained on what real sites declare, where "functional" is rare and often
    # declared necessary) misses a few of our invented functional names. The honest
    # figures are the cross-validated ones in docs/classification.md.
    _, rows = read_rows(LABELLED)
    assert len(rows) >= 150
    result = evaluate(Classifier(), rows)
    assert result.total == len(rows)
    assert result.accuracy >= 0.93, result.to_text()


def test_overrides_beat_imports_which_never_override_them(db: Database, tmp_path: Path) -> None:
    (tmp_path / "shop.test.json").write_text(
        json.dumps(
            {"cookies": [{"name": "promo_*", "category": "functional", "purpose": "promo banner"}]}
        )
    )
    replace_source(db, "declared.csv", "declared", [_entry("promo_seen", "advertising")])
    settings = Settings(overrides_dir=str(tmp_path))
    result = classifier_for(settings, db, "shop.test").classify(
        CookieInput("promo_seen", "www.shop.test", site="shop.test")
    )
    assert result.category is Category.FUNCTIONAL and result.layer == "override"
    other_site = classifier_for(settings, db, "other.test").classify(
        CookieInput("promo_seen", "www.other.test", site="other.test")
    )
    assert (
        other_site.category is Category.ADVERTISING and "declared by the site" in other_site.reason
    )


def _entry(name: str, category: str) -> KnownCookie:
    return entry_from({"name": name, "category": category}, source="import:declared.csv")


def run(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def test_classify_command_keeps_order_and_reports_bad_rows(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "name,domain,expires_in,set_by,extra\n"
        "_ga,.a.example,63072000,,keep me\n"
        ",missing-name.example,,,\n"
        "zz_q,www.a.example,nonsense,,\n"
        "mystery,www.a.example,,https://securepubads.g.doubleclick.net/gpt.js,\n"
    )
    out = tmp_path / "out.csv"
    r = run(
        "--db",
        f"sqlite:///{tmp_path / 'k.db'}",
        "classify",
        str(src),
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert r.returncode == 2  # bad input: the rows that could be read are written
    assert "line 3" in r.stderr and "line 4" in r.stderr and "Traceback" not in r.stderr
    rows = list(csv.DictReader(out.open()))
    assert [row["name"] for row in rows] == ["_ga", "", "zz_q", "mystery"]
    assert rows[0]["category"] == "analytics" and rows[0]["extra"] == "keep me"
    assert rows[0]["vendor"] == "Google Analytics"
    assert rows[1]["category"] == "" and rows[2]["category"] == ""
    assert rows[3]["category"] == "advertising" and "doubleclick.net" in rows[3]["reason"]


def test_declared_import_and_evaluate_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    declared = tmp_path / "ours.json"
    declared.write_text(
        json.dumps(
            [
                {"name": "mystery", "category": "Statistics", "vendor": "Us"},
                {"category": "marketing"},
            ]
        )
    )
    r = run("--db", db, "kb", "import", "json", str(declared), cwd=tmp_path)
    assert r.returncode == 0 and "imported 1 entries" in r.stderr and "item 2" in r.stderr
    assert "ours.json" in run("--db", db, "kb", "sources", cwd=tmp_path).stdout
    labelled = tmp_path / "l.csv"
    labelled.write_text(
        "name,domain,category\nmystery,www.a.example,analytics\n_fbp,.a.example,advertising\n"
    )
    report = run("--db", db, "kb", "evaluate", str(labelled), cwd=tmp_path).stdout
    assert "accuracy: 100.0%" in report and "confusion" in report and "precision" in report
    builtin = run("--db", db, "kb", "evaluate", str(labelled), "--builtin-only", cwd=tmp_path)
    assert "wrong (1)" in builtin.stdout and "mystery" in builtin.stdout


@pytest.mark.skipif(not OCD.exists() and not os.environ.get("CI"), reason="../shared is absent")
def test_open_cookie_database_import(db: Database, tmp_path: Path) -> None:
    entries, _problems = read_open_cookie_database(OCD)
    assert len(entries) > 1200
    by_name = {e.pattern: e for e in entries}
    assert by_name["_ga"].category is Category.ANALYTICS
    replace_source(db, "open-cookie-database", "database", entries)
    again = replace_source(db, "open-cookie-database", "database", entries)  # re-import replaces
    classifier = classifier_for(Settings(), db, None)
    assert again == len(entries)
    # Imported knowledge answers, with its source named, names no shipped layer knows.
    builtin_only = Classifier(ocd=())
    unknown_to_builtin = [
        e
        for e in entries
        if e.is_exact
        and builtin_only.classify(CookieInput(e.pattern, "www.x.example")).layer == "model"
    ]
    sample = unknown_to_builtin[0]
    hit = classifier.classify(CookieInput(sample.pattern, "www.x.example"))
    assert hit.layer == "ocd" and hit.category is sample.category
    assert "listed in open-cookie-database" in hit.reason


@pytest.mark.slow  # trains the model in every fold
@pytest.mark.skipif(not COOKIEBLOCK.exists() and not os.environ.get("CI"), reason="no ../shared")
def test_evaluate_command_runs_site_grouped_cross_validation(tmp_path: Path) -> None:
    with COOKIEBLOCK.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        fields = reader.fieldnames or []
    sites = sorted({r["first_party_domain"] for r in rows})[:12]
    part = tmp_path / "part.csv"
    with part.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(r for r in rows if r["first_party_domain"] in sites)
    # Each fold retrains the model (on the training sites and the Open Cookie Database).
    r = run("kb", "evaluate", str(part), "--cv", "sites", "--folds", "2", cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "2-fold site-grouped cross-validation" in r.stdout and "reliability" in r.stdout
    assert "fold 2/2" in r.stderr and "Traceback" not in r.stderr
    wrong_format = run("kb", "evaluate", str(LABELLED), "--cv", "sites", cwd=tmp_path)
    assert wrong_format.returncode != 0 and "CookieBlock" in wrong_format.stderr
    assert "Traceback" not in wrong_format.stderr


@pytest.mark.skipif(not COOKIEBLOCK.exists() and not os.environ.get("CI"), reason="no ../shared")
def test_evaluate_reads_cookieblocks_format_with_each_sites_consent_manager(
    tmp_path: Path,
) -> None:
    """A crawl in CookieBlock's format (label_name, expiry_seconds, httpOnly, sameSite,
    first_party_domain, cmp_origin) is judged row by row: it once judged none and said 0%."""
    from click.testing import CliRunner

    from cookiegov.cli import cli

    with COOKIEBLOCK.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    part = tmp_path / "crawl.csv"
    with part.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:120])
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    r = CliRunner().invoke(cli, ["--db", db, "kb", "evaluate", str(part)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "rows: 120 " in r.output
    assert "\nmanager " in r.output  # the sites' consent managers were read and used
    assert "--cv sites" in r.output  # the note: these sites trained the shipped table
    # A file with no label column judges nothing: an error, not "accuracy 0%".
    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text("name,domain\n_ga,.shop.test\n", "utf-8")
    bad = CliRunner().invoke(cli, ["--db", db, "kb", "evaluate", str(unlabelled)])
    said = " ".join(bad.output.split())
    assert bad.exit_code == 2 and "no row could be judged" in said and "accuracy" not in said


def test_rows_in_cookieblocks_column_names_mean_the_same() -> None:
    from cookiegov.batch import parse_row
    from cookiegov.classification.base import features_of

    ours = parse_row(
        {
            "name": "_shopify_y",
            "domain": ".shop.example",
            "expires_in": "31536000",
            "http_only": "false",
            "same_site": "lax",
            "site": "www.shop.example",
            "consent_manager": "Cookiebot",
        }
    )
    crawl = parse_row(
        {
            "name": "_shopify_y",
            "domain": ".shop.example",
            "expiry_seconds": "31536000",
            "httpOnly": "0",
            "sameSite": "lax",
            "first_party_domain": "http://www.shop.example/",
            "cmp_origin": "Cookiebot",
            "session": "0",
        }
    )
    assert ours == crawl and ours.site == "www.shop.example" and ours.third_party is False
    # autoconsent names Cookiebot "Cybotcookiebot": one manager for the classifier
    assert features_of(ours).manager == features_of(ours, manager="x").manager == "cookiebot"
    assert features_of(CookieInput("a", "b.example"), manager="Cybotcookiebot").manager == (
        "cookiebot"
    )
    with pytest.raises(InputError):
        parse_row({"name": "a", "domain": "b.example", "first_party_domain": "http://[x/"})
    with pytest.raises(InputError):
        parse_row({"name": "a", "domain": "b.example", "expiry_seconds": "soon"})


def test_a_names_only_row_has_no_lifetime_not_a_session() -> None:
    """A list of names (a vendor's list, an old policy) says nothing of lifetimes: the
    classifier reads "not known", not "session cookie" (which made a guess necessary with
    confidence 0.90). An empty cell of an expires_in column is a session, as documented."""
    names_only = parse_row({"name": "ui_theme", "domain": "example.com"})
    assert not names_only.lifetime_known and not names_only.session
    assert not features_of(names_only).lifetime_known
    answer = Classifier().classify(names_only)
    assert "session" not in answer.reason
    session = parse_row({"name": "ui_theme", "domain": "example.com", "expires_in": ""})
    assert session.lifetime_known and session.session
    assert "session lifetime" in Classifier().classify(session).reason
    lasting = parse_row({"name": "a", "domain": "example.com", "session": "false"})
    assert not lasting.lifetime_known and not lasting.session  # not a session; how long?
    for odd in ("inf", "nan", "-inf", True):
        with pytest.raises(InputError):
            parse_row({"name": "a", "domain": "example.com", "expires_in": odd})
    # the batch path reads it alike, whatever rows came before it (a session cookie's
    # context, same domain, was borrowed by the names-only row after it)
    alone = Classifier().classify(parse_row({"name": "b", "domain": "shop.test"}))
    rows = [
        (2, {"name": "x", "domain": "shop.test", "session": "true"}),
        (3, {"name": "b", "domain": "shop.test"}),
        (4, {"name": "ui_theme", "domain": "example.com"}),
    ]
    out, bad = classify_rows(Classifier(), rows)
    assert not bad and "session" in out[0]["reason"]
    assert (out[1]["category"], out[1]["confidence"]) == (alone.category.value, alone.confidence)
    assert "session" not in out[1]["reason"] and "session" not in out[2]["reason"]


def test_spreadsheet_exports_read_as_written_and_nothing_is_lost(tmp_path: Path) -> None:
    """Headers in another case (Name, Domain), an input column the classifier also writes
    (category: the user's own label), a nested JSON value, a negative lifetime, a row with
    more cells than columns: each kept, refused or written back as it came."""
    from cookiegov.batch import write_rows

    src = tmp_path / "export.csv"
    src.write_text(
        " Name ,DOMAIN,Expires_In,category\n"
        "ui_theme,example.com,-1,functional\n"
        "b,example.com,60,analytics,surplus\n"
    )
    columns, rows = read_rows(src)
    assert columns == ["name", "domain", "expires_in", "category"]
    out, bad = classify_rows(Classifier(), rows)
    assert [b.line for b in bad] == [3] and "more cells than the header" in bad[0].message
    text = write_rows(columns, out, "csv")
    written = list(csv.DictReader(text.splitlines()))
    assert list(written[0])[:4] == ["name", "domain", "expires_in", "input_category"]
    assert written[0]["input_category"] == "functional"  # the user's label, not overwritten
    assert written[0]["expires_in"] == "-1"  # a number is no formula: no apostrophe
    assert "session lifetime" in written[0]["reason"]
    again = tmp_path / "again.csv"
    again.write_text(text)
    assert not classify_rows(Classifier(), read_rows(again)[1])[1]  # reads back
    nested = write_rows(["name", "domain", "extra"], [{"name": "a", "extra": {"x": [1]}}], "csv")
    assert '"{""x"":[1]}"' in nested
    twice = tmp_path / "twice.csv"
    twice.write_text("name,domain,name\na,example.com,b\n")
    with pytest.raises(InputError, match="more than once"):
        read_rows(twice)
    big = tmp_path / "big.csv"
    big.write_text("name,domain,value\na,example.com," + "x" * 200_000 + "\n")
    with pytest.raises(InputError, match="a cell longer than"):
        read_rows(big)


def test_json_input_of_the_wrong_types_is_refused_per_row() -> None:
    rows = [
        (1, {"name": ["a"], "domain": "example.com"}),
        (2, {"name": "a", "domain": "example.com", "expires_in": True}),
        (3, {"name": "ok", "domain": "example.com", "expires_in": 60}),
    ]
    out, bad = classify_rows(Classifier(), rows)
    assert [b.line for b in bad] == [1, 2] and out[2]["category"]
    assert "name must be text" in bad[0].message and "expires_in" in bad[1].message


def test_odd_but_honest_spreadsheets_and_json_read_without_loss(tmp_path: Path) -> None:
    from cookiegov.batch import write_rows
    from cookiegov.csvcells import safe_cell

    trailing = tmp_path / "trailing.csv"
    trailing.write_text("name,domain,,\n_ga,.shop.test,first,second\n")  # unnamed columns
    columns, rows = read_rows(trailing)
    assert columns == ["name", "domain", "column_3", "column_4"]  # each keeps its cells
    out, bad = classify_rows(Classifier(), rows)
    assert not bad and (out[0]["column_3"], out[0]["column_4"]) == ("first", "second")
    big = [(1, {"name": "a", "domain": "shop.test", "expires_in": 10**400})]  # a JSON integer
    assert "expires_in must be seconds" in classify_rows(Classifier(), big)[1][0].message
    both = tmp_path / "both.csv"
    both.write_text("Name,Domain,category,input_category\n_ga,.shop.test,analytics,x\n")
    columns, rows = read_rows(both)
    out, _ = classify_rows(Classifier(), rows)
    written = next(csv.DictReader(write_rows(columns, out, "csv").splitlines()))
    assert written["input_category"] == "x" and written["input_input_category"] == "analytics"
    assert written["category"] == "analytics"  # the classifier's answer, in its own column
    huge = tmp_path / "huge.json"
    huge.write_text('[{"name": "a", "domain": "shop.test", "expires_in": 1e999}]')
    columns, rows = read_rows(huge)
    out, bad = classify_rows(Classifier(), rows)
    assert [b.line for b in bad] == [1] and "expires_in" in bad[0].message
    assert json.loads(write_rows(columns, out, "json"))[0]["expires_in"] == "1e999"  # valid
    for odd in ("-1\n", "-١", "+1 ", "-1e5x"):
        assert safe_cell(odd) == "'" + odd, odd  # not plain ASCII numbers: neutralised
    assert safe_cell("-1.5e3") == "-1.5e3"
