"""alliance: the Atlantic alliance as a decision system.

Burden-sharing analytics on NATO's own data, consensus forecasts for texts all 32 allies must sign, and
multi-year spending simulations. Heavy parts (web server, Dask) are imported only where used.
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
    # burden sharing
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
    "forecast": "alliance.negotiation.forecast",
    "forecast_all": "alliance.negotiation.forecast",
    "negotiate": "alliance.negotiation.forecast",
    # backtest on DEU
    "load_deu": "alliance.backtest",
    "cross_validate": "alliance.backtest",
    # spending simulation
    "project": "alliance.dynamics",
    "simulate_backtest": "alliance.dynamics",
    # errors
    "BadInput": "alliance.errors",
    "AllianceError": "alliance.errors",
}
#: Public names whose attribute differs from the exported name.
_ALIASES: dict[str, str] = {"simulate_backtest": "backtest"}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), _ALIASES.get(name, name))
    raise AttributeError(f"module 'alliance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
