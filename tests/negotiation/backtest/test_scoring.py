"""Scoring, the cluster bootstrap, grouped CV, the stacked model and the backtest CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.errors import BadInput
from alliance.negotiation.backtest import backtest, cross_validate, deu_batch, group_kfold, load_deu
from alliance.negotiation.backtest.cv import fit_convex_lad
from alliance.negotiation.models import get_model, model_names
from alliance.negotiation.scenario import Actor, Issue, Scenario


@pytest.fixture(scope="module")
def scenarios():
    return load_deu("deu-calibration")


def _mk(proposal: str, name: str, positions: list[float], outcome: float) -> Scenario:
    actors = tuple(
        Actor(name=a, capability=1.0, positions={name: p}, saliences={name: 1.0}, chair=a == "com")
        for a, p in zip(["com", "ep", "de", "fr"], positions, strict=False)
    )
    return Scenario(
        name=name,
        issues=(Issue(name=name, outcome=outcome, reversion=0.0),),
        actors=actors,
        metadata={"proposal": proposal, "procedure": "COD", "voting_rule": "QMV"},
    )


@pytest.mark.slow
def test_compromise_headline(scenarios) -> None:
    r = backtest(scenarios, "compromise", bootstrap=200)
    row = r.table.set_index("model").loc["compromise"]
    assert row["n"] == 220 and row["mae"] == pytest.approx(24.0897, abs=1e-3)
    assert row["mae_lo"] < row["mae"] < row["mae_hi"]
    assert row["diff_vs_compromise"] == 0
    assert set(r.breakdown["group"]) == {"COD", "CNS", "QMV", "Unanimity"}
    base = r.table.set_index("model")
    assert base.loc["baseline_mean", "mae"] == pytest.approx(23.66, abs=0.005)


@pytest.mark.slow
def test_all_models_include_stacked_and_count_missing(scenarios) -> None:
    r = backtest(scenarios, "all", bootstrap=100)
    t = r.table.set_index("model")
    assert "stacked" in t.index and set(model_names()) <= set(t.index)
    assert (t["n"] == r.info["n_common"]).all()
    assert r.info["n_common"] + t["missing"].max() <= 220
    # a model that cannot forecast some issues has them counted, and the common set shrinks accordingly
    if t["missing"].max() > 0:
        assert r.info["n_common"] < 220


def test_bootstrap_resamples_proposals_not_issues() -> None:
    # Proposal A: three issues that all miss by 30; proposal B: one issue hit exactly.
    # Resampling proposals, every replicate MAE is 0, 30 (A only) or a mix weighted by issue counts:
    # values like 30*3/4 = 22.5 are possible, but never 10 (one A issue with two B issues), which issue-level
    # resampling would produce.
    sc = [_mk("A", f"a{i}", [20, 20, 20, 20], 50.0) for i in range(3)] + [_mk("B", "b0", [60, 60, 60, 60], 60.0)]
    r = backtest(sc, "compromise", bootstrap=400, baselines=False)
    from alliance.negotiation.backtest.folds import cluster_bootstrap_index

    draws = cluster_bootstrap_index(np.array([0, 0, 0, 1]), 400, 20261127)
    n_a = (draws == 0).sum(axis=1)
    maes = 30 * 3 * n_a / (3 * n_a + (2 - n_a))
    assert set(np.round(maes, 6)) <= {0.0, 22.5, 30.0}
    row = r.table.iloc[0]
    assert row["mae"] == pytest.approx(22.5)
    assert row["mae_lo"] == pytest.approx(np.quantile(maes, 0.025))
    assert row["mae_hi"] == pytest.approx(30.0)


def test_group_kfold_never_splits_a_proposal(scenarios) -> None:
    groups = np.array([s.metadata["proposal"] for s in scenarios])
    for seed in range(3):
        folds = group_kfold(groups, 5, seed)
        for g in np.unique(groups):
            assert len(set(folds[groups == g])) == 1
        assert set(folds) == set(range(5))
    with pytest.raises(BadInput):
        group_kfold(groups, 1, 0)


def test_lad_fit_recovers_convex_weights() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, size=(60, 3))
    w = np.array([0.2, 0.0, 0.8])
    assert fit_convex_lad(x, x @ w) == pytest.approx(w, abs=1e-6)


@pytest.mark.slow
def test_cross_validation_is_reproducible_and_beats_compromise() -> None:
    votes = load_deu(capability="votes")
    a = cross_validate(votes, k=5, seeds=(0,), bootstrap=100, inner_seeds=(100,))
    b = cross_validate(votes, k=5, seeds=(0,), bootstrap=100, inner_seeds=(100,))
    assert a.summary == b.summary
    assert a.summary["n"] == 220
    assert a.summary["mae_stacked_cv"] < a.summary["mae_compromise"]
    assert len(a.fold_weights) == 5 and a.fold_weights["snap"].between(0, 1).all()


@pytest.mark.slow
def test_stacked_shipped_params_and_determinism() -> None:
    from alliance.negotiation.models.stacked import FEATURES, load_params

    p = load_params()
    w = np.array([p["weights"].get(f, 0.0) for f in FEATURES])
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
    assert 0 < p["snap"] <= 1
    assert p["date_fitted"] and p["cv"]["mae_stacked_cv"] < p["cv"]["mae_compromise_same_issues_votes"]
    solve = get_model("stacked")
    s = load_deu(capability="votes")[0]
    r1, r2 = solve(s), solve(s)
    np.testing.assert_array_equal(r1.outcome, r2.outcome)
    feats = r1.details["features"]
    blend = sum(p["weights"].get(f, 0.0) * feats[f][0] for f in FEATURES)
    assert r1.details["blend"][0] == pytest.approx(blend)
    positions = [a.positions[s.issues[0].name] for a in s.actors]
    if r1.details["snapped"][0]:
        assert r1.outcome[0] in positions
        assert abs(r1.outcome[0] - blend) <= p["snap"] * np.std(positions) + 1e-9
    else:
        assert r1.outcome[0] == pytest.approx(blend)


@pytest.mark.slow
def test_shipped_weights_are_the_full_calibration_fit() -> None:
    from alliance.negotiation.backtest.cv import fit_convex_lad
    from alliance.negotiation.models.stacked import FEATURES, load_params

    p = load_params()
    b = deu_batch(load_deu(capability="votes"))
    from alliance.negotiation.backtest.cv import _features, _scored

    ok = _scored(b)
    w = fit_convex_lad(_features(b)[ok], b.outcome[ok])
    assert dict(zip(FEATURES[:6], w, strict=True)) == pytest.approx(p["weights"], abs=2e-3)


def test_snap_is_order_free_and_within_window() -> None:
    from alliance.negotiation.models.stacked import snap_to_positions

    pos = np.array([[[40.0], [60.0], [np.nan], [0.0]]])  # (1, 4, 1)
    out = snap_to_positions(np.array([[50.0]]), pos, 1.0)
    assert out[0, 0] == 40.0  # equidistant: the lower one, whatever the actor order
    assert snap_to_positions(np.array([[50.0]]), pos[:, ::-1], 1.0)[0, 0] == 40.0
    spread = np.nanstd(pos)
    assert snap_to_positions(np.array([[50.0]]), pos, 9.99 / spread)[0, 0] == 50.0  # outside the window
    assert snap_to_positions(np.array([[50.0]]), pos, 0.0)[0, 0] == 50.0


def test_stacked_on_a_scenario_without_chair_or_co_legislator() -> None:
    s = Scenario(
        name="x",
        issues=(Issue(name="i"),),
        actors=(
            Actor(name="a", capability=1, positions={"i": 0.0}, saliences={"i": 1.0}),
            Actor(name="b", capability=1, positions={"i": 100.0}, saliences={"i": 1.0}),
        ),
    )
    res = get_model("stacked")(s, snap=0)
    # every missing feature falls back to the compromise (50); the weighted median is 0 and the midpoint 50
    from alliance.negotiation.models.stacked import load_params

    w = load_params()["weights"]
    assert res.outcome[0] == pytest.approx(50.0 * (1 - w["weighted_median"]))
    assert "compromise stands in" in res.notes["i"]
    with pytest.raises(BadInput):
        get_model("stacked")(s, snap=-1)


@pytest.mark.slow
def test_cli_acceptance_json(cli) -> None:
    code, out, _ = cli(*["backtest", "deu-calibration", "--model", "compromise", "--capability", "equal", "--format", "json",
         "--bootstrap", "100"],
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    comp = next(m for m in data["models"] if m["model"] == "compromise")
    assert round(comp["mae"], 2) == 24.09 and comp["n"] == 220


@pytest.mark.slow
def test_cli_all_lists_stacked_with_interval(cli, tmp_path) -> None:
    png = tmp_path / "bt.png"
    code, out, _ = cli(*["backtest", "deu-calibration", "--model", "all", "--format", "json", "--bootstrap", "100",
                 "--plot", str(png)],
    )  # fmt: skip
    assert code == 0 and png.stat().st_size > 1000
    models = {m["model"]: m for m in json.loads(out)["models"]}
    assert "stacked" in models
    assert models["stacked"]["diff_lo"] <= models["stacked"]["diff_vs_compromise"] <= models["stacked"]["diff_hi"]


@pytest.mark.slow
def test_cli_bad_input_exits_2(cli, tmp_path) -> None:
    code, _, err = cli(*["backtest", "deu-calibration", "--model", "nope"])
    assert code == 2 and "unknown model 'nope'" in err
    code, _, err = cli(*["backtest", "deu-calibration", "--capability", "gdp"])
    assert code == 2 and "capability" in err
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "prnr\tisnr\tproc\tcounvte\tintro\tpcom\tscom\trp\tout\nd1\ti1\tCOD\tQMV\t01-01-05\tabc\t50\t0\t10\n"
    )
    code, _, err = cli(*["backtest", str(bad)])
    assert code == 2 and "row 1, column 'pcom'" in err and "Traceback" not in err


@pytest.mark.slow
def test_cli_cv(cli) -> None:
    code, out, _ = cli(*["backtest", "deu-calibration", "--capability", "votes", "--cv", "5", "--cv-seeds", "1",
                 "--bootstrap", "100", "--format", "json"],
    )  # fmt: skip
    assert code == 0
    s = json.loads(out)["summary"]
    assert s["folds"] == 5 and s["seeds"] == [0]


def _hyp_scenario(positions: list[float], saliences: list[float], perm: list[int]) -> Scenario:
    names = [f"a{i}" for i in range(len(positions))]
    actors = [
        Actor(name=names[i], capability=1.0 + i % 3, positions={"i": positions[i]}, saliences={"i": saliences[i]})
        for i in perm
    ]
    return Scenario(name="h", issues=(Issue(name="i", reversion=None),), actors=tuple(actors), chair="a0")


def _stacked_properties(solve: object, data: list[tuple[float, float]], seed: int) -> None:
    """What any forecast of the stacked model must satisfy (raises AssertionError otherwise): the actors' order does
    not matter; the outcome lies between the extreme positions; mirroring every position on the scale (x -> 100 - x)
    mirrors the outcome (a blend of location features is symmetric); actors who all stand at one position get it."""
    positions = [p for p, _ in data]
    saliences = [s for _, s in data]
    perm = [int(v) for v in np.random.default_rng(seed).permutation(len(data))]
    ident = list(range(len(data)))
    a = solve(_hyp_scenario(positions, saliences, ident)).outcome[0]  # type: ignore[operator]
    b = solve(_hyp_scenario(positions, saliences, perm)).outcome[0]  # type: ignore[operator]
    assert a == pytest.approx(b)
    # the midpoint (weight 0 in the shipped fit) is the only feature that could leave the range of positions
    assert min(positions) - 1e-9 <= a <= max(positions) + 1e-9
    mirrored = solve(_hyp_scenario([100.0 - p for p in positions], saliences, perm)).outcome[0]  # type: ignore[operator]
    assert mirrored == pytest.approx(100.0 - a, abs=1e-6)
    same = solve(_hyp_scenario([positions[0]] * len(data), saliences, perm)).outcome[0]  # type: ignore[operator]
    assert same == pytest.approx(positions[0])


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 10).map(lambda v: 10.0 * v), st.floats(0.05, 1.0)), min_size=2, max_size=8),
    seed=st.integers(0, 1000),
)
@pytest.mark.slow
def test_stacked_order_free_inside_the_positions_and_mirror_symmetric(data, seed) -> None:
    _stacked_properties(get_model("stacked"), data, seed)


def test_the_stacked_properties_fail_a_model_that_returns_the_lowest_position() -> None:
    """The property test above is not vacuous: a broken stacked model (the lowest position) fails it."""
    from alliance.negotiation.models.base import ModelOutcome

    def lowest(scenario: Scenario, **options: object) -> ModelOutcome:
        return ModelOutcome("stacked", np.nanmin(scenario.arrays().positions, axis=0))

    _stacked_properties(get_model("stacked"), [(10.0, 0.5), (30.0, 0.9), (80.0, 0.2)], 3)  # the real model passes
    with pytest.raises(AssertionError):
        _stacked_properties(lowest, [(10.0, 0.5), (30.0, 0.9), (80.0, 0.2)], 3)
