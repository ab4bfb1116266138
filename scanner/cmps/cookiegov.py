"""Our own banner, through its JavaScript API (``window.cookiegov``)."""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError

from scanner.cmps import register
from scanner.cmps.base import Answer, Detection, Handler, Verification

DETECT_JS = (
    "() => !!(window.cookiegov && window.cookiegov.version && document.querySelector('.cg-root'))"
)
CONSENT_JS = "() => (window.cookiegov && window.cookiegov.consent()) || null"


@register
class Cookiegov(Handler):
    name = "cookiegov"
    priority = 20

    async def detect(self) -> Detection | None:
        page = self.visit.page
        if not await page.evaluate(DETECT_JS):
            return None
        try:
            await page.locator(".cg-root").first.wait_for(timeout=3000)
        except PlaywrightError:
            return None
        return Detection("cookiegov", None, {})

    async def _call(self, call: str) -> Answer:
        await self.visit.page.evaluate(f"() => window.cookiegov.{call}()")
        return Answer(True, (f"cookiegov.{call}()",), (f"cookiegov.{call}()",))

    async def accept(self, found: Detection) -> Answer:
        return await self._call("acceptAll")

    async def reject(self, found: Detection) -> Answer:
        return await self._call("rejectAll")

    async def verify(self, found: Detection, answer: Answer) -> Verification:
        consent = await self.visit.page.evaluate(CONSENT_JS)
        categories = (consent or {}).get("categories") or {}
        optional = {k: v for k, v in categories.items() if k != "necessary"}
        want = self.visit.state == "accept"
        if optional and all(bool(v) == want for v in optional.values()):
            return Verification(True, f"the banner's consent holds {optional}")
        return Verification(False, f"the banner's consent is {categories or 'not set'}")
