"""What to visit: URL normalization, path templates, robots rules and the page budget."""

from __future__ import annotations

import collections
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from cookiegov.domains import registrable_domain

TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|gclid|gclsrc|dclid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ttclid|twclid|li_fat_id|wbraid|gbraid|ref_src|s_kwcid|_hsenc|_hsmi|mkt_tok)$",
    re.I,
)
SKIP_EXTENSIONS = re.compile(
    r"\.(pdf|zip|gz|tgz|rar|7z|exe|dmg|msi|apk|jpg|jpeg|png|gif|webp|svg|ico|mp3|mp4|"
    r"avi|mov|webm|woff2?|ttf|css|js|json|xml|docx?|xlsx?|pptx?|csv|txt)$",
    re.I,
)
_NUMERIC = re.compile(r"^\d+$")
_IDLIKE = re.compile(r"^(?=.*\d)[0-9a-f-]{8,}$|^[0-9a-f]{8}-[0-9a-f]{4}-", re.I)
_SLUG_WITH_NUMBER = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$", re.I)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Canonical form for dedupe; ``None`` for URLs a crawler should not visit."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    default = {"http": 80, "https": 443}[parts.scheme]
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if path != "/" and path.endswith("/"):
        path = path.rstrip("/")
    for index in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(index):
            path = path[: -len(index)] or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMS.match(k)
        )
    )
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def visit_url(url: str, base: str | None = None) -> str | None:
    """The URL to load, as given or linked (made absolute; the fragment and any user name or
    password dropped): a server may answer ``/shop/`` and not ``/shop``, and a landing
    page's ``gclid`` is what sets the ad click cookies. ``None`` where :func:`normalize_url`
    says a crawler should not go; that canonical form is only the key that tells two links
    to one page apart."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    if normalize_url(url) is None:
        return None
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # never a user name or password: they'd be stored
    return parts._replace(netloc=netloc, fragment="").geturl()


def path_template(url: str) -> str:
    """``/products/hiking-boot-42`` and ``/products/tent-7`` share ``/products/{slug}``.

    Numbers, IDs and hyphenated slugs (after the first segment) become placeholders; query
    parameter names are kept, their values dropped.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    out = []
    for i, seg in enumerate(segments):
        if _NUMERIC.match(seg):
            out.append("{n}")
        elif _IDLIKE.match(seg):
            out.append("{id}")
        elif (
            i > 0
            and _SLUG_WITH_NUMBER.match(seg)
            and (any(c.isdigit() for c in seg) or seg.count("-") >= 2)
        ):
            out.append("{slug}")
        else:
            out.append(seg)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{parts.netloc}/{'/'.join(out)}" + (f"?{'&'.join(keys)}" if keys else "")


@dataclass
class Frontier:
    """Breadth-first queue of same-site URLs within a page budget, a depth limit, path
    templates, include/exclude globs and robots rules."""

    start: str
    max_pages: int
    max_depth: int = 5
    max_per_template: int = 0
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    allowed: Callable[[str], bool] = lambda url: True
    site: str = ""
    _queue: collections.deque[tuple[str, int]] = field(default_factory=collections.deque)
    _seen: set[str] = field(default_factory=set)
    _templates: collections.Counter[str] = field(default_factory=collections.Counter)
    scheduled: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)

    def __post_init__(self) -> None:
        self.site = self.site or registrable_domain(self.start)
        first, key = visit_url(self.start), normalize_url(self.start)
        if first and key:
            self._seen.add(key)
            self._queue.append((first, 0))
            self._templates[path_template(key)] += 1

    def in_scope(self, url: str) -> bool:
        path = urlsplit(url).path
        return registrable_domain(url) == self.site and not SKIP_EXTENSIONS.search(path)

    def add(self, url: str, depth: int) -> bool:
        """Queue ``url`` (absolute, as linked) unless a link to the same page (by
        :func:`normalize_url`) came first or a rule keeps it out."""
        key = normalize_url(url)
        if key is None or depth > self.max_depth or key in self._seen:
            return False
        self._seen.add(key)
        if not self.in_scope(key):
            return False
        if self.include and not _matches((url, key), self.include, as_browsed=True):
            self.skipped["include"] += 1
            return False
        if _matches((url, key), self.exclude):
            self.skipped["exclude"] += 1
            return False
        if not self.allowed(url):
            self.skipped["robots"] += 1
            return False
        template = path_template(key)
        if self.max_per_template and self._templates[template] >= self.max_per_template:
            self.skipped["template"] += 1
            return False
        self._templates[template] += 1
        self._queue.append((url, depth))
        return True

    def add_links(self, links: list[str], base: str, depth: int) -> None:
        for link in links:
            url = visit_url(link, base)
            if url:
                self.add(url, depth)

    def next(self) -> tuple[str, int] | None:
        if self.scheduled >= self.max_pages or not self._queue:
            return None
        self.scheduled += 1
        return self._queue.popleft()


def _matches(urls: tuple[str, ...], patterns: list[str], as_browsed: bool = False) -> bool:
    """Whether a path of ``urls`` (the URL as linked and its canonical form) matches a glob,
    as written (``/caf%C3%A9``), as read (``/café``) or as a browser resolves it
    (``/a/%2e%2e/cart``: ``/cart``): ``/cart`` keeps ``/cart/``, ``/cart/index.html``,
    ``//cart`` and ``/%2e/cart`` out too, and a pattern is typed the way a person reads the
    path. ``as_browsed``: only the path the browser loads counts (an inclusion)."""
    paths = {urlsplit(url).path or "/" for url in urls}
    browsed = {_as_browsed(path) for path in paths}
    # an exclusion holds if any spelling matches; an inclusion only for the page loaded
    paths = browsed if as_browsed else paths | browsed
    forms = paths | {unquote(path) for path in paths}
    return any(fnmatch.fnmatch(form, p) for p in patterns for form in forms)


_DOT = re.compile(r"%2e", re.I)


def _as_browsed(path: str) -> str:
    """The path a browser loads for ``path`` (URL standard): ``\\`` is ``/``, ``%2e`` is a
    dot, and dot segments are resolved (``/a/%2e%2e/cart`` is ``/cart``)."""
    text = _DOT.sub(".", path.replace("\\", "/"))
    out: list[str] = []
    parts = text.split("/")[1:] if text.startswith("/") else text.split("/")
    for i, segment in enumerate(parts):
        last = i == len(parts) - 1
        if segment in (".", ".."):
            if segment == ".." and out:
                out.pop()
            if last:
                out.append("")  # "/cart/." and "/cart/.." end in a slash
            continue
        out.append(segment)
    return re.sub(r"/{2,}", "/", "/" + "/".join(out))
