"""Regional rules (cookiegov.regions): region from CDN header values, rules per site."""

from __future__ import annotations

import pytest

from cookiegov.errors import ConfigError
from cookiegov.regions import DEFAULT_RULES, Rule, applied_rule, parse_rules, region_of


@pytest.mark.parametrize(
    ("country", "sub", "region"),
    [
        ("de", None, "DE"),
        ("US", "CA", "US-CA"),
        ("US", "US-TX", "US-TX"),
        ("XX", None, None),  # Cloudflare: unknown
        ("T1", None, None),  # Cloudflare: Tor
        ("", None, None),
        ("DEU", None, None),
        ("US", "<script>", "US"),
        (None, "CA", None),
    ],
)
def test_region_from_header_values(
    country: str | None, sub: str | None, region: str | None
) -> None:
    assert region_of(country, sub) == region


@pytest.mark.parametrize(
    ("region", "rule"),
    [
        ("FR", Rule.OPT_IN),  # EEA
        ("NO", Rule.OPT_IN),
        ("GB", Rule.OPT_IN),
        ("CH", Rule.OPT_IN),
        ("US-CA", Rule.OPT_OUT),
        ("US-WY", Rule.OPT_OUT),  # no subdivision rule: the country's
        ("US", Rule.OPT_OUT),
        ("BR", Rule.OPT_IN),  # everything else: "*"
        (None, Rule.OPT_IN),  # no header: "*"
    ],
)
def test_default_rules(region: str | None, rule: Rule) -> None:
    assert applied_rule(DEFAULT_RULES, region).rule is rule


def test_site_rules_most_specific_first() -> None:
    rules = parse_rules("shop.test", {"*": "none", "us": "none", "DE": "opt-out"})
    assert applied_rule(rules, "BR").rule is Rule.NONE
    assert applied_rule(rules, "US-WY").rule is Rule.NONE
    assert applied_rule(rules, "US-CA").rule is Rule.OPT_OUT  # the state's default stays
    assert applied_rule(rules, "DE").rule is Rule.OPT_OUT  # the country beats its group
    assert applied_rule(rules, "AT").rule is Rule.OPT_IN
    assert applied_rule(rules, "AT").region == "AT"


@pytest.mark.parametrize("raw", [{"Europe": "opt-in"}, {"US": "maybe"}, {"*": ""}])
def test_bad_site_rules_are_config_errors(raw: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        parse_rules("shop.test", raw)
