"""Scanning a site: N isolated contexts in one Chromium, breadth-first over same-site links."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from playwright.async_api import BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from cookiegov.classify import Classifier, default_classifier
from cookiegov.domains import registrable_domain
from cookiegov.errors import InputError, ScanError
from cookiegov.models import PageResult, ScanResult
from cookiegov.settings import Settings
from scanner.browser import USER_AGENT, VIEWPORT, ChromiumProcess
from scanner.collect import STORAGE_JS, Inventory, PageCollector
from scanner.crawl import Frontier, normalize_url

log = logging.getLogger(__name__)
HOOKS_JS = resources.files("scanner").joinpath("hooks.js").read_text("utf-8")
GPC_JS = (
    "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',"
    " {get: () => true, configurable: true});"
)
RECYCLE_AFTER = 40  # pages per context before it is replaced (bounded memory)
SETTLE_CAP = 4.0  # seconds of settling at most, within the page budget

Progress = Callable[[PageResult, int, int], None]


def scan_site(
    url: str,
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan ``url`` and return its classified inventory (not stored)."""
    return asyncio.run(scan_async(url, settings, classifier=classifier, progress=progress))


def check_url(url: str) -> str:
    normalized = normalize_url(url)
    if not normalized or "://" not in url:
        raise InputError(f"{url!r} is not an http(s) URL; try https://{url.strip('/')}/")
    return normalized


