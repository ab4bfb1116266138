"""Fetching one page's HTML through the browser (for the policy check)."""

from __future__ import annotations

import asyncio

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from cookiegov.errors import ScanError
from cookiegov.settings import Settings
from scanner.browser import ChromiumProcess
from scanner.scan import check_url


async def _fetch(url: str, settings: Settings) -> str:
    chromium = ChromiumProcess(settings)
    async with async_playwright() as playwright:
        browser = await chromium.start(playwright)
        try:
            context = await browser.new_context(
                user_agent=chromium.user_agent, ignore_https_errors=settings.ignore_https_errors
            )
            page = await context.new_page()
            try:
                response = await page.goto(url, timeout=settings.page_timeout * 1000)
            except PlaywrightError as exc:
                raise ScanError(f"could not load {url}: {str(exc).splitlines()[0]}") from exc
            if response is None or response.status >= 400:
                status = response.status if response else "no response"
                raise ScanError(f"could not load {url}: HTTP {status}")
            return await page.content()
        finally:
            await chromium.stop()


def fetch_html(url: str, settings: Settings) -> str:
    return asyncio.run(_fetch(check_url(url), settings))
