"""The rule registry: every compliance rule is a function registered with :func:`rule`.

A rule takes the scans of one site by consent state and a :class:`CheckContext` and yields
:class:`Finding` objects. Rules run in the order their modules register them
(``cookiegov.compliance.rules``); docs/governance.md lists every registered id (a test checks).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cookiegov.models import ConsentState, ScanResult

if TYPE_CHECKING:
    from cookiegov.compliance.context import CheckContext
    from cookiegov.compliance.findings import Finding


class Severity(enum.StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"


Scans = Mapping[ConsentState, ScanResult]
RuleFn = Callable[[Scans, "CheckContext"], Iterable["Finding"]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    basis: str
    check: RuleFn | None = None


#: Every registered rule by id, in registration order.
RULES: dict[str, Rule] = {}


def rule(id: str, severity: str, title: str, basis: str) -> Callable[[RuleFn], RuleFn]:
    """Register the decorated function as the compliance rule ``id``."""

    def register(fn: RuleFn) -> RuleFn:
        if id in RULES:
            raise ValueError(f"compliance rule {id!r} is registered twice")
        RULES[id] = Rule(id, Severity(severity), title, basis, fn)
        return fn

    return register
