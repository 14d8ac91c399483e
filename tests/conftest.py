"""Fixtures shared by the whole suite: the command line, in-process and as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from alliance.cli import main

#: The repository root (README, docs, src).
ROOT = Path(__file__).resolve().parents[1]

CliResult = tuple[int, str, str]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``alliance ARGS...`` in-process (``cli("gaps", "--year", "2025")`` or ``cli([...])``); returns
    ``(exit code, stdout, stderr)``."""

    def run(*args: str | list[str]) -> CliResult:
        argv = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in argv])
        out = capsys.readouterr()
        return int(exc.value.code or 0), out.out, out.err

    return run


@pytest.fixture
def cli_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``alliance ARGS...`` in a fresh Python process, as a user would (slower: for the acceptance examples)."""

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        code = "from alliance.cli import main; main()"
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT
