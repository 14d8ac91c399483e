"""The spending model: a hand-computed step, shapes, vectorisation over runs, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.dynamics.drivers import HAGUE, WALES, record_drivers
from alliance.dynamics.model import FLOOR, PARAM_NAMES, Drivers, Params, desired, pledge_step, simulate, step
from alliance.dynamics.panel import load_panel


def tiny_drivers(**overrides: object) -> Drivers:
    """Two allies, one decision year (2024, the Wales deadline)."""
    base: dict[str, object] = dict(
        years=np.array([2024]),
        crimea=np.array([1.0]),
        invasion=np.array([1.0]),
        extra_threat=np.zeros((1, 1)),
        commitment=np.ones((1, 1)),
        member=np.array([[True, True]]),
        gdp=np.array([[100.0, 300.0]]),
        growth_now=np.array([[0.02, 0.01]]),
        growth_next=np.array([[0.03, 0.01]]),
        growth_trend=np.array([0.02, 0.01]),
        border=np.array([1.0, 0.0]),
        proximity=np.array([1.0, 0.5]),
        presence=np.array([0.0, 2.0]),
        pledge_level=np.array([2.0]),
        pledge_start=np.array([2014]),
        pledge_deadline=np.array([2024]),
        target_applies=np.array([True, True]),
    )
    base.update(overrides)
    return Drivers(**base)  # type: ignore[arg-type]


TINY = Params(
    adjust=0.5,
    base=1.0,
    threat_border=0.4,
    threat_proximity=0.2,
    size=0.1,
    us_presence=-0.1,
    compliance=0.5,
    peer=0.1,
    growth_passthrough=1.0,
    fiscal=0.05,
    us_signal=0.5,
    shock_2022=1.0,
    sigma=0.0,
)


def test_partial_adjustment_step_known_answer() -> None:
    # T = crimea 1 + shock 1 x invasion 1 = 2; commitment 1 so felt threat = 2.
    # x*0 = 1 + 2 (0.4 + 0.2) + 0.1 log(0.25 * 2)          = 2.2 - 0.0693147 = 2.1306853
    # x*1 = 1 + 2 (0.2 * 0.5) + 0.1 log(0.75 * 2) - 0.1 * 2 = 1.0405465
    # pledge step (deadline reached, 1 year left): ally 0 max(2 - 1.5, 0) / 1 = 0.5; ally 1 0
    # xbar = (1.5 * 100 + 2.5 * 300) / 400 = 2.25
    # x0' = 1.5 + 0.5 (2.1306853 - 1.5) + 0.5 * 0.5 + 0.1 (2.25 - 1.5) - 1.5 (0.03 - 0.02) + 5 (0.02 - 0.02)
    # x1' = 2.5 + 0.5 (1.0405465 - 2.5) + 0 + 0.1 (2.25 - 2.5) - 0 + 0
    d = tiny_drivers()
    x = np.array([[1.5, 2.5]])
    theta = TINY.vector()[None, :]
    assert_allclose(desired(x, theta, d, 0)[0], [2.2 + 0.1 * math.log(0.5), 1.2 + 0.1 * math.log(1.5) - 0.2])
    assert_allclose(pledge_step(x, d, 0)[0], [0.5, 0.0])
    expected = [
        1.5 + 0.5 * (2.2 + 0.1 * math.log(0.5) - 1.5) + 0.25 + 0.075 - 0.015,
        2.5 + 0.5 * (1.2 + 0.1 * math.log(1.5) - 0.2 - 2.5) - 0.025,
    ]
    assert_allclose(step(x, theta, d, 0)[0], expected, rtol=1e-12)
    assert_allclose(expected, [2.12534265, 1.74527325], atol=1e-8)


def test_pledge_step_spreads_the_gap_over_the_years_left_and_respects_exemption() -> None:
    d = tiny_drivers(years=np.array([2020]), target_applies=np.array([True, False]))
    x = np.array([[1.0, 1.0]])
    # 2020: 4 years to the 2024 deadline; ally 1 exempt.
    assert_allclose(pledge_step(x, d, 0)[0], [0.25, 0.0])
    d_before = tiny_drivers(years=np.array([2013]))
    assert_allclose(pledge_step(x, d_before, 0)[0], [0.0, 0.0])


def test_drawdown_signal_raises_the_felt_threat_of_exposed_allies() -> None:
    theta = TINY.vector()[None, :]
    x = np.array([[1.5, 2.5]])
    base = desired(x, theta, tiny_drivers(), 0)[0]
    drawn = desired(x, theta, tiny_drivers(commitment=np.full((1, 1), 0.7)), 0)[0]
    # exposed ally 0: T (1 + kappa 0.3) x 0.6 = 2 * 1.15 * 0.6 vs 2 * 0.6; ally 1 also loses presence
    assert_allclose(drawn[0] - base[0], 2 * 0.5 * 0.3 * 0.6)
    assert_allclose(drawn[1] - base[1], 2 * 0.5 * 0.3 * 0.1 + 0.1 * 2.0 * 0.3)


def _theta_batch(runs: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = np.tile(Params().vector(), (runs, 1))
    theta[:, :10] *= rng.uniform(0.5, 1.5, size=(runs, 10))
    return theta


def test_shapes_and_batch_of_runs_equals_each_run_alone() -> None:
    panel = load_panel()
    d = record_drivers(panel, 2014, 2021)
    runs = 7
    theta = _theta_batch(runs)
    shocks = np.random.default_rng(1).standard_normal((d.n_steps, runs, panel.n_allies))
    batch = simulate(panel.x[0], theta, d, shocks)
    assert batch.shape == (d.n_steps + 1, runs, panel.n_allies)
    for r in range(runs):
        alone = simulate(panel.x[0], theta[r : r + 1], d, shocks[:, r : r + 1])
        assert_allclose(batch[:, r], alone[:, 0], rtol=1e-12)
    assert (batch >= FLOOR).all()


def test_simulation_without_innovations_is_deterministic_and_rows_with_equal_params_agree() -> None:
    panel = load_panel()
    d = record_drivers(panel, 2014, 2021)
    theta = np.tile(Params().vector(), (3, 1))
    out = simulate(panel.x[0], theta, d)
    assert_allclose(out[:, 0], out[:, 2])
    assert_allclose(out, simulate(panel.x[0], theta, d))


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(31))))
def test_relabelling_allies_relabels_the_outcome(perm: list[int]) -> None:
    panel = load_panel()
    d = record_drivers(panel, 2014, 2021, pledges=(WALES, HAGUE))
    p = np.array(perm)
    fields = {f: getattr(d, f) for f in d.__dataclass_fields__}
    for name in ("member", "gdp", "growth_now", "growth_next"):
        fields[name] = fields[name][:, p]
    for name in ("growth_trend", "border", "proximity", "presence", "target_applies"):
        fields[name] = fields[name][p]
    shuffled = Drivers(**fields)
    theta = Params().vector()[None, :]
    assert_allclose(simulate(panel.x[0][p], theta, shuffled)[:, 0], simulate(panel.x[0], theta, d)[:, 0][:, p])


def test_param_vector_round_trip() -> None:
    p = Params(adjust=0.2, shock_2022=1.5)
    assert Params.from_vector(p.vector()) == p
    assert len(PARAM_NAMES) == p.vector().size


@pytest.mark.parametrize("compliance", [0.0, 0.5, 1.0])
def test_a_stronger_pledge_pull_never_lowers_spending_below_the_target(compliance: float) -> None:
    d = tiny_drivers()
    x = np.array([[1.0, 1.2]])
    lo = TINY.vector()[None, :]
    hi = lo.copy()
    hi[0, PARAM_NAMES.index("compliance")] = compliance + 0.5
    lo[0, PARAM_NAMES.index("compliance")] = compliance
    assert (step(x, hi, d, 0) >= step(x, lo, d, 0)).all()
