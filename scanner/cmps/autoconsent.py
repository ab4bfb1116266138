"""DuckDuckGo's autoconsent (npm ``@duckduckgo/autoconsent``, MPL-2.0) as the first handler.

Its Playwright content script runs in the scanner's isolated world of every frame (never the
page's), with the rule bundle shipped in the package. Its messages arrive through the world's
CDP binding; its ``eval`` requests (rules that call a consent manager's API) are answered by
evaluating the code in the page's own world of that frame. Opt-in and opt-out are sent only
when the scanner asks, after it photographed the banner; the rule's self-test is run where
the rule offers one. Prehiding and cosmetic rules are off: hiding a banner is not an answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError

from scanner.cmps import register
from scanner.cmps.base import Answer, Detection, Handler, Verification, Visit
from scanner.world import BINDING, World

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[2] / "node_modules" / "@duckduckgo" / "autoconsent"
CONFIG: dict[str, Any] = {
    "enabled": True,
    "autoAction": None,
    "disabledCmps": [],
    "enablePrehide": False,
    "enableCosmeticRules": False,
    "enableGeneratedRules": True,
    "enableHeuristicDetection": False,
    "detectRetries": 20,
    "isMainWorld": False,
    "prehideTimeout": 2000,
    "visualTest": False,
    "logs": {
        "lifecycle": False,
        "rulesteps": False,
        "detectionsteps": False,
        "evals": False,
        "errors": False,
        "messages": False,
        "waits": False,
    },
}
_SOURCE: str | None = None


def available() -> bool:
    return (PACKAGE / "dist" / "autoconsent.playwright.js").is_file()


def content_script() -> str:
    """The package's Playwright content script, with our world's message channel and the
    rule bundle (answered locally, without a round trip per frame)."""
    global _SOURCE
    if _SOURCE is None:
        script = (PACKAGE / "dist" / "autoconsent.playwright.js").read_text("utf-8")
        rules = (PACKAGE / "rules" / "rules.json").read_text("utf-8")
        prelude = (
            "(() => {\n"
            f"  const send = globalThis[{json.dumps(BINDING)}];\n"
            f"  const config = {json.dumps(CONFIG)};\n"
            f"  const rules = {rules};\n"
            "  globalThis.autoconsentSendMessage = (message) => {\n"
            "    if (message && message.type === 'init') {\n"
            "      Promise.resolve().then(() => globalThis.autoconsentReceiveMessage("
            "{type: 'initResp', config, rules}));\n"
            "      return Promise.resolve();\n"
            "    }\n"
            "    if (message && message.type === 'report') {\n"
            "      const state = message.state || {};\n"
            "      message = {type: 'report', lifecycle: state.lifecycle};\n"
            "    }\n"
            "    try { send(JSON.stringify({channel: 'autoconsent', message})); } catch (e) {}\n"
            "    return Promise.resolve();\n"
            "  };\n"
            "})();\n"
        )
        _SOURCE = prelude + script
    return _SOURCE


class Engine:
    """autoconsent in the frames of one tab: messages received, eval requests answered."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.lifecycle: dict[str, str] = {}
        self._changed = asyncio.Event()
        self.script: str | None = None

    async def install(self) -> None:
        self.world.listen(self._on_message)
        self.script = await self.world.add_script(content_script())

    async def uninstall(self) -> None:
        """Stop injecting the content script (once the banner is answered, the choice is kept
        by the site and later pages need not parse the rules)."""
        if self.script is not None:
            await self.world.remove_script(self.script)
            self.script = None

    def reset(self) -> None:
        """Forget the previous page's messages (called when a visit begins)."""
        self.messages.clear()
        self.lifecycle.clear()

    async def _on_message(self, frame: str, envelope: dict[str, Any]) -> None:
        if envelope.get("channel") != "autoconsent":
            return
        message = envelope.get("message") or {}
        kind = message.get("type")
        if kind == "eval":
            await self._eval(frame, message)
            return
        if kind == "report":
            self.lifecycle[frame] = str(message.get("lifecycle") or "")
        else:
            self.messages.append((frame, message))
        self._changed.set()

    async def _eval(self, frame: str, message: dict[str, Any]) -> None:
        try:
            result = await self.world.evaluate(frame, str(message.get("code")), page_world=True)
        except (LookupError, RuntimeError, PlaywrightError, TimeoutError) as exc:
            log.debug("autoconsent eval failed in %s: %s", frame, exc)
            result = False
        await self.send(frame, {"type": "evalResp", "id": message.get("id"), "result": result})

    async def send(self, frame: str, message: dict[str, Any]) -> None:
        expression = f"globalThis.autoconsentReceiveMessage({json.dumps(message)})"
        try:
            await self.world.evaluate(frame, expression, timeout=15)
        except (LookupError, RuntimeError, PlaywrightError, TimeoutError) as exc:
            log.debug("autoconsent message to %s failed: %s", frame, exc)

    def find(self, kind: str, cmp: str | None = None) -> tuple[str, dict[str, Any]] | None:
        for frame, message in self.messages:
            if message.get("type") == kind and (cmp is None or message.get("cmp") == cmp):
                return frame, message
        return None

    async def wait_for(
        self, kind: str, timeout: float, cmp: str | None = None
    ) -> tuple[str, dict[str, Any]] | None:
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(kind, cmp)
            if found or time.monotonic() >= deadline:
                return found
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                return self.find(kind, cmp)

    def settled_without_cmp(self) -> bool:
        top = self.world.top_frame
        return top is not None and self.lifecycle.get(top) == "nothingDetected"


