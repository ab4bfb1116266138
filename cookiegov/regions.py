"""Regional rules: which kind of banner a visitor gets, by the region their request comes from.

The region is read from a header that the CDN or proxy in front of the endpoint sets
(``region_header``, e.g. ``CF-IPCountry`` or ``CloudFront-Viewer-Country``, and optionally a
subdivision header for US states), never from an address, and is not derived from anything
stored. Rules (legal basis in docs/governance.md):

- ``opt-in``: nothing but necessary cookies until the visitor agrees (EEA, UK, Switzerland:
  ePrivacy Directive art. 5(3) with GDPR consent, PECR reg. 6, Swiss FADP and TCA art. 45c).
- ``opt-out``: a notice with a "Do not sell or share my personal information" link; GPC is an
  opt-out (US states with comprehensive privacy laws, e.g. CCPA/CPRA).
- ``none``: no banner.

A site's ``regions`` table maps a region key to a rule; keys are a country (``US``), a
country and subdivision (``US-CA``), a group (``EEA``) or ``*`` (everything else). Without a
region (no header configured or sent) the ``*`` rule applies, ``opt-in`` unless the site says
otherwise.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cookiegov.errors import ConfigError


class Rule(enum.StrEnum):
    OPT_IN = "opt-in"
    OPT_OUT = "opt-out"
    NONE = "none"


_EEA = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO"
EEA = frozenset(_EEA.split())
#: US states whose comprehensive privacy laws give a right to opt out of sale/sharing
#: (or targeted advertising) and, in most, require honouring a universal opt-out signal.
_US = "CA CO CT DE IA IN KY MD MN MT NE NH NJ OR RI TN TX UT VA"
US_OPT_OUT_STATES = frozenset(_US.split())
GROUPS: dict[str, frozenset[str]] = {"EEA": EEA, "EU": EEA - {"IS", "LI", "NO"}}
DEFAULT_RULES: dict[str, Rule] = {
    "EEA": Rule.OPT_IN,
    "GB": Rule.OPT_IN,
    "CH": Rule.OPT_IN,
    **{f"US-{s}": Rule.OPT_OUT for s in sorted(US_OPT_OUT_STATES)},
    "US": Rule.OPT_OUT,
    "*": Rule.OPT_IN,
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^(?:[A-Z]{2}-)?([A-Z0-9]{1,3})$")
_KEY = re.compile(r"^(?:\*|[A-Z]{2}(?:-[A-Z0-9]{1,3})?|EEA|EU)$")
_UNKNOWN = {"XX", "T1", "ZZ"}  # Cloudflare: unknown, Tor; ISO user-assigned "unknown"


@dataclass(frozen=True, slots=True)
class Applied:
    """The rule that applied to a request and the region it was chosen for."""

    rule: Rule
    region: str | None


def region_of(country: str | None, subdivision: str | None = None) -> str | None:
    """``US-CA``, ``DE`` or None from the header values (anything malformed counts as none)."""
    code = (country or "").strip().upper()
    if not _COUNTRY.match(code) or code in _UNKNOWN:
        return None
    sub = _SUBDIVISION.match((subdivision or "").strip().upper())
    return f"{code}-{sub.group(1)}" if sub else code


def parse_rules(site: str, raw: Mapping[str, object] | None) -> dict[str, Rule]:
    """A site's ``regions`` table over the defaults; unknown keys or rules are a ConfigError."""
    rules = dict(DEFAULT_RULES)
    for key, value in (raw or {}).items():
        upper = str(key).upper()
        if not _KEY.match(upper):
            raise ConfigError(f"site {site}: regions key {key!r} is not a region, group or '*'")
        try:
            rules[upper] = Rule(str(value))
        except ValueError:
            choices = ", ".join(r.value for r in Rule)
            raise ConfigError(f"site {site}: region {key!r}: rule must be {choices}") from None
    return rules


def applied_rule(rules: Mapping[str, Rule], region: str | None) -> Applied:
    """The most specific rule for ``region``: subdivision, country, group, then ``*``."""
    if region:
        country = region.split("-", 1)[0]
        for key in (region, country):
            if key in rules:
                return Applied(rules[key], region)
        for group, members in GROUPS.items():
            if country in members and group in rules:
                return Applied(rules[group], region)
    return Applied(rules.get("*", Rule.OPT_IN), region)
