"""A site's settings as edited in the dashboard: validation, the resolution order, what counts
as a change visitors must be asked about again, and the banner's theme and layout as CSS.

No I/O here: :mod:`cookiegov.storage.site_admin` stores what this module accepts, the banner
(``banner/site_store.py``) applies it.

Resolution order (documented in docs/settings.md): built-in defaults → the site's table in
``cookiegov.toml`` (``[sites.ID]``) or ``COOKIEGOV_*`` → what was published from the dashboard.
A key the dashboard never set keeps the file's value; texts merge per language and key.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from cookiegov.errors import InputError
from cookiegov.models import CONSENT_CATEGORIES, Category, Classification, ObservedCookie

#: The keys the dashboard edits, each with what it means for visitors' consent.
EDITABLE = (
    "name",
    "policy_url",
    "texts",
    "gpc_refuses",
    "consent_days",
    "theme",
    "layout",
)
#: Keys whose change alters what visitors agreed to: publishing one bumps the revision.
CONSENT_KEYS = ("policy_url", "texts", "gpc_refuses")
LAYOUTS = ("bar", "box", "modal")
POSITIONS = {"bar": ("bottom", "top"), "box": ("bottom-left", "bottom-right"), "modal": ("center",)}
FONTS = {
    "system": 'system-ui,-apple-system,"Segoe UI",sans-serif',
    "serif": 'Georgia,"Times New Roman",serif',
    "rounded": '"Trebuchet MS","Segoe UI",sans-serif',
    "mono": 'ui-monospace,"SFMono-Regular",Menlo,monospace',
}
THEME_DEFAULTS: dict[str, Any] = {
    "background": "#ffffff",
    "text": "#1b1f24",
    "accent": "#1f4fd1",
    "radius": 10,
    "font": "system",
}
LAYOUT_DEFAULTS = {"kind": "bar", "position": "bottom"}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CATEGORIES = {c.value for c in CONSENT_CATEGORIES}
MAX_TEXT = 2000


def check_policy_url(url: str) -> str:
    """An http(s) URL or a path on the site; anything else (``javascript:``, ``data:``) is
    refused."""
    url = url.strip()
    if re.match(r"^https?://[^\s/?#]+[^\s]*$", url, re.IGNORECASE):
        return url
    if url.startswith("/") and not url.startswith("//") and not re.search(r"\s", url):
        return url
    raise InputError("the policy link must be an http(s) URL or a path such as /privacy")


def validate(edit: dict[str, Any], languages: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The checked form of an edit (only :data:`EDITABLE` keys); :class:`InputError` names
    the first field that is wrong. ``languages`` are the built-in texts per language."""
    out: dict[str, Any] = {}
    unknown = sorted(set(edit) - set(EDITABLE))
    if unknown:
        raise InputError(f"not editable: {', '.join(unknown)}")
    if "name" in edit:
        name = str(edit["name"]).strip()
        if not name or len(name) > 120:
            raise InputError("the site name must be 1 to 120 characters")
        out["name"] = name
    if "policy_url" in edit:
        out["policy_url"] = check_policy_url(str(edit["policy_url"]))
    if "texts" in edit:
        texts: dict[str, dict[str, str]] = {}
        for lang, values in dict(edit["texts"]).items():
            if lang not in languages:
                raise InputError(f"unknown language {lang!r}")
            keys = languages[lang]
            for key, value in dict(values).items():
                if key not in keys:
                    raise InputError(f"unknown text {key!r}")
                value = str(value).strip()
                if len(value) > MAX_TEXT:
                    raise InputError(f"{lang}/{key}: at most {MAX_TEXT} characters")
                if value and value != keys[key]:  # only what differs from the default
                    texts.setdefault(lang, {})[key] = value
        out["texts"] = texts
    if "gpc_refuses" in edit:
        gpc = sorted({str(c) for c in edit["gpc_refuses"]})
        bad = [c for c in gpc if c not in _CATEGORIES]
        if bad:
            raise InputError(f"GPC can refuse only {', '.join(sorted(_CATEGORIES))}")
        out["gpc_refuses"] = gpc
    if "consent_days" in edit:
        try:
            days = int(edit["consent_days"])
        except (TypeError, ValueError):
            raise InputError("the consent period must be a whole number of days") from None
        if not 1 <= days <= 395:  # 13 months: the longest period regulators accept
            raise InputError("the consent period must be 1 to 395 days")
        out["consent_days"] = days
    if "theme" in edit:
        out["theme"] = _theme(dict(edit["theme"]))
    if "layout" in edit:
        out["layout"] = _layout(dict(edit["layout"]))
    return out


