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
