"""Predictive distributions: the split-conformal baseline, rescaling and clipping, and the linear pool."""

from __future__ import annotations

import numpy as np
import pytest

from alliance.errors import BadInput
from alliance.negotiation.prediction import candidate_classes, conformal, mixture

RES = np.arange(-10.0, 11.0)  # 21 residuals


def test_conformal_interval_is_the_finite_sample_rank_of_abs_residuals() -> None:
    p = conformal("m", np.array([50.0]), RES, np.array([0.0]), np.array([100.0]), issues=["i"])
    # |r| sorted: 0, 1, 1, ..., 10, 10; rank ceil(22 * 0.8) = 18 -> 9; ceil(22 * 0.5) = 11 -> 5; ceil(22 * .95) = 21
    assert p.intervals[0.8] == (pytest.approx([41.0]), pytest.approx([59.0]))
    assert p.intervals[0.5][1][0] == 55.0 and p.intervals[0.95][1][0] == 60.0
    assert p.width(0.8)[0] == 18.0
    assert p.weights.sum() == 21 and p.quantile(0.5)[0, 0] == 50.0
    # CRPS of the empirical error distribution: y at the point gives 1/2 E|R - R'| of the residuals
    r = RES
    expected = np.abs(r).mean() - 0.5 * np.abs(r[:, None] - r[None, :]).mean()
    assert p.crps(np.array([50.0]))[0] == pytest.approx(expected)


def test_conformal_rescales_to_the_issue_span_and_clips_to_the_scale() -> None:
    p = conformal("m", np.array([3.9, 50.0]), RES, np.array([2.0, 0.0]), np.array([6.0, 100.0]))
    # on a 2-6 scale (span 4) a DEU residual of 10 is 0.4; atoms beyond 6 sit on 6
    assert np.nanmax(p.values[0]) == pytest.approx(4.3)
    q = conformal("m", np.array([97.0]), RES, np.array([0.0]), np.array([100.0]))
    assert np.nanmax(q.values) == 100.0 and (q.values == 100.0).sum() == 8  # 97 + 3..10 clipped
    assert q.intervals[0.95][1][0] == 100.0
    few = conformal("m", np.array([50.0]), np.array([1.0, -2.0]), np.array([0.0]), np.array([100.0]))
    assert few.intervals[0.95] == (pytest.approx([0.0]), pytest.approx([100.0]))  # rank beyond n: the whole scale


def test_nan_point_stays_nan_and_cover_is_nan_there() -> None:
    p = conformal("m", np.array([np.nan, 10.0]), RES, np.zeros(2), np.full(2, 100.0))
    assert np.isnan(p.crps(np.array([5.0, 5.0]))[0]) and not np.isnan(p.crps(np.array([5.0, 5.0]))[1])
    assert np.isnan(p.cover(0.8, np.array([5.0, 5.0]))[0])


def test_mixture_of_point_masses_and_renormalisation_where_a_member_is_missing() -> None:
    lo, hi = np.zeros(2), np.full(2, 100.0)
    a = conformal("a", np.array([20.0, np.nan]), np.array([0.0]), lo, hi)
    b = conformal("b", np.array([80.0, 60.0]), np.array([0.0]), lo, hi)
    mix = mixture([a, b], [0.3, 0.7])
    assert mix.point.tolist() == [80.0, 60.0]  # issue 2: only b forecasts, its weight becomes 1
    # CRPS of 0.3 delta(20) + 0.7 delta(80) at y = 20: 0.7 * 60 - 0.5 * 2 * 0.21 * 60
    assert mix.crps(np.array([20.0, 60.0])).tolist() == pytest.approx([42.0 - 12.6, 0.0])
    with pytest.raises(BadInput, match="sum to 1"):
        mixture([a, b], [0.5, 0.6])


def test_candidate_classes_partition_the_mass() -> None:
    values = np.array([[0.0, 0.3, 10.0, 50.0]])
    weights = np.array([[0.25, 0.25, 0.25, 0.25]])
    mass, between = candidate_classes(values, weights, np.array([[0.0, 50.0, np.nan]]), np.array([0.5]))
    assert mass[0, :2].tolist() == [0.5, 0.25] and np.isnan(mass[0, 2]) and between[0] == pytest.approx(0.25)
