"""The discrete-choice model on hand-computed features and on data simulated from it (never on DEU here)."""

from __future__ import annotations

import numpy as np
import pytest

from alliance.negotiation.models.choice import (
    FEATURES,
    choice_data,
    distribution,
    fit,
    predictive,
    predictive_from_data,
    solve,
)
from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario

PARAMS = {
    "coefficients": {"support": 2.0, "closeness": 3.0, "setter": 1.5, "colegislator": 0.0,
                     "compromise_distance": -4.0, "is_reference": 1.0},
    "pi": 0.25,
    "sigma": 0.1,
}  # fmt: skip


def _hand_issue() -> object:
    # four voters at 0, 0, 50, 100 and a setter (not a voter) at 50; unanimity; rp 0; scale 0-100
    pos = np.array([[0.0, 0.0, 50.0, 100.0, 50.0]])
    return choice_data(
        positions=pos,
        salience=np.ones_like(pos),
        capability=np.ones_like(pos),
        voters=np.array([[True, True, True, True, False]]),
        setter=np.array([50.0]),
        colegislator=np.array([np.nan]),
        reversion=np.array([0.0]),
        unanimity=np.array([True]),
        low=np.array([0.0]),
        high=np.array([100.0]),
    )


def test_candidates_and_features_by_hand() -> None:
    d = _hand_issue()
    assert d.candidates.tolist() == [[0.0, 50.0, 100.0]]
    f = dict(zip(FEATURES, np.moveaxis(d.features[0], 1, 0), strict=True))
    assert f["support"].tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert f["closeness"].tolist() == pytest.approx([0.625, 0.625, 0.375])
    assert f["setter"].tolist() == pytest.approx([0.5, 1.0, 0.5])
    assert f["colegislator"].tolist() == [0.0, 0.0, 0.0]  # no co-legislator: neutral
    assert d.centre[0] == pytest.approx(40.0)  # (0 + 0 + 50 + 100 + 50) / 5
    assert f["compromise_distance"].tolist() == pytest.approx([0.4, 0.1, 0.6])
    assert f["is_reference"].tolist() == [1.0, 0.0, 0.0]


def test_qmv_weighs_support_by_capability() -> None:
    pos = np.array([[0.0, 100.0]])
    kw = dict(positions=pos, salience=np.ones_like(pos), capability=np.array([[3.0, 1.0]]),
              voters=np.ones_like(pos, dtype=bool), setter=np.array([np.nan]), colegislator=np.array([np.nan]),
              reversion=np.array([np.nan]), low=np.array([0.0]), high=np.array([100.0]))  # fmt: skip
    qmv = choice_data(unanimity=np.array([False]), **kw)  # type: ignore[arg-type]
    unan = choice_data(unanimity=np.array([True]), **kw)  # type: ignore[arg-type]
    assert qmv.features[0, :, 0].tolist() == pytest.approx([0.75, 0.25])
    assert unan.features[0, :, 0].tolist() == pytest.approx([0.5, 0.5])
    assert qmv.candidates.shape == (1, 2)  # no reference point: only the positions


def test_distribution_is_a_probability_and_classes_partition_it() -> None:
    d = _hand_issue()
    values, weights, cmass, between = distribution(d, PARAMS)
    assert weights.sum() == pytest.approx(1.0)
    assert np.nansum(cmass) + between[0] == pytest.approx(1.0)
    assert np.nansum(cmass) > 0.75  # the candidates' point masses (1 - pi) plus the continuous part near them
    pred = predictive_from_data(d, PARAMS)
    assert pred.point[0] in d.candidates[0]  # the median sits on a candidate when pi < 0.5
    lo, hi = pred.intervals[0.8]
    assert lo[0] <= pred.point[0] <= hi[0]


