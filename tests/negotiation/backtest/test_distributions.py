"""Stacking weights, out-of-fold refits and the distributional cross-validation on DEU."""

from __future__ import annotations

import json

import numpy as np
import pytest

from alliance.negotiation.backtest import load_deu
from alliance.negotiation.backtest.distributions import MEMBERS, distribution_cv
from alliance.negotiation.backtest.oof import deu_case, fit_points
from alliance.negotiation.backtest.stacking import crps_quadratic, stack_weights
from alliance.negotiation.prediction import conformal, mixture


def _members(rng: np.random.Generator, n: int = 300) -> tuple[list, np.ndarray]:
    y = rng.normal(50, 10, n)
    good = conformal("good", y + rng.normal(0, 2, n), rng.normal(0, 2, 50), np.zeros(n), np.full(n, 100.0))
    bad = conformal("bad", y + 25, rng.normal(0, 2, 50), np.zeros(n), np.full(n, 100.0))
    wide = conformal("wide", y, rng.normal(0, 30, 50), np.zeros(n), np.full(n, 100.0))
    return [good, bad, wide], y


def test_the_crps_quadratic_equals_the_crps_of_the_pool() -> None:
    rng = np.random.default_rng(3)
    members, y = _members(rng)
    a, b = crps_quadratic(members, y)
    for w in (np.array([0.2, 0.3, 0.5]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5])):
        pooled = mixture(members, w).crps(y).mean()
        assert a @ w - 0.5 * w @ b @ w == pytest.approx(pooled, rel=1e-9)


def test_stacking_weights_favour_the_sharp_calibrated_member() -> None:
    members, y = _members(np.random.default_rng(4))
    w = stack_weights(members, y)
    assert w.sum() == pytest.approx(1.0) and np.all(w >= 0)
    assert w[0] > 0.8 and w[1] < 0.05
    # no other simplex point does better
    a, b = crps_quadratic(members, y)
    best = a @ w - 0.5 * w @ b @ w
    for _ in range(200):
        v = np.random.default_rng(_).dirichlet(np.ones(3))
        assert a @ v - 0.5 * v @ b @ v >= best - 1e-9


@pytest.fixture(scope="module")
def case():
    votes, pop = load_deu(capability="votes"), load_deu(capability="population")
    return deu_case(votes, pop, ["compromise", "median", "eum", "stacked", "ensemble", "choice"])


@pytest.mark.slow
def test_refits_never_see_the_test_proposals(case, monkeypatch) -> None:
    import alliance.negotiation.models.choice as choice_mod

    seen: list[np.ndarray] = []
    original = choice_mod.fit

    def spy(data, y, priors=None):  # type: ignore[no-untyped-def]
        seen.append(np.asarray(y).copy())
        return original(data, y, priors)

    monkeypatch.setattr(choice_mod, "fit", spy)
    g = case.groups
    props = np.unique(g)
    test = np.flatnonzero(np.isin(g, props[:10]))
    train = np.flatnonzero(~np.isin(g, props[:10]))
    point, params = fit_points(case, "choice", train, test)
    assert len(point) == len(test) and params is not None
    assert len(seen) == 1 and np.array_equal(seen[0], case.y[train])
    # scrambling the test outcomes changes no forecast of any fitted model
    y0 = case.y.copy()
    before = {m: fit_points(case, m, train, test)[0] for m in ("stacked", "ensemble", "choice")}
    case.y[test] = np.random.default_rng(0).permutation(case.y[test])[::-1]
    try:
        for m, p in before.items():
            assert np.allclose(fit_points(case, m, train, test)[0], p, equal_nan=True), m
    finally:
        case.y[:] = y0


@pytest.mark.slow
def test_distributional_cv_one_seed(case) -> None:
    res = distribution_cv(
        case, ["compromise", "median", "eum", "stacked", "ensemble", "choice"], seeds=(0,), bootstrap=50
    )
    t = res.table.set_index(["model", "distribution"])
    assert t.loc[("compromise", "conformal"), "n"] == 220
    assert t.loc[("compromise", "conformal"), "mae"] == pytest.approx(23.72, abs=0.005)  # votes, no parameters
    # split-conformal around a parameter-free model: coverage close to nominal on 220 issues
    for lv, nominal in ((50, 0.5), (80, 0.8), (95, 0.95)):
        assert abs(t.loc[("compromise", "conformal"), f"cover{lv}"] - nominal) < 0.08
    assert ("choice", "own") in t.index and ("synthesis", "synthesis") in t.index
    assert not np.isnan(t.loc[("synthesis", "synthesis"), "log_score"])
    assert np.isnan(t.loc[("compromise", "conformal"), "log_score"])  # no mass on candidates
    assert len(res.weights) == 5 and np.allclose(res.weights[list(MEMBERS)].sum(axis=1), 1.0, atol=1e-3)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["info"]["search_inside_loop"] is True and "synthesis-v1" in d["info"]["specifications"]


@pytest.mark.slow
def test_backtest_json_carries_distribution_scores(cli) -> None:
    code, out, err = cli(
        "negotiate", "backtest", "deu-calibration", "--model", "compromise,choice", "--bootstrap", "50", "--format", "json"
    )  # fmt: skip
    assert code == 0, err
    d = json.loads(out)
    rows = {(r["model"], r["distribution"]): r for r in d["distributions"]}
    assert rows[("compromise", "conformal")]["crps_diff"] == 0.0
    assert ("choice", "choice") in rows and rows[("choice", "choice")]["log_score"] > 0
    assert set(d["pit"]) == {"compromise|conformal", "choice|choice"}


def test_scores_do_not_combine_with_nested(cli) -> None:
    code, _, err = cli("negotiate", "backtest", "deu-calibration", "--cv", "5", "--nested", "--scores")
    assert code == 2 and "--scores does not combine with --nested" in err
