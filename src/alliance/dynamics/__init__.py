"""The alliance over time: a calibrated simulation of allies' defence spending, with backtest and scenarios.

Public API (each returns a DataFrame): :func:`calibrate`, :func:`backtest`, :func:`project`, :func:`summary`.
The model is in :mod:`.model`, calibration in :mod:`.calibrate`, the backtest in :mod:`.backtest`, scenario
files in :mod:`.schema` and projections in :mod:`.scenarios`. Method and results: docs/dynamics.md.
"""

from __future__ import annotations

from alliance.dynamics.backtest import backtest, run_backtest
from alliance.dynamics.calibrate import calibrate, fit
from alliance.dynamics.model import Drivers, Params, simulate, step

__all__ = ["Drivers", "Params", "backtest", "calibrate", "fit", "run_backtest", "simulate", "step"]
