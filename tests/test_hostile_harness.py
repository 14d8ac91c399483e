"""A smoke test of the acceptance harness (tools/hostile.py): a few of its cases, one per kind of judgement, run
here as the harness runs them (a subprocess with a timeout). The whole harness is run by hand."""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hostile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "tools" / "hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _pick(cases: list, name: str) -> object:
    return next(c for c in cases if c.name == name)


@pytest.mark.slow
def test_a_few_harness_cases_are_handled_well(hostile: ModuleType, tmp_path: Path) -> None:
    negotiation = list(hostile.negotiation_cases(tmp_path))
    api = list(hostile.api_cases(tmp_path))
    output = list(hostile.output_cases(tmp_path))
    picked = [
        _pick(negotiation, "billion laughs"),
        _pick(negotiation, "csv blank actor"),
        _pick(api, "alliance.project(runs='10')"),
        _pick(output, "negotiate template > /dev/full"),
    ]
    outcomes = [hostile.run_case(c) for c in picked]
    assert [o.problem for o in outcomes] == [None] * len(picked)
    assert [o.code for o in outcomes] == [2, 2, 2, 2]


def test_the_judge_catches_what_it_must(hostile: ModuleType, tmp_path: Path) -> None:
    import subprocess

    case = hostile.Case("cli", "x", ["brief"], expect=hostile.BAD)

    def done(code: int, err: str) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], code, "", err)

    assert hostile._judge(case, done(2, "alliance: error: bad\n"), {}) is None
    assert hostile._judge(case, done(2, "Traceback (most recent call last):\n  x\nValueError: y\n"), {}).startswith(
        "traceback"
    )
    assert hostile._judge(case, done(0, ""), {}).startswith("exit 0, expected 2")
    assert "2 lines" in hostile._judge(case, done(2, "alliance: error: a\nmore\n"), {})
    target = tmp_path / "out.csv"
    target.write_text("partial", encoding="utf-8")
    (tmp_path / ".out.csv.alliance-tmp-1-abc").write_text("", encoding="utf-8")
    watched = hostile.Case("output", "x", [], expect=hostile.OK, watch=[target])
    assert hostile._judge(watched, done(0, ""), {target: b"old\n"}).startswith("temporary file left")
    (tmp_path / ".out.csv.alliance-tmp-1-abc").unlink()
    assert hostile._judge(watched, done(0, ""), {target: b"old\n"}) == "out.csv is partial (7 bytes)"
    assert hostile.Case("interrupts", "x", [], kill=(signal.SIGINT, 1.0)).kill[0] == signal.SIGINT