def _theme(theme: dict[str, Any]) -> dict[str, Any]:
    out = dict(THEME_DEFAULTS)
    for key in ("background", "text", "accent"):
        value = str(theme.get(key, out[key])).strip()
        if not _COLOR.match(value):
            raise InputError(f"the {key} colour must look like #1f4fd1")
        out[key] = value.lower()
    try:
        radius = int(theme.get("radius", out["radius"]))
    except (TypeError, ValueError):
        raise InputError("the corner radius must be a whole number of pixels") from None
    out["radius"] = radius
    if not 0 <= radius <= 32:
        raise InputError("the corner radius must be 0 to 32 pixels")
    font = str(theme.get("font", out["font"]))
    if font not in FONTS:
        raise InputError(f"the font must be one of {', '.join(FONTS)}")
    out["font"] = font
    return out


def _layout(layout: dict[str, Any]) -> dict[str, str]:
    kind = str(layout.get("kind", "bar"))
    if kind not in LAYOUTS:
        raise InputError(f"the layout must be one of {', '.join(LAYOUTS)}")
    position = str(layout.get("position") or POSITIONS[kind][0])
    if position not in POSITIONS[kind]:
        raise InputError(f"a {kind} can be placed {' or '.join(POSITIONS[kind])}")
    return {"kind": kind, "position": position}


def resolve(from_file: dict[str, Any], published: dict[str, Any] | None) -> dict[str, Any]:
    """A site's raw settings: the file's (``[sites.ID]``), then what the dashboard published.
    Texts merge per language and key; every other key is replaced as a whole."""
    raw = copy.deepcopy(from_file)
    for key, value in (published or {}).items():
        if key == "texts":
            texts = raw.setdefault("texts", {})
            for lang, values in value.items():
                texts[lang] = {**texts.get(lang, {}), **values}
        else:
            raw[key] = copy.deepcopy(value)
    return raw


def asks_again(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The keys of :data:`CONSENT_KEYS` that differ: what visitors agreed to changed, so the
    revision goes up and the banner asks them again."""
    return [k for k in CONSENT_KEYS if before.get(k) != after.get(k)]


def banner_css(raw: dict[str, Any]) -> str:
    """CSS appended to the banner's stylesheet for the site's theme and layout ("" when the
    site keeps the defaults). Every value was validated: colours are #rrggbb, the radius a
    number, the font one of :data:`FONTS`."""
    parts = []
    if "theme" in raw:
        t = _theme(raw["theme"])
        parts.append(
            f".cg-root{{--cg-bg:{t['background']};--cg-fg:{t['text']};"
            f"--cg-accent:{t['accent']};--cg-radius:{t['radius']}px;font-family:{FONTS[t['font']]}}}"
            f".cg-btn{{border-radius:{max(0, t['radius'] - 2)}px}}"
        )
    if "layout" in raw:
        lay = _layout(raw["layout"])
        kind, pos = lay["kind"], lay["position"]
        if kind == "bar":
            inset = "0 0 auto 0" if pos == "top" else "auto 0 0 0"
            parts.append(f".cg-root{{inset:{inset}}}.cg-root .cg-box{{max-width:none}}")
        elif kind == "box":
            side = (
                "justify-content:flex-start" if pos == "bottom-left" else "justify-content:flex-end"
            )
            parts.append(f".cg-root{{{side}}}.cg-root .cg-box{{max-width:26rem}}")
        else:
            parts.append(
                ".cg-root{inset:0;align-items:center;background:rgba(0,0,0,.45)}"
                ".cg-root .cg-box{max-width:36rem}"
            )
    return "".join(parts)


def overridden(
    own: Mapping[str, Any] | None,
    *,
    category: str,
    vendor: str | None,
    purpose: str | None,
    review: bool,
) -> dict[str, Any]:
    """A cookie's category, vendor, purpose and review flag as the declaration and the
    banner show them: what the admin set where set (``own``, from the dashboard), else the
    scan's. The admin's category is a person's word: no longer a guess to review."""
    own = own or {}
    return {
        "category": own.get("category") or category,
        "vendor": own.get("vendor") or vendor,
        "purpose": own.get("purpose") or purpose,
        "review": review and not own.get("category"),
    }


def with_overrides(
    cookies: list[ObservedCookie], overrides: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[ObservedCookie]:
    """``cookies`` with the site's own category, vendor and purpose where an admin set them
    (the classification says so: layer ``override``, who and when in the reason)."""
    out = []
    for c in cookies:
        own = overrides.get((c.name, c.domain))
        if not own:
            out.append(c)
            continue
        cl = c.classification
        out.append(
            c.with_classification(
                Classification(
                    category=Category(own["category"]),
                    vendor=own.get("vendor") or (cl.vendor if cl else None),
                    confidence=1.0,
                    reason=f"set by {own.get('changed_by')} on {own.get('changed_at')}",
                    layer="override",
                    purpose=own.get("purpose") or (cl.purpose if cl else None),
                    source_url=cl.source_url if cl else None,
                )
            )
        )
    return out
