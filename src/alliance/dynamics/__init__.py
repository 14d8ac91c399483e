"""The alliance over time: a calibrated simulation of allies' defence spending, with backtest and scenarios.

Public API, one function per question, each returning a result object (``to_frame()``, ``to_dict()``,
``plot(path)``, ``meta``; see :mod:`alliance.results`):

- :func:`calibrate` -> :class:`Calibration`: fitted parameters with standard errors (:mod:`.fitting`);
- :func:`backtest` -> :class:`SimulationBacktest`: fit 2014-2021, errors per year 2022-2026 of the model and two
  baselines (:mod:`.validation`);
- :func:`calibrated_backtest` -> :class:`BandCalibration`: the backtest's bands recalibrated on rolling origins
  inside the fit window, and their coverage (:mod:`.bands`);
- :func:`project` -> :class:`Projection`: every ally and year of a scenario, with bands (:mod:`.projection`);
- :func:`summary`: allies meeting 3.5% and the alliance total, per scenario and year (a DataFrame);
- :func:`compliance` -> :class:`Compliance`: per ally P(reaching 3.5% or 5% by 2035), P(all comply), P(at least k
  comply) and the total against the target, from a projection's runs (:mod:`.compliance`);
- :func:`compare_scenarios` -> :class:`ScenarioComparison`: the key 2035 figures of several scenarios side by side.

The model is in :mod:`.model`, scenario files in :mod:`.schema` (bundled ones in ``scenario_files/``). Method and
results: docs/dynamics.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance.dynamics.bands import BandCalibration, calibrated_backtest
    from alliance.dynamics.comparison import ScenarioComparison, compare_scenarios
    from alliance.dynamics.fitting import Calibration, calibrate
    from alliance.dynamics.model import Drivers, Params, simulate, step
    from alliance.dynamics.projection import (
        Projection,
        default_method,
        list_scenarios,
        load_scenario,
        project,
        scenario_catalog,
        summary,
    )
    from alliance.dynamics.schema import SimScenario
    from alliance.dynamics.target_odds import Compliance, compliance
    from alliance.dynamics.validation import SimulationBacktest, backtest

#: Public name -> the submodule that defines it. Imported on first use (PEP 562), so ``alliance simulate`` does not
#: import the backtest, band calibration and target-odds modules it does not run (~0.1 s of CPU).
_LAZY: dict[str, str] = {
    **dict.fromkeys(("BandCalibration", "calibrated_backtest"), "bands"),
    **dict.fromkeys(("ScenarioComparison", "compare_scenarios"), "comparison"),
    **dict.fromkeys(("Calibration", "calibrate"), "fitting"),
    **dict.fromkeys(("Drivers", "Params", "simulate", "step"), "model"),
    **dict.fromkeys(
        ("Projection", "default_method", "list_scenarios", "load_scenario", "project", "scenario_catalog", "summary"),
        "projection",
    ),
    "SimScenario": "schema",
    **dict.fromkeys(("Compliance", "compliance"), "target_odds"),
    **dict.fromkeys(("SimulationBacktest", "backtest"), "validation"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"alliance.dynamics.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'alliance.dynamics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BandCalibration",
    "Calibration",
    "Compliance",
    "Drivers",
    "Params",
    "Projection",
    "ScenarioComparison",
    "SimScenario",
    "SimulationBacktest",
    "backtest",
    "calibrate",
    "calibrated_backtest",
    "compare_scenarios",
    "compliance",
    "default_method",
    "list_scenarios",
    "load_scenario",
    "project",
    "scenario_catalog",
    "simulate",
    "step",
    "summary",
]
