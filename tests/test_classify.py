from cookiegov.classify import Classifier, classify
from cookiegov.knowledge import KnownCookie, builtin_cookies, builtin_hosts
from cookiegov.models import Category, CookieInput


def c(name: str, domain: str = "www.shop.test", **kw: object) -> CookieInput:
    return CookieInput(name=name, domain=domain, site="shop.test", **kw)  # type: ignore[arg-type]


def test_knowledge_base_sizes() -> None:
    assert len(builtin_cookies()) >= 300
    ad_or_analytics = [
        h
        for h in builtin_hosts()._hosts.values()
        if h.category in (Category.ADVERTISING, Category.ANALYTICS)
    ]
    assert len(ad_or_analytics) >= 200
    assert all(e.docs and e.docs.startswith("https://") for e in builtin_cookies())


def test_documented_names_and_patterns() -> None:
    ga = classify(c("_ga", value="GA1.1.123456789.1732200000", expires_in=63072000))
    assert ga.category is Category.ANALYTICS and ga.vendor == "Google Analytics"
    assert ga.layer == "kb" and "Google Analytics" in ga.reason
    assert classify(c("_ga_ABC123XYZ")).category is Category.ANALYTICS
    assert classify(c("PHPSESSID")).category is Category.NECESSARY
    assert classify(c("IDE", ".doubleclick.net", third_party=True)).category is Category.ADVERTISING
    assert classify(c("SSESS0123456789abcdef0123456789abcdef")).category is Category.NECESSARY


def test_attribution_by_setter_host() -> None:
    result = classify(c("xyz_q", set_by="https://securepubads.g.doubleclick.net/tag/js/gpt.js"))
    assert result.category is Category.ADVERTISING
    assert result.layer == "attribution"
    assert "doubleclick.net" in result.reason and "advertising" in result.reason


def test_the_model_answers_everything_else_never_unknown() -> None:
    sess = classify(c("app_sess", value="q8d0b3h1v5kz2m7wa9e4tr6ycx", http_only=True))
    assert sess.category is Category.NECESSARY and sess.layer == "model"
    assert sess.reason.startswith("learned model: ") and "HttpOnly" in sess.reason
    assert sess.reason.endswith(f"({sess.confidence:.2f})") and 0.5 <= sess.confidence < 0.95
    nothing = classify(c("zq"))
    assert nothing.category is not Category.UNKNOWN and nothing.layer == "model"


def test_overrides_win() -> None:
    override = KnownCookie("_ga", Category.NECESSARY, "Us", "we say so", source="override:site")
    result = Classifier(overrides=[override]).classify(c("_ga"))
    assert result.category is Category.NECESSARY and result.layer == "override"
    assert "site override" in result.reason
