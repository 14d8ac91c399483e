"""Stacking weights for a linear pool of predictive distributions, chosen to minimise the mean CRPS.

For a pool ``F = sum_m w_m F_m`` the CRPS against ``y`` is ``sum_m w_m E|X_m - y| - 1/2 sum_{m,l} w_m w_l
E|X_m - X_l|`` (Gneiting & Raftery 2007, eq. 20, applied to the mixture), so the mean CRPS over issues is the
quadratic ``a.w - w'Bw / 2`` with ``a_m`` the mean of ``E|X_m - y|`` and ``B_ml`` the mean of ``E|X_m - X_l|``.
Both are exact for atoms: ``E|X_m - X_l|`` is recovered from the Gini mean difference of the 50/50 mixture,
``E|Z - Z'| = (B_mm + B_ll) / 4 + B_ml / 2``. The weights (``w >= 0``, ``sum w = 1``) come from SLSQP started at
equal weights (specification ``synthesis-v1``; Yao, Vehtari, Simpson & Gelman 2018 stack predictive
distributions the same way with the log score).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.backtest.scoring_rules import mean_abs_diff
from alliance.negotiation.prediction import Predictive

__all__ = ["crps_quadratic", "stack_weights"]


def _normalised(p: Predictive) -> tuple[np.ndarray, np.ndarray]:
    w = np.where(np.isnan(p.values), 0.0, p.weights)
    return np.nan_to_num(p.values), w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def crps_quadratic(members: Sequence[Predictive], y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a`` ``(M,)`` and ``B`` ``(M, M)`` of the mean pooled CRPS ``a.w - w'Bw / 2`` over the issues every member
    forecasts (module docstring)."""
    y = np.asarray(y, dtype=float)
    ok = ~np.isnan(y)
    for m in members:
        ok &= ~np.isnan(m.point)
    if not ok.any():
        raise BadInput("stacking needs at least one issue that every member forecasts and has an outcome")
    parts = [_normalised(m) for m in members]
    vals = [v[ok] for v, _ in parts]
    wts = [w[ok] for _, w in parts]
    n_m = len(members)
    a = np.array([(w * np.abs(v - y[ok][:, None])).sum(axis=1).mean() for v, w in zip(vals, wts, strict=True)])
    gini = [mean_abs_diff(v, w) for v, w in zip(vals, wts, strict=True)]
    b = np.zeros((n_m, n_m))
    for i in range(n_m):
        b[i, i] = gini[i].mean()
        for j in range(i + 1, n_m):
            mix = mean_abs_diff(np.concatenate([vals[i], vals[j]], 1), np.concatenate([wts[i], wts[j]], 1) / 2)
            b[i, j] = b[j, i] = float((2.0 * mix - 0.5 * (gini[i] + gini[j])).mean())
    return a, b


def stack_weights(members: Sequence[Predictive], y: np.ndarray) -> np.ndarray:
    """``(M,)`` weights ``w >= 0``, ``sum w = 1`` minimising the mean CRPS of the pool of ``members`` against ``y``."""
    from scipy.optimize import minimize

    a, b = crps_quadratic(members, y)
    n_m = len(a)

    def obj(w: np.ndarray) -> tuple[float, np.ndarray]:
        return float(a @ w - 0.5 * w @ b @ w), a - b @ w

    res = minimize(
        obj,
        np.full(n_m, 1.0 / n_m),
        jac=True,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n_m,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    w = np.asarray(res.x)
    w = np.where(w < 1e-9, 0.0, w)  # the solver's rounding noise at the bounds is a zero weight
    return np.asarray(w / w.sum())
