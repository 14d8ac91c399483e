"""The README as a test: its set-up commands match CI, every example runs, and every figure it quotes is true."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[tuple[str, str]]:
    """``(section heading, block text)`` of every fenced block in ``lang``."""
    out = []
    for m in re.finditer(rf"```{lang}\n(.*?)```", README, re.S):
        heading = re.findall(r"^##+ (.*)$", README[: m.start()], re.M)[-1]
        out.append((heading, m.group(1)))
    return out


def _setup_commands() -> list[str]:
    block = next(text for heading, text in _blocks("bash") if heading == "Set up")
    return [ln for ln in block.splitlines() if ln and not ln.startswith("#")]


def _examples() -> list[list[str]]:
    """Every ``alliance ...`` line of the README's bash blocks (comments dropped), except the set-up block and
    ``alliance serve``, which runs until stopped (tests/web/test_serve_cli.py runs it on a free port)."""
    commands = []
    for heading, text in _blocks("bash"):
        if heading == "Set up":
            continue
        for line in text.splitlines():
            code = line.split("  #", 1)[0].strip()
            if code.startswith("alliance ") and not code.startswith("alliance serve"):
                commands.append(shlex.split(code)[1:])
    return commands


def _local(argv: list[str]) -> list[str]:
    """Arguments naming a file of the repository (``src/...``) as absolute paths, so they work from a tmp dir."""
    return [str(ROOT / a) if "/" in a and (ROOT / a).exists() else a for a in argv]


# --- set up and CI ------------------------------------------------------------------------------------------------


def test_readme_starts_with_the_two_setup_commands() -> None:
    install_run, test = _setup_commands()
    assert install_run == "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[web]' && alliance brief"
    assert test == "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e '.[test]' && python -m pytest"
    assert README.index("## Set up") < README.index("```bash") < README.index("## The brief")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test = _setup_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci


# --- every example runs ---------------------------------------------------------------------------------------------


def test_the_readme_has_an_example_for_every_subsystem() -> None:
    groups = {argv[0] for argv in _examples()}
    assert {"brief", "claims", "data", "spending", "negotiate", "simulate"} <= groups


#: stdout of each README command, for the figure checks that read it (the nested CVs take minutes).
OUTPUTS: dict[tuple[str, ...], str] = {}


@pytest.mark.slow
@pytest.mark.parametrize("argv", _examples(), ids=lambda a: " ".join(a)[:60])
def test_every_readme_command_runs(argv: list[str], cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(*_local(argv))
    assert code == 0, (argv, err)
    assert out.strip() or "--output" in argv, argv
    OUTPUTS[tuple(argv)] = out
    for flag in ("--plot", "--output"):
        if flag in argv:
            written = tmp_path / argv[argv.index(flag) + 1]
            assert written.stat().st_size > 0, written


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_every_readme_python_block_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = _blocks("python")[index][1]
    exec(compile(code, f"README.md python block {index}", "exec"), {})  # noqa: S102 - the README's own examples


# --- every figure it quotes -------------------------------------------------------------------------------------------


def _count(target: float, **kw: Any) -> tuple[int, int]:
    from alliance.spending import count_meeting

    return count_meeting(target, **kw)


def _us_share(year: int | None = None) -> float:
    from alliance.spending import burden_shares

    return round(burden_shares(year=year).attrs["summary"]["us_share_pct"], 1)


def _deu_reference() -> dict[str, float]:
    from alliance.negotiation.backtest import load_deu, reference_figures

    return reference_figures(load_deu())


def _stacked_plain_cv() -> float:
    from alliance.negotiation import cross_validate, load_deu

    return float(cross_validate(load_deu(capability="votes"), k=5).summary["mae_stacked_cv"])


def _dynamics_mae() -> dict[str, float]:
    from alliance.dynamics import backtest

    return {k: round(v, 3) for k, v in backtest().mae().items()}


def _median_2035(iso3: str) -> float:
    from alliance.dynamics import project

    df = project("baseline").to_frame()
    return round(float(df.loc[(df["year"] == 2035) & (df["iso3"] == iso3), "p50"].item()), 1)


#: Each figure the README quotes, as written, and the computation that must give it.
FIGURES: list[tuple[str, Callable[[], bool]]] = [
    ("30 of 31 allies with armed forces spend 2% of GDP", lambda: _count(2.0) == (30, 31)),
    ("5 spend 3.5% and 2\nspend 5%", lambda: (_count(3.5)[0], _count(5.0)[0]) == (5, 2)),
    ("the US pays 57.1% of allied defence spending", lambda: _us_share() == 57.1),
    ("23 of 31 allies at 2% (June 2024 edition)", lambda: _count(2.0, edition=2024, year=2024) == (23, 31)),
    ("65.3% of allied defence spending in 2024", lambda: _us_share(2024) == 65.3),
    ("65.3% (2025e: 59.9%)", lambda: (_us_share(2024), _us_share(2025)) == (65.3, 59.9)),
    ("16.35% of NATO's common-funded budgets", lambda: _common_funding() == 16.35),
    ("MAE 24.09, 220 issues", lambda: (_deu_reference()["compromise"], _deu_reference()["n"]) == (24.09, 220)),
    ("scored 21.42 in plain CV", lambda: round(_stacked_plain_cv(), 2) == 21.42),
    (
        "MAE 0.429 vs 0.598 and 0.490 pp",
        lambda: _dynamics_mae() == {"model": 0.429, "persistence": 0.598, "trend": 0.49},
    ),
    ("Poland 5.6%, Lithuania 5.7% in 2035", lambda: (_median_2035("POL"), _median_2035("LTU")) == (5.6, 5.7)),
    ("rules now fill 37 of its 132 inputs (98 in the first release", lambda: _rule_inputs() == (37, 132, 98)),
    ("the 90% band covers 81.9%", lambda: _calibrated_coverage() == (0.781, 0.819)),
    (
        "the synthesis scores MAE 20.93 against the compromise's 23.72 (Council votes; 22.20 vs 24.09 at equal",
        lambda: _synthesis_cv() == {"votes": (20.93, 23.72), "equal": (22.2, 24.09)},
    ),
    ("(55 proposals, 139 issues, 133 with an outcome)", lambda: _holdout() == (55, 139, 133, 23.0, 23.06)),
    (
        "28 of 31 allies at 2% in 2025 in the 2026\nedition, 30 of the 30 allies with a 2025 estimate",
        lambda: _editions_2025() == ("28 of 31", "30 of 30 allies with a figure (31 members)"),
    ),
    (
        "P(all 31) is 0.000 in 1,000 runs and P(at least 16 of 31) 0.648",
        lambda: _hague_odds() == (0.0, 0.648),
    ),
]


def _rule_inputs() -> tuple[int, int, int]:
    from alliance.negotiation.schema import load_scenario

    new, old = load_scenario("hague-2025"), load_scenario("hague-2025-rules")
    rules = sum(a.evidence.get(i) == "rule" for a in new.actors for i in new.issue_names)
    total = sum(len(a.positions) for a in new.actors)
    first = sum("no statement found" in a.basis[i] for a in old.actors for i in old.issue_names)
    return rules, total, first


def _calibrated_coverage() -> tuple[float, float]:
    from alliance.dynamics.bands import calibrated_backtest

    cov = calibrated_backtest().coverage.set_index("band")["coverage"]
    return round(float(cov["raw 90% (5-95%)"]), 3), round(float(cov["calibrated 90%"]), 3)


def _synthesis_cv() -> dict[str, tuple[float, float]]:
    """The calibration-half CV figures the synthesis ships with (recorded by tools/fit_distributions.py from the
    output of `alliance negotiate backtest deu-calibration --cv 5 --scores`; rerunning it takes minutes)."""
    from alliance.negotiation.models.synthesis import load_params

    out = {}
    for cap, cv in load_params()["cv"].items():
        rows = {r["model"]: r for r in cv["models"]}
        out[cap] = (round(rows["synthesis"]["mae"], 2), round(rows["compromise"]["mae"], 2))
    return out


def _holdout() -> tuple[object, ...]:
    from alliance.negotiation.holdout import HOLDOUT, HOLDOUT_MAE

    return (HOLDOUT["proposals"], HOLDOUT["issues"], HOLDOUT["with_outcome"], HOLDOUT_MAE["compromise"]["equal"][0],
            HOLDOUT_MAE["ensemble"]["equal"][0])  # fmt: skip


def _editions_2025() -> tuple[str, str]:
    from alliance.spending import compare_editions

    answers = compare_editions(2025, 2.0).editions.set_index("edition")["answer"]
    return str(answers[2026]), str(answers[2025])


def _hague_odds() -> tuple[float, float]:
    from alliance.dynamics import compliance, project

    res = compliance(project("baseline"), 3.5)
    return round(res.p_all, 3), round(float(res.at_least.set_index("k").loc[16, "p_at_least_k"]), 3)


def _common_funding() -> float:
    from alliance import data

    return float(data.common_funding_fact("us_cost_share_common_funding", None))


@pytest.mark.slow
@pytest.mark.parametrize(("quote", "check"), FIGURES, ids=[q[:40] for q, _ in FIGURES])
def test_every_quoted_figure_is_true(quote: str, check: Callable[[], bool]) -> None:
    assert " ".join(quote.split()) in " ".join(README.split()), f"README no longer says {quote!r}"
    assert check(), quote


def _readme_output(cli: Any, argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The stdout of a README command: from the run above, or run now when this test runs alone."""
    if tuple(argv) not in OUTPUTS:
        monkeypatch.chdir(tmp_path)
        code, OUTPUTS[tuple(argv)], err = cli(*argv)
        assert code == 0, err
    return OUTPUTS[tuple(argv)]


