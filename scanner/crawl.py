"""What to visit: URL normalization, same-site link discovery and the page budget."""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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


@dataclass
class Frontier:
    """Breadth-first queue of same-site URLs within a page budget and a depth limit."""

    start: str
    max_pages: int
    max_depth: int = 5
    site: str = ""
    _queue: collections.deque[tuple[str, int]] = field(default_factory=collections.deque)
    _seen: set[str] = field(default_factory=set)
    scheduled: int = 0

    def __post_init__(self) -> None:
        self.site = self.site or registrable_domain(self.start)
        first = normalize_url(self.start)
        if first:
            self.add(first, 0)

    def in_scope(self, url: str) -> bool:
        path = urlsplit(url).path
        return registrable_domain(url) == self.site and not SKIP_EXTENSIONS.search(path)

    def add(self, url: str, depth: int) -> bool:
        if depth > self.max_depth or url in self._seen or not self.in_scope(url):
            return False
        self._seen.add(url)
        self._queue.append((url, depth))
        return True

    def add_links(self, links: list[str], base: str, depth: int) -> None:
        for link in links:
            url = normalize_url(link, base)
            if url:
                self.add(url, depth)

    def next(self) -> tuple[str, int] | None:
        if self.scheduled >= self.max_pages or not self._queue:
            return None
        self.scheduled += 1
        return self._queue.popleft()

    @property
    def exhausted(self) -> bool:
        return self.scheduled >= self.max_pages or not self._queue