async def scan_async(
    url: str,
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    start = check_url(url)
    site = registrable_domain(start)
    frontier = Frontier(start, settings.max_pages, settings.max_depth)
    inventory = Inventory(site)
    pages: list[PageResult] = []
    started = datetime.now(UTC).isoformat(timespec="seconds")
    chromium = ChromiumProcess(settings)
    async with async_playwright() as playwright:
        browser = await chromium.start(playwright)
        try:
            runner = _Runner(browser, settings, frontier, inventory, pages, progress)
            workers = max(1, min(settings.concurrency, settings.max_pages))
            await asyncio.gather(*(runner.worker() for _ in range(workers)))
        finally:
            await chromium.stop()
    if pages and all(p.status is None for p in pages):
        raise ScanError(f"could not load {start}: {pages[0].error}")
    classifier = classifier or default_classifier()
    cookies = [c.with_classification(classifier.classify(c, site)) for c in inventory.cookies()]
    return ScanResult(
        url=start,
        site=site,
        started_at=started,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        consent=settings.consent,
        pages=sorted(pages, key=lambda p: (p.depth, p.url)),
        cookies=cookies,
        storage=inventory.storage(),
        requests=inventory.requests,
        settings=settings.public(),
    )


class _Runner:
    def __init__(
        self,
        browser: Any,
        settings: Settings,
        frontier: Frontier,
        inventory: Inventory,
        pages: list[PageResult],
        progress: Progress | None,
    ) -> None:
        self.browser = browser
        self.settings = settings
        self.frontier = frontier
        self.inventory = inventory
        self.pages = pages
        self.progress = progress
        self.active = 0

    async def new_context(self) -> BrowserContext:
        s = self.settings
        headers = {"Sec-GPC": "1"} if s.consent == "gpc" else {}
        context = await self.browser.new_context(
            user_agent=USER_AGENT,
            viewport=VIEWPORT,
            locale="en-US",
            ignore_https_errors=s.ignore_https_errors,
            accept_downloads=False,
            extra_http_headers=headers,
        )
        await context.expose_binding("__cookiegovReport", self._on_hook)
        await context.add_init_script(HOOKS_JS)
        if s.consent == "gpc":
            await context.add_init_script(GPC_JS)
        context.on("page", self._on_popup)
        return context

    async def _on_popup(self, page: Page) -> None:
        if await page.opener() is not None:  # window.open pop-ups are closed, not scanned
            await page.close()

    def _on_hook(self, source: dict[str, Any], payload: str) -> None:
        page = source.get("page")
        collector = getattr(page, "_cookiegov_collector", None)
        if collector is not None:
            collector.on_hook(payload)

    async def worker(self) -> None:
        context = await self.new_context()
        visited = 0
        try:
            while True:
                item = self.frontier.next()
                if item is None:
                    if self.active == 0:
                        return
                    await asyncio.sleep(0.05)
                    continue
                if visited >= RECYCLE_AFTER:
                    await context.close()
                    context = await self.new_context()
                    visited = 0
                self.active += 1
                try:
                    result = await self.visit(context, *item)
                finally:
                    self.active -= 1
                visited += 1
                self.pages.append(result)
                if self.progress:
                    self.progress(result, len(self.pages), self.frontier.max_pages)
        finally:
            await context.close()

    async def visit(self, context: BrowserContext, url: str, depth: int) -> PageResult:
        began = time.monotonic()
        budget = self.settings.page_timeout
        collector = PageCollector(self.inventory, url)
        page = await context.new_page()
        page._cookiegov_collector = collector  # type: ignore[attr-defined]
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        status: int | None = None
        error: str | None = None
        title: str | None = None
        try:
            cdp = await context.new_cdp_session(page)
            cdp.on("Network.requestWillBeSent", collector.on_request)
            cdp.on("Network.loadingFinished", collector.on_done)
            cdp.on("Network.loadingFailed", collector.on_done)
            cdp.on("Network.responseReceivedExtraInfo", collector.on_extra_info)
            await cdp.send("Network.enable")
            response = await page.goto(url, wait_until="load", timeout=budget * 1000)
            status = response.status if response else None
            await self.settle(page, collector, began + budget)
            title = await page.title()
            links = await page.eval_on_selector_all(
                "a[href]", "els => els.map(e => e.href).slice(0, 2000)"
            )
            self.frontier.add_links(links, page.url, depth + 1)
            await self.read_storage(page, url)
            jar = await cdp.send("Network.getAllCookies")
            self.inventory.add_jar(jar.get("cookies", []), url)
        except PlaywrightTimeout:
            error = f"timed out after {budget:g}s"
        except PlaywrightError as exc:
            error = str(exc).splitlines()[0][:300]
        finally:
            with contextlib.suppress(PlaywrightError):
                await page.close()
        elapsed = int((time.monotonic() - began) * 1000)
        return PageResult(url, status, error, title, elapsed, depth)

    async def settle(self, page: Page, collector: PageCollector, deadline: float) -> None:
        """Wait until no request is in flight, no short timer is pending and nothing was
        written for ``settle_ms``, bounded by the page budget and :data:`SETTLE_CAP`."""
        quiet_needed = self.settings.settle_ms / 1000
        cap = min(deadline, time.monotonic() + SETTLE_CAP)
        quiet_since = time.monotonic()
        last_writes = collector.writes
        while time.monotonic() < cap:
            await asyncio.sleep(0.1)
            try:
                pending = await page.evaluate(
                    "() => (window.__cookiegovPending ? window.__cookiegovPending() : 0)"
                )
            except PlaywrightError:
                pending = 0
            busy = pending or collector.inflight or collector.writes != last_writes
            last_writes = collector.writes
            now = time.monotonic()
            if busy:
                quiet_since = now
            elif now - quiet_since >= quiet_needed:
                return

    async def read_storage(self, page: Page, url: str) -> None:
        for frame in page.frames:
            try:
                found = await frame.evaluate(STORAGE_JS)
            except PlaywrightError:
                continue
            origin = found.get("origin") or ""
            if not origin.startswith("http"):
                continue
            for kind, key in found.get("items", []):
                self.inventory.add_storage(kind, origin, str(key)[:512], url)


def result_with_settings(result: ScanResult, **extra: Any) -> ScanResult:
    return dataclasses.replace(result, settings={**result.settings, **extra})
