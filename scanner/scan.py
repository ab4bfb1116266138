"""Scanning a site: N isolated contexts in one Chromium, breadth-first over same-site links.

Every step of a page visit runs under the page's time budget, so that hostile pages (endless
scripts, hanging responses, dialogs, pop-ups, downloads, crashes) end as a recorded error, never
as a hung or failed scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any, TypeVar

from playwright.async_api import Browser, BrowserContext, CDPSession, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from cookiegov import scanmark
from cookiegov.domains import registrable_domain
from cookiegov.errors import InputError, ScanError
from cookiegov.models import ConsentState, PageResult, ScanResult
from cookiegov.settings import Settings
from scanner import identity
from scanner.browser import VIEWPORT, ChromiumProcess
from scanner.cmps import Visit
from scanner.cmps import autoconsent as autoconsent_engine
from scanner.collect import STORAGE_JS, Inventory, PageCollector
from scanner.consent import ConsentEvidence, answer_banner
from scanner.crawl import Frontier, visit_url
from scanner.discover import discover
from scanner.marking import mark_consents
from scanner.world import World

log = logging.getLogger(__name__)
HOOKS_JS = resources.files("scanner").joinpath("hooks.js").read_text("utf-8")
GPC_JS = (
    "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',"
    " {get: () => true, configurable: true});"
)
RECYCLE_AFTER = 40  # pages per context before it is replaced (bounded memory)
SETTLE_CAP = 4.0  # seconds of settling at most, within the page budget
TRANSIENT = (
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_EMPTY_RESPONSE",
    "ERR_NETWORK_CHANGED",
    "ERR_CONNECTION_REFUSED",
    "ERR_TIMED_OUT",
)
T = TypeVar("T")
Progress = Callable[[PageResult, int, int], None]


class PageTimeout(Exception):
    pass


def scan_site(url: str, settings: Settings, *, progress: Progress | None = None) -> ScanResult:
    """Scan ``url`` and return its inventory, unclassified and not stored.

    Classification and storage are the service layer's (``cookiegov.services``)."""
    return asyncio.run(scan_async(url, settings, progress=progress))


def check_url(url: str) -> str:
    """The start URL as given (absolute, fragment dropped); InputError for anything else."""
    visit = visit_url(url)
    if not visit or "://" not in url:
        raise InputError(f"{url!r} is not an http(s) URL{_suggestion(url)}")
    return visit


def _suggestion(url: str) -> str:
    text = url.strip().strip("/")
    if "://" in text or not text or any(c.isspace() for c in text):
        return ""  # another scheme (ftp://…) or not an address at all: nothing to suggest
    return f"; try https://{text}/"


async def scan_async(
    url: str,
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> ScanResult:
    start = check_url(url)
    site = registrable_domain(start)
    inventory = Inventory(site)
    pages: list[PageResult] = []
    started = datetime.now(UTC).isoformat(timespec="seconds")
    chromium = ChromiumProcess(settings)
    async with async_playwright() as playwright:
        browser = await chromium.start(playwright)
        try:
            runner = _Runner(browser, settings, start, inventory, pages, progress)
            runner.version = chromium.version
            await runner.prepare()
            workers = max(1, min(settings.concurrency, settings.max_pages))
            await asyncio.gather(*(runner.worker() for _ in range(workers)))
        finally:
            await chromium.stop()
    if not pages:  # a scan that saw nothing proves nothing: an error, never an empty pass
        skipped = ", ".join(f"{n} {why}" for why, n in runner.frontier.skipped.items())
        raise ScanError(f"no page of {start} was visited ({skipped or 'nothing to visit'})")
    if all(p.status is None for p in pages):
        raise ScanError(f"could not load {start}: {pages[0].error}")
    cookies = inventory.cookies()
    evidence = [e.to_dict() for e in runner.evidence]
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
        settings={
            **settings.public(),
            "skipped": dict(runner.frontier.skipped),
            "cut": inventory.cuts,  # what pages were not allowed to add (collect.LIMITS)
            "sitemap_urls": runner.sitemap_urls,
        },
        evidence=evidence,
    )


