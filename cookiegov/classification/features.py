"""The learned model's features: what a person would look at, as strings.

Two groups, computed and scored apart so that each can be cached:

- the name's: lower-cased tokens (``_hjSessionUser_123`` -> hj, session, user, #), known
  prefixes, character 3- and 4-grams with digits folded, and its shape;
- the context's: lifetime band, session, HttpOnly / Secure / SameSite, third-party and its
  domain, a known tracker host's category, and the value's shape (kind, length, entropy).

Unknown facts (a names-only input has no lifetime or value) get their own ``?`` feature,
so the model learns what the absence of evidence says.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

from cookiegov.classification.base import Features, value_shape
from cookiegov.domains import registrable_domain
from cookiegov.knowledge import HostTable

_SPLIT = re.compile(
    r"[_\-.:|\[\]\s@%=/,]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)
_DIGITS = re.compile(r"\d+")
_HEXRUN = re.compile(r"[0-9a-f]{8,}", re.I)
_KNOWN_PREFIXES = (
    "__utm",
    "_ga",
    "_gcl",
    "_gid",
    "_gat",
    "_pk_",
    "_hj",
    "_fb",
    "_pin",
    "_uet",
    "_clck",
    "_clsk",
    "_tt",
    "_sc",
    "_scid",
    "_rdt",
    "_li",
    "_mkto",
    "__hs",
    "hubspot",
    "ajs_",
    "amplitude",
    "mp_",
    "_shopify",
    "wp-",
    "wordpress",
    "woocommerce",
    "wc_",
    "optanon",
    "cookieconsent",
    "__cf",
    "_cf",
    "awsalb",
    "incap_",
    "visid_incap",
    "nlbi_",
    "ak_",
    "bm_",
    "_abck",
    "__stripe",
    "_dc_",
    "__qca",
    "_yandex",
    "_ym",
    "hm_",
    "hmvt",
    "_ttp",
    "_pinterest",
    "__adroll",
    "_rakuten",
    "_cs",
    "_vwo",
    "_vis_opt",
    "__kla",
    "_an",
    "_tb",
    "t_gid",
    "obuid",
    "__gads",
    "__gpi",
)
# Words a person reads in cookie names, by the category they suggest (our own lexicon,
# written from general knowledge of web frameworks and vendors, not from any labels).
_LEXICON_WORDS = {
    "necessary": (
        "sess session sessid sid csrf xsrf csrftoken xsrftoken antiforgery "
        "requestverificationtoken auth authtoken login logged jwt secure security cart basket "
        "checkout order lb balancer loadbalancer route routeid affinity waf captcha recaptcha "
        "bot bm challenge consent cookieconsent gdpr cmp tcf euconsent optanon cookielaw "
        "cookiebot cookiepolicy cookieyes accepted token nonce state"
    ),
    "functional": (
        "lang language locale lng currency theme tz timezone region country pref prefs "
        "preference preferences font mode dark contrast remember rememberme chat player volume "
        "wishlist recent recently viewed layout sidebar accessibility a11y tour dismissed closed "
        "banner notice popup modal announcement geo city store zip"
    ),
    "analytics": (
        "ga gid analytics analytic stats stat statistics metrics visit visits visitor visitors "
        "pageview pageviews hits hit pv heatmap scroll sampling sample experiment ab abtest "
        "variant variation split optimizely vwo hotjar hj pk matomo piwik mp mixpanel amplitude "
        "heap clarity clck clsk snowplow sp utma utmb utmc utmz"
    ),
    "advertising": (
        "ad ads adv advert advertising adid adsid adserver campaign retarget retargeting "
        "remarketing pixel fbp fbc gcl gclid gclau fbclid msclkid dclid click clickid conv "
        "conversion affiliate aff partner sync usersync cm audience segment segments dmp rtb bid "
        "bidder criteo taboola outbrain tapad ttp li lidc uuid2 anj ide dsid test_cookie track "
        "tracking tracker tid"
    ),
}
_LEXICON = {w: c for c, words in _LEXICON_WORDS.items() for w in words.split()}
_PREFIXES_BY_START: dict[str, list[str]] = {}
for _p in _KNOWN_PREFIXES:
    _PREFIXES_BY_START.setdefault(_p[:2], []).append(_p)
_LIFE_BANDS = (
    (3600, "1h"),
    (86400, "1d"),
    (7 * 86400, "1w"),
    (31 * 86400, "1m"),
    (183 * 86400, "6m"),
    (366 * 86400, "1y"),
    (731 * 86400, "2y"),
)


def _split(name: str) -> list[str]:
    out = []
    for t in _SPLIT.split(name):
        if not t:
            continue
        low = t.lower()
        if low.isdigit():
            out.append("#")
        elif len(low) >= 8 and _HEXRUN.fullmatch(low) and any(map(str.isdigit, low)):
            out.append("<hex>")
        else:
            out.append(low)
    return out


@functools.lru_cache(maxsize=65536)
def name_features(name: str) -> tuple[str, ...]:
    """Features of a cookie name, as the model was trained on them."""
    words, grams = name_parts(name)
    return words + tuple(f"g:{g}" for g in sorted(grams))


def name_parts(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A name's features apart from its character n-grams, and the n-grams themselves
    (inference sums the n-grams' weights from a table of their own, without prefixes)."""
    name = name[:64]
    low = name.lower()
    feats: list[str] = []
    toks = _split(name)
    feats.extend([f"t:{t}" for t in dict.fromkeys(toks)])
    if toks:
        feats.append(f"t0:{toks[0]}")
    feats.extend(f"p:{p}" for p in _PREFIXES_BY_START.get(low[:2], ()) if low.startswith(p))
    feats.extend(sorted({f"lex:{_LEXICON[t]}" for t in toks if t in _LEXICON}))
    folded = _DIGITS.sub("0", low)
    feats.append(f"p3:{folded[:3]}")
    padded = f"^{folded}$"
    grams = frozenset(
        [padded[i : i + 3] for i in range(len(padded) - 2)]
        + [padded[i : i + 4] for i in range(len(padded) - 3)]
    )
    shape = []
    if name.isupper():
        shape.append("upper")
    if name[:1] == "_":
        shape.append("underscore" if name[:2] != "__" else "dunder")
    if _HEXRUN.search(name):
        shape.append("hexrun")
    if any(map(str.isdigit, name)):
        shape.append("digits")
    shape.append(f"len{min(len(name) // 4, 8)}")
    feats.extend(f"s:{s}" for s in shape)
    return tuple(feats), grams


