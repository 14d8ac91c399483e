"""The calibrations shipped in dynamics/params/calibrations.json: what they hold, when they are used, the refit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

from alliance.dynamics import fitting
from alliance.dynamics.fitting import (
    PARAM_NAMES,
    SHIPPED_WINDOWS,
    Calibration,
    calibrate,
    calibration_from_dict,
    calibration_to_dict,
    data_hash,
)


def assert_same_fit(shipped: Calibration, refit: Calibration) -> None:
    """The same optimum up to the solver's stopping point, which moves with the platform's floating point.

    A refit on another machine (BLAS, SciPy build) stops a hair away from the shipped point: the costs agree to
    1e-5 relative and every free parameter to 1% of its standard error, far inside any band the fit reports;
    the standard errors (a finite-difference Jacobian near parameters on their bounds) agree to 25%. A change of
    the data or of the model moves the fit by far more than that.
    """
    assert shipped.free == refit.free
    assert shipped.cost_final == pytest.approx(refit.cost_final, rel=1e-5)
    idx = [PARAM_NAMES.index(n) for n in shipped.free]
    se = np.sqrt(np.diag(shipped.cov))
    diff = np.abs(shipped.params.vector()[idx] - refit.params.vector()[idx])
    assert np.all(diff <= 0.01 * se + 1e-12), dict(zip(shipped.free, diff / se, strict=True))
    fixed = [i for i in range(len(PARAM_NAMES)) if i not in idx]
    assert_allclose(shipped.params.vector()[fixed], refit.params.vector()[fixed], rtol=1e-6, atol=1e-12)
    assert_allclose(se, np.sqrt(np.diag(refit.cov)), rtol=0.25)


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
    assert_same_fit(shipped, refit)


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
        assert_same_fit(calibration_from_dict(fitting._shipped_file()["calibrations"]["one-step:2014-2021"]), cal)
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
