"""The scanner's own JavaScript world in every frame, out of the page's reach.

Chromium runs our scripts in an *isolated world* (CDP ``Page.addScriptToEvaluateOnNewDocument``
with a world name): it shares the page's DOM but not its JavaScript, so a page can neither
call our functions nor replace the built-ins they use. Its messages reach the scanner through
a CDP binding exposed only to that world (``Runtime.addBinding`` with
``executionContextName``), as ``Runtime.bindingCalled`` events: the page has no channel to
them. The contexts of every frame are tracked so that the scanner can evaluate code in our
world of a frame, or in the page's own world when a consent manager's API must be called.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger(__name__)
WORLD = "cookiegov"
BINDING = "__cookiegovWorld"
Listener = Callable[[str, dict[str, Any]], Awaitable[None] | None]


class World:
    """Our isolated world in the frames of one page (one CDP session)."""

    def __init__(self, cdp: CDPSession) -> None:
        self.cdp = cdp
        self.token = secrets.token_hex(8)  # marks our elements; unknown to the page
        self.isolated: dict[str, int] = {}  # frameId -> our context
        self.main: dict[str, int] = {}  # frameId -> the page's context
        self.top_frame: str | None = None
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Future[None]] = set()

    async def install(self) -> None:
        self.cdp.on("Runtime.executionContextCreated", self._created)
        self.cdp.on("Runtime.executionContextDestroyed", self._destroyed)
        self.cdp.on("Runtime.executionContextsCleared", self._cleared)
        self.cdp.on("Runtime.bindingCalled", self._called)
        await self.cdp.send("Runtime.addBinding", {"name": BINDING, "executionContextName": WORLD})
        await self.cdp.send("Page.enable")
        await self.cdp.send("Runtime.enable")
        tree = await self.cdp.send("Page.getFrameTree")
        self.top_frame = tree["frameTree"]["frame"]["id"]
        await self.add_script("void 0;")  # our world exists in every frame, scripts or not

    async def add_script(self, source: str) -> str:
        """Run ``source`` in our world of every frame, before the page's own scripts."""
        added = await self.cdp.send(
            "Page.addScriptToEvaluateOnNewDocument", {"source": source, "worldName": WORLD}
        )
        return str(added["identifier"])

    async def remove_script(self, identifier: str) -> None:
        with contextlib.suppress(PlaywrightError):
            await self.cdp.send(
                "Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier}
            )

    def listen(self, listener: Listener) -> None:
        """``listener(frame_id, message)`` for every message our scripts send."""
        self._listeners.append(listener)

    # -- contexts --------------------------------------------------------------------
    def _created(self, event: dict[str, Any]) -> None:
        ctx = event["context"]
        aux = ctx.get("auxData") or {}
        frame = aux.get("frameId")
        if not frame:
            return
        if aux.get("isDefault"):
            self.main[frame] = ctx["id"]
        elif ctx.get("name") == WORLD:
            self.isolated[frame] = ctx["id"]

    def _destroyed(self, event: dict[str, Any]) -> None:
        gone = event.get("executionContextId")
        for table in (self.main, self.isolated):
            for frame, ctx in list(table.items()):
                if ctx == gone:
                    del table[frame]

    def _cleared(self, _event: dict[str, Any]) -> None:
        self.main.clear()
        self.isolated.clear()

    def _called(self, event: dict[str, Any]) -> None:
        if event.get("name") != BINDING:
            return
        ctx = event.get("executionContextId")
        frame = next((f for f, c in self.isolated.items() if c == ctx), None)
        if frame is None:  # not our world: nothing the page says is taken
            return
        try:
            message = json.loads(event.get("payload") or "")
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        for listener in self._listeners:
            result = listener(frame, message)
            if asyncio.iscoroutine(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    # -- evaluation ------------------------------------------------------------------
    async def evaluate(
        self, frame: str, expression: str, *, page_world: bool = False, timeout: float = 5
    ) -> Any:
        """Evaluate ``expression`` in our world of ``frame`` (or the page's own world)."""
        ctx = (self.main if page_world else self.isolated).get(frame)
        if ctx is None:
            raise LookupError(f"no context for frame {frame}")
        answer = await asyncio.wait_for(
            self.cdp.send(
                "Runtime.evaluate",
                {
                    "expression": expression,
                    "contextId": ctx,
                    "returnByValue": True,
                    "awaitPromise": True,
                },
            ),
            timeout,
        )
        if answer.get("exceptionDetails"):
            details = answer["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text")
            raise RuntimeError(str(text)[:300])
        return (answer.get("result") or {}).get("value")

    async def evaluate_all(self, expression: str, timeout: float = 5) -> dict[str, Any]:
        """Evaluate in our world of every frame; frames that fail are left out."""
        frames = list(self.isolated)

        async def one(frame: str) -> Any:
            try:
                return await self.evaluate(frame, expression, timeout=timeout)
            except (LookupError, RuntimeError, PlaywrightError, TimeoutError):
                return None

        values = await asyncio.gather(*(one(f) for f in frames))
        return {f: v for f, v in zip(frames, values, strict=True) if v is not None}
