"""alliance: the Atlantic alliance as a decision system.

Burden-sharing analytics on NATO's own data (:mod:`alliance.spending`, :mod:`alliance.brief`,
:mod:`alliance.claims`), consensus forecasts for texts all 32 allies must sign with a backtest on EU negotiations
(:mod:`alliance.negotiation`), multi-year spending simulations (:mod:`alliance.dynamics`), and uncertainty sweeps
that turn forecasts into probabilities (:mod:`alliance.sweep`). Every public name
below is imported on first use, so ``import alliance`` loads neither pandas nor SciPy. Results follow one
protocol (:class:`alliance.results.Result`): ``to_frame()``, ``to_dict()``, ``plot(path)``, ``meta``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public names -> module that defines them (imported on first use, so ``import alliance`` stays light).
_LAZY: dict[str, str] = {
    # data
    "load_spending": "alliance.data",
    "load_allies": "alliance.data",
    "load_us_forces": "alliance.data",
    "load_comparators": "alliance.data",
    "load_summit_texts": "alliance.data",
    "load_common_funding": "alliance.data",
    # burden sharing and the reports over it
    "meets_target": "alliance.spending",
    "count_meeting": "alliance.spending",
    "gap_to_target": "alliance.spending",
    "burden_shares": "alliance.spending",
    "olson_zeckhauser": "alliance.spending",
    "hague_path": "alliance.spending",
    "scenario_2035": "alliance.spending",
    "check_claims": "alliance.claims",
    # negotiation
    "load_scenario": "alliance.negotiation.schema",
    "forecast": "alliance.negotiation.forecasting",
    "forecast_all": "alliance.negotiation.forecasting",
    # backtest on DEU
    "load_deu": "alliance.negotiation.backtest.deu",
    "deu_backtest": "alliance.negotiation.backtest.scoring",
    "cross_validate": "alliance.negotiation.backtest.cv",
    "nested_cv": "alliance.negotiation.backtest.nested",
    # spending simulation
    "project": "alliance.dynamics.projection",
    "calibrate": "alliance.dynamics.fitting",
    "simulate_backtest": "alliance.dynamics.validation",
    # uncertainty sweeps (``alliance.sweep`` is the subpackage: the function is exported under another name)
    "uncertainty_sweep": "alliance.sweep.engine",
    "sweep_report": "alliance.sweep.analysis",
    # the result protocol and errors
    "Result": "alliance.results",
    "BadInput": "alliance.errors",
    "AllianceError": "alliance.errors",
}
#: Public names whose attribute differs from the exported name.
_ALIASES: dict[str, str] = {
    "simulate_backtest": "backtest",
    "deu_backtest": "backtest",
    "uncertainty_sweep": "sweep",
    "sweep_report": "report",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _ALIASES.get(name, name))
    raise AttributeError(f"module 'alliance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