async def _within(awaitable: Awaitable[T], deadline: float) -> T:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        if inspect.iscoroutine(awaitable):
            awaitable.close()  # never started: no "coroutine was never awaited"
        raise PageTimeout
    try:
        return await asyncio.wait_for(awaitable, remaining)
    except TimeoutError as exc:
        raise PageTimeout from exc


class _Runner:
    def __init__(
        self,
        browser: Browser,
        settings: Settings,
        start: str,
        inventory: Inventory,
        pages: list[PageResult],
        progress: Progress | None,
    ) -> None:
        self.browser = browser
        self.settings = settings
        self.start = start
        self.inventory = inventory
        self.pages = pages
        self.progress = progress
        self.active = 0
        self.version = identity.FALLBACK_VERSION
        # The scan's own consents are signed so that our endpoint keeps them out of its log.
        answering = settings.consent in ("accept", "reject", "gpc")
        self.mark = scanmark.key_for(settings) if answering else b""
        self.evidence: list[ConsentEvidence] = []
        self.sitemap_urls = 0
        s = settings
        self.frontier = Frontier(
            start, s.max_pages, s.max_depth, s.max_per_template, s.include, s.exclude
        )

    async def prepare(self) -> None:
        """robots.txt rules and sitemap URLs (at depth 1), from a throwaway context."""
        s = self.settings
        if s.ignore_robots and not s.use_sitemap:
            return
        context = await self.browser.new_context(
            user_agent=identity.user_agent(self.version), ignore_https_errors=s.ignore_https_errors
        )
        try:
            rules = await discover(
                context,
                self.start,
                robots=not s.ignore_robots,
                sitemaps=s.use_sitemap,
                timeout=min(s.page_timeout, 15),
            )
        finally:
            await context.close()
        self.frontier.allowed = rules.allowed
        self.sitemap_urls = len(rules.sitemap_urls)
        self.frontier.add_links(rules.sitemap_urls, self.start, 1)

    async def new_context(self) -> BrowserContext:
        s = self.settings
        headers = {"Sec-GPC": "1"} if s.consent == ConsentState.GPC else {}
        # No user_agent here: each tab sets it with its client hints (identity.ua_override).
        context = await self.browser.new_context(
            viewport=VIEWPORT,  # type: ignore[arg-type]
            screen=identity.SCREEN,  # type: ignore[arg-type]
            locale="en-US",
            ignore_https_errors=s.ignore_https_errors,
            accept_downloads=False,
            extra_http_headers=headers,
        )
        await context.expose_binding("__cookiegovReport", self._on_hook)
        await context.add_init_script(HOOKS_JS)
        await context.add_init_script(identity.IDENTITY_JS)
        if s.consent == ConsentState.GPC:
            await context.add_init_script(GPC_JS)
        context.on("page", self._on_popup)
        return context

    async def _on_popup(self, page: Page) -> None:
        with contextlib.suppress(PlaywrightError):
            if await page.opener() is not None:  # window.open pop-ups are closed, not scanned
                await page.close()

    def _on_hook(self, source: dict[str, Any], payload: str) -> None:
        collector = getattr(source.get("page"), "_cookiegov_collector", None)
        if collector is not None:
            collector.on_hook(payload)

    async def worker(self) -> None:
        context = await self.new_context()
        tab: _Tab | None = None
        visited, answered = 0, False
        try:
            while True:
                item = self.frontier.next()
                if item is None:
                    if self.active == 0:
                        return
                    await asyncio.sleep(0.05)
                    continue
                if visited >= RECYCLE_AFTER:
                    await self._close_context(context)
                    context, tab, visited, answered = await self.new_context(), None, 0, False
                self.active += 1
                try:
                    if tab is None:
                        consent = "none" if answered else self.settings.consent
                        tab = await _Tab.open(context, self.version, consent, self.mark)
                    result, answered = await self.visit(tab, *item, answered)
                finally:
                    self.active -= 1
                visited += 1
                self.pages.append(result)
                if self.progress:
                    self.progress(result, len(self.pages), self.frontier.max_pages)
                if result.error and not await tab.close():
                    # A page that would not close: start over with a fresh context.
                    await self._close_context(context)
                    context, visited, answered = await self.new_context(), 0, False
                if result.error:
                    tab = None
        finally:
            await self._close_context(context)

    async def _close_context(self, context: BrowserContext) -> None:
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(context.close(), 10)

    async def visit(
        self, tab: _Tab, url: str, depth: int, answered: bool
    ) -> tuple[PageResult, bool]:
        """Visit ``url`` in ``tab``, which is reused for the next page unless this one fails."""
        began = time.monotonic()
        budget = self.settings.page_timeout
        deadline = began + budget
        collector = tab.begin(PageCollector(self.inventory, url))
        if tab.autoconsent is not None:
            tab.autoconsent.reset()
        page = tab.page
        status: int | None = None
        error: str | None = None
        title: str | None = None
        stored: set[tuple[str, str, str]] = set()
        try:
            status = await self._load(page, url, deadline)
            await self.settle(page, collector, deadline)
            if self.settings.consent in (ConsentState.ACCEPT, ConsentState.REJECT) and not answered:
                visit = Visit(page, tab.cdp, tab.world, str(self.settings.consent))
                visit.extras["autoconsent"] = tab.autoconsent
                evidence = await _within(answer_banner(visit), deadline)
                answered = True
                if tab.autoconsent is not None:
                    await tab.autoconsent.uninstall()
                    tab.autoconsent = None
                if not self.evidence:
                    self.evidence.append(evidence)
                await self.settle(page, collector, deadline)
            title = await _within(page.title(), deadline)
            links = await _within(
                page.eval_on_selector_all("a[href]", "els => els.map(e => e.href).slice(0, 2000)"),
                deadline,
            )
            self.frontier.add_links(links, page.url, depth + 1)
            stored = await self.read_storage(tab, url, deadline)
        except (PageTimeout, PlaywrightTimeout):
            error = f"timed out after {budget:g}s"
        except PlaywrightError as exc:
            error = _describe(str(exc))
        if tab.crashed:
            error = "the renderer crashed"
        cookies: list[dict[str, Any]] = []
        with contextlib.suppress(PlaywrightError, TimeoutError):  # whatever happened, read the jar
            jar = await asyncio.wait_for(tab.cdp.send("Network.getAllCookies"), 5)
            cookies = jar.get("cookies", [])
        collector.confirm(cookies, stored)  # script reports first: they name the setter
        self.inventory.add_jar(cookies, url)
        elapsed = int((time.monotonic() - began) * 1000)
        return PageResult(url, status, error, title, elapsed, depth), answered

    async def _load(self, page: Page, url: str, deadline: float) -> int | None:
        attempts = 1 + max(0, self.settings.retries)
        for attempt in range(attempts):
            remaining = max(0.5, deadline - time.monotonic())
            try:
                response = await _within(
                    page.goto(url, wait_until="load", timeout=remaining * 1000), deadline
                )
            except PlaywrightError as exc:
                if attempt + 1 < attempts and any(t in str(exc) for t in TRANSIENT):
                    await asyncio.sleep(0.5 * (attempt + 1))
                    continue
                raise
            status = response.status if response else None
            if status in (502, 503, 504) and attempt + 1 < attempts:
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            return status
        return None

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
                pending = await asyncio.wait_for(
                    page.evaluate(
                        "() => (window.__cookiegovPending ? window.__cookiegovPending() : 0)"
                    ),
                    max(0.1, cap - time.monotonic()),
                )
            except (PlaywrightError, TimeoutError):
                return
            busy = pending or collector.inflight or collector.writes != last_writes
            last_writes = collector.writes
            now = time.monotonic()
            if busy:
                quiet_since = now
            elif now - quiet_since >= quiet_needed:
                return

    async def read_storage(self, tab: _Tab, url: str, deadline: float) -> set[tuple[str, str, str]]:
        """Storage keys of every frame, read in the scanner's isolated world (the page's own
        ``Storage`` functions may lie); returns what was read, for confirming script reports."""
        remaining = max(0.5, deadline - time.monotonic())
        found_all = await _within(
            tab.world.evaluate_all(f"({STORAGE_JS})()", timeout=remaining), deadline
        )
        stored: set[tuple[str, str, str]] = set()
        for found in found_all.values():
            if not isinstance(found, dict):
                continue
            origin = str(found.get("origin") or "")
            if not origin.startswith("http"):
                continue
            for kind, key in found.get("items", [])[:5000]:
                stored.add((str(kind), origin, str(key)[:512]))
                self.inventory.add_storage(kind, origin, str(key)[:512], url)
        return stored


