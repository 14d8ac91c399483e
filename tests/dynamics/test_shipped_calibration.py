"""The calibrations shipped in dynamics/params/calibrations.json: what they hold, when they are used, the refit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

from alliance.dynamics import fitting
from alliance.dynamics.fitting import (
    SHIPPED_WINDOWS,
    calibrate,
    calibration_from_dict,
    calibration_to_dict,
    data_hash,
)


def test_the_shipped_fits_rest_on_the_embedded_data() -> None:
    shipped = fitting._shipped_file()
    assert shipped["data_hash"] == data_hash()
    assert sorted(shipped["calibrations"]) == sorted(f"{m}:{a}-{b}" for m, a, b in SHIPPED_WINDOWS)


def test_round_trip_through_json_is_exact() -> None:
    cal = calibrate(2014, 2021)
    back = calibration_from_dict(calibration_to_dict(cal))
    assert back.params == cal.params and back.free == cal.free and back.pledges == cal.pledges
    assert np.array_equal(back.cov, cal.cov) and np.array_equal(back.residuals, cal.residuals)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "first", "last"), SHIPPED_WINDOWS)
def test_shipped_fit_equals_a_refit(method: str, first: int, last: int) -> None:
    shipped = calibrate(first, last, method=method)  # type: ignore[arg-type]
    refit = calibrate(first, last, method=method, refit=True)  # type: ignore[arg-type]
    assert_allclose(shipped.params.vector(), refit.params.vector(), rtol=1e-9, atol=1e-12)
    assert_allclose(shipped.cov, refit.cov, rtol=1e-7, atol=1e-12)
    assert shipped.cost_final == pytest.approx(refit.cost_final, rel=1e-9)


@pytest.mark.slow
def test_changed_data_refit_once_and_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(fitting, "data_hash", lambda: "not the shipped hash")
    fitting._calibrate_cached.cache_clear()
    try:
        cal = calibrate(2014, 2021)
        again = calibrate(2014, 2021)
        err = capsys.readouterr().err
        assert err.count("refitting") == 1  # memoised: one refit per process
        assert again is cal
        assert_allclose(
            cal.params.vector(),
            calibration_from_dict(fitting._shipped_file()["calibrations"]["one-step:2014-2021"]).params.vector(),
            rtol=1e-9,
        )
    finally:
        fitting._calibrate_cached.cache_clear()


def test_a_projection_loads_neither_scipy_optimize_nor_refits() -> None:
    code = (
        "import sys; from alliance.dynamics import project; project('baseline', until=2030, runs=50);"
        "print('scipy.optimize' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False" and "refitting" not in out.stderr
