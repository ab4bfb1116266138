"""Scanning workflows: scan, classify, store; several consent states; scheduled scans."""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from cookiegov.classification.managers import MANAGER_NAMES, manager_in_inventory, manager_key
from cookiegov.classify import Classifier
from cookiegov.domains import registrable_domain
from cookiegov.errors import InputError, ScanError
from cookiegov.kb_sources import classifier_for
from cookiegov.models import COMPARE_ORDER, ConsentState, PageResult, ScanResult
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.scans import load_scan, save_scan
from scanner.scan import check_url, scan_site

SITE_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
Progress = Callable[[PageResult, int, int], None]
ScanFunction = Callable[[str, Settings], ScanResult]


def check_budgets(settings: Settings) -> None:
    """Refuse page budgets that would make a scan look clean without visiting a page, and
    page timeouts in which no page can load."""
    if settings.max_pages < 1:
        raise InputError(f"max_pages must be at least 1 (got {settings.max_pages})")
    if settings.concurrency < 1:
        raise InputError(f"concurrency must be at least 1 (got {settings.concurrency})")
    if not (math.isfinite(settings.page_timeout) and settings.page_timeout > 0):
        raise InputError(
            f"page_timeout (--page-timeout) must be a positive number of seconds"
            f" (got {settings.page_timeout})"
        )


def classify_result(result: ScanResult, classifier: Classifier) -> ScanResult:
    """The scanner's inventory with every cookie classified for the scanned site."""
    answers = classifier.classify_many(result.cookies, result.site, consent_manager(result))
    cookies = [c.with_classification(a) for c, a in zip(result.cookies, answers, strict=True)]
    return dataclasses.replace(result, cookies=cookies)


def consent_manager(result: ScanResult) -> str | None:
    """The consent manager the scan met on the site: as its consent handler named it, else
    as its requests or its consent cookie show it; None when not known."""
    named = next(
        (str(e["cmp"]) for e in result.evidence if manager_key(str(e.get("cmp") or ""))
         in MANAGER_NAMES),
        None,
    )  # fmt: skip
    return named or manager_in_inventory(
        (r.host for r in result.requests), (c.name for c in result.cookies)
    )


def scan(
    url: str,
    settings: Settings,
    db: Database | None = None,
    *,
    store: bool = True,
    progress: Progress | None = None,
    classifier: Classifier | None = None,
    site: str | None = None,
) -> ScanResult:
    """Scan ``url`` in ``settings.consent``, classify it with the site's full classifier and,
    unless ``store`` is false or ``db`` is None, store it (the result then has its id).

    ``site`` files the result under that site instead of the URL's registrable domain: a
    scan of ``http://127.0.0.1:8080/`` (a local copy) is the site the user means."""
    check_url(url)
    check_budgets(settings)
    site = site_of(url, site)
    classifier = classifier or classifier_for(settings, db, site)
    result = classify_result(scan_site(url, settings, progress=progress), classifier)
    if result.site != site:
        result = dataclasses.replace(result, site=site)
    if store and db is not None:
        result = save_scan(db, result)
    return result


def site_of(url: str, site: str | None = None) -> str:
    """The site a scan of ``url`` is filed under: ``site`` if given (checked), else the URL's
    registrable domain."""
    if site is None:
        return registrable_domain(url)
    site = site.strip().lower()
    if not SITE_NAME.match(site):
        raise InputError(f"--site must be a host name such as example.com, not {site!r}")
    return site


def scan_states(
    url: str,
    settings: Settings,
    db: Database | None = None,
    *,
    store: bool = True,
    states: Iterable[ConsentState] = COMPARE_ORDER,
    on_state: Callable[[ConsentState], Any] | None = None,
    progress: Callable[[ConsentState], Progress | None] | None = None,
    site: str | None = None,
) -> dict[ConsentState, ScanResult]:
    """One clean-profile scan per consent state (none, reject, gpc, accept by default).

    ``on_state`` is called before each state's scan and may return a context manager (a
    progress line, for instance) that is held while that state is scanned; ``progress(state)``
    may return the page callback of that state's scan.
    """
    check_url(url)
    check_budgets(settings)
    site = site_of(url, site)
    classifier = classifier_for(settings, db, site)
    results: dict[ConsentState, ScanResult] = {}
    for state in states:
        state_settings = settings.replace(consent=str(state))
        holder = on_state(state) if on_state else None
        pages = progress(state) if progress else None
        run = functools.partial(
            scan, url, state_settings, db, store=store, classifier=classifier, site=site
        )
        if holder is not None and hasattr(holder, "__enter__"):
            with holder:
                results[state] = run(progress=pages)
        else:
            results[state] = run(progress=pages)
    return results


def scan_function(db: Database) -> ScanFunction:
    """The scan a schedule runs: in-process, or on a Celery worker with ``queue_scans``.

    The scheduler stores what it gets back, so the in-process scan is not stored here.
    """

    def run(url: str, settings: Settings) -> ScanResult:
        if settings.queue_scans:
            from cookiegov.services.queue import enqueue

            overrides = {"consent": settings.consent, "max_pages": settings.max_pages}
            outcome = enqueue(settings, url, overrides).get(timeout=3600)
            if "error" in outcome:
                raise ScanError(outcome["error"])
            loaded = load_scan(db, outcome["scan_id"])
            if loaded is None:
                raise ScanError(f"the worker's scan {outcome['scan_id']} is not in the database")
            return loaded
        return scan(url, settings, db, store=False)

    return run
