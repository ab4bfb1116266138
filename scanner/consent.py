"""Answering the consent banner of a page, then proving the answer took effect.

The handlers of :mod:`scanner.cmps` are asked in priority order (autoconsent's rules, our own
banner's API, the generic handler that reads what buttons mean); the first that finds a banner
answers it. Nothing is claimed that was not checked: the answer counts as *verified* only when
the handler's own check holds (a rule's self-test, our banner's consent, the banner's buttons
gone) **and** the browser's consent state changed (a cookie or storage entry written or
changed). Screenshots are taken before and after; a site using the IAB TCF has its TC string
read and decoded.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from scanner import tcf
from scanner.cmps import Visit, handlers

log = logging.getLogger(__name__)
STORAGE_JS = (
    "(() => { const o = {}; try { for (let i = 0; i < localStorage.length; i++) {"
    " const k = localStorage.key(i); o[k] = String(localStorage.getItem(k)).slice(0, 512); } }"
    " catch (e) {} return o; })()"
)


@dataclass(frozen=True)
class ConsentEvidence:
    state: str  # accept | reject
    found: bool
    method: str  # the handler that answered: autoconsent | cookiegov | generic | none
    clicked: str | None  # the first label clicked (or API call)
    page: str
    frame: str | None
    screenshot: str | None  # base64 PNG before answering (of the banner's frame if framed)
    cmp: str | None = None  # the consent manager's name
    labels: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    verified: bool = False
    verification: str = ""
    changed: tuple[str, ...] = ()  # consent state written by the answer (cookie/storage names)
    screenshot_after: str | None = None
    attempts: tuple[dict[str, Any], ...] = ()
    tcf: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "banner_found": self.found,
            "cmp": self.cmp,
            "method": self.method,
            "clicked": self.clicked,
            "labels": list(self.labels),
            "steps": list(self.steps),
            "verified": self.verified,
            "verification": self.verification,
            "changed": list(self.changed),
            "page": self.page,
            "frame": self.frame,
            "screenshot": self.screenshot,
            "screenshot_after": self.screenshot_after,
            "attempts": list(self.attempts),
            "tcf": self.tcf,
            "seconds": self.seconds,
        }


async def _shot(page: Page, frame_url: str | None = None) -> str | None:
    """A PNG of the page, or of the iframe element holding the banner when it is in one."""
    try:
        frame = next((f for f in page.frames if frame_url and f.url == frame_url), None)
        if frame is not None and frame != page.main_frame:
            element = await frame.frame_element()
            data = await element.screenshot(timeout=3000)
        else:
            data = await page.screenshot(timeout=3000)
        return base64.b64encode(data).decode()
    except PlaywrightError:
        return None


async def snapshot(visit: Visit) -> dict[str, str]:
    """The consent state a banner can write: every cookie, and the top frame's storage."""
    state: dict[str, str] = {}
    try:
        jar = await asyncio.wait_for(visit.cdp.send("Network.getAllCookies"), 5)
        for c in jar.get("cookies", []):
            state[f"cookie {c['name']} ({c['domain']})"] = str(c.get("value"))
    except (PlaywrightError, TimeoutError):
        pass
    top = visit.world.top_frame
    if top is not None:
        try:
            stored = await visit.world.evaluate(top, STORAGE_JS)
            for key, value in (stored or {}).items():
                state[f"localStorage {key}"] = str(value)
        except (LookupError, RuntimeError, PlaywrightError, TimeoutError):
            pass
    return state


def changes(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted(k for k, v in after.items() if before.get(k) != v))


async def answer_banner(visit: Visit, timeout: float = 20.0) -> ConsentEvidence:
    """Accept or reject whatever banner the page shows; never raises."""
    began = time.monotonic()
    try:
        evidence = await asyncio.wait_for(_answer(visit), timeout)
    except (TimeoutError, PlaywrightError) as exc:
        log.info("consent on %s failed: %s", visit.page.url, exc)
        evidence = ConsentEvidence(
            visit.state, False, "none", None, visit.page.url, None, None, verification=str(exc)
        )
    return _with_time(evidence, time.monotonic() - began)


def _with_time(evidence: ConsentEvidence, seconds: float) -> ConsentEvidence:
    return replace(evidence, seconds=round(seconds, 2))


async def _answer(visit: Visit) -> ConsentEvidence:
    page = visit.page
    attempts: list[dict[str, Any]] = []
    before_shot: str | None = None
    for handler_class in handlers():
        handler = handler_class(visit)
        try:
            found = await handler.detect()
        except (PlaywrightError, LookupError, RuntimeError) as exc:
            attempts.append({"handler": handler.name, "error": str(exc)[:200]})
            continue
        if found is None:
            continue
        before = await snapshot(visit)
        before_shot = await _shot(page, found.frame_url) or before_shot
        answer = await handler.answer(found)
        attempt = {
            "handler": handler.name,
            "cmp": found.cmp,
            "steps": list(answer.steps),
            "clicked": list(answer.clicked),
            "error": answer.error,
        }
        attempts.append(attempt)
        if not answer.done and not answer.clicked:
            continue  # nothing was done: the next handler may know this banner
        check = await handler.verify(found, answer)
        await asyncio.sleep(0.3)
        written = changes(before, await snapshot(visit))
        verified = answer.done and check.verified and bool(written)
        reason = check.reason if written else f"{check.reason}, but no consent state was written"
        if not answer.done:
            reason = answer.error or "the answer did not complete"
        return ConsentEvidence(
            state=visit.state,
            found=True,
            method=handler.name,
            clicked=answer.clicked[0] if answer.clicked else None,
            page=page.url,
            frame=found.frame_url or found.frame,
            screenshot=before_shot,
            cmp=found.cmp,
            labels=answer.clicked,
            steps=answer.steps,
            verified=verified,
            verification=reason,
            changed=written,
            screenshot_after=await _shot(page, found.frame_url),
            attempts=tuple(attempts),
            tcf=await tcf.read(visit),
        )
    return ConsentEvidence(
        visit.state,
        False,
        "none",
        None,
        page.url,
        None,
        before_shot or await _shot(page),
        attempts=tuple(attempts),
        verification="no handler found a consent banner",
    )
