"""Build ``cookiegov/classification/data/ocd.json`` (facts only) from the Open Cookie
Database's CSV release. Run: ``.venv/bin/python scripts/build_ocd_facts.py [CSV]``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.classification.ocd import facts_from_csv, facts_to_json  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "open-cookie-database-2023-11-13.csv"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    facts = facts_from_csv(path)
    out = ROOT / "cookiegov" / "classification" / "data" / "ocd.json"
    out.write_text(facts_to_json(facts, "Open Cookie Database, " + path.name), "utf-8")
    print(f"{len(facts)} facts -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