def _row(table: str, label: str) -> list[float]:
    """The numbers on the table row that starts with ``label``."""
    line = next(ln for ln in table.splitlines() if label in ln)
    return [float(x) for x in re.findall(r"[-+]?\d+\.\d+", line.split(label, 1)[1])]


@pytest.mark.slow
def test_the_nested_cross_validation_figures(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """22.18 (ensembles pool), 7.9% below 24.09 and 6.5% below 23.72; 24.13 for the singles pool: read from the
    tables the README's own commands print."""
    text = " ".join(README.split())
    quotes = (
        "22.18 in nested cross-validation",
        "7.9% below the compromise model at equal capabilities (24.09)",
        "6.5% below it with Council votes (23.72)",
        "made honest scores 24.13",
        "--cv 5 --nested # calibration half, optimistic: 22.18 (ensemble)",
        "--pool singles # calibration half: 24.13",
    )
    for quote in quotes:
        assert quote in text, quote
    nested = ["negotiate", "backtest", "deu-calibration", "--cv", "5", "--nested"]
    table = _readme_output(cli, nested, tmp_path, monkeypatch)
    equal, votes = _row(table, "compromise, equal"), _row(table, "compromise, votes")
    # columns: MAE, compromise MAE, difference, CI low, CI high, reduction %
    assert (equal[0], equal[1], round(equal[-1], 1)) == (22.18, 24.09, 7.9)
    assert (votes[0], votes[1], round(votes[-1], 1)) == (22.18, 23.72, 6.5)
    singles = _readme_output(cli, [*nested, "--pool", "singles"], tmp_path, monkeypatch)
    assert _row(singles, "compromise, equal")[0] == 24.13
