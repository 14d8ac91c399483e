"""Scoring rules: hand-computed CRPS, the normal closed form, conformal quantiles, PIT and the log score."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.errors import BadInput
from alliance.negotiation.backtest.scoring_rules import (
    central_interval,
    conformal_halfwidth,
    coverage,
    crps_atoms,
    crps_normal,
    crps_samples,
    log_score_candidates,
    mean_abs_diff,
    pit_histogram,
    pit_randomised,
    quantiles,
)


@given(x=st.floats(-100, 100), y=st.floats(-100, 100))
def test_crps_of_a_point_mass_is_the_absolute_error(x: float, y: float) -> None:
    assert crps_atoms(np.array([[x]]), np.array([[1.0]]), np.array([y]))[0] == pytest.approx(abs(x - y), abs=1e-9)


def test_crps_of_two_atoms_by_hand() -> None:
    # F = 0.5 on [0, 10): the integral of (F - 1{z >= 0})^2 is 0.25 * 10 = 2.5; E|X-y| = 5, E|X-X'| = 5
    v, w = np.array([[0.0, 10.0]]), np.array([[0.5, 0.5]])
    assert crps_atoms(v, w, np.array([0.0]))[0] == pytest.approx(2.5)
    assert mean_abs_diff(v, w)[0] == pytest.approx(5.0)
    # y = 4 inside: (0.5)^2 * 4 + (0.5)^2 * 6 = 2.5 as well; y = 20 outside: 15 - 2.5 = 12.5
    assert crps_atoms(np.repeat(v, 2, 0), np.repeat(w, 2, 0), np.array([4.0, 20.0])).tolist() == pytest.approx(
        [2.5, 12.5]
    )


def test_padding_order_and_scale_of_weights_do_not_matter() -> None:
    a = crps_atoms(np.array([[10.0, 0.0, np.nan]]), np.array([[2.0, 2.0, 7.0]]), np.array([0.0]))
    assert a[0] == pytest.approx(2.5)


def test_crps_of_normal_quantiles_matches_the_closed_form() -> None:
    from scipy.stats import norm

    k = 4000
    mu, sigma = 40.0, 12.0
    atoms = norm.ppf((np.arange(k) + 0.5) / k, mu, sigma)[None, :]
    for y in (40.0, 25.0, 90.0):
        exact = crps_normal(np.array(mu), np.array(sigma), np.array(y))
        assert crps_samples(atoms, np.array([y]))[0] == pytest.approx(float(exact), rel=2e-3)
    # the closed form at y = mu is sigma * (2 phi(0) - 1/sqrt(pi))
    assert float(crps_normal(np.array(0.0), np.array(1.0), np.array(0.0))) == pytest.approx(
        2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi)
    )


@settings(max_examples=40, deadline=None)
@given(
    vals=st.lists(st.floats(0, 100), min_size=1, max_size=8),
    y=st.floats(0, 100),
)
def test_crps_equals_the_integral_of_the_squared_cdf_difference(vals: list[float], y: float) -> None:
    v = np.array(vals)
    w = np.arange(1, len(v) + 1, dtype=float)
    grid = np.linspace(-1, 101, 20001)
    f = (w[None, :] * (v[None, :] <= grid[:, None])).sum(axis=1) / w.sum()
    integral = np.trapezoid((f - (grid >= y)) ** 2, grid)
    assert crps_atoms(v[None, :], w[None, :], np.array([y]))[0] == pytest.approx(integral, abs=0.02)


def test_quantiles_of_a_step_cdf() -> None:
    v, w = np.array([[1.0, 2.0, 3.0]]), np.array([[0.2, 0.3, 0.5]])
    assert quantiles(v, w, np.array([0.1, 0.2, 0.21, 0.5, 0.51, 1.0]))[0].tolist() == [1, 1, 2, 2, 3, 3]
    lo, hi = central_interval(v, w, 0.5)
    assert (lo[0], hi[0]) == (2.0, 3.0)


def test_conformal_halfwidth_is_the_finite_sample_rank() -> None:
    r = np.arange(1.0, 20.0)  # n = 19
    assert conformal_halfwidth(r, 0.9) == 18.0  # ceil(20 * 0.9) = 18
    assert conformal_halfwidth(-r, 0.95) == 19.0  # ceil(19) = 19; signs do not matter
    assert conformal_halfwidth(r, 0.96) == math.inf  # rank 20 > n: no finite interval
    with pytest.raises(BadInput):
        conformal_halfwidth(r, 1.0)


def test_conformal_intervals_cover_at_least_the_level_on_exchangeable_data() -> None:
    rng = np.random.default_rng(0)
    n, reps, level = 19, 20000, 0.8
    cal = np.abs(rng.standard_t(3, size=(reps, n)))
    test = np.abs(rng.standard_t(3, size=reps))
    rank = math.ceil((n + 1) * level)
    q = np.sort(cal, axis=1)[:, rank - 1]
    assert conformal_halfwidth(cal[0], level) == q[0]
    cover = coverage(-q, q, test).mean()
    # the guarantee: level <= coverage <= level + 1 / (n + 1) (continuous scores), up to simulation error
    assert level - 0.01 <= cover <= level + 1 / (n + 1) + 0.01


def test_pit_of_a_calibrated_forecast_is_uniform_and_randomised_on_atoms() -> None:
    rng = np.random.default_rng(1)
    n = 20000
    y = rng.integers(0, 3, size=n).astype(float)  # outcomes on three atoms with probabilities 1/3
    v = np.tile([0.0, 1.0, 2.0], (n, 1))
    pit = pit_randomised(v, np.ones_like(v), y, rng)
    h = pit_histogram(pit, bins=10)
    assert h["n"] == n and h["max_rel_dev"] < 0.1
    # a point forecast at the outcome: F(y-) = 0, F(y) = 1, so the PIT is U(0, 1)
    assert 0 <= pit_randomised(np.array([[5.0]]), np.array([[1.0]]), np.array([5.0]), rng)[0] <= 1
    # an overconfident forecast piles the PIT at the ends
    wide = pit_randomised(np.zeros((n, 1)), np.ones((n, 1)), rng.normal(size=n), rng)
    assert pit_histogram(wide)["max_rel_dev"] > 3


def test_log_score_over_candidates_and_between() -> None:
    cand = np.array([[0.0, 50.0, np.nan], [10.0, 20.0, 30.0]])
    mass = np.array([[0.5, 0.3, np.nan], [0.2, 0.2, 0.2]])
    other = np.array([0.2, 0.4])
    s = log_score_candidates(cand, mass, other, np.array([50.2, 25.0]), 0.5)
    assert s.tolist() == pytest.approx([-math.log(0.3), -math.log(0.4)])
    assert log_score_candidates(cand, mass, np.array([0.0, 0.0]), np.array([70.0, 20.0]), 0.5)[0] == math.inf


def test_mismatched_shapes_are_bad_input() -> None:
    with pytest.raises(BadInput, match="same shape"):
        crps_atoms(np.zeros((2, 3)), np.ones((2, 2)), np.zeros(2))
    with pytest.raises(BadInput, match="2 distributions but 3 outcomes"):
        crps_atoms(np.zeros((2, 3)), np.ones((2, 3)), np.zeros(3))
