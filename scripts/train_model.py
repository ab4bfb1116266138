"""Train the classifier's model and build the "what sites declare" table; both shipped.

Run: ``.venv/bin/python scripts/train_model.py [--cookieblock CSV]`` (needs the ``ml``
extra). Inputs: the cookies sites declared in CookieBlock's crawl (``cookieblock-dev.csv``)
and the shipped Open Cookie Database facts. Outputs:
``cookiegov/classification/data/model.json.gz`` and ``.../consensus.json``. Deterministic:
running it twice gives the same bytes (``tests/test_model.py`` checks it).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookiegov.classification.attribution import grown_hosts  # noqa: E402
from cookiegov.classification.calibration import calibrate, calibration_json  # noqa: E402
from cookiegov.classification.consensus import SiteConsensus  # noqa: E402
from cookiegov.classification.datasets import ocd_training, read_cookieblock  # noqa: E402
from cookiegov.classification.ocd import ocd_entries, ocd_facts  # noqa: E402
from cookiegov.classification.train import model_answers, train  # noqa: E402
from cookiegov.classify import Classifier  # noqa: E402
from cookiegov.knowledge import builtin_cookies  # noqa: E402

COOKIEBLOCK = ROOT.parent / "shared" / "data" / "cookieblock-dev.csv"
DATA = ROOT / "cookiegov" / "classification" / "data"


def build(cookieblock: Path, out: Path) -> dict[str, str]:
    sites = read_cookieblock(cookieblock)
    examples = [*sites, *ocd_training(ocd_facts())]
    model = train(
        examples,
        grown_hosts(),
        meta={"trained_on": [cookieblock.name, "ocd.json"]},
        calibrate_on=model_answers([*builtin_cookies(), *ocd_entries()]),
    )
    consensus = SiteConsensus.from_labelled(sites)
    # Knowledge layers' confidences: how often their answers agree with the declarations.
    confidence = calibrate(
        lambda votes: Classifier(consensus=votes, model=model, confidence={}), sites
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.json.gz").write_bytes(model.to_bytes())
    (out / "consensus.json").write_text(consensus.to_json(), "utf-8")
    (out / "calibration.json").write_text(calibration_json(confidence), "utf-8")
    return {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest()
        for name in ("model.json.gz", "consensus.json", "calibration.json")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cookieblock", type=Path, default=COOKIEBLOCK)
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, digest in build(args.cookieblock, args.out).items():
        size = (args.out / name).stat().st_size
        print(f"{name}: {size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
