"""Negotiation: scenarios, models of multilateral bargaining, forecasts with their reasons, and the DEU backtest.

Public API (imported on first use, so ``import alliance.negotiation.models`` stays NumPy-only):

- :func:`load_scenario` -> :class:`Scenario`; :func:`list_scenarios`, :func:`scenario_catalog` (bundled files);
- :func:`forecast` (one model) and :func:`forecast_all` (several) -> :class:`Forecast`; :func:`model_names`;
  :func:`plot_forecasts` (several models on one chart);
- the DEU backtest: :func:`load_deu`, :func:`deu_backtest` -> :class:`DEUBacktest`, :func:`cross_validate`,
  :func:`nested_cv` (:mod:`alliance.negotiation.backtest`);
- predictive distributions: :func:`predictive` -> :class:`Predictive` (:mod:`alliance.negotiation.prediction`),
  :func:`synthesis_weights` (the stacking weights of the synthesis), :func:`model_catalog` (each model with its
  hold-out figure), :func:`resolved_uncertainty` (each scenario input's distribution).

The DEU scoring function is exported as ``deu_backtest``: the name ``backtest`` here is the subpackage
:mod:`alliance.negotiation.backtest`, and a function of that name would be replaced by the subpackage as soon as
it is imported (``alliance.negotiation.backtest.backtest`` is the same function).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> module that defines it.
_LAZY: dict[str, str] = {
    "Forecast": "alliance.negotiation.forecasting",
    "forecast": "alliance.negotiation.forecasting",
    "forecast_all": "alliance.negotiation.forecasting",
    "Scenario": "alliance.negotiation.scenario",
    "load_scenario": "alliance.negotiation.schema",
    "list_scenarios": "alliance.negotiation.schema",
    "scenario_catalog": "alliance.negotiation.schema",
    "model_names": "alliance.negotiation.models",
    "plot_forecasts": "alliance.negotiation.plots",
    "deu_backtest": "alliance.negotiation.backtest.scoring",
    "DEUBacktest": "alliance.negotiation.backtest.scoring",
    "load_deu": "alliance.negotiation.backtest.deu",
    "cross_validate": "alliance.negotiation.backtest.cv",
    "nested_cv": "alliance.negotiation.backtest.nested",
    "Predictive": "alliance.negotiation.prediction",
    "predictive": "alliance.negotiation.prediction",
    "synthesis_weights": "alliance.negotiation.models.synthesis",
    "model_catalog": "alliance.negotiation.models.catalog",
    "resolved_uncertainty": "alliance.negotiation.schema",
}

#: Public names whose attribute in the defining module differs.
_ALIASES: dict[str, str] = {"deu_backtest": "backtest"}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _ALIASES.get(name, name))
    raise AttributeError(f"module 'alliance.negotiation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
