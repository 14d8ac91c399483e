"""Backtests of the negotiation models on real outcomes: the DEU loader, scoring and cross-validation.

Modules: :mod:`.deu` (the loader), :mod:`.scoring` (:func:`backtest` -> :class:`DEUBacktest`), :mod:`.folds`
(folds and the cluster bootstrap by proposal), :mod:`.cv` (:func:`cross_validate` -> :class:`CVResult`),
:mod:`.designs` (the design space of the stacked/ensemble models) and :mod:`.nested` (:func:`nested_cv` ->
:class:`NestedCVResult`).
"""

from __future__ import annotations

from alliance.negotiation.backtest.cv import CVResult, cross_validate, fit_stacked
from alliance.negotiation.backtest.designs import DesignSpace, design_space
from alliance.negotiation.backtest.deu import ACTORS, CAPABILITIES, MEMBER_STATES, deu_batch, deu_frame, load_deu
from alliance.negotiation.backtest.folds import group_kfold
from alliance.negotiation.backtest.nested import (
    POOLS,
    NestedCVResult,
    fit_selected,
    nested_cross_validate,
    nested_cv,
    nested_splits,
)
from alliance.negotiation.backtest.scoring import DEUBacktest, backtest, reference_figures

__all__ = [
    "ACTORS",
    "CAPABILITIES",
    "MEMBER_STATES",
    "POOLS",
    "CVResult",
    "DEUBacktest",
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
    "nested_cv",
    "nested_splits",
    "reference_figures",
]
