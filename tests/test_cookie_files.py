"""The one reader of cookie CSV/JSON files, as `classify`, `kb evaluate` and `kb import` use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cookiegov.batch import read_rows
from cookiegov.cookie_files import read_cookie_file
from cookiegov.errors import InputError
from cookiegov.kb_sources import read_declared

ROWS = [
    {"name": "_ga", "domain": ".shop.test", "category": "analytics"},
    {"name": "lang", "domain": "www.shop.test", "category": "preferences", "vendor": "Us"},
]


def write_both(tmp_path: Path, *, bom: bool) -> tuple[Path, Path]:
    csv_file, json_file = tmp_path / "c.csv", tmp_path / "c.json"
    prefix = "\ufeff" if bom else ""
    csv_file.write_text(
        prefix + "name,domain,category,vendor\n_ga,.shop.test,analytics,\n"
        "lang,www.shop.test,preferences,Us\n",
        encoding="utf-8",
    )
    json_file.write_text(prefix + json.dumps({"cookies": ROWS}), encoding="utf-8")
    return csv_file, json_file


@pytest.mark.parametrize("bom", [False, True])
def test_csv_and_json_read_alike(tmp_path: Path, bom: bool) -> None:
    csv_file, json_file = write_both(tmp_path, bom=bom)
    from_csv, from_json = read_cookie_file(csv_file), read_cookie_file(json_file)
    assert (from_csv.format, from_csv.unit, from_json.format, from_json.unit) == (
        "csv",
        "line",
        "json",
        "item",
    )
    assert [n for n, _ in from_csv.rows] == [2, 3] and [n for n, _ in from_json.rows] == [1, 2]
    assert from_json.columns == ["name", "domain", "category", "vendor"]
    assert [r["name"] for _, r in from_csv.rows] == [r["name"] for _, r in from_json.rows]


@pytest.mark.parametrize("bom", [False, True])
def test_classify_and_declared_import_read_the_same_files(tmp_path: Path, bom: bool) -> None:
    """Before: `kb import json` failed on a file with a BOM that `classify` read."""
    for path in write_both(tmp_path, bom=bom):
        columns, rows = read_rows(path)
        assert "name" in columns and len(rows) == 2
        entries, problems = read_declared(path)
        assert problems == []
        assert [(e.pattern, e.category.value, e.domain) for e in entries] == [
            ("_ga", "analytics", "shop.test"),
            ("lang", "functional", "shop.test"),
        ]


def test_whole_file_errors_are_clear(tmp_path: Path) -> None:
    cases = {
        "bad.json": ("{not json", "not valid JSON"),
        "obj.json": ('{"a": 1}', "expected a list"),
        "mixed.json": ('[{"name": "a"}, 3]', "item 2 is not an object"),
        "empty.csv": ("", "no header row"),
        "cols.csv": ("cookie,where\na,b\n", "at least 'name' and 'domain'"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InputError, match=message):
            read_cookie_file(path, required=("name", "domain"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,domain\ncaf\xe9,a\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_cookie_file(latin)
    with pytest.raises(InputError, match="cannot read"):
        read_cookie_file(tmp_path / "missing.csv")


def test_declared_rows_with_bad_values_are_reported_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("name,category\nok,analytics\n,analytics\nx,sometimes\n")
    entries, problems = read_declared(path, "csv")
    assert [e.pattern for e in entries] == ["ok"]
    assert problems == ["line 3: missing name", "line 4: unknown category 'sometimes'"]


def test_hostile_files_are_input_errors_not_tracebacks(tmp_path: Path) -> None:
    """Before: a CSV field over csv's size limit (_csv.Error) and deeply nested JSON
    (RecursionError) escaped as tracebacks; NaN and Infinity were read as numbers."""
    cases = {
        "huge.csv": ("name,domain\na," + "x" * 200_000 + "\n", "line 2: a cell longer than"),
        "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        "nan.json": ('[{"name": "a", "domain": "b", "expires_in": NaN}]', "NaN"),
        "inf.json": ('[{"name": "a", "domain": "b", "expires_in": -Infinity}]', "-Infinity"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InputError, match=message):
            read_cookie_file(path)
