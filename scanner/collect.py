"""Collecting cookies, storage keys and third-party requests from one page visit.

Sources, merged per (name, domain, path) by :class:`Inventory`:
- HTTP ``Set-Cookie`` lines from CDP ``Network.responseReceivedExtraInfo``, blocked ones too;
- script writes (``document.cookie``, ``cookieStore.set``) reported by ``hooks.js``;
- the final jar (CDP ``Network.getAllCookies``).

A page cannot forge its scan: ``hooks.js`` runs in the page's world, so what it reports is a
hint, never a fact. A reported cookie enters the inventory only when the browser's jar holds
it at the end of the visit, and a reported storage key only when our isolated world reads it
in the frame's storage; the rest is counted as unconfirmed. What one page can add is capped
(:data:`LIMITS`: new cookies, new storage keys, report size) and every cut is recorded.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from cookiegov.domains import host_of, registrable_domain
from cookiegov.models import ObservedCookie, SetVia, StorageItem, ThirdPartyRequest
from cookiegov.setcookie import CookieLine, parse_cookie_line
from cookiegov.values import entropy, value_kind

log = logging.getLogger(__name__)
LIMITS = {
    "cookies_per_page": 200,  # new cookies one page may add to the inventory
    "storage_per_page": 200,  # new storage keys one page may add
    "reports_per_page": 2000,  # script reports read per page (the rest are dropped)
    "value_bytes": 4096,  # longest cookie value kept (browsers refuse longer cookies)
    "key_chars": 512,  # longest storage key kept
}
_PIXEL = re.compile(r"(pixel|collect|track|beacon|hit|event|matomo\.php|/tr\b|/b\?|\.gif)", re.I)


@dataclass
class _Entry:
    name: str
    domain: str
    path: str
    expires: float | None = None
    lifetime: float | None = None
    http_only: bool = False
    secure: bool = False
    same_site: str | None = None
    set_via: list[SetVia] = field(default_factory=list)
    set_by: str | None = None
    pages: list[str] = field(default_factory=list)
    value: str = ""
    blocked: str | None = None
    accepted: bool = False


class Inventory:
    """Everything a scan saw, merged; safe to feed from several workers in one event loop."""

    def __init__(self, site: str) -> None:
        self.site = site
        self._cookies: dict[tuple[str, str, str], _Entry] = {}
        self._storage: dict[tuple[str, str, str], list[str]] = {}
        self.requests: list[ThirdPartyRequest] = []
        self._request_keys: set[tuple[str, str]] = set()
        self._added: dict[tuple[str, str], int] = {}  # (page, cookies|storage) -> new entries
        self.cuts: dict[str, dict[str, int]] = {}  # page -> what was left out, by reason

    def cut(self, page: str, reason: str, count: int = 1) -> None:
        into = self.cuts.setdefault(page, {})
        into[reason] = into.get(reason, 0) + count

    def _room(self, page: str, kind: str) -> bool:
        used = self._added.get((page, kind), 0)
        if used >= LIMITS[f"{kind}_per_page"]:
            self.cut(page, f"{kind} over the per-page limit")
            return False
        self._added[(page, kind)] = used + 1
        return True

    def _entry(self, name: str, domain: str, path: str, page: str) -> _Entry | None:
        key = (name, domain.lstrip(".").lower(), path or "/")
        if key not in self._cookies:
            if not self._room(page, "cookies"):
                return None
            self._cookies[key] = _Entry(*key)
        return self._cookies[key]

    def add_set(
        self, line: CookieLine, via: SetVia, setter: str | None, page: str, blocked: str | None
    ) -> None:
        if line.deletes:
            return
        e = self._entry(line.name, line.domain, line.path, page)
        if e is None:
            return
        if via not in e.set_via:
            e.set_via.append(via)
        if e.set_by is None and setter:
            e.set_by = setter
        if page not in e.pages:
            e.pages.append(page)
        if line.lifetime is not None and (e.lifetime is None or line.lifetime > e.lifetime):
            e.lifetime = line.lifetime
        e.http_only = e.http_only or line.http_only
        e.secure = e.secure or line.secure
        e.same_site = line.same_site or e.same_site
        e.value = line.value[: LIMITS["value_bytes"]]
        if blocked:
            e.blocked = e.blocked or blocked
        else:
            e.accepted = True

    def add_jar(self, jar: list[dict[str, Any]], page: str) -> None:
        for c in jar:
            e = self._entry(c["name"], c["domain"], c.get("path", "/"), page)
            if e is None:
                continue
            e.accepted = True
            if not e.set_via:
                e.set_via.append(SetVia.JAR)
            if not e.pages:
                e.pages.append(page)
            expires = c.get("expires")
            e.expires = None if c.get("session") or not expires or expires < 0 else expires
            e.http_only = bool(c.get("httpOnly"))
            e.secure = bool(c.get("secure"))
            e.same_site = c.get("sameSite") or e.same_site
            e.value = e.value or str(c.get("value", ""))[: LIMITS["value_bytes"]]

    def add_storage(self, kind: str, origin: str, key: str, page: str) -> None:
        entry = (kind, origin, key[: LIMITS["key_chars"]])
        if entry not in self._storage and not self._room(page, "storage"):
            return
        pages = self._storage.setdefault(entry, [])
        if page not in pages:
            pages.append(page)

    def add_request(self, request: ThirdPartyRequest) -> None:
        key = (request.url.split("?")[0], request.page)
        if key not in self._request_keys:
            self._request_keys.add(key)
            self.requests.append(request)

    def cookies(self) -> list[ObservedCookie]:
        out = []
        for e in self._cookies.values():
            out.append(
                ObservedCookie(
                    name=e.name,
                    domain=e.domain,
                    path=e.path,
                    expires=e.expires,
                    lifetime=e.lifetime,
                    http_only=e.http_only,
                    secure=e.secure,
                    same_site=e.same_site,
                    third_party=registrable_domain(e.domain) != self.site,
                    set_via=tuple(e.set_via),
                    set_by=e.set_by,
                    pages=tuple(e.pages),
                    value_length=len(e.value),
                    value_kind=value_kind(e.value),
                    value_entropy=entropy(e.value),
                    blocked_reason=None if e.accepted else e.blocked,
                )
            )
        return sorted(out, key=lambda c: (c.third_party, c.domain, c.name))

    def storage(self) -> list[StorageItem]:
        return [
            StorageItem(kind, origin, key, tuple(pages), registrable_domain(origin) != self.site)
            for (kind, origin, key), pages in sorted(self._storage.items())
        ]


class PageCollector:
    """CDP and hook events of one page visit, fed into the shared :class:`Inventory`."""

    def __init__(self, inventory: Inventory, page_url: str) -> None:
        self.inventory = inventory
        self.page_url = page_url
        self._urls: dict[str, str] = {}
        self.inflight: set[str] = set()
        self.writes = 0
        self.reports = 0
        # Script reports wait for the browser to confirm them (see the module docstring).
        self.pending_cookies: list[tuple[CookieLine, str]] = []
        self.pending_storage: list[tuple[str, str, str]] = []

    # CDP -----------------------------------------------------------------------------
    def on_request(self, event: dict[str, Any]) -> None:
        rid, url = event["requestId"], event["request"]["url"]
        self._urls[rid] = url
        self.inflight.add(rid)
        if not url.startswith("http") or registrable_domain(url) == self.inventory.site:
            return
        rtype = str(event.get("type") or "Other").lower()
        initiator = event.get("initiator") or {}
        source = initiator.get("url")
        if not source:
            frames = (initiator.get("stack") or {}).get("callFrames") or []
            source = next((f["url"] for f in frames if f.get("url")), None)
        beacon = rtype == "ping" or (
            rtype in ("image", "fetch", "xhr") and bool(_PIXEL.search(url))
        )
        self.inventory.add_request(
            ThirdPartyRequest(host_of(url), url[:2000], rtype, source, self.page_url, beacon)
        )

    def on_done(self, event: dict[str, Any]) -> None:
        self.inflight.discard(event["requestId"])

    def on_extra_info(self, event: dict[str, Any]) -> None:
        url = self._urls.get(event["requestId"], self.page_url)
        headers = event.get("headers") or {}
        raw = [v for k, v in headers.items() if k.lower() == "set-cookie"]
        lines = [line for value in raw for line in str(value).split("\n") if line.strip()]
        blocked: dict[str, str] = {}
        for b in event.get("blockedCookies") or []:
            reasons = ",".join(b.get("blockedReasons") or []) or "blocked"
            blocked[b.get("cookieLine", "")] = reasons
        for line in dict.fromkeys(lines + list(blocked)):
            if not line:
                continue
            parsed = parse_cookie_line(line, url)
            if parsed:
                self.writes += 1
                self.inventory.add_set(parsed, SetVia.HEADER, url, self.page_url, blocked.get(line))

    # hooks.js ------------------------------------------------------------------------
    def on_hook(self, payload: str) -> None:
        """A batch of reports from ``hooks.js`` (a JSON list), kept until confirmed."""
        try:
            batch = json.loads(payload[:4_000_000])
        except (TypeError, ValueError):
            return
        for message in batch if isinstance(batch, list) else [batch]:
            if not isinstance(message, dict):
                continue
            if message.get("kind") == "overflow":
                self.inventory.cut(self.page_url, "script reports over the per-page limit")
                continue
            self.reports += 1
            if self.reports > LIMITS["reports_per_page"]:
                self.inventory.cut(self.page_url, "script reports over the per-page limit")
                continue
            self._report(message)

    def _report(self, message: dict[str, Any]) -> None:
        frame = str(message.get("frame") or self.page_url)
        caller = message.get("caller")
        setter = caller if isinstance(caller, str) and caller.startswith("http") else frame
        self.writes += 1
        if message.get("kind") == "cookie":
            parsed = parse_cookie_line(str(message.get("data", ""))[:8192], frame)
            if parsed and not parsed.deletes:
                self.pending_cookies.append((parsed, setter[:2000]))
        elif message.get("kind") == "storage":
            data = message.get("data") or {}
            if isinstance(data, dict):
                key = str(data.get("key"))[: LIMITS["key_chars"]]
                self.pending_storage.append((str(data.get("area")), _origin(frame), key))

    def confirm(self, jar: list[dict[str, Any]], stored: set[tuple[str, str, str]]) -> None:
        """Admit the script reports the browser confirms: cookies its jar holds, keys its
        storage holds (``stored``: (area, origin, key) read by the scanner's own world)."""
        held = {(c["name"], str(c["domain"]).lstrip(".").lower()) for c in jar}
        unconfirmed = 0
        for line, setter in self.pending_cookies:
            if (line.name, line.domain.lstrip(".").lower()) in held:
                self.inventory.add_set(line, SetVia.SCRIPT, setter, self.page_url, None)
            else:
                unconfirmed += 1
        for area, origin, key in self.pending_storage:
            if (area, origin, key) in stored:
                self.inventory.add_storage(area, origin, key, self.page_url)
            else:
                unconfirmed += 1
        if unconfirmed:
            self.inventory.cut(self.page_url, "unconfirmed script reports", unconfirmed)
        self.pending_cookies.clear()
        self.pending_storage.clear()


def _origin(url: str) -> str:
    match = re.match(r"^(https?://[^/?#]+)", url)
    return match.group(1) if match else url


STORAGE_JS = """async () => {
  const out = [];
  for (const area of ["localStorage", "sessionStorage"]) {
    try { const s = window[area]; for (let i = 0; i < s.length; i++) out.push([area, s.key(i)]); }
    catch (e) {}
  }
  try {
    if (indexedDB.databases) {
      for (const db of await indexedDB.databases()) out.push(["indexedDB", db.name]);
    }
  } catch (e) {}
  return { origin: location.origin, items: out };
}"""