class _Tab:
    """A page with its CDP session, reused across visits; events go to the current collector."""

    def __init__(self, page: Page, cdp: CDPSession) -> None:
        self.page, self.cdp = page, cdp
        self.collector: PageCollector | None = None
        self.crashed = False
        self.world = World(cdp)
        self.autoconsent: autoconsent_engine.Engine | None = None

    @classmethod
    async def open(
        cls, context: BrowserContext, version: str, consent: str = "none", mark: bytes = b""
    ) -> _Tab:
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        tab = cls(page, cdp)
        await cdp.send("Emulation.setUserAgentOverride", identity.ua_override(version))
        await tab.world.install()
        if mark:
            await mark_consents(cdp, mark)
        if consent in ("accept", "reject") and autoconsent_engine.available():
            tab.autoconsent = autoconsent_engine.Engine(tab.world)
            await tab.autoconsent.install()
        page.on("crash", tab._on_crash)
        page.on("dialog", lambda dialog: asyncio.ensure_future(_answer_dialog(dialog)))
        for event, method in (
            ("Network.requestWillBeSent", "on_request"),
            ("Network.loadingFinished", "on_done"),
            ("Network.loadingFailed", "on_done"),
            ("Network.responseReceivedExtraInfo", "on_extra_info"),
        ):
            cdp.on(event, tab._dispatch(method))
        await asyncio.wait_for(cdp.send("Network.enable"), 10)
        return tab

    def _on_crash(self, _page: Page) -> None:
        self.crashed = True

    def _dispatch(self, method: str) -> Callable[[dict[str, Any]], None]:
        def handler(event: dict[str, Any]) -> None:
            if self.collector is not None:
                getattr(self.collector, method)(event)

        return handler

    def begin(self, collector: PageCollector) -> PageCollector:
        self.collector = collector
        self.page._cookiegov_collector = collector  # type: ignore[attr-defined]
        return collector

    async def close(self) -> bool:
        """Close the page; False when it would not close (a hung renderer)."""
        try:
            await asyncio.wait_for(self.page.close(run_before_unload=False), 5)
            return True
        except (PlaywrightError, TimeoutError):
            return False


async def _answer_dialog(dialog: Any) -> None:
    """Dismiss alerts and prompts; let beforeunload go so that navigation is never blocked."""
    with contextlib.suppress(PlaywrightError):
        if dialog.type == "beforeunload":
            await dialog.accept()
        else:
            await dialog.dismiss()


def _describe(message: str) -> str:
    first = message.splitlines()[0] if message else "browser error"
    if "Download is starting" in message:
        return "the URL is a download, not a page"
    if "ERR_TOO_MANY_REDIRECTS" in message:
        return "redirect loop (net::ERR_TOO_MANY_REDIRECTS)"
    if "crash" in message.lower():
        return "the renderer crashed"
    return first.replace("Page.goto: ", "")[:300]
