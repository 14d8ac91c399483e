"""Lint and type checks run as part of the test suite, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_is_clean() -> None:
    res = _run("ruff", "check", "src", "tests", "benchmarks", "tools")
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    res = _run("mypy")
    assert res.returncode == 0, res.stdout + res.stderr


def test_source_never_reads_shared_folder_or_uses_unsafe_loaders() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "shared/data" not in text, path
        assert "yaml.load(" not in text and "eval(" not in text, path


def test_the_yaml_loader_is_a_safe_one() -> None:
    import yaml

    from alliance.io import SAFE_LOADER, load_yaml

    assert issubclass(SAFE_LOADER, yaml.constructor.SafeConstructor)
    assert not issubclass(SAFE_LOADER, yaml.constructor.FullConstructor)
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
