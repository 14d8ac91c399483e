"""The README's set-up commands and CI stay in step."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no set-up block"
    return [ln for ln in block.group(1).splitlines() if ln and not ln.startswith("#")]


def test_readme_starts_with_the_two_setup_commands() -> None:
    install_run, test = _setup_commands()
    assert install_run.endswith("alliance brief") and "pip install -e ." in install_run
    assert "'.[test]'" in test and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test = _setup_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci
