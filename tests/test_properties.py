"""Property tests (hypothesis): Set-Cookie parsing, URL normalization, classifier input."""

from __future__ import annotations

import ipaddress
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from cookiegov.classify import classify
from cookiegov.models import Category, CookieInput
from cookiegov.privacy import anonymize_ip
from cookiegov.setcookie import parse_cookie_line
from scanner.crawl import normalize_url, path_template

TOKEN = st.text(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=30)
VALUE = st.text(string.ascii_letters + string.digits + "-._~%/+=", max_size=60)


@given(st.text(max_size=300), st.text(max_size=100))
def test_set_cookie_parsing_never_raises(line: str, url: str) -> None:
    parsed = parse_cookie_line(line, "https://x.test/" + url)
    if parsed is not None:
        assert parsed.name and "=" not in parsed.name and parsed.path.startswith("/")


@given(
    TOKEN,
    VALUE,
    st.integers(min_value=-10, max_value=10**9),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["Lax", "Strict", "None", None]),
    st.sampled_from([None, "shop.test"]),
)
def test_set_cookie_round_trip(
    name: str,
    value: str,
    max_age: int,
    http_only: bool,
    secure: bool,
    same_site: str | None,
    domain: str | None,
) -> None:
    line = f"{name}={value}; Max-Age={max_age}; Path=/a"
    line += "; HttpOnly" if http_only else ""
    line += "; Secure" if secure else ""
    line += f"; SameSite={same_site}" if same_site else ""
    line += f"; Domain=.{domain}" if domain else ""
    c = parse_cookie_line(line, "https://www.shop.test/x/y")
    assert c is not None
    assert (c.name, c.value, c.lifetime, c.path) == (name, value, float(max_age), "/a")
    assert (c.http_only, c.secure, c.same_site) == (http_only, secure, same_site)
    assert c.domain == (domain or "www.shop.test") and c.host_only is (domain is None)
    assert c.deletes is (max_age <= 0)


URLS = st.builds(
    lambda scheme, host, path, query, frag: f"{scheme}://{host}{path}{query}{frag}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["www.shop.test", "WWW.Shop.Test", "shop.test:443", "a.b.example:8080"]),
    st.lists(st.text(string.ascii_lowercase + string.digits + "-_.", max_size=8), max_size=4).map(
        lambda parts: "/" + "/".join(parts)
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["q", "utm_source", "page", "gclid", "a"]),
            st.text(string.ascii_lowercase + string.digits, max_size=5),
        ),
        max_size=4,
    ).map(lambda kv: ("?" + "&".join(f"{k}={v}" for k, v in kv)) if kv else ""),
    st.sampled_from(["", "#top", "#"]),
)


@given(URLS)
def test_url_normalization_is_idempotent_and_clean(url: str) -> None:
    once = normalize_url(url)
    assert once is not None
    assert normalize_url(once) == once
    assert "#" not in once and "utm_" not in once and "gclid" not in once
    assert path_template(once) == path_template(normalize_url(once) or "")


@given(st.text(max_size=200))
def test_url_normalization_never_raises(text: str) -> None:
    result = normalize_url(text, "https://www.shop.test/a/")
    assert result is None or result.startswith(("http://", "https://"))


@settings(max_examples=300)
@given(
    name=st.text(min_size=1, max_size=60),
    domain=st.text(max_size=60),
    value=st.one_of(st.none(), st.text(max_size=200)),
    expires=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    http_only=st.one_of(st.none(), st.booleans()),
    third_party=st.one_of(st.none(), st.booleans()),
    set_by=st.one_of(st.none(), st.text(max_size=80), st.just("https://x.doubleclick.net/a.js")),
)
def test_classifier_accepts_any_input(
    name: str,
    domain: str,
    value: str | None,
    expires: float | None,
    http_only: bool | None,
    third_party: bool | None,
    set_by: str | None,
) -> None:
    cookie = CookieInput(
        name=name,
        domain=domain,
        value=value,
        expires_in=expires,
        http_only=http_only,
        third_party=third_party,
        set_by=set_by,
        site="shop.test",
    )
    result = classify(cookie)
    assert isinstance(result.category, Category)
    assert 0.0 <= result.confidence <= 1.0 and result.reason
    assert classify(cookie) == result  # deterministic


@given(st.ip_addresses(v=4).map(str) | st.text("0123456789.", max_size=20))
def test_ip_truncation_fast_path_agrees_with_ipaddress(text: str) -> None:
    """The hot-path IPv4 truncation gives exactly what the ``ipaddress`` module gives."""
    try:
        expected: str | None = str(ipaddress.ip_network(f"{text}/24", strict=False))
    except ValueError:
        expected = None
    assert anonymize_ip(text, "truncate") == expected
