"""The Python API's user mistakes (issue 14, part 5): every bad call raises :class:`alliance.errors.BadInput` (a
``ValueError``) whose one-line message names the parameter (or the thing it names: country, table, scenario) and
what is valid; never a raw TypeError/IndexError from inside NumPy, pandas or pathlib, nor an ``AllianceError``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

import alliance
import alliance.data as data
import alliance.dynamics as dy
import alliance.negotiation as ng
import alliance.spending as sp
from alliance.brief import brief as make_brief
from alliance.errors import AllianceError, BadInput, real_number, whole_number


@cache
def _deu() -> list[Any]:
    return alliance.load_deu()


@cache
def _projection() -> Any:
    return dy.project(runs=20)


def _all_allies_but_iceland() -> list[str]:
    allies = data.load_allies()
    return [str(c) for c in allies.loc[allies["has_armed_forces"], "iso3"]]


# (call, words the message must contain: the parameter's name and a hint of what is valid)
CASES: list[tuple[str, Callable[[], object], tuple[str, ...]]] = [
    # spending
    ("meets_target countries=[]", lambda: alliance.meets_target(2, countries=[]), ("countries", "at least one")),
    ("meets_target countries=5", lambda: alliance.meets_target(2, countries=5), ("countries",)),
    ("meets_target countries=[1]", lambda: alliance.meets_target(2, countries=[1, 2]), ("country",)),
    ("meets_target year='abc'", lambda: alliance.meets_target(2, year="abc"), ("year",)),
    ("meets_target year=2.5", lambda: alliance.meets_target(2, year=2.5), ("year",)),
    ("meets_target edition=1999", lambda: alliance.meets_target(2, edition=1999), ("edition",)),
    ("count_meeting target=nan", lambda: alliance.count_meeting(float("nan")), ("target",)),
    ("gap_to_target target='x'", lambda: alliance.gap_to_target("x"), ("target",)),
    ("gap_to_target year=3000", lambda: alliance.gap_to_target(3.5, year=3000), ("year",)),
    ("burden_shares prices", lambda: alliance.burden_shares(prices="gold"), ("prices",)),
    ("olson years=[]", lambda: alliance.olson_zeckhauser(years=[]), ("years", "at least one")),
    ("olson years=[1900]", lambda: alliance.olson_zeckhauser(years=[1900]), ("year 1900",)),
    ("olson alpha=2", lambda: alliance.olson_zeckhauser(alpha=2), ("alpha", "between 0 and 1")),
    ("olson alpha='x'", lambda: alliance.olson_zeckhauser(alpha="x"), ("alpha",)),
    ("olson exclude all", lambda: alliance.olson_zeckhauser(exclude=_all_allies_but_iceland()), ("exclude",)),
    ("olson exclude leaves 3", lambda: alliance.olson_zeckhauser(exclude=_all_allies_but_iceland()[3:]), ("exclude",)),
    ("olson size", lambda: alliance.olson_zeckhauser(size="big"), ("size",)),
    ("hague_path by='x'", lambda: alliance.hague_path(by="x"), ("by",)),
    ("hague_path gdp_growth", lambda: alliance.hague_path(gdp_growth={"USA": "x"}), ("gdp_growth",)),
    ("hague_path trend_years", lambda: alliance.hague_path(trend_years="5"), ("trend_years",)),
    ("hague_path halflife", lambda: alliance.hague_path(halflife="x"), ("halflife",)),
    ("scenario_2035 by", lambda: alliance.scenario_2035(by=2000), ("by",)),
    ("series country=None", lambda: sp.series(None), ("country",)),  # type: ignore[arg-type]
    ("series country=42", lambda: sp.series(42), ("country",)),  # type: ignore[arg-type]
    ("hague_check related", lambda: sp.hague_check(related="x"), ("related",)),  # type: ignore[arg-type]
    ("hague_check related<0", lambda: sp.hague_check(related=-5), ("related",)),
    ("brief top=-1", lambda: make_brief(top=-1), ("top",)),
    ("brief top='x'", lambda: make_brief(top="x"), ("top",)),  # type: ignore[arg-type]
    # data and claims
    ("load_spending edition", lambda: alliance.load_spending(edition="x"), ("edition",)),
    ("load_table name", lambda: data.load_table("../../etc/passwd"), ("table",)),
    ("check_claims dir", lambda: alliance.check_claims("/tmp"), ("claims file", "directory")),
    ("check_claims int", lambda: alliance.check_claims(42), ("claims file",)),  # type: ignore[arg-type]
    # negotiation
    ("load_scenario None", lambda: alliance.load_scenario(None), ("scenario",)),  # type: ignore[arg-type]
    ("load_scenario dir", lambda: alliance.load_scenario("/tmp/"), ("scenario file",)),
    ("forecast model", lambda: alliance.forecast("hague-2025", "magic"), ("model",)),
    ("forecast model=3", lambda: alliance.forecast("hague-2025", 3), ("model",)),  # type: ignore[arg-type]
    ("forecast rounds='10'", lambda: alliance.forecast("hague-2025", "eum", rounds="10"), ("rounds",)),
    ("forecast q='x'", lambda: alliance.forecast("hague-2025", "eum", q="x"), ("q",)),
    ("forecast q=5", lambda: alliance.forecast("hague-2025", "eum", q=5), ("q",)),
    ("forecast option", lambda: alliance.forecast("hague-2025", "compromise", bogus=1), ("bogus",)),
    ("forecast_all models=[]", lambda: alliance.forecast_all("hague-2025", []), ("models",)),
    ("forecast_all models=x", lambda: alliance.forecast_all("hague-2025", ["magic"]), ("model",)),
    ("predictive model", lambda: ng.predictive("hague-2025", "magic"), ("model",)),
    ("predictive scenario", lambda: ng.predictive(42), ("scenario",)),  # type: ignore[arg-type]
    ("synthesis_weights", lambda: ng.synthesis_weights("gdp"), ("capability",)),
    ("load_deu dir", lambda: alliance.load_deu("/tmp"), ("DEU file",)),
    ("load_deu capability", lambda: alliance.load_deu(capability="gdp"), ("capability",)),
    ("deu_backtest model", lambda: alliance.deu_backtest(_deu(), "magic"), ("model",)),
    ("deu_backtest bootstrap<0", lambda: alliance.deu_backtest(_deu(), "compromise", bootstrap=-1), ("bootstrap",)),
    ("deu_backtest bootstrap str", lambda: alliance.deu_backtest(_deu(), "compromise", bootstrap="9"), ("bootstrap",)),
    (
        "deu_backtest bootstrap 1e9",
        lambda: alliance.deu_backtest(_deu(), "compromise", bootstrap=10**9),
        ("bootstrap",),
    ),
    ("deu_backtest seed<0", lambda: alliance.deu_backtest(_deu(), "compromise", seed=-1), ("seed",)),
    ("deu_backtest seed str", lambda: alliance.deu_backtest(_deu(), "compromise", seed="x"), ("seed",)),
    ("deu_backtest scenarios=[]", lambda: alliance.deu_backtest([], "compromise"), ("scenarios",)),
    ("deu_backtest scenarios str", lambda: alliance.deu_backtest("nonsense", "compromise"), ("scenarios",)),
    ("cross_validate k='5'", lambda: alliance.cross_validate(_deu(), k="5"), ("k",)),
    ("cross_validate k=1", lambda: alliance.cross_validate(_deu(), k=1), ("k",)),
    ("cross_validate seeds=[]", lambda: alliance.cross_validate(_deu(), k=5, seeds=[]), ("seed",)),
    ("cross_validate seeds=[-1]", lambda: alliance.cross_validate(_deu(), k=5, seeds=[-1]), ("seed",)),
    ("resolved_uncertainty", lambda: ng.resolved_uncertainty(42), ("scenario",)),  # type: ignore[arg-type]
    # dynamics
    ("project runs='10'", lambda: alliance.project(runs="10"), ("runs",)),
    ("project runs=10.5", lambda: alliance.project(runs=10.5), ("runs",)),
    ("project runs=0", lambda: alliance.project(runs=0), ("runs",)),
    ("project runs=1e8", lambda: alliance.project(runs=10**8), ("runs",)),
    ("project seed=-1", lambda: alliance.project(seed=-1), ("seed",)),
    ("project seed='x'", lambda: alliance.project(seed="x"), ("seed",)),
    ("project until='2030'", lambda: alliance.project(until="2030"), ("until",)),
    ("project until=2020", lambda: alliance.project(until=2020), ("until",)),
    ("project scenario", lambda: alliance.project("nope"), ("scenario",)),
    ("project scenario=42", lambda: alliance.project(42), ("scenario",)),  # type: ignore[arg-type]
    ("project scenario dir", lambda: alliance.project("/tmp/x/"), ("scenario",)),
    ("project method", lambda: alliance.project(method="magic"), ("method",)),
    ("calibrate first=2030", lambda: alliance.calibrate(first=2030), ("calibration window",)),
    ("calibrate first='x'", lambda: alliance.calibrate(first="x"), ("first",)),
    ("simulate_backtest runs", lambda: alliance.simulate_backtest(runs=-1), ("runs",)),
    ("simulate_backtest seed", lambda: alliance.simulate_backtest(seed=-1), ("seed",)),
    ("calibrated_backtest runs", lambda: dy.calibrated_backtest(runs=0), ("runs",)),
    ("compliance target", lambda: dy.compliance(_projection(), "x"), ("target",)),
    ("compliance by", lambda: dy.compliance(_projection(), 3.5, by=1900), ("by",)),
    ("compliance projection", lambda: dy.compliance("baseline", 3.5), ("projection",)),  # type: ignore[arg-type]
    ("compare_scenarios []", lambda: dy.compare_scenarios([]), ("scenarios", "at least one")),
    ("compare_scenarios runs", lambda: dy.compare_scenarios(runs=-3), ("runs",)),
    ("summary []", lambda: dy.summary([]), ("scenarios", "at least one")),
    ("summary runs", lambda: dy.summary(runs="x"), ("runs",)),
]


@pytest.mark.parametrize(("label", "call", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_call_raises_bad_input_naming_the_parameter(
    label: str, call: Callable[[], object], words: tuple[str, ...]
) -> None:
    with pytest.raises(BadInput) as err:
        call()
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 600, msg
    for word in words:
        assert word in msg, (label, msg)


def test_bad_input_is_a_value_error_and_not_a_tool_failure_type_of_its_own() -> None:
    assert issubclass(BadInput, ValueError) and issubclass(BadInput, AllianceError)


@pytest.mark.parametrize(
    ("value", "ok"),
    [(3, True), (True, False), ("3", False), (3.0, False), (-1, False), (101, False), (None, False)],
)
def test_whole_number(value: object, ok: bool) -> None:
    if ok:
        assert whole_number("runs", value, 0, 100) == 3
    else:
        with pytest.raises(BadInput, match=r"^runs .*: must be (a whole number )?between 0 and 100$"):
            whole_number("runs", value, 0, 100)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "0.5", None, True, 2.0])
def test_real_number_refuses(value: object) -> None:
    with pytest.raises(BadInput, match=r"^alpha .*: must be a (finite )?number between 0 and 1$"):
        real_number("alpha", value, 0.0, 1.0)


def test_numpy_numbers_are_numbers() -> None:
    import numpy as np

    assert whole_number("runs", np.int64(7), 1) == 7
    assert real_number("alpha", np.float32(0.25), 0, 1) == 0.25
