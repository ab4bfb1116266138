"""Labelled cookies for training and evaluation, each with its group for grouped splits.

- CookieBlock's crawl CSV (``cookieblock-dev.csv``): real cookies with their features and
  the category the site declared; grouped by site.
- The Open Cookie Database facts: names with categories (and a retention, some domains);
  grouped by platform (vendor).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cookiegov.batch import parse_row
from cookiegov.classification.base import Features, features_of
from cookiegov.classification.ocd import SESSION, OcdFact
from cookiegov.domains import host_of
from cookiegov.errors import InputError
from cookiegov.models import Category, CookieInput


@dataclass(frozen=True, slots=True)
class Labelled:
    features: Features
    label: Category
    group: str  # site, or "vendor:<platform>"
    line: int = 0


def read_cookieblock(path: Path) -> list[Labelled]:
    """CookieBlock's crawl format (name, domain, path, first_party_domain, value,
    expiry_seconds, httpOnly, secure, sameSite, session, label_name, ...)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    needed = {"name", "domain", "first_party_domain", "label_name"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise InputError(f"{path}: not CookieBlock's format (needs {', '.join(sorted(needed))})")
    out = []
    for row in reader:
        out.append(cookieblock_row(row, reader.line_num))
    return out


def cookieblock_row(row: dict[str, str], line: int = 0) -> Labelled:
    cookie = parse_row(row)  # knows CookieBlock's column names (batch.ALIASES)
    return Labelled(features_of(cookie), Category.parse(row["label_name"]), cookie.site or "", line)


def fact_name(f: OcdFact) -> str:
    """A concrete name for a fact: a wildcard prefix gets a typical suffix."""
    stem = f.name.rstrip("*")
    return stem + "x1" if f.wildcard or f.name.endswith("*") else stem


def ocd_labelled(facts: Iterable[OcdFact], *, names_only: bool = False) -> list[Labelled]:
    """The facts as labelled cookies: with the database's retention and domain, or (for
    evaluation on names alone) with nothing but the name."""
    out = []
    for i, f in enumerate(facts):
        if names_only or f.retention is None:
            expires, known = None, False
        else:
            expires, known = (None if f.retention == SESSION else f.retention), True
        domain = "" if names_only else (f.domain or "")
        cookie = CookieInput(
            name=fact_name(f),
            domain=domain,
            expires_in=expires,
            third_party=None if names_only else f.third_party,
        )
        features = Features(cookie, host_of(domain), cookie.third_party, None, None, known)
        out.append(Labelled(features, f.category, f"vendor:{f.platform or f.name}", i))
    return out


def ocd_training(facts: Iterable[OcdFact]) -> list[Labelled]:
    """Training examples from the facts: each with its retention and domain, and once more
    by its name alone (so that the model also learns names met without context)."""
    facts = list(facts)
    return [*ocd_labelled(facts), *ocd_labelled(facts, names_only=True)]
