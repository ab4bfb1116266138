"""The last layer: a category from a cookie's own features, with a lower confidence.

Each rule adds weight to a category and a short clause to the reason. The strongest
category wins when its score clears a threshold; otherwise the answer is ``unknown``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cookiegov.models import Category, Classification, CookieInput
from cookiegov.values import value_kind

_SPLIT = re.compile(r"[_\-.:|\[\]\s]+|(?<=[a-z])(?=[A-Z])")

# token -> (category, weight). Whole tokens of the name, lower-cased.
_TOKENS: dict[str, tuple[Category, float]] = {}


def _add(category: Category, weight: float, words: str) -> None:
    for word in words.split():
        _TOKENS[word] = (category, weight)


_add(
    Category.NECESSARY,
    0.6,
    "sess session sessid sid csrf xsrf csrftoken xsrftoken antiforgery requestverificationtoken "
    "auth authtoken login logged jwt secure security cart basket checkout order lb balancer "
    "loadbalancer route routeid affinity waf captcha recaptcha bot bm challenge consent "
    "cookieconsent gdpr cmp tcf euconsent optanon cookielaw cookiebot cookiepolicy cookieyes "
    "accepted",
)
_add(Category.NECESSARY, 0.35, "token nonce state")
_add(
    Category.FUNCTIONAL,
    0.55,
    "lang language locale lng currency theme tz timezone region country pref prefs preference "
    "preferences font mode dark contrast remember rememberme chat player volume wishlist "
    "recent recently viewed layout sidebar accessibility a11y tour dismissed closed banner "
    "notice popup modal announcement geo city store zip",
)
_add(
    Category.ANALYTICS,
    0.55,
    "ga gid analytics analytic stats stat statistics metrics visit visits visitor visitors "
    "pageview pageviews hits hit pv heatmap scroll sampling sample experiment ab abtest "
    "variant variation split optimizely vwo hotjar hj pk matomo piwik mp mixpanel amplitude "
    "heap clarity clck clsk snowplow sp utma utmb utmc utmz",
)
_add(
    Category.ADVERTISING,
    0.65,
    "ad ads adv advert advertising adid adsid adserver campaign retarget retargeting remarketing "
    "pixel fbp fbc gcl gclid gclau fbclid msclkid dclid click clickid conv conversion "
    "affiliate aff partner sync usersync cm audience segment segments dmp rtb bid bidder "
    "criteo taboola outbrain tapad ttp li lidc uuid2 anj ide dsid test_cookie",
)
_add(Category.ADVERTISING, 0.35, "track tracking tracker tid")


@dataclass(frozen=True, slots=True)
class _Score:
    category: Category
    weight: float
    why: str


_SUBSTRING = re.compile(
    "|".join(sorted((re.escape(w) for w in _TOKENS if len(w) >= 4), key=len, reverse=True))
)


@functools.lru_cache(maxsize=65536)
def tokens(name: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in _SPLIT.split(name) if t)


def heuristic(c: CookieInput, kind: str | None = None) -> Classification:
    """Classify by features alone; ``unknown`` when the evidence is weak."""
    kind = kind or value_kind(c.value)
    scores: list[_Score] = []
    name_tokens = tokens(c.name)
    matched = [t for t in name_tokens if t in _TOKENS]
    for token in matched[:3]:
        category, weight = _TOKENS[token]
        scores.append(_Score(category, weight, f"its name contains '{token}'"))
    if not matched:
        found = _SUBSTRING.search(c.name.lower())
        if found:
            category, weight = _TOKENS[found.group(0)]
            scores.append(_Score(category, weight * 0.7, f"its name contains '{found.group(0)}'"))

    lifetime = c.expires_in
    idlike = kind in ("id", "uuid", "base64")
    third = bool(c.third_party)
    if third:
        if idlike:
            scores.append(_Score(Category.ADVERTISING, 0.45, "a third-party cookie holding an ID"))
        else:
            scores.append(_Score(Category.ADVERTISING, 0.2, "a third-party cookie"))
        if lifetime and lifetime > 30 * 86400:
            scores.append(_Score(Category.ADVERTISING, 0.15, "that lives for months"))
    else:
        if lifetime is None and idlike:
            weight = 0.45 if c.http_only else 0.3
            scores.append(
                _Score(Category.NECESSARY, weight, "a first-party session cookie holding an ID")
            )
        elif lifetime is None and c.http_only:
            scores.append(_Score(Category.NECESSARY, 0.3, "an HttpOnly session cookie"))
        if lifetime and lifetime >= 180 * 86400 and idlike and not c.http_only:
            scores.append(
                _Score(Category.ANALYTICS, 0.35, "a long-lived first-party ID readable by scripts")
            )
        if kind in ("flag", "text") and lifetime and lifetime >= 30 * 86400 and not matched:
            scores.append(_Score(Category.FUNCTIONAL, 0.25, "a long-lived setting"))
        if kind == "timestamp" and not matched:
            scores.append(_Score(Category.ANALYTICS, 0.25, "it stores a timestamp"))
    if c.http_only and c.secure and lifetime is not None and lifetime <= 86400 and not third:
        scores.append(_Score(Category.NECESSARY, 0.15, "a short-lived HttpOnly Secure cookie"))

    totals: dict[Category, float] = {}
    for s in scores:
        totals[s.category] = totals.get(s.category, 0.0) + s.weight
    if not totals:
        return Classification(
            Category.UNKNOWN,
            None,
            0.0,
            "no documented name, known setter or telling feature",
            "heuristic",
        )
    best = max(totals, key=lambda k: totals[k])
    runner_up = max((v for k, v in totals.items() if k != best), default=0.0)
    margin = totals[best] - runner_up
    confidence = round(min(0.75, 0.25 + margin * 0.6), 2)
    clauses = [s.why for s in scores if s.category == best]
    if margin < 0.25:
        return Classification(
            Category.UNKNOWN,
            None,
            confidence,
            "weak or conflicting evidence: " + "; ".join(s.why for s in scores),
            "heuristic",
        )
    return Classification(
        best, None, confidence, f"likely {best.value}: " + "; ".join(clauses), "heuristic"
    )
