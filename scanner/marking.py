"""Marking the scanner's own consent requests (see :mod:`cookiegov.scanmark`).

Only requests to a consent endpoint (``…/v1/sites/SITE/consents``) are paused, by Chromium
itself (CDP ``Fetch.enable`` with that URL pattern, so no other request pays for it), and
continued with the signed header; every other request leaves unmarked.
"""

from __future__ import annotations

import contextlib
from typing import Any

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

from cookiegov import scanmark

PATTERN = "*/v1/sites/*/consents*"


async def mark_consents(cdp: CDPSession, key: bytes) -> None:
    async def paused(event: dict[str, Any]) -> None:
        request = event.get("request") or {}
        headers = [{"name": k, "value": v} for k, v in (request.get("headers") or {}).items()]
        if request.get("method") == "POST":
            headers.append({"name": scanmark.HEADER, "value": scanmark.sign(key)})
        with contextlib.suppress(PlaywrightError):
            await cdp.send(
                "Fetch.continueRequest", {"requestId": event["requestId"], "headers": headers}
            )

    cdp.on("Fetch.requestPaused", paused)
    await cdp.send(
        "Fetch.enable", {"patterns": [{"urlPattern": PATTERN, "requestStage": "Request"}]}
    )