def life_band(seconds: float | None, session: bool) -> str:
    if session:
        return "session"
    if seconds is None:
        return "?"
    for limit, band in _LIFE_BANDS:
        if seconds <= limit:
            return band
    return "long"


def entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values()) if n else 0.0


def context_key(f: Features, hosts: HostTable | None) -> tuple[str, ...]:
    """The context as a small tuple (the cache key of its score)."""
    shape, n = value_shape(f)
    return context_prefix(f, hosts) + value_bucket(shape, n)


def context_prefix(f: Features, hosts: HostTable | None) -> tuple[str, ...]:
    """The context's part that does not depend on the cookie's value (a batch computes it
    once per distinct cookie, see :meth:`cookiegov.classify.Classifier.classify_many`)."""
    c = f.cookie
    session = c.expires_in is None and f.lifetime_known
    life = life_band(c.expires_in, session)
    third = "?" if f.third_party is None else ("1" if f.third_party else "0")
    domain = registrable_domain(f.host) if f.third_party and f.host else ""
    tracker = hosts.lookup(f.host) if hosts is not None and f.host else None
    tracked = tracker.category.value if tracker else ""
    return (
        f.manager,
        life,
        _flag(c.http_only),
        _flag(c.secure),
        (c.same_site or "?").lower(),
        third,
        domain,
        tracked,
    )


def value_bucket(shape: str | None, n: int | None) -> tuple[str, str]:
    """The value's kind and length band, ``("?", "?")`` when no value is known."""
    if shape is None:
        return ("?", "?")
    n = n or 0
    return (
        shape,
        "0" if n == 0 else ("s" if n < 8 else "m" if n < 32 else "l" if n < 128 else "xl"),
    )


def _flag(value: bool | None) -> str:
    return "?" if value is None else ("1" if value else "0")


def context_features(key: tuple[str, ...]) -> tuple[str, ...]:
    manager, life, http_only, secure, same_site, third, domain, tracked, kind, length = key
    feats = [
        f"life:{life}",
        f"ho:{http_only}",
        f"sec:{secure}",
        f"ss:{same_site}",
        f"tp:{third}",
        f"vk:{kind}",
        f"vl:{length}",
        f"x:tp{third}:life{life}",
        f"x:vk{kind}:life{life}",
        f"x:ho{http_only}:life{life}",
    ]
    if manager:
        feats.append(f"cmp:{manager}")
        feats.append(f"x:cmp{manager}:tp{third}")
    if domain:
        feats.append(f"dom:{domain}")
    if tracked:
        feats.append(f"trk:{tracked}")
    return tuple(feats)