def engine_of(visit: Visit) -> Engine | None:
    engine = visit.extras.get("autoconsent")
    return engine if isinstance(engine, Engine) else None


@register
class Autoconsent(Handler):
    """Any consent manager autoconsent has a rule for (hundreds, incl. site-specific ones)."""

    name = "autoconsent"
    priority = 10
    DETECT_WAIT = 2.5  # seconds for the popup of a detected manager
    QUICK_WAIT = 0.8  # seconds for any rule to match after the page settled
    RESULT_WAIT = 10.0

    async def detect(self) -> Detection | None:
        engine = engine_of(self.visit)
        if engine is None:
            return None
        found = engine.find("popupFound")
        began = time.monotonic()
        while found is None:
            # The page has settled: a rule that matches has usually fired by now. Wait a
            # little for one, longer for the popup of a manager already detected.
            waited = time.monotonic() - began
            if engine.settled_without_cmp() and not engine.find("cmpDetected"):
                return None
            limit = self.DETECT_WAIT if engine.find("cmpDetected") else self.QUICK_WAIT
            if waited >= limit:
                break
            found = await engine.wait_for("popupFound", 0.25)
        if found is None:
            return None
        frame, message = found
        url = message.get("url")
        return Detection(str(message.get("cmp")), frame, {"url": url}, str(url) if url else None)

    async def _run(self, found: Detection, kind: str, result: str) -> Answer:
        engine = engine_of(self.visit)
        assert engine is not None and found.frame is not None
        steps = [f"autoconsent rule {found.cmp!r}: {kind}"]
        await engine.send(found.frame, {"type": kind})
        got = await engine.wait_for(result, self.RESULT_WAIT, found.cmp)
        if got is None:
            return Answer(False, tuple(steps), error=f"no {result} from autoconsent")
        _frame, message = got
        steps.append(f"{result}: {message.get('result')}")
        if not message.get("result"):
            return Answer(False, tuple(steps), error=f"the rule's {kind} failed")
        done = await engine.wait_for("autoconsentDone", 3.0, found.cmp)
        if done is not None and done[1].get("isCosmetic"):
            return Answer(False, tuple(steps), error="a cosmetic rule only hides the banner")
        if message.get("scheduleSelfTest"):
            await engine.send(found.frame, {"type": "selfTest"})
            test = await engine.wait_for("selfTestResult", 5.0, found.cmp)
            outcome = test[1].get("result") if test else None
            steps.append(f"self-test: {outcome}")
            self.visit.extras["autoconsent_selftest"] = outcome
        return Answer(True, tuple(steps))

    async def accept(self, found: Detection) -> Answer:
        return await self._run(found, "optIn", "optInResult")

    async def reject(self, found: Detection) -> Answer:
        return await self._run(found, "optOut", "optOutResult")

    async def verify(self, found: Detection, answer: Answer) -> Verification:
        selftest = self.visit.extras.get("autoconsent_selftest")
        if selftest is False:
            return Verification(False, "the rule's self-test failed")
        if selftest is True:
            return Verification(True, "the rule's self-test passed")
        return Verification(True, "autoconsent reported success")
