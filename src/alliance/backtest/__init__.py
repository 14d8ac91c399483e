"""Backtests of the negotiation models on real outcomes: the DEU loader, scoring and cross-validation."""

from __future__ import annotations

from alliance.backtest.deu import ACTORS, CAPABILITIES, MEMBER_STATES, deu_batch, deu_frame, load_deu

__all__ = ["ACTORS", "CAPABILITIES", "MEMBER_STATES", "deu_batch", "deu_frame", "load_deu"]
