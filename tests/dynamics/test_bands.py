"""Calibrated simulation bands: the conformal factor on known scores, and the rolling-origin backtest."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from alliance.dynamics.bands import band_factors, calibrated_backtest


def test_band_factors_are_the_finite_sample_ranks() -> None:
    z = np.arange(1.0, 20.0)  # n = 19
    f = band_factors(z, (0.5, 0.9, 0.96))
    assert f[0.5] == 10.0 and f[0.9] == 18.0 and f[0.96] == math.inf  # ranks 10, 18, 20 > n


@pytest.mark.slow
def test_calibrated_bands_from_rolling_origins_inside_the_fit_window() -> None:
    res = calibrated_backtest()
    assert res.info["origins"] == [2017, 2018, 2019, 2020] and res.info["fit"] == "2014-2021"
    # scores come only from years inside the fit window
    assert res.scores["year"].max() <= 2021 and res.scores["origin"].max() == 2020
    q = res.factors
    assert 0 < q[0.5] < q[0.8] < q[0.9] < math.inf
    cov = res.coverage.set_index("band")
    assert list(cov.index) == ["raw 90% (5-95%)", "calibrated 50%", "calibrated 80%", "calibrated 90%"]
    assert cov["n"].eq(155).all()
    # wider bands cover more; each row's coverage lies inside its bootstrap interval
    assert (
        cov.loc["calibrated 50%", "coverage"]
        < cov.loc["calibrated 80%", "coverage"]
        < cov.loc["calibrated 90%", "coverage"]
    )
    assert (cov["coverage_lo"] <= cov["coverage"]).all() and (cov["coverage"] <= cov["coverage_hi"]).all()
    json.dumps(res.to_dict())


@pytest.mark.slow
def test_simulate_backtest_bands_cli(cli) -> None:
    code, out, err = cli("simulate", "backtest", "--bands", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["info"]["specification"] == "dynamics-bands-v1" and len(d["coverage"]) == 4
