"""Backtests of the negotiation models on real outcomes: the DEU loader, scoring and cross-validation."""

from __future__ import annotations

from alliance.backtest.cv import CVResult, cross_validate, fit_stacked, group_kfold
from alliance.backtest.deu import ACTORS, CAPABILITIES, MEMBER_STATES, deu_batch, deu_frame, load_deu
from alliance.backtest.scoring import BacktestResult, backtest, reference_figures

__all__ = [
    "ACTORS",
    "CAPABILITIES",
    "MEMBER_STATES",
    "BacktestResult",
    "CVResult",
    "backtest",
    "cross_validate",
    "deu_batch",
    "deu_frame",
    "fit_stacked",
    "group_kfold",
    "load_deu",
    "reference_figures",
]
