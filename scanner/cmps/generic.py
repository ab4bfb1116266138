"""Any banner, by what its buttons mean (see :mod:`scanner.cmps.vocabulary`).

The finder runs in the scanner's isolated world of every frame, including open shadow roots,
and scores each button by how much its surroundings look like a consent banner. Refusing
prefers a first-layer refusal; without one it opens the settings, switches every optional
purpose off (or takes the settings' own refusal) and saves. The answer is verified by the
banner's buttons having gone.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from importlib import resources

from playwright.async_api import Error as PlaywrightError

from scanner.cmps import register
from scanner.cmps.base import Answer, Detection, Handler, Verification, Visit
from scanner.cmps.vocabulary import Meaning, meaning

log = logging.getLogger(__name__)
FIND_JS = resources.files("scanner").joinpath("find_banner.js").read_text("utf-8")
MIN_CONTEXT = 1  # a button outside anything banner-like is not a consent button
_calls = itertools.count()


@dataclass(frozen=True)
class Candidate:
    frame: str
    attr: str
    id: str
    label: str
    meaning: Meaning | None
    strength: int
    context: int

    @property
    def rank(self) -> tuple[int, int]:
        return (self.context, self.strength)


@register
class Generic(Handler):
    name = "generic"
    priority = 90
    LAYER_WAIT = 0.8

    def __init__(self, visit: Visit) -> None:
        super().__init__(visit)
        self.frame_urls: dict[str, str] = {}  # CDP frame id -> URL, from the last find

    async def find(self) -> tuple[list[Candidate], list[Candidate]]:
        """(buttons, switched-on toggles) of every frame, marked for clicking."""
        world = self.visit.world
        attr = f"data-cg-{world.token}-{next(_calls)}"
        found = await world.evaluate_all(f"({FIND_JS})({attr!r})")
        buttons: list[Candidate] = []
        toggles: list[Candidate] = []
        self.frame_urls = {}
        for frame, result in found.items():
            if not isinstance(result, dict):
                continue
            self.frame_urls[frame] = str(result.get("url") or "")
            for b in result.get("buttons") or []:
                m = meaning(str(b.get("label")))
                buttons.append(
                    Candidate(
                        frame,
                        attr,
                        str(b["id"]),
                        str(b["label"]),
                        m[0] if m else None,
                        m[1] if m else 0,
                        int(b.get("context") or 0),
                    )
                )
            for t in result.get("toggles") or []:
                toggles.append(
                    Candidate(
                        frame, attr, str(t["id"]), str(t["label"]), None, 0, int(t["context"] or 0)
                    )
                )
        return buttons, toggles

    @staticmethod
    def best(buttons: list[Candidate], kind: Meaning) -> Candidate | None:
        chosen = [b for b in buttons if b.meaning == kind and b.context >= MIN_CONTEXT]
        return max(chosen, key=lambda b: b.rank) if chosen else None

    async def detect(self) -> Detection | None:
        buttons, _ = await self.find()
        banner = [
            b
            for b in buttons
            if b.meaning in (Meaning.ACCEPT, Meaning.REJECT) and b.context >= MIN_CONTEXT
        ]
        if not banner:
            return None
        top = max(banner, key=lambda b: b.rank)
        labels = sorted({b.label for b in banner if b.frame == top.frame})
        return Detection("unknown", top.frame, {"labels": labels}, self.frame_urls.get(top.frame))

    async def click(self, candidate: Candidate) -> bool:
        selector = f"[{candidate.attr}='{candidate.id}']"
        for frame in self.visit.page.frames:
            try:
                target = frame.locator(selector).first
                if await target.count():
                    await target.click(timeout=3000)
                    return True
            except PlaywrightError as exc:
                log.debug("click on %r failed: %s", candidate.label, exc)
        return False

    async def accept(self, found: Detection) -> Answer:
        return await self._answer(Meaning.ACCEPT)

    async def reject(self, found: Detection) -> Answer:
        return await self._answer(Meaning.REJECT)

    async def _answer(self, kind: Meaning) -> Answer:
        steps: list[str] = []
        clicked: list[str] = []
        buttons, _ = await self.find()
        first = self.best(buttons, kind)
        if first is not None:
            if await self.click(first):
                return Answer(True, (f"clicked {first.label!r}",), (first.label,))
            return Answer(False, (f"could not click {first.label!r}",), error="click failed")
        # Second layer: open the settings (unless they are open already, e.g. left open by a
        # handler before us), then refuse there or switch everything off and save.
        settings = self.best(buttons, Meaning.SETTINGS)
        if self.best(buttons, Meaning.SAVE) is None:
            if settings is None:
                return Answer(False, error=f"no {kind.value} button and no settings")
            if not await self.click(settings):
                return Answer(False, error=f"could not open {settings.label!r}")
            clicked.append(settings.label)
            steps.append(f"opened settings {settings.label!r}")
            await asyncio.sleep(self.LAYER_WAIT)
        else:
            steps.append("opened settings: they were already open")
        buttons, toggles = await self.find()
        second = self.best(buttons, kind)
        if second is not None and await self.click(second):
            steps.append(f"clicked {second.label!r}")
            clicked.append(second.label)
            return Answer(True, tuple(steps), tuple(clicked))
        if kind is Meaning.ACCEPT:
            return Answer(False, tuple(steps), tuple(clicked), error="no accept in the settings")
        for toggle in toggles:
            if toggle.context >= MIN_CONTEXT and await self.click(toggle):
                steps.append(f"switched off {toggle.label or 'a purpose'!r}")
        save = self.best(buttons, Meaning.SAVE)
        if save is None or not await self.click(save):
            return Answer(False, tuple(steps), tuple(clicked), error="no save in the settings")
        steps.append(f"saved with {save.label!r}")
        clicked.append(save.label)
        return Answer(True, tuple(steps), tuple(clicked))

    async def verify(self, found: Detection, answer: Answer) -> Verification:
        """The banner's accept and refuse buttons are gone (waiting out a closing animation)."""
        labels = set(found.details.get("labels") or [])
        for _ in range(8):
            await asyncio.sleep(0.25)
            buttons, _ = await self.find()
            still = [
                b
                for b in buttons
                if b.label in labels
                and b.meaning in (Meaning.ACCEPT, Meaning.REJECT)
                and b.context >= MIN_CONTEXT
            ]
            if not still:
                return Verification(True, "the banner closed")
        return Verification(False, "the banner is still shown")
