"""Consent-manager handlers, one module each, assembled from this registry by priority.

Adding a handler touches one file: subclass :class:`~scanner.cmps.base.Handler` in a module of
this package, decorate it with :func:`register`, and list the module in ``_MODULES``.
"""

from __future__ import annotations

import importlib

from scanner.cmps.base import Answer, Detection, Handler, Verification, Visit

REGISTRY: dict[str, type[Handler]] = {}
_MODULES = ("autoconsent", "cookiegov", "generic")


def register(cls: type[Handler]) -> type[Handler]:
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} has no name")
    REGISTRY[cls.name] = cls
    return cls


def handlers(disabled: tuple[str, ...] = ()) -> list[type[Handler]]:
    """The registered handlers, lowest priority number first."""
    for module in _MODULES:
        importlib.import_module(f"scanner.cmps.{module}")
    chosen = [h for h in REGISTRY.values() if h.name not in disabled]
    return sorted(chosen, key=lambda h: (h.priority, h.name))


__all__ = ["Answer", "Detection", "Handler", "Verification", "Visit", "handlers", "register"]
