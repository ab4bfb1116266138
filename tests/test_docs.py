from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text().splitlines()[:8]
    text = "\n".join(head)
    assert "make demo" in text and "make test" in text


def test_ci_runs_the_readme_test_command() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert "make test" in run and "CI=true" in run
    makefile = (ROOT / "Makefile").read_text()
    assert "demo: setup" in makefile and "test: setup" in makefile


def test_readme_screenshots_exist() -> None:
    for name in ("banner.png", "report.png"):
        assert (ROOT / "docs" / "img" / name).stat().st_size > 10_000


def test_the_module_map_names_every_module() -> None:
    """Before: the map in docs/architecture.md still showed compliance.py (a package since
    issue 12) and left out cookie_files.py and consent_stats.py."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    module_map = text[: text.index("## Layers")]
    words = set(module_map.replace("/", "/ ").split())
    missing = []
    for folder in ("cookiegov", "scanner", "banner"):
        for path in sorted((ROOT / folder).iterdir()):
            if path.name.startswith("_") or path.name in {"templates", "static", "kb"}:
                continue
            if path.suffix == ".py":
                name = path.name
            elif path.is_dir() and (path / "__init__.py").exists():
                name = path.name + "/"
            else:
                continue
            if name not in words and f"{folder}/{name}" not in words:
                missing.append(f"{folder}/{name}")
    assert missing == []
