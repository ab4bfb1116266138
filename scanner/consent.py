"""Finding and answering a consent banner: ours through its API, others by their buttons.

Other consent managers are found by the texts of their buttons in many languages, inside
frames and open shadow roots, preferring buttons inside elements that look like a consent
banner. Before clicking, the banner is photographed as evidence.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from cookiegov.models import ConsentState

log = logging.getLogger(__name__)

ACCEPT = [
    "accept all",
    "accept all cookies",
    "allow all",
    "allow all cookies",
    "accept cookies",
    "accept",
    "i accept",
    "agree",
    "i agree",
    "agree and close",
    "ok",
    "got it",
    "allow",
    "tout accepter",
    "accepter et fermer",
    "accepter",
    "j'accepte",
    "alle akzeptieren",
    "alle cookies akzeptieren",
    "akzeptieren",
    "zustimmen",
    "alle zulassen",
    "aceptar todo",
    "aceptar todas",
    "aceptar",
    "accetta tutto",
    "accetta tutti",
    "accetta",
    "alles accepteren",
    "accepteren",
    "aceitar tudo",
    "aceitar todos",
    "aceitar",
    "akceptuj wszystkie",
    "akceptuję",
    "zgadzam się",
]
REJECT = [
    "reject all",
    "reject all cookies",
    "reject",
    "decline",
    "decline all",
    "deny",
    "deny all",
    "refuse",
    "refuse all",
    "necessary only",
    "only necessary",
    "only essential",
    "essential only",
    "use necessary cookies only",
    "continue without accepting",
    "tout refuser",
    "refuser",
    "refuser tout",
    "continuer sans accepter",
    "alle ablehnen",
    "ablehnen",
    "nur notwendige",
    "nur notwendige cookies",
    "rechazar todo",
    "rechazar todas",
    "rechazar",
    "rifiuta tutto",
    "rifiuta tutti",
    "rifiuta",
    "alles weigeren",
    "weigeren",
    "alleen noodzakelijke",
    "rejeitar tudo",
    "rejeitar todos",
    "rejeitar",
    "odrzuć wszystkie",
    "odrzuć",
]

FIND_JS = resources.files("scanner").joinpath("find_banner.js").read_text("utf-8")


@dataclass(frozen=True)
class ConsentEvidence:
    state: str  # accept | reject
    found: bool
    method: str  # api | button | none
    clicked: str | None
    page: str
    frame: str | None
    screenshot: str | None  # base64 PNG of the banner

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "banner_found": self.found,
            "method": self.method,
            "clicked": self.clicked,
            "page": self.page,
            "frame": self.frame,
            "screenshot": self.screenshot,
        }


async def _shot(page: Page, selector: str) -> str | None:
    try:
        target = page.locator(selector).first
        if await target.count():
            data = await target.screenshot(timeout=3000)
        else:
            data = await page.screenshot(timeout=3000)
        return base64.b64encode(data).decode()
    except PlaywrightError:
        return None


async def _frame_shot(page: Page, frame: Frame) -> str | None:
    """A screenshot of the iframe element that holds ``frame`` (the one clicked in)."""
    try:
        element = await frame.frame_element()
        data = await element.screenshot(timeout=3000)
        return base64.b64encode(data).decode()
    except PlaywrightError:
        return await _shot(page, "body")


async def answer_banner(page: Page, state: str, timeout: float = 6.0) -> ConsentEvidence:
    """Accept or reject whatever banner the page shows; never raises."""
    try:
        return await asyncio.wait_for(_answer(page, state), timeout)
    except (TimeoutError, PlaywrightError) as exc:
        log.info("consent on %s failed: %s", page.url, exc)
        return ConsentEvidence(state, False, "none", None, page.url, None, None)


async def _answer(page: Page, state: str) -> ConsentEvidence:
    ours = await page.evaluate("() => !!(window.cookiegov && window.cookiegov.version)")
    if ours:
        await page.locator(".cg-root").first.wait_for(timeout=1500)
        shot = await _shot(page, ".cg-root")
        call = "acceptAll" if state == ConsentState.ACCEPT else "rejectAll"
        await page.evaluate(f"() => window.cookiegov.{call}()")
        return ConsentEvidence(state, True, "api", f"cookiegov.{call}()", page.url, None, shot)
    texts = ACCEPT if state == ConsentState.ACCEPT else REJECT
    mark = "data-cookiegov-target"
    for frame in [page.main_frame, *[f for f in page.frames if f != page.main_frame]]:
        text = await _find(frame, texts, mark)
        if text is None:
            continue
        shot = (
            await _shot(page, f"[{mark}-box]")
            if frame == page.main_frame
            else await _frame_shot(page, frame)
        )
        await frame.locator(f"[{mark}=button]").first.click(timeout=3000)
        return ConsentEvidence(state, True, "button", text, page.url, frame.url, shot)
    return ConsentEvidence(state, False, "none", None, page.url, None, None)


async def _find(frame: Frame, texts: list[str], mark: str) -> str | None:
    try:
        result = await frame.evaluate(FIND_JS, [texts, mark])
    except PlaywrightError:
        return None
    return str(result) if result else None
