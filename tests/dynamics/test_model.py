"""The spending model: a hand-computed step, shapes, vectorisation over runs, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.dynamics.drivers import HAGUE, WALES, record_drivers
from alliance.dynamics.model import (
    FLOOR,
    PARAM_NAMES,
    Drivers,
    Params,
    exposure,
    headroom,
    pledge_step,
    simulate,
    step,
    threat_impulse,
    threat_push,
)
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
    threat_common=0.1,
    threat_border=0.4,
    threat_proximity=0.2,
    size=0.1,
    us_presence=-0.1,
    threat_halflife=1.0,
    compliance=0.5,
    peer=0.1,
    growth_passthrough=1.0,
    fiscal=0.05,
    norm=2.0,
    ceiling=6.0,
    us_signal=0.5,
    shock_2022=1.0,
    sigma=0.0,
)


def gamma_lag(q: float, years_since: int) -> float:
    """The impulse of one unit change of the felt threat ``years_since`` years later (gamma lag, order 2)."""
    return (1 - q) * (years_since + 1) * q**years_since


def test_step_known_answer() -> None:
    # Decision year 2024, h = 1 (q = 0.5), s = 1: J = Crimea (10 years ago) + invasion (2 years ago)
    #   = 0.5 * 11 * 0.5**10 + 0.5 * 3 * 0.5**2 = 0.00537109375 + 0.375
    # E0 = 0.1 + 0.4 + 0.2 + 0.1 log(0.25 * 2)              = 0.7 + 0.1 log 0.5
    # E1 = 0.1 + 0.2 * 0.5 + 0.1 log(0.75 * 2) - 0.1 * 2    = 0.1 log 1.5
    # headroom: ally 0 at 1.5 < N = 2: 1; ally 1 at 2.5: (6 - 2.5) / (6 - 2) = 0.875
    # pledge step (deadline reached): ally 0 max(2 - 1.5, 0) / 1 = 0.5; ally 1 0
    # xbar = (1.5 * 100 + 2.5 * 300) / 400 = 2.25
    # x0' = 1.5 + E0 J + 0.5 * 0.5 + 0.1 (2.25 - 1.5) - 1.5 (0.03 - 0.02) + 5 (0.02 - 0.02)
    # x1' = 2.5 + 0.875 E1 J + 0 + 0.1 (2.25 - 2.5) - 0 + 0
    d = tiny_drivers()
    x = np.array([[1.5, 2.5]])
    theta = TINY.vector()[None, :]
    j = 0.5 * 11 * 0.5**10 + 0.5 * 3 * 0.5**2
    assert_allclose(threat_impulse(theta, d)[0], [j], rtol=1e-12)
    e = [0.7 + 0.1 * math.log(0.5), 0.1 * math.log(1.5)]
    assert_allclose(exposure(theta, d, 0)[0], e, rtol=1e-12)
    assert_allclose(headroom(x, theta)[0], [1.0, 0.875])
    assert_allclose(pledge_step(x, d, 0)[0], [0.5, 0.0])
    expected = [1.5 + e[0] * j + 0.25 + 0.075 - 0.015, 2.5 + 0.875 * e[1] * j - 0.025]
    assert_allclose(step(x, theta, d, 0)[0], expected, rtol=1e-12)
    assert_allclose(expected, [2.04989445, 2.48849488], atol=1e-8)


def test_impulse_of_the_record_is_a_gamma_lag_that_sums_to_the_shock_over_one_minus_q() -> None:
    panel = load_panel()
    d = record_drivers(panel, 2014, 2026)
    theta = Params(threat_halflife=2.0, shock_2022=3.0).vector()[None, :]
    q = 0.5**0.5
    j = threat_impulse(theta, d)[:, 0]
    for k, year in enumerate(d.years):
        expected = gamma_lag(q, year - 2014) + (3.0 * gamma_lag(q, year - 2022) if year >= 2022 else 0.0)
        assert j[k] == pytest.approx(expected, rel=1e-12)
    # the push of a shock over all years adds up to 1 / (1 - q) per unit (the total rise before the headroom)
    assert sum(gamma_lag(q, n) for n in range(400)) == pytest.approx(1 / (1 - q))


def test_drawdown_is_a_new_shock_to_the_felt_threat() -> None:
    # Felt threat F = T (1 + kappa (1 - u)): u falling from 1 to 0.7 with T = 2, kappa = 0.5 adds 0.3 to F,
    # which enters the impulse at once with weight (1 - q) = 0.5.
    theta = TINY.vector()[None, :]
    base = threat_impulse(theta, tiny_drivers())[0, 0]
    drawn = threat_impulse(theta, tiny_drivers(commitment=np.full((1, 1), 0.7)))[0, 0]
    assert drawn - base == pytest.approx(0.5 * 2 * 0.5 * 0.3)
    # hosts: US presence scales with u, so a negative beta_u raises the exposure of ally 1 (2 per 1,000)
    e_base = exposure(theta, tiny_drivers(), 0)[0]
    e_drawn = exposure(theta, tiny_drivers(commitment=np.full((1, 1), 0.7)), 0)[0]
    assert_allclose(e_drawn - e_base, [0.0, 0.1 * 2.0 * 0.3], atol=1e-12)


def test_headroom_is_one_below_the_norm_zero_at_the_ceiling_and_cuts_are_not_braked() -> None:
    theta = TINY.vector()[None, :]
    x = np.array([[0.5, 2.0, 4.0, 6.0, 9.0]])
    assert_allclose(headroom(x, theta)[0], [1.0, 1.0, 0.5, 0.0, 0.0])
    d = tiny_drivers(
        border=np.ones(5),
        proximity=np.ones(5),
        presence=np.zeros(5),
        member=np.ones((1, 5), bool),
        gdp=np.full((1, 5), 100.0),
        target_applies=np.ones(5, bool),
    )
    up = threat_push(x, theta, d, 0, np.array([1.0]))[0]
    down = threat_push(x, theta, d, 0, np.array([-1.0]))[0]
    assert (up[3:] == 0).all() and (up[:2] > 0).all()
    assert_allclose(down, -exposure(theta, d, 0)[0])  # a fall in the threat acts in full at any level


def test_pledge_step_spreads_the_gap_over_the_years_left_and_respects_exemption() -> None:
    d = tiny_drivers(years=np.array([2020]), target_applies=np.array([True, False]))
    x = np.array([[1.0, 1.0]])
    # 2020: 4 years to the 2024 deadline; ally 1 exempt.
    assert_allclose(pledge_step(x, d, 0)[0], [0.25, 0.0])
    d_before = tiny_drivers(years=np.array([2013]))
    assert_allclose(pledge_step(x, d_before, 0)[0], [0.0, 0.0])


def _theta_batch(runs: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = np.tile(Params().vector(), (runs, 1))
    n = PARAM_NAMES.index("norm")  # vary every behavioural parameter, keep the presets
    theta[:, :n] *= rng.uniform(0.5, 1.5, size=(runs, n))
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


def _simulation_properties(sim: object) -> None:
    """What any implementation of ``simulate`` must satisfy (raises AssertionError otherwise): row 0 is the start;
    each later row is one ``step`` of the row before (the hand-checked step above); the record's threat moves
    spending (the exposed allies rise over 2014-2021); innovations, scaled by sigma, move the path."""
    panel = load_panel()
    d = record_drivers(panel, 2014, 2021)
    theta = _theta_batch(3)
    out = sim(panel.x[0], theta, d)  # type: ignore[operator]
    assert out.shape == (d.n_steps + 1, 3, panel.n_allies)
    assert_allclose(out[0], np.broadcast_to(panel.x[0], (3, panel.n_allies)))
    impulse = threat_impulse(theta, d)
    x = out[0]
    for k in range(d.n_steps):
        x = step(x, theta, d, k, impulse[k])
        assert_allclose(out[k + 1], x, rtol=1e-12, err_msg=f"step {k}")
    exposed = np.asarray(d.border, dtype=bool)
    assert (out[-1][:, exposed] - out[0][:, exposed]).mean() > 0.1  # pp of GDP over seven years of the threat
    shocks = np.ones((d.n_steps, 3, panel.n_allies))
    moved = sim(panel.x[0], theta, d, shocks)  # type: ignore[operator]
    assert (moved[1:] > out[1:]).all()  # a positive innovation raises every later year (sigma > 0)


def test_simulate_steps_from_the_start_and_moves_with_the_threat_and_the_innovations() -> None:
    _simulation_properties(simulate)


def test_the_simulation_properties_fail_a_simulation_that_never_moves() -> None:
    """The property test above is not vacuous: a simulation that repeats the start year fails it."""

    def frozen(x0: np.ndarray, theta: np.ndarray, d: Drivers, innovations: np.ndarray | None = None) -> np.ndarray:
        start = np.broadcast_to(np.asarray(x0, dtype=float), (theta.shape[0], d.border.shape[0]))
        return np.broadcast_to(start, (d.n_steps + 1, *start.shape)).copy()

    with pytest.raises(AssertionError):
        _simulation_properties(frozen)


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
    p = Params(threat_halflife=2.5, shock_2022=1.5)
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