def _simulate(n: int, rng: np.random.Generator) -> tuple[object, np.ndarray]:
    alts = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    a = 9
    pos = alts[rng.integers(0, 5, size=(n, a))]
    pos[rng.random((n, a)) < 0.2] = np.nan
    pos[:, 0] = alts[rng.integers(0, 5, size=n)]  # the setter is always coded
    sal = rng.uniform(0.3, 1.0, size=(n, a))
    cap = rng.uniform(0.5, 2.0, size=(n, a))
    voters = np.ones((n, a), dtype=bool)
    voters[:, 0] = False
    rp = np.where(rng.random(n) < 0.6, alts[rng.integers(0, 5, size=n)], np.nan)
    d = choice_data(pos, sal, cap, voters, pos[:, 0], np.full(n, np.nan), rp, rng.random(n) < 0.3,
                    np.zeros(n), np.full(n, 100.0))  # fmt: skip
    values, weights, _, _ = distribution(d, PARAMS)
    cum = np.cumsum(weights, axis=1)
    pick = (cum < rng.random(n)[:, None]).sum(axis=1)
    y = values[np.arange(n), np.minimum(pick, values.shape[1] - 1)]
    on_grid = pick >= d.candidates.shape[1]  # continuous draws: jitter within their bin
    y = np.where(on_grid, np.clip(y + rng.uniform(-0.25, 0.25, n), 0, 100), y)
    return d, y


def test_fit_recovers_the_parameters_of_simulated_data() -> None:
    from alliance.negotiation.models.choice import _softmax

    rng = np.random.default_rng(11)
    d, y = _simulate(4000, rng)
    est = fit(d, y)  # type: ignore[arg-type]
    assert est["converged"]
    # well identified: the setter, the reference point, the mixing share and the spread
    for f in ("setter", "is_reference"):
        assert est["coefficients"][f] == pytest.approx(PARAMS["coefficients"][f], abs=0.4), f  # type: ignore[index]
    assert abs(est["coefficients"]["colegislator"]) < 0.5  # no co-legislator in the data: the prior keeps it at 0
    assert est["pi"] == pytest.approx(0.25, abs=0.03)
    assert est["sigma"] == pytest.approx(0.1, abs=0.02)
    # closeness and the distance to the compromise are correlated (r = -0.84 here): judge their sum by the
    # choice probabilities they give, which must match the true ones closely
    beta = np.array([est["coefficients"][f] for f in FEATURES])
    true = np.array([PARAMS["coefficients"][f] for f in FEATURES])  # type: ignore[index]
    diff = np.abs(_softmax(d, beta) - _softmax(d, true))[d.valid]  # type: ignore[arg-type]
    assert diff.mean() < 0.01


def _consensus_scenario(metadata: dict[str, object]) -> Scenario:
    issue = Issue(name="t", low=0.0, high=10.0, reversion=2.0)
    actors = tuple(
        Actor(name=n, capability=c, positions={"t": p}, saliences={"t": 0.8})
        for n, c, p in (("a", 5.0, 2.0), ("b", 1.0, 5.0), ("c", 1.0, 5.0), ("d", 1.0, 9.0))
    ) + (Actor(name="chair", capability=0.0, positions={"t": 5.0}, saliences={"t": 0.5}, veto=False, chair=True),)
    return Scenario(name="s", issues=(issue,), actors=actors, rule=DecisionRule("consensus"), chair="chair",
                    metadata=metadata)  # fmt: skip


def test_nato_like_scenario_uses_neutral_setter_and_colegislator_features() -> None:
    sc = _consensus_scenario({})
    pred = predictive(sc, PARAMS)
    res = solve(sc, PARAMS)
    assert res.outcome[0] == pred.point[0] and 0 <= res.outcome[0] <= 10
    assert "neutral feature(s): setter, colegislator" in res.notes["t"]
    changed = {**PARAMS, "coefficients": {**PARAMS["coefficients"], "setter": -7.0, "colegislator": 9.0}}  # type: ignore[dict-item]
    assert np.allclose(predictive(sc, changed).weights, pred.weights)  # neutral features drop out
    # naming the chair as agenda setter brings its feature in
    with_setter = predictive(_consensus_scenario({"agenda_setter": "chair"}), changed)
    assert not np.allclose(with_setter.weights, pred.weights)
    assert res.details["candidates"]["t"] == [2.0, 5.0, 9.0]  # positions and the reference point 2
