"""Tests written to kill the mutants that survived the mutation-testing pass (issue 14, docs/reliability.md): the
branches of the model kernels that the known-answer and property tests did not reach."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from alliance.negotiation.models import compromise
from alliance.negotiation.models.batch import batch_from_scenario
from alliance.negotiation.scenario import Actor, Issue, Scenario


def _scenario(saliences: tuple[float, float, float] = (0.5, 0.5, 0.5)) -> Scenario:
    issues = (Issue("a", 0.0, 100.0, reversion=50.0), Issue("b", 0.0, 10.0))
    actors = (
        Actor("X", 1.0, {"a": 20.0, "b": 2.0}, {"a": saliences[0], "b": 0.5}),
        Actor("Y", 3.0, {"a": 80.0, "b": 8.0}, {"a": saliences[1], "b": 0.5}),
        Actor("Z", 2.0, {"a": 50.0}, {"a": saliences[2]}),  # not on b
    )
    return Scenario("k", issues, actors)


def test_compromise_falls_back_to_the_plain_mean_when_every_weight_is_zero() -> None:
    sc = _scenario((0.0, 0.0, 0.0))
    res = compromise.solve(sc)
    assert res.outcome[0] == pytest.approx(50.0)  # (20 + 80 + 50) / 3, not NaN
    assert res.notes["a"] == "all cs weights are zero; the plain mean is used"
    assert "b" not in res.notes
    assert res.outcome[1] == pytest.approx((1 * 2 + 3 * 8) / 4)


def test_the_fast_and_general_compromise_paths_agree_when_one_issue_has_no_weight() -> None:
    batch = batch_from_scenario(_scenario((0.0, 0.0, 0.0)), runs=3)
    fast = compromise.solve_batch(batch).outcome
    general = compromise.compromise_kernel(batch.positions, compromise.safe_weights(batch, "cs"))
    np.testing.assert_allclose(fast, general)
    assert not np.isnan(fast).any()


def test_a_nan_salience_where_the_actor_is_absent_changes_nothing() -> None:
    batch = batch_from_scenario(_scenario())
    sal = batch.salience.copy()
    sal[0, 2, 1] = np.nan  # Z is not on issue b: its salience there is undefined
    odd = replace(batch, salience=sal)
    np.testing.assert_allclose(compromise.solve_batch(odd).outcome, compromise.solve_batch(batch).outcome)


def test_compromise_weights_by_capability_times_salience() -> None:
    out = compromise.solve(_scenario((0.5, 0.5, 1.0))).outcome
    # a: (1*.5*20 + 3*.5*80 + 2*1*50) / (.5 + 1.5 + 2)
    assert out[0] == pytest.approx((10 + 120 + 100) / 4.0)
    for kind, expected in (("s", (0.5 * 20 + 0.5 * 80 + 50) / 2.0), ("c", (20 + 240 + 100) / 6.0), ("equal", 50.0)):
        assert compromise.solve(_scenario((0.5, 0.5, 1.0)), kind).outcome[0] == pytest.approx(expected), kind


def test_the_median_kernel_gives_nan_where_the_total_weight_is_zero() -> None:
    from alliance.negotiation.models.median import median_kernel

    pos = np.array([[[10.0, 1.0], [60.0, 2.0], [90.0, np.nan]]])
    w = np.array([[[0.0, 1.0], [0.0, 1.0], [0.0, 0.0]]])
    out = median_kernel(pos, w)
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(1.5)


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6, 1e12])
def test_the_median_of_exactly_half_the_weight_is_the_midpoint_at_any_scale(scale: float) -> None:
    from alliance.negotiation.models.median import median_kernel

    # 0.1 + 0.2 is not 0.3 in floating point: the tolerance on "exactly half" must scale with the total
    pos = np.array([[[10.0], [20.0], [40.0]]])
    w = np.array([[[0.1], [0.2], [0.3]]]) * scale
    assert median_kernel(pos, w)[0, 0] == pytest.approx(30.0)


def test_small_positive_weights_get_no_zero_weight_note() -> None:
    res = compromise.solve(_scenario((0.1, 0.1, 0.1)))  # weights on a sum to 0.6: small, not zero
    assert res.notes == {}
    assert res.outcome[0] == pytest.approx((0.1 * 20 + 0.3 * 80 + 0.2 * 50) / 0.6)
