"""The import contract of pyproject.toml covers every module, and it holds."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import cookiegov

ROOT = Path(__file__).resolve().parent.parent
UPPER = {"cookiegov.cli", "cookiegov.celery_app", "cookiegov.services"}


def _contracts() -> list[dict]:  # type: ignore[type-arg]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict] = data["tool"]["importlinter"]["contracts"]  # type: ignore[type-arg]
    return contracts


def test_every_core_module_is_in_the_core_contract() -> None:
    core = next(c for c in _contracts() if c["type"] == "forbidden")
    listed = set(core["source_modules"])
    present = {f"cookiegov.{m.name}" for m in pkgutil.iter_modules(cookiegov.__path__)}
    assert present - UPPER == listed, "list new core modules in pyproject's core contract"


def test_the_layering_holds() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is a test dependency"
    r = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "0 broken" in r.stdout
