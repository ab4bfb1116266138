"""IAB TCF v2: the TC string a site's consent manager holds, decoded into purposes and vendors.

The string is read from the page's ``__tcfapi('getTCData')`` and, failing that, the
``euconsent-v2`` cookie; it is decoded by the IAB's own library (npm ``@iabtcf/core``) run by
Node (``tcf.js``), not by a hand-written parser.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from scanner.cmps.base import Visit

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("tcf.js")
TCDATA_JS = """new Promise((resolve) => {
  if (typeof window.__tcfapi !== "function") return resolve(null);
  const timer = setTimeout(() => resolve(null), 1500);
  try {
    window.__tcfapi("getTCData", 2, (data, ok) => {
      clearTimeout(timer);
      resolve(ok && data ? { tcString: String(data.tcString || ""), cmpId: data.cmpId,
        gdprApplies: data.gdprApplies, eventStatus: data.eventStatus } : null);
    });
  } catch (e) { clearTimeout(timer); resolve(null); }
})"""


async def decode(strings: list[str]) -> list[dict[str, Any]]:
    """Decode TC strings (an ``error`` key for those that are not valid)."""
    node = shutil.which("node")
    if not node or not strings:
        return [{"error": "node is not installed"} for _ in strings]
    process = await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        cwd=str(ROOT),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    text = "\n".join(s.replace("\n", "") for s in strings) + "\n"
    out, err = await asyncio.wait_for(process.communicate(text.encode()), 20)
    if process.returncode:
        message = err.decode(errors="replace").strip().splitlines()[-1:] or ["failed"]
        return [{"error": message[0][:200]} for _ in strings]
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


async def read(visit: Visit) -> dict[str, Any] | None:
    """The page's TC string, decoded; None when the site does not use the TCF."""
    source, data = "__tcfapi", None
    top = visit.world.top_frame
    try:
        if top is not None:
            data = await visit.world.evaluate(top, TCDATA_JS, page_world=True)
    except (LookupError, RuntimeError, PlaywrightError, TimeoutError):
        data = None
    tc = (data or {}).get("tcString") or ""
    if not tc:
        source = "euconsent-v2 cookie"
        try:
            jar = await asyncio.wait_for(visit.cdp.send("Network.getAllCookies"), 5)
        except (PlaywrightError, TimeoutError):
            return None
        tc = next((c["value"] for c in jar.get("cookies", []) if c["name"] == "euconsent-v2"), "")
    if not tc:
        return None
    decoded = (await decode([tc]))[0]
    cmp_id = (data or {}).get("cmpId")
    return {"source": source, "tc_string": tc[:4096], "cmp_id": cmp_id, **decoded}
