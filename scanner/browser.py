"""Finding, preparing and launching Chromium.

The browser is started by us (not by Playwright) so that its profile's preferences can be
written before launch: ``cookie_controls_mode`` 0 behaves like a default desktop Chrome that
keeps third-party cookies, 1 (``strict``) blocks them. Playwright then connects over CDP and
opens one isolated context per worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from playwright.async_api import Browser, Playwright

from cookiegov.errors import BrowserError
from cookiegov.settings import Settings
from scanner import identity

log = logging.getLogger(__name__)

USER_AGENT = identity.user_agent(identity.FALLBACK_VERSION)
VIEWPORT = {"width": 1366, "height": 768}
BASE_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--remote-debugging-port=0",
    # Keep cross-site frames in the page's process so one CDP session sees their traffic.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process,Translate,MediaRouter",
    *identity.LAUNCH_ARGS,
]


@lru_cache(maxsize=8)
def chromium_version(executable: str) -> str:
    """``156.0.8078.108`` from ``chromium --version`` (the fallback when it cannot tell)."""
    try:
        out = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return identity.FALLBACK_VERSION
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return match.group(1) if match else identity.FALLBACK_VERSION


def find_chromium(configured: str = "") -> str | None:
    """``$COOKIEGOV_CHROMIUM`` / the setting, then /usr/bin/chromium, then Playwright's own."""
    for candidate in (configured, os.environ.get("COOKIEGOV_CHROMIUM", "")):
        if candidate:
            if Path(candidate).is_file() and os.access(candidate, os.X_OK):
                return candidate
            raise BrowserError(f"the configured Chromium {candidate!r} is not an executable file")
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).is_file():
            return name
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return _playwright_chromium()


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if path and Path(path).is_file() else None
    except Exception:
        return None


def ensure_chromium() -> str:
    """Find a Chromium or install one (apt as root, else ``playwright install chromium``)."""
    found = find_chromium()
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log.warning("no Chromium found; installing Debian's chromium with apt-get")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False)
    else:
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    found = find_chromium()
    if not found:
        raise BrowserError(
            "no Chromium found and none could be installed; set COOKIEGOV_CHROMIUM to one"
        )
    return found


def write_profile(directory: Path, profile: str) -> None:
    """Write the profile preferences before launch (see module docstring)."""
    default = directory / "Default"
    default.mkdir(parents=True, exist_ok=True)
    mode = 1 if profile == "strict" else 0
    prefs = {"profile": {"cookie_controls_mode": mode}, "intl": {"accept_languages": "en-US,en"}}
    (default / "Preferences").write_text(json.dumps(prefs))


class ChromiumProcess:
    """A Chromium we started, and Playwright's CDP connection to it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executable = find_chromium(settings.chromium)
        if not self.executable:
            raise BrowserError(
                "no Chromium found: install Debian's chromium, or set COOKIEGOV_CHROMIUM"
            )
        self._dir = tempfile.TemporaryDirectory(prefix="cookiegov-profile-")
        self.process: asyncio.subprocess.Process | None = None
        self.browser: Browser | None = None
        self.version = chromium_version(self.executable)
        self.user_agent = identity.user_agent(self.version)

    async def start(self, playwright: Playwright) -> Browser:
        profile = Path(self._dir.name)
        write_profile(profile, self.settings.browser_profile)
        args = [
            self.executable or "chromium",
            *BASE_ARGS,
            f"--user-data-dir={profile}",
            f"--user-agent={self.user_agent}",
            *(["--ignore-certificate-errors"] if self.settings.ignore_https_errors else []),
            *self.settings.browser_args,
            "about:blank",
        ]
        self.process = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        endpoint = await self._devtools_endpoint()
        self.browser = await playwright.chromium.connect_over_cdp(endpoint)
        return self.browser

    async def _devtools_endpoint(self) -> str:
        assert self.process and self.process.stderr
        seen: list[str] = []
        try:
            async with asyncio.timeout(30):
                while True:
                    raw = await self.process.stderr.readline()
                    if not raw:
                        break
                    line = raw.decode(errors="replace")
                    seen.append(line.strip())
                    match = re.search(r"DevTools listening on (ws://\S+)", line)
                    if match:
                        asyncio.get_running_loop().create_task(self._drain())
                        return match.group(1)
        except TimeoutError:
            pass
        await self.stop()
        tail = " | ".join(seen[-3:])
        raise BrowserError(f"Chromium ({self.executable}) did not start: {tail or 'no output'}")

    async def _drain(self) -> None:
        assert self.process and self.process.stderr
        while await self.process.stderr.readline():
            pass

    async def stop(self) -> None:
        if self.browser is not None:
            with contextlib.suppress(Exception):
                await self.browser.close()
            self.browser = None
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self.process = None
        self._dir.cleanup()


def main() -> None:
    """``python -m scanner.browser``: print the Chromium in use, installing one if needed."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        print(ensure_chromium())
    except BrowserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from exc


if __name__ == "__main__":
    main()
