"""Small pure pieces: domains, Set-Cookie parsing, value shapes, URL normalization."""

import pytest

from cookiegov.domains import is_third_party, registrable_domain
from cookiegov.privacy import anonymize_ip
from cookiegov.setcookie import parse_cookie_line
from cookiegov.values import value_kind
from scanner.crawl import Frontier, normalize_url, visit_url


def test_registrable_domains_offline_with_fallback() -> None:
    assert registrable_domain("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert registrable_domain(".doubleclick.net") == "doubleclick.net"
    assert registrable_domain("www.shop.test") == "shop.test"  # unknown suffix
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert is_third_party("ads.adnet.test", "www.shop.test")
    assert not is_third_party(".shop.test", "https://www.shop.test/")


def test_set_cookie_lines() -> None:
    c = parse_cookie_line(
        "id=abc; Max-Age=34128000; Domain=.adnet.test; Path=/x; Secure; HttpOnly; SameSite=none",
        "https://ads.adnet.test/pixel.gif",
        now=0,
    )
    assert c is not None
    assert (c.name, c.domain, c.path, c.host_only) == ("id", "adnet.test", "/x", False)
    assert c.lifetime == 34128000 and c.secure and c.http_only and c.same_site == "None"
    expires = parse_cookie_line(
        "a=1; Expires=Thu, 01 Jan 2037 00:00:00 GMT", "https://x.test/a/b", now=2114380800 - 100
    )
    assert expires is not None and expires.lifetime == 100 and expires.path == "/a"
    assert parse_cookie_line("novalue", "https://x.test/") is None
    gone = parse_cookie_line("a=; Max-Age=0", "https://x.test/")
    assert gone is not None and gone.deletes


def test_value_kinds() -> None:
    assert value_kind("") == "empty"
    assert value_kind("true") == "flag"
    assert value_kind("1732200000") == "timestamp"
    assert value_kind("GA1.2.1234567.1732200000") == "id"
    assert value_kind("3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b") == "uuid"
    assert value_kind('{"a":1}') == "json"
    assert value_kind("q8d0b3h1v5kz2m7wa9e4tr6ycx") == "id"
    assert value_kind("en") == "text"


def test_url_normalization() -> None:
    assert normalize_url("HTTPS://WWW.Shop.test:443/news/?utm_source=x&b=2&a=1#top") == (
        "https://www.shop.test/news?a=1&b=2"
    )
    assert normalize_url("/about/", "https://www.shop.test/x") == "https://www.shop.test/about"
    assert normalize_url("mailto:a@b.test") is None
    assert normalize_url("javascript:void(0)") is None
    assert normalize_url("https://www.shop.test/index.html") == "https://www.shop.test/"


def test_frontier_budget_scope_and_dedupe() -> None:
    f = Frontier("https://www.shop.test/", max_pages=3)
    f.add_links(
        [
            "/a",
            "/a#x",
            "/a?utm_medium=y",
            "https://blog.shop.test/",
            "https://other.test/",
            "/file.pdf",
            "/b",
        ],
        "https://www.shop.test/",
        1,
    )
    seen = []
    while (item := f.next()) is not None:
        seen.append(item[0])
    assert seen == ["https://www.shop.test/", "https://www.shop.test/a", "https://blog.shop.test/"]


def test_the_frontier_loads_urls_as_linked_and_dedupes_by_their_canonical_form() -> None:
    """A server may answer /shop/ and not /shop, and a landing page's gclid is what sets the
    ad click cookies: the canonical form only tells two links to one page apart."""
    start = "https://www.shop.test/?gclid=abc&utm_source=x&q=a+b#top"
    f = Frontier(start, max_pages=10)
    f.add_links(
        ["/shop/", "/shop", "/shop/index.html", "/caf%C3%A9/", "/docs/index.php?b=2&a=1"],
        "https://www.shop.test/",
        1,
    )
    seen = []
    while (item := f.next()) is not None:
        seen.append(item[0])
    assert seen == [
        "https://www.shop.test/?gclid=abc&utm_source=x&q=a+b",
        "https://www.shop.test/shop/",
        "https://www.shop.test/caf%C3%A9/",
        "https://www.shop.test/docs/index.php?b=2&a=1",
    ]
    assert visit_url("#x", "https://www.shop.test/a/") == "https://www.shop.test/a/"
    assert visit_url("mailto:a@b.test") is None
    # a password in a start URL would be stored with the scan: never kept
    assert visit_url("https://user:s3cret@www.shop.test/a?b=1") == "https://www.shop.test/a?b=1"


def test_include_and_exclude_globs_match_the_path_as_read() -> None:
    f = Frontier("https://www.shop.test/", max_pages=10, include=["/café*"], exclude=["*/ß"])
    f.add_links(["/caf%C3%A9/menu", "/caf%C3%A9/%C3%9F", "/about"], "https://www.shop.test/", 1)
    seen = [item[0] for item in iter(f.next, None)]
    assert seen == ["https://www.shop.test/", "https://www.shop.test/caf%C3%A9/menu"]
    assert dict(f.skipped) == {"exclude": 1, "include": 1}
    # a glob keeps the usual spellings of its path out: trailing slash, index file, "//"
    g = Frontier("https://www.shop.test/", max_pages=10, exclude=["/cart", "/blog/post"])
    links = ["/cart/", "/cart/index.html", "/cart", "/blog//post", "/blog/post/", "/ok/"]
    g.add_links(links, "https://www.shop.test/", 1)
    assert [item[0] for item in iter(g.next, None)] == [
        "https://www.shop.test/",
        "https://www.shop.test/ok/",
    ]
    # spellings a browser resolves to the excluded path, and out of an included one
    h = Frontier(
        "https://www.shop.test/", max_pages=20, exclude=["/cart", "/cart/"], include=["/blog/*"]
    )
    dodges = ["/%2e/cart", "/cart/%2e", "/a/%2e%2e/cart", "\\cart", "/blog/%2e%2e/admin"]
    h.add_links([*dodges, "/blog/x"], "https://www.shop.test/", 1)
    assert [item[0] for item in iter(h.next, None)] == [
        "https://www.shop.test/",
        "https://www.shop.test/blog/x",
    ]


def test_ip_is_never_kept_raw() -> None:
    assert anonymize_ip("203.0.113.77", "truncate") == "203.0.113.0/24"
    assert anonymize_ip("2001:db8:1234:5678::1", "truncate") == "2001:db8:1234::/48"
    hashed = anonymize_ip("203.0.113.77", "hash", "salt")
    assert hashed and "203" not in hashed and len(hashed) == 32
    assert anonymize_ip("203.0.113.77", "none") is None
    assert anonymize_ip("not an ip", "truncate") is None


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("www.shop.test", "; try https://www.shop.test/"),
        ("ftp://x.test/", ""),  # not "try https://ftp://x.test/"
        ("not a url", ""),
    ],
)
def test_a_start_url_that_is_not_http_gets_a_suggestion_only_where_one_makes_sense(
    given: str, suggested: str
) -> None:
    from cookiegov.errors import InputError
    from scanner.scan import check_url

    with pytest.raises(InputError) as caught:
        check_url(given)
    assert caught.value.message == f"{given!r} is not an http(s) URL{suggested}"
