"""robots.txt and sitemaps, fetched through the browser (so host rules and TLS settings apply)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import logging
import re
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger(__name__)
MAX_SITEMAPS = 20
MAX_BYTES = 20 * 1024 * 1024
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)

FETCH_JS = """async (url) => {
  try {
    const r = await fetch(url, {credentials: "omit", redirect: "follow"});
    const b = new Uint8Array(await r.arrayBuffer());
    let s = "";
    for (let i = 0; i < b.length; i += 8192) {
      s += String.fromCharCode.apply(null, b.subarray(i, i + 8192));
    }
    return {status: r.status, body: btoa(s)};
  } catch (e) { return {status: 0, body: ""}; }
}"""


@dataclass
class SiteRules:
    robots: urllib.robotparser.RobotFileParser | None = None
    sitemap_urls: list[str] = field(default_factory=list)
    sitemaps_read: int = 0

    def allowed(self, url: str) -> bool:
        if self.robots is None:
            return True
        return self.robots.can_fetch("cookiegov", url)


class _Fetcher:
    """One page parked on the site's origin, fetching same-origin files through ``fetch``."""

    def __init__(self, context: BrowserContext, origin: str, timeout: float) -> None:
        self.context, self.origin, self.timeout = context, origin, timeout
        self.page: Page | None = None
        self.robots: bytes | None = None

    async def open(self) -> None:
        self.page = await self.context.new_page()
        try:
            response = await self.page.goto(
                self.origin + "/robots.txt", timeout=self.timeout * 1000, wait_until="load"
            )
            if response is not None and response.status == 200:
                self.robots = (await response.body())[:MAX_BYTES]
        except PlaywrightError as exc:
            log.info("no robots.txt at %s: %s", self.origin, str(exc).splitlines()[0])

    async def get(self, url: str) -> bytes | None:
        if self.page is None:
            return None
        try:
            result = await asyncio.wait_for(self.page.evaluate(FETCH_JS, url), self.timeout)
        except (PlaywrightError, TimeoutError):
            return None
        if result["status"] != 200:
            return None
        return base64.b64decode(result["body"])[:MAX_BYTES]

    async def close(self) -> None:
        if self.page is not None:
            with contextlib.suppress(PlaywrightError):
                await self.page.close()


async def discover(
    context: BrowserContext, start: str, *, robots: bool, sitemaps: bool, timeout: float
) -> SiteRules:
    """Read robots.txt (rules and declared sitemaps) and the sitemaps, indexes and .gz too."""
    parts = urlsplit(start)
    origin = f"{parts.scheme}://{parts.netloc}"
    rules = SiteRules()
    fetcher = _Fetcher(context, origin, timeout)
    try:
        await fetcher.open()
        declared: list[str] = []
        if fetcher.robots:
            lines = fetcher.robots.decode("utf-8", "replace").splitlines()
            if robots:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(lines)
                rules.robots = parser
            declared = [
                line.split(":", 1)[1].strip()
                for line in lines
                if line.lower().startswith("sitemap:")
            ]
        if sitemaps:
            await _read_sitemaps(fetcher, origin, declared or [origin + "/sitemap.xml"], rules)
    finally:
        await fetcher.close()
    return rules


async def _read_sitemaps(
    fetcher: _Fetcher, origin: str, queue: list[str], rules: SiteRules
) -> None:
    seen: set[str] = set()
    while queue and rules.sitemaps_read < MAX_SITEMAPS:
        url = urljoin(origin, queue.pop(0))
        if url in seen:
            continue
        seen.add(url)
        data = await fetcher.get(url)
        if not data:
            continue
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)[:MAX_BYTES]
            except OSError:
                continue
        rules.sitemaps_read += 1
        xml = data.decode("utf-8", "replace")
        locs = _LOC.findall(xml)
        if "<sitemapindex" in xml:
            queue.extend(locs)
        else:
            rules.sitemap_urls.extend(locs)
