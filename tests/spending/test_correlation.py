"""The NumPy Spearman and least-squares statistics against SciPy (which the package no longer loads for them)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from alliance.spending.correlation import linear_fit, rankdata, spearman, t_sf


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40), ties=st.booleans())
def test_spearman_equals_scipy(seed: int, n: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n) + rng.uniform(-2, 2) * rng.normal(size=n)
    if ties:
        x, y = np.round(x * 2), np.round(y)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return
    assert np.allclose(rankdata(x), stats.rankdata(x))
    for alt in ("two-sided", "greater", "less"):
        rho, p = spearman(x, y, alternative=alt)  # type: ignore[arg-type]
        ref = stats.spearmanr(x, y, alternative=alt)
        assert rho == pytest.approx(float(ref.statistic), abs=1e-12)
        assert p == pytest.approx(float(ref.pvalue), rel=1e-9, abs=1e-14)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 30))
def test_linear_fit_equals_linregress(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.arange(2014, 2014 + n, dtype=float)
    y = rng.uniform(-1, 1) * 0.01 * x + rng.normal(0, 0.05, n)
    fit, ref = linear_fit(x, y), stats.linregress(x, y)
    assert fit.slope == pytest.approx(ref.slope, rel=1e-9, abs=1e-15)
    assert fit.pvalue == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-14)


@pytest.mark.parametrize("df", [1, 2, 5, 11, 29, 150])
@pytest.mark.parametrize("t", [-40.0, -3.0, -0.5, 0.0, 0.7, 2.1, 8.0, 60.0])
def test_t_tail_equals_scipy(t: float, df: int) -> None:
    assert t_sf(t, df) == pytest.approx(float(stats.t.sf(t, df)), rel=1e-10, abs=1e-300)
