"""The policy check's comparison rules, on built scans (no browser)."""

from __future__ import annotations

from cookiegov.policy import compare, parse_policy
from tests.builders import cookie, scan

POLICY = """<html><body><h2>Cookies we use</h2><table>
<tr><th>Name</th><th>Category</th></tr>
<tr><td>sessionid</td><td>Strictly necessary</td></tr>
<tr><td>recently_viewed</td><td>Analytics</td></tr>
<tr><td>_ga</td><td>Analytics</td></tr>
</table></body></html>"""


def test_mismatch_undeclared_and_absent() -> None:
    found = scan(
        cookies=[
            cookie("sessionid", "necessary"),
            cookie("recently_viewed", "functional"),
            cookie("adnet_uid", "advertising", third_party=True, domain=".adnet.test"),
        ]
    )
    names = {c.name for c in found.cookies}
    result = compare(parse_policy(POLICY, names), [found])
    assert result["declared"]["sessionid"] == "necessary"
    mismatch = {m["name"]: m for m in result["category_mismatches"]}
    assert set(mismatch) == {"recently_viewed"}
    assert mismatch["recently_viewed"]["declared"] == "analytics"
    assert mismatch["recently_viewed"]["found"] == "functional"
    assert {u["name"] for u in result["undeclared"]} == {"adnet_uid"}
    assert result["declared_but_absent"] == ["_ga"]


def test_agreement_is_not_a_mismatch() -> None:
    found = scan(cookies=[cookie("recently_viewed", "analytics")])
    result = compare(parse_policy(POLICY, {"recently_viewed"}), [found])
    assert result["category_mismatches"] == []
