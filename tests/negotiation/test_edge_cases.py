"""Valid edge cases work and extreme ones are refused with one line (issue 14, part 4): one actor under every
model, a blank actor in a table, capabilities and scales bounded, an issue nobody takes part in, size limits, and
scenarios built directly in Python validated like files."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from alliance.errors import BadInput
from alliance.negotiation import forecast, forecast_all, model_names
from alliance.negotiation.limits import MAX_ACTORS, MAX_CAPABILITY, MAX_ISSUES, MAX_ROUNDS
from alliance.negotiation.scenario import Actor, Issue, Scenario
from alliance.negotiation.schema import load_scenario, scenario_from_dict, scenario_from_frame


def _one_actor(reversion: float | None = None, chair: bool = False) -> dict[str, Any]:
    issue: dict[str, Any] = {"name": "a", "low": 0, "high": 100}
    if reversion is not None:
        issue["reversion"] = reversion
    actor: dict[str, Any] = {"name": "X", "capability": 3, "issues": {"a": {"position": 30, "salience": 60}}}
    if chair:
        actor["chair"] = True
    return {"name": "one", "issues": [issue], "actors": [actor]}


# every registered model, not a hand-picked few: a new model is covered by the time it is registered
@pytest.mark.parametrize("model", model_names())
@pytest.mark.parametrize("reversion", [None, 10.0])
def test_one_actor_runs_under_every_model(model: str, reversion: float | None) -> None:
    sc = scenario_from_dict(_one_actor(reversion))
    with np.errstate(all="raise"):  # no silent NaN arithmetic either
        fc = forecast(sc, model)
    o = fc.outcome[0]
    # a lone actor gets its position (or, for the models that weigh the status quo as a candidate, a point between
    # it and the reversion point), or the model says why it has no forecast (no reversion point)
    if math.isnan(o):
        assert fc.notes.get("a"), model
    else:
        lo, hi = (30.0, 30.0) if reversion is None else (reversion, 30.0)
        assert lo - 1e-9 <= o <= hi + 1e-9, (model, o)
        assert fc.pivotal["a"] == ("X",)
    if model in ("compromise", "median", "eum", "exchange", "stacked", "ensemble"):
        assert o == pytest.approx(30.0), model


def test_one_actor_under_model_all_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    import yaml

    path.write_text(yaml.safe_dump(_one_actor(10.0)), encoding="utf-8")
    code = "import sys; from alliance.cli import main; main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-c", code, "negotiate", str(path), "--model", "all", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    out = json.loads(proc.stdout)
    assert set(out) == set(model_names())
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_blank_actor_in_a_table_is_an_error_not_dropped() -> None:
    df = pd.DataFrame({"actor": ["A", None, "B"], "capability": [1, 2, 1], "position": [10, 90, 40],
                       "salience": [50, 50, 50]})  # fmt: skip
    with pytest.raises(BadInput, match="row 2, column actor: must not be blank"):
        scenario_from_frame(df)
    df.loc[1, "actor"] = "   "
    with pytest.raises(BadInput, match="row 2, column actor: must not be blank"):
        scenario_from_frame(df)


def test_a_blank_actor_in_a_csv_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("actor,capability,position,salience\nA,1,10,50\n,2,90,50\nB,1,40,50\n", encoding="utf-8")
    with pytest.raises(BadInput, match="row 2, column actor: must not be blank"):
        load_scenario(path)


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
def test_an_infinite_table_value_is_an_error(tmp_path: Path, value: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"actor,capability,position,salience\nA,1,{value},50\nB,1,40,50\n", encoding="utf-8")
    with pytest.raises(BadInput, match="row 1, column position: must be a finite number"):
        load_scenario(path)


@pytest.mark.parametrize("cap", [1e308, MAX_CAPABILITY * 10, -1.0, math.inf, math.nan])
def test_capabilities_must_be_finite_and_bounded(cap: float) -> None:
    d = _one_actor()
    d["actors"][0]["capability"] = cap
    with pytest.raises(BadInput, match=r"actors\[0\].capability: must be a number between 0 and 1e\+15"):
        scenario_from_dict(d)


def test_the_largest_capability_allowed_forecasts_without_overflow() -> None:
    d = _one_actor(10.0)
    d["actors"][0]["capability"] = MAX_CAPABILITY
    d["actors"].append({"name": "Y", "capability": MAX_CAPABILITY, "issues": {"a": {"position": 80, "salience": 60}}})
    with np.errstate(over="raise"):
        fcs = forecast_all(scenario_from_dict(d), ["compromise", "median", "nash", "eum", "exchange"])
    assert fcs["compromise"].outcome[0] == pytest.approx(55.0)


def test_a_scale_past_the_limit_is_refused() -> None:
    d = _one_actor()
    d["issues"][0].update(low=-1e300, high=1e300)
    d["actors"][0]["issues"]["a"]["position"] = 0
    with pytest.raises(BadInput, match=r"issues\[0\]: the scale's ends must be within"):
        scenario_from_dict(d)


@pytest.mark.parametrize("model", ["compromise", "median", "nash", "eum", "consensus", "exchange", "stacked"])
@pytest.mark.parametrize("kind", ["salience", "capability"])
def test_an_issue_nobody_takes_part_in_is_reported_as_such(model: str, kind: str) -> None:
    d = _one_actor(50.0)
    d["issues"].append({"name": "b", "reversion": 50})
    d["actors"] = [
        {"name": n, "capability": 0 if kind == "capability" else 1 + k,
         "issues": {"a": {"position": p, "salience": 0 if kind == "salience" else 40},
                    "b": {"position": p, "salience": 40}}}
        for k, (n, p) in enumerate([("X", 30), ("Y", 70), ("Z", 60)])
    ]  # fmt: skip
    fc = forecast(scenario_from_dict(d), model)
    assert math.isnan(fc.outcome[0])
    assert "nobody takes part" in fc.notes["a"] and "nobody takes part" in fc.explanation["a"]
    assert fc.pivotal["a"] == () and fc.blockers["a"] == ()
    if kind == "salience":  # the other issue, with weights, still gets its forecast
        assert not math.isnan(fc.outcome[1]) or model in ("consensus", "nash")


def test_too_many_actors_is_one_line_fast() -> None:
    d = _one_actor()
    d["actors"] = [
        {"name": f"A{k}", "capability": 1, "issues": {"a": {"position": k % 100, "salience": 50}}}
        for k in range(MAX_ACTORS + 1)
    ]
    with pytest.raises(BadInput, match=f"actors: {MAX_ACTORS + 1:,} actors; the limit is {MAX_ACTORS:,}"):
        scenario_from_dict(d)


def test_too_many_issues_is_one_line() -> None:
    d = _one_actor()
    d["issues"] = [{"name": f"i{k}"} for k in range(MAX_ISSUES + 1)]
    with pytest.raises(BadInput, match=f"the limit is {MAX_ISSUES}"):
        scenario_from_dict(d)


@pytest.mark.parametrize("rounds", [MAX_ROUNDS + 1, 10**9, -1, "10", 2.5, True])
def test_rounds_out_of_range_or_of_the_wrong_type(rounds: object) -> None:
    with pytest.raises(BadInput, match=f"rounds .*between 0 and {MAX_ROUNDS}"):
        forecast(scenario_from_dict(_one_actor(10.0)), "eum", rounds=rounds)


def test_rounds_accepts_numpy_integers() -> None:
    fc = forecast(scenario_from_dict(_one_actor(10.0)), "eum", rounds=np.int64(3))
    assert fc.outcome[0] == pytest.approx(30.0)


# ------------------------------------------------------------------------------------------ Scenario in Python
def _python_scenario(**changes: Any) -> Scenario:
    issue = Issue("a", 0.0, 100.0, reversion=50.0)
    actors = (
        Actor("X", 1.0, {"a": 20.0}, {"a": 0.5}),
        Actor("Y", 2.0, {"a": 80.0}, {"a": 0.5}),
    )
    sc = Scenario("py", (issue,), actors)
    return replace(sc, **changes)


def test_a_valid_python_scenario_forecasts() -> None:
    assert forecast(_python_scenario(), "compromise").outcome[0] == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"actors": (Actor("X", 1.0, {"a": 545.0}, {"a": 0.5}),)},
            r"actors\[0\].positions.a: must be between 0 and 100",
        ),
        ({"actors": (Actor("X", 1.0, {"a": 20.0}, {"a": 5.0}),)}, r"actors\[0\].saliences.a: must be between 0 and 1"),
        ({"actors": (Actor("X", 1e308, {"a": 20.0}, {"a": 0.5}),)}, r"actors\[0\].capability"),
        ({"actors": (Actor("X", -1.0, {"a": 20.0}, {"a": 0.5}),)}, r"actors\[0\].capability"),
        ({"actors": (Actor("X", "big", {"a": 20.0}, {"a": 0.5}),)}, r"actors\[0\].capability"),  # type: ignore[arg-type]
        ({"actors": (Actor("X", 1.0, {"b": 20.0}, {"b": 0.5}),)}, r"actors\[0\].positions.b: unknown issue"),
        ({"actors": (Actor("", 1.0, {"a": 20.0}, {"a": 0.5}),)}, r"actors\[0\].name: must be a non-empty string"),
        ({"actors": ()}, "actors: at least one actor is required"),
        ({"issues": ()}, "issues: at least one issue is required"),
        ({"issues": (Issue("a", 100.0, 0.0),)}, r"issues\[0\]: low \(100\) must be a finite number below high"),
        ({"issues": (Issue("a", 0.0, 100.0, reversion=200.0),)}, r"issues\[0\].reversion: must be between 0 and 100"),
        ({"chair": "Nobody"}, "chair: unknown actor 'Nobody'"),
        ({"actors": ["not an actor"]}, "actors must be a tuple of Actor objects"),
    ],
)
def test_python_scenarios_are_validated_like_files(changes: dict[str, Any], expected: str) -> None:
    sc = _python_scenario(**changes)
    with pytest.raises(BadInput, match=expected):
        forecast(sc, "compromise")
    with pytest.raises(BadInput, match=expected):
        forecast_all(sc, ["median"])


def test_a_scenario_argument_of_the_wrong_type_is_bad_input() -> None:
    with pytest.raises(BadInput, match="expected a Scenario, a bundled scenario name or a file path, got int"):
        forecast(42, "compromise")  # type: ignore[arg-type]


def test_bundled_and_deu_scenarios_pass_the_python_checks() -> None:
    from alliance.negotiation.backtest.deu import load_deu
    from alliance.negotiation.limits import check_scenario
    from alliance.negotiation.schema import list_scenarios

    for name in list_scenarios():
        check_scenario(load_scenario(name))
    for sc in load_deu()[:40] + load_deu(capability="population")[:40]:
        check_scenario(sc)
