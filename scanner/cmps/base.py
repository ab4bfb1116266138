"""What every consent-manager handler is: detect, accept, reject, verify.

A handler is a small class registered with :func:`scanner.cmps.register` and a priority;
:mod:`scanner.consent` asks them in order and keeps the first one that finds a banner. Each
works on a :class:`Visit`: the page, its CDP session and the scanner's isolated world.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from playwright.async_api import CDPSession, Page

from scanner.world import World


@dataclass
class Visit:
    """The page being answered and the channels the handlers use."""

    page: Page
    cdp: CDPSession
    world: World
    state: str  # accept | reject
    extras: dict[str, Any] = field(default_factory=dict)  # per-tab helpers (autoconsent)


@dataclass(frozen=True)
class Detection:
    """A consent manager found on the page."""

    cmp: str  # the consent manager's name, as the handler knows it
    frame: str | None = None  # CDP frame id of the banner, when known
    details: dict[str, Any] = field(default_factory=dict)
    frame_url: str | None = None  # URL of the frame the banner is in


@dataclass(frozen=True)
class Answer:
    """What a handler did: its steps and the labels it clicked, in order."""

    done: bool
    steps: tuple[str, ...] = ()
    clicked: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Verification:
    verified: bool
    reason: str


class Handler:
    """Base class: subclasses set ``name`` and ``priority`` and implement the four steps."""

    name: ClassVar[str] = ""
    priority: ClassVar[int] = 100  # lower runs first

    def __init__(self, visit: Visit) -> None:
        self.visit = visit

    async def detect(self) -> Detection | None:
        raise NotImplementedError

    async def accept(self, found: Detection) -> Answer:
        raise NotImplementedError

    async def reject(self, found: Detection) -> Answer:
        raise NotImplementedError

    async def verify(self, found: Detection, answer: Answer) -> Verification:
        raise NotImplementedError

    async def answer(self, found: Detection) -> Answer:
        if self.visit.state == "accept":
            return await self.accept(found)
        return await self.reject(found)
