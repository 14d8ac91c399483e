"""The sweep space: every uncertain input of hague-2025, draws equal to the per-input quantiles, named parameters."""

from __future__ import annotations

import numpy as np
import pytest

from alliance.errors import BadInput
from alliance.negotiation.models.batch import batch_from_scenario
from alliance.negotiation.schema import load_scenario, scenario_from_dict
from alliance.negotiation.uncertainty import ppf, resolved_parameters
from alliance.sweep.distributions import sweep_space

from .conftest import toy_dict


@pytest.fixture(scope="module")
def hague() -> object:
    return load_scenario("hague-2025")


def test_hague_sweeps_every_input_with_a_spread(hague: object) -> None:
    sp = sweep_space(hague)  # type: ignore[arg-type]
    kinds = sp.inputs["kind"].value_counts().to_dict()
    # 33 actors x 4 issues positions and saliences; capabilities of 32 allies (the chair's is 0: no spread); 2 parameters
    assert kinds == {"position": 132, "salience": 132, "capability": 32, "parameter": 2}
    rule = sp.inputs[(sp.inputs["evidence"] == "rule") & (sp.inputs["kind"] == "position")]
    stmt = sp.inputs[(sp.inputs["evidence"] == "statement") & (sp.inputs["kind"] == "position")
                     & (sp.inputs["dist"] == "normal")]  # fmt: skip
    for issue in ("russia_threat", "spending_target"):  # wider where a rule fills the value than under a statement
        assert rule[rule["issue"] == issue]["sd"].min() > stmt[stmt["issue"] == issue]["sd"].max()
    assert (rule["origin"] == "default:rule").all()


def test_vectorised_draws_equal_each_inputs_quantile_function(hague: object) -> None:
    sp = sweep_space(hague)  # type: ignore[arg-type]
    u = np.random.default_rng(3).random((400, sp.k))
    v = sp.values(u)
    for k, row in enumerate(sp.inputs.to_dict(orient="records")):
        np.testing.assert_allclose(v[:, k], ppf(row, u[:, k]), err_msg=row["name"])


def test_the_nominal_batch_is_the_scenario(hague: object) -> None:
    sp = sweep_space(hague)  # type: ignore[arg-type]
    b, ref = sp.batch(sp.nominal()[None]), batch_from_scenario(hague)  # type: ignore[arg-type]
    np.testing.assert_allclose(np.nan_to_num(b.positions), np.nan_to_num(ref.positions))
    np.testing.assert_allclose(b.salience, ref.salience)
    np.testing.assert_allclose(b.capability, ref.capability)
    np.testing.assert_allclose(b.reversion, ref.reversion)


def test_a_reversion_parameter_moves_the_reversion_point(hague: object) -> None:
    sp = sweep_space(hague)  # type: ignore[arg-type]
    k = sp.names.index("param.ukraine_reversion")
    v = np.tile(sp.nominal(), (3, 1))
    v[:, k] = [25.0, 50.0, 75.0]
    j = hague.issue_names.index("ukraine")  # type: ignore[attr-defined]
    np.testing.assert_allclose(sp.batch(v).reversion[:, j], [25.0, 50.0, 75.0])


def test_shift_and_factor_parameters() -> None:
    data = toy_dict() | {"parameters": [
        {"name": "shift", "target": "position_shift", "actors": ["a0"], "uncertainty": {"dist": "uniform", "low": -0.5, "high": 0.5}},
        {"name": "care", "target": "salience_factor", "uncertainty": {"dist": "uniform", "low": 0.5, "high": 1.5}},
        {"name": "power", "target": "capability_factor", "actors": ["a2"], "uncertainty": {"dist": "normal", "sd": 0.2}},
    ]}  # fmt: skip
    sc = scenario_from_dict(data)
    res = resolved_parameters(sc).set_index("name")
    assert res.loc["shift", "value"] == 0 and res.loc["care", "value"] == 1 and res.loc["power", "sd"] == 0.2
    sp = sweep_space(sc)
    v = np.tile(sp.nominal(), (1, 1))
    v[0, sp.names.index("param.shift")] = 0.6  # clipped to 0.5 by values(), but batch() takes it as given
    v[0, sp.names.index("param.care")] = 1.5
    v[0, sp.names.index("param.power")] = 3.0
    b = sp.batch(v)
    assert b.positions[0, 0, 0] == 100.0  # 50 + 0.6 x 100, clipped to the scale
    np.testing.assert_allclose(b.salience[0, :, 0], 0.75)
    np.testing.assert_allclose(b.capability[0], [1, 1, 3])


@pytest.mark.parametrize(("param", "message"), [
    ({"name": "r", "target": "reversion", "issues": ["nope"], "uncertainty": {"dist": "normal", "sd": 1}}, "unknown issue"),
    ({"name": "r", "target": "reversion", "issues": ["t"], "uncertainty": {"dist": "uniform", "low": -5, "high": 5}},
     "low and high must be between 0 and 100"),
    ({"name": "r", "target": "salience_factor", "actors": ["zz"], "uncertainty": {"dist": "normal", "sd": 1}}, "unknown actor"),
    ({"name": "r", "target": "capability_factor", "uncertainty": {"dist": "normal", "sd_share": 0.1}}, "absolute widths"),
    ({"name": "r", "target": "moon", "uncertainty": {"dist": "normal", "sd": 1}}, r"parameters\[0\]\.target: must be one of"),
])  # fmt: skip
def test_bad_parameters_name_the_field(param: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        scenario_from_dict(toy_dict() | {"parameters": [param]})


def test_parameters_survive_the_file_round_trip(hague: object) -> None:
    from alliance.negotiation.schema import scenario_to_dict

    d = scenario_to_dict(hague)  # type: ignore[arg-type]
    assert [p["name"] for p in d["parameters"]] == ["russia_reversion", "ukraine_reversion"]
    assert scenario_to_dict(scenario_from_dict(d)) == d
    # a single forecast is unchanged: the reversion points stay the issues' own
    assert hague.issue("ukraine").reversion == 75  # type: ignore[attr-defined]
