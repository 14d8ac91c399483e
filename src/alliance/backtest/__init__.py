"""Backtests of the negotiation models on real outcomes: the DEU loader, scoring and cross-validation."""

from __future__ import annotations

from alliance.backtest.cv import CVResult, cross_validate, fit_stacked, group_kfold
from alliance.backtest.designs import DesignSpace, design_space
from alliance.backtest.deu import ACTORS, CAPABILITIES, MEMBER_STATES, deu_batch, deu_frame, load_deu
from alliance.backtest.nested import NestedCVResult, fit_selected, nested_cross_validate, nested_splits
from alliance.backtest.scoring import BacktestResult, backtest, reference_figures

__all__ = [
    "ACTORS",
    "CAPABILITIES",
    "MEMBER_STATES",
    "BacktestResult",
    "CVResult",
    "DesignSpace",
    "NestedCVResult",
    "backtest",
    "cross_validate",
    "deu_batch",
    "deu_frame",
    "design_space",
    "fit_selected",
    "fit_stacked",
    "group_kfold",
    "load_deu",
    "nested_cross_validate",
    "nested_splits",
    "reference_figures",
]
