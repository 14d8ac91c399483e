"""The analyses: probabilities per model and issue, the synthesis, Sobol' indices of a linear toy, actor ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alliance.sweep import SweepResult, sweep

from .conftest import toy_dict


@pytest.fixture(scope="module")
def hague_sweep(tmp_path_factory: pytest.TempPathFactory) -> SweepResult:
    path = tmp_path_factory.mktemp("sweep") / "hague.duckdb"
    return sweep("hague-2025", 1500, models="compromise,median,consensus,nash,stacked", seed=1, store=path)


def test_probabilities_per_model_and_issue_sum_to_one(hague_sweep: SweepResult) -> None:
    f = hague_sweep.formulations
    sums = f.groupby(["model", "issue"])["p"].sum()
    no_forecast = hague_sweep.outcomes.set_index(["model", "issue"])["p_no_forecast"]
    np.testing.assert_allclose(sums + no_forecast.reindex(sums.index), 1.0)
    out = hague_sweep.outcomes.set_index(["model", "issue"])
    # the consensus model deadlocks on the spending target in some runs (stated bounds exclude each other)
    assert out.loc[("consensus", "spending_target"), "p_deadlock"] > 0
    assert (out.xs("compromise", level="model")["p_deadlock"] == 0).all()
    q = out[["p05", "p25", "p50", "p75", "p95"]].dropna().to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()


def test_the_synthesis_weights_models_by_the_deu_backtest(hague_sweep: SweepResult) -> None:
    from alliance.negotiation.models.synthesis import synthesis_weights

    w = synthesis_weights("votes")
    assert w["stacked"] > 0 and w["compromise"] == 0  # so only stacked carries weight among these five
    s = hague_sweep.synthesis.set_index(["issue", "formulation"])
    f = hague_sweep.formulations.set_index(["model", "issue", "formulation"])["p"]
    for (issue, label), row in s.iterrows():
        assert row["p"] == pytest.approx(f[("stacked", issue, label)])
        per_model = [f[(m, issue, label)] for m in hague_sweep.meta["models"]]
        assert row["p_equal"] == pytest.approx(np.mean(per_model))
        assert row["p_min"] == pytest.approx(min(per_model)) and row["p_max"] == pytest.approx(max(per_model))
    assert s.groupby(level="issue")["p"].sum().round(9).tolist() == [1.0] * 4
    assert set(hague_sweep.agreement["issue"]) == {"russia_threat", "spending_target", "flexibility", "ukraine"}


def test_unsignable_outcomes_are_marked(hague_sweep: SweepResult) -> None:
    s = hague_sweep.synthesis
    madrid = s[(s["issue"] == "russia_threat") & (s["value"] == 100)].iloc[0]
    assert "HUN" in madrid["vetoed_at_nominal"]  # Hungary's stated bounds exclude the Madrid wording
    out = hague_sweep.outcomes.set_index(["model", "issue"])
    # the consensus model's outcome lies in the win-set: never unsignable; the compromise often is
    assert (out.xs("consensus", level="model")["p_unsignable"] == 0).all()
    assert out.loc[("compromise", "spending_target"), "p_unsignable"] > 0.5


def test_report_json_has_per_model_formulations_deadlock_and_synthesis(hague_sweep: SweepResult) -> None:
    d = hague_sweep.to_dict()
    issue = d["models"]["nash"]["spending_target"]
    assert set(issue["p_formulation"]) >= {"5% of GDP (3.5% core + 1.5% defence- and security-related)", "no agreement"}
    assert issue["p_deadlock"] == issue["p_formulation"]["no agreement"]
    assert d["synthesis"]["ukraine"]["formulations"][0]["formulation"] == "Ukraine not mentioned"
    assert {"most_likely", "models_agree", "split", "weights"} <= set(d["synthesis"]["ukraine"])
    assert d["models"]["median"]["russia_threat"]["importance"][0]["rank"] == 1
    assert len(d["models"]["median"]["russia_threat"]["histogram"]) == 20


def test_the_actor_ranking_finds_the_actor_that_moves_the_outcome(hague_sweep: SweepResult) -> None:
    imp = hague_sweep.importance
    top = imp[(imp["model"] == "compromise") & (imp["issue"] == "flexibility")].iloc[0]
    assert top["actor"] == "USA"  # the largest capability by far, with a rule-filled (wide) position


def test_the_result_plots(hague_sweep: SweepResult, tmp_path: Path) -> None:
    fig = hague_sweep.plot(tmp_path / "sweep.png")
    assert (tmp_path / "sweep.png").stat().st_size > 0 and len(fig.axes) == 4
    assert hague_sweep.plot(backend="plotly").data


def test_sobol_indices_of_a_linear_toy_match_the_known_values() -> None:
    from alliance.negotiation.schema import scenario_from_dict

    widths = np.array([10.0, 20.0, 30.0])
    res = sweep(scenario_from_dict(toy_dict(tuple(widths))), 20_000, models="compromise", sampler="sobol", seed=3)
    assert res.meta["runs_stored"] == 2048 * 5  # 20,000 // 5 = 4,000 -> 2,048 base rows
    sens = res.sensitivity.set_index("input")
    known = widths**2 / (widths**2).sum()  # the mean of independent uniforms: variance shares
    names = [f"a{k}.t.position" for k in range(3)]
    np.testing.assert_allclose(sens.loc[names, "S1"], known, atol=0.03)
    np.testing.assert_allclose(sens.loc[names, "ST"], known, atol=0.03)
    assert (sens["S1_conf"] > 0).all() and (sens["S1_conf"] < 0.1).all()
    assert list(res.importance["actor"]) == ["a2", "a1", "a0"]


def test_sobol_by_actor_groups() -> None:
    res = sweep("hague-2025", 3000, models="compromise", sampler="sobol", sobol_groups="actor", seed=1)
    sens = res.sensitivity[res.sensitivity["issue"] == "flexibility"].set_index("input")
    assert res.meta["runs"] == 64 * 37  # 33 actors + 2 parameters = 35 groups: 3000 // 37 -> 64 base rows x 37
    assert sens["ST"].idxmax() == "USA"


def test_the_synthesis_model_is_swept_but_left_out_of_the_cross_model_shares() -> None:
    res = sweep("hague-2025", 100, models="compromise,synthesis", seed=2)
    assert set(res.outcomes["model"]) == {"compromise", "synthesis"}
    f = res.formulations.set_index(["model", "issue", "formulation"])["p"]
    for rec in res.synthesis.to_dict(orient="records"):
        assert rec["p"] == pytest.approx(f[("compromise", rec["issue"], rec["formulation"])])
    assert res.agreement["models_agree"].all()  # one model left: it agrees with itself
