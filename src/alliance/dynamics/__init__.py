"""The alliance over time: a calibrated simulation of allies' defence spending, with backtest and scenarios.

Public API (each returns a DataFrame): :func:`calibrate` (fitted parameters), :func:`backtest` (errors per
year 2022-2026 of the model and two baselines), :func:`project` (every ally and year of a scenario, with bands)
and :func:`summary` (allies meeting 3.5%, alliance total, per scenario and year). Result objects with more
detail: :func:`fit`, :func:`run_backtest`, :func:`run_projection`. The model is in :mod:`.model`, scenario
files in :mod:`.schema`. Method and results: docs/dynamics.md.
"""

from __future__ import annotations

from alliance.dynamics.backtest import BacktestResult, backtest, run_backtest
from alliance.dynamics.calibrate import Calibration, calibrate, fit
from alliance.dynamics.model import Drivers, Params, simulate, step
from alliance.dynamics.scenarios import (
    Projection,
    default_method,
    list_scenarios,
    load_scenario,
    project,
    run_projection,
    scenario_catalog,
    summary,
)
from alliance.dynamics.schema import SimScenario

__all__ = [
    "BacktestResult",
    "Calibration",
    "Drivers",
    "Params",
    "Projection",
    "SimScenario",
    "backtest",
    "calibrate",
    "default_method",
    "fit",
    "list_scenarios",
    "load_scenario",
    "project",
    "run_backtest",
    "run_projection",
    "scenario_catalog",
    "simulate",
    "step",
    "summary",
]
