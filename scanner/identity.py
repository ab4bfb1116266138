"""The browser a site sees: a desktop Chrome as a person runs it, not an automated one.

Consent managers hide their banner from bots (vanilla-cookieconsent tests
``navigator.webdriver`` and the user agent by default), so a scanner that looks automated
never sees the banner it must answer. What a page can read is made consistent with a
desktop Chrome on Linux of the version really running:

- ``navigator.webdriver`` is false (``--disable-blink-features=AutomationControlled``);
- user agent and client hints (``navigator.userAgentData``, ``Sec-CH-UA``) name Google Chrome,
  never "HeadlessChrome" (CDP ``Emulation.setUserAgentOverride`` with its metadata);
- languages ``en-US, en``; a 1920x1080 screen larger than the window; the PDF plugins
  (present in this Chromium); a WebGL vendor of a real GPU instead of SwiftShader.
"""

from __future__ import annotations

import re
from typing import Any

LAUNCH_ARGS = ["--disable-blink-features=AutomationControlled"]
SCREEN = {"width": 1920, "height": 1080}
ACCEPT_LANGUAGE = "en-US,en"
FALLBACK_VERSION = "131.0.0.0"


def major(version: str) -> str:
    match = re.match(r"(\d+)", version or "")
    return match.group(1) if match else FALLBACK_VERSION.split(".")[0]


def user_agent(version: str) -> str:
    """The reduced user agent of desktop Chrome ``version`` on Linux."""
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major(version)}.0.0.0 Safari/537.36"
    )


def ua_override(version: str) -> dict[str, Any]:
    """Parameters of ``Emulation.setUserAgentOverride``: UA, languages and client hints."""
    full = version if re.match(r"^\d+\.\d+\.\d+\.\d+$", version or "") else FALLBACK_VERSION
    m = major(version)
    brands = [("Not)A;Brand", "8"), ("Chromium", m), ("Google Chrome", m)]
    full_brands = [("Not)A;Brand", "8.0.0.0"), ("Chromium", full), ("Google Chrome", full)]
    return {
        "userAgent": user_agent(version),
        "acceptLanguage": ACCEPT_LANGUAGE,
        "platform": "Linux x86_64",
        "userAgentMetadata": {
            "brands": [{"brand": b, "version": v} for b, v in brands],
            "fullVersionList": [{"brand": b, "version": v} for b, v in full_brands],
            "fullVersion": full,
            "platform": "Linux",
            "platformVersion": "6.5.0",
            "architecture": "x86",
            "model": "",
            "mobile": False,
            "bitness": "64",
            "wow64": False,
        },
    }


# Runs in every frame before the page's scripts: a real GPU's WebGL vendor and renderer in
# place of SwiftShader's (a software renderer is a common bot signal), with the patched
# functions reporting themselves as native code.
IDENTITY_JS = r"""
(() => {
  const VENDOR = "Google Inc. (Intel)";
  const RENDERER = "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)";
  const patched = new WeakMap();
  const toString = Function.prototype.toString;
  const fakeToString = function () {
    return patched.has(this) ? patched.get(this) : toString.call(this);
  };
  patched.set(fakeToString, toString.call(toString));
  Function.prototype.toString = fakeToString;
  for (const proto of [self.WebGLRenderingContext, self.WebGL2RenderingContext]) {
    if (!proto) continue;
    const original = proto.prototype.getParameter;
    const getParameter = function (name) {
      if (name === 37445) return VENDOR;
      if (name === 37446) return RENDERER;
      return original.apply(this, arguments);
    };
    patched.set(getParameter, toString.call(original));
    proto.prototype.getParameter = getParameter;
  }
})();
"""
