"""Proper scoring rules for predictive distributions of issue outcomes, vectorised over issues.

A predictive distribution per issue is a set of weighted atoms (``values``, ``weights``; shape ``(n, K)``, NaN
values with weight 0 pad rows to a common width). Point masses on candidate outcomes, empirical error
distributions (conformal), samples and discretised continuous parts all take this form, and every rule here is
*exact* for it:

- **CRPS** (Matheson & Winkler 1976; Gneiting & Raftery 2007, eq. 20): ``E|X - y| - 1/2 E|X - X'|``. For atoms
  sorted ascending, ``E|X - X'| = 2 sum_k w_k x_k (2 W_<k + w_k - 1)`` (``W_<k`` the weight below atom ``k``), so
  a row costs ``O(K log K)``. A point mass at ``x`` scores ``|x - y|`` (the CRPS generalises the absolute
  error); :func:`crps_normal` is the closed form for ``N(mu, sigma)`` (Gneiting et al. 2005), used to check.
- **Central intervals** and their coverage and width; :func:`conformal_halfwidth` is the split-conformal
  quantile of absolute residuals (Vovk et al. 2005; Lei et al. 2018): the ``ceil((n + 1)(1 - alpha))``-th
  smallest, infinite when that rank exceeds ``n``.
- **PIT** (probability integral transform, Dawid 1984), randomised for atoms (Czado, Gneiting & Held 2009):
  ``F(y-) + U (F(y) - F(y-))``, uniform on [0, 1] for a calibrated forecast even with point masses.
- **Log score over candidate outcomes**: the outcome is classed as one candidate (within a tolerance) or
  "between"; the score is ``-log p(class)`` (Good 1952), proper for that partition.

Intervals over proposals come from :func:`alliance.negotiation.backtest.folds.paired_interval` (the cluster
bootstrap shared with the MAE figures).
"""

from __future__ import annotations

import math

import numpy as np

from alliance.errors import BadInput

__all__ = [
    "LEVELS",
    "central_interval",
    "conformal_halfwidth",
    "coverage",
    "crps_atoms",
    "crps_normal",
    "crps_samples",
    "log_score_candidates",
    "mean_abs_diff",
    "pit_histogram",
    "pit_randomised",
    "quantiles",
]

#: Central interval levels scored everywhere (50%, 80%, 95%).
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.95)


def _rows(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Atoms sorted ascending per row, NaN padding moved to the end with weight 0, weights normalised."""
    v = np.atleast_2d(np.asarray(values, dtype=float))
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    if v.shape != w.shape:
        raise BadInput(f"values {v.shape} and weights {w.shape} must have the same shape")
    w = np.where(np.isnan(v), 0.0, w)
    if np.any(w < 0):
        raise BadInput("atom weights must be non-negative")
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(total > 0, w / total, np.nan)
    order = np.argsort(np.where(np.isnan(v), np.inf, v), axis=1, kind="stable")
    return np.take_along_axis(v, order, axis=1), np.take_along_axis(w, order, axis=1)


def mean_abs_diff(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(n,)`` ``E|X - X'|`` for independent ``X, X'`` drawn from each row's atoms (Gini mean difference)."""
    v, w = _rows(values, weights)
    below = np.cumsum(w, axis=1) - w
    term = np.where(w > 0, w * np.nan_to_num(v) * (2.0 * below + w - 1.0), 0.0)
    return np.asarray(2.0 * term.sum(axis=1))


def crps_atoms(values: np.ndarray, weights: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(n,)`` exact CRPS of each row's weighted atoms against the outcome ``y`` (NaN where ``y`` is NaN)."""
    v, w = _rows(values, weights)
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.shape[0] != v.shape[0]:
        raise BadInput(f"{v.shape[0]} distributions but {y.shape[0]} outcomes")
    first = np.where(w > 0, w * np.abs(np.nan_to_num(v) - y[:, None]), 0.0).sum(axis=1)
    out = first - 0.5 * mean_abs_diff(v, w)
    return np.where(np.isnan(y) | np.isnan(w).any(axis=1), np.nan, out)


def crps_samples(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(n,)`` exact CRPS of the empirical distribution of each row of ``samples`` (equal weights)."""
    s = np.atleast_2d(np.asarray(samples, dtype=float))
    return crps_atoms(s, np.ones_like(s), y)


def crps_normal(mu: np.ndarray, sigma: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Closed-form CRPS of ``N(mu, sigma^2)`` (Gneiting, Raftery, Westveld & Goldman 2005, eq. 5)."""
    from scipy.stats import norm

    mu, sigma, y = (np.asarray(a, dtype=float) for a in (mu, sigma, y))
    z = (y - mu) / sigma
    return np.asarray(sigma * (z * (2.0 * norm.cdf(z) - 1.0) + 2.0 * norm.pdf(z) - 1.0 / math.sqrt(math.pi)))


def quantiles(values: np.ndarray, weights: np.ndarray, probs: np.ndarray | float) -> np.ndarray:
    """``(n, len(probs))`` quantiles ``inf{x : F(x) >= p}`` of each row (the lower quantile of a step CDF)."""
    v, w = _rows(values, weights)
    p = np.atleast_1d(np.asarray(probs, dtype=float))
    cum = np.cumsum(np.nan_to_num(w), axis=1)
    # first atom whose cumulative weight reaches p (a small tolerance absorbs rounding of the cumulative sums)
    idx = (cum[:, None, :] < p[None, :, None] - 1e-12).sum(axis=2)
    idx = np.minimum(idx, v.shape[1] - 1)
    out = np.take_along_axis(v, idx, axis=1)
    return np.asarray(np.where(np.isnan(w).any(axis=1)[:, None], np.nan, out))


def central_interval(values: np.ndarray, weights: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval ``[Q((1 - level) / 2), Q((1 + level) / 2)]`` of each row."""
    if not 0.0 < level < 1.0:
        raise BadInput(f"interval level {level}: must be between 0 and 1")
    q = quantiles(values, weights, np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0]))
    return q[:, 0], q[:, 1]


def conformal_halfwidth(abs_residuals: np.ndarray, level: float) -> float:
    """Split-conformal half-width: the ``ceil((n + 1) level)``-th smallest absolute residual (inf if beyond ``n``).

    With ``n`` calibration residuals exchangeable with the test case, ``|y - point| <= q`` holds with probability
    at least ``level`` (Vovk, Gammerman & Shafer 2005; Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018).
    """
    r = np.sort(np.abs(np.asarray(abs_residuals, dtype=float).reshape(-1)))
    r = r[~np.isnan(r)]
    if not 0.0 < level < 1.0:
        raise BadInput(f"interval level {level}: must be between 0 and 1")
    rank = math.ceil((len(r) + 1) * level)
    return float(r[rank - 1]) if 1 <= rank <= len(r) else math.inf


def coverage(lo: np.ndarray, hi: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(n,)`` 1.0 where ``lo <= y <= hi``, else 0.0 (NaN where any is NaN)."""
    lo, hi, y = (np.asarray(a, dtype=float) for a in (lo, hi, y))
    inside = ((lo <= y) & (y <= hi)).astype(float)
    return np.where(np.isnan(lo) | np.isnan(hi) | np.isnan(y), np.nan, inside)


def pit_randomised(values: np.ndarray, weights: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``(n,)`` randomised PIT ``F(y-) + U (F(y) - F(y-))``, ``U ~ U(0, 1)`` (Czado, Gneiting & Held 2009)."""
    v, w = _rows(values, weights)
    y = np.asarray(y, dtype=float).reshape(-1)
    w0 = np.nan_to_num(w)
    f_below = np.where(v < y[:, None], w0, 0.0).sum(axis=1)
    f_at = np.where(v <= y[:, None], w0, 0.0).sum(axis=1)
    u = rng.uniform(size=len(y))
    return np.asarray(np.where(np.isnan(y), np.nan, f_below + u * (f_at - f_below)))


def pit_histogram(pit: np.ndarray, bins: int = 10) -> dict[str, object]:
    """Counts of PIT values in ``bins`` equal bins, the expected count, and the largest relative deviation.

    ``max_rel_dev`` = max over bins of ``|count - expected| / expected`` (0 for a flat histogram); a U shape
    (too narrow), a hump (too wide) or a slope (biased) show in the counts.
    """
    p = np.asarray(pit, dtype=float)
    p = p[~np.isnan(p)]
    counts, _ = np.histogram(np.clip(p, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    expected = len(p) / bins if len(p) else math.nan
    dev = float(np.max(np.abs(counts - expected)) / expected) if len(p) else math.nan
    return {"counts": counts.tolist(), "expected": expected, "max_rel_dev": dev, "n": len(p)}


def log_score_candidates(
    candidates: np.ndarray, mass: np.ndarray, other: np.ndarray, y: np.ndarray, tol: np.ndarray | float
) -> np.ndarray:
    """``(n,)`` ``-log p`` of the class the outcome falls in: a candidate (within ``tol``) or "between".

    Args:
        candidates: ``(n, C)`` candidate outcomes (NaN padding), at least ``2 tol`` apart.
        mass: ``(n, C)`` the probability of each candidate's class.
        other: ``(n,)`` the probability of "between" (every outcome not within ``tol`` of a candidate).
        y: ``(n,)`` outcomes.
        tol: the half-width of a candidate's class, per row or scalar.
    """
    c = np.asarray(candidates, dtype=float)
    m = np.asarray(mass, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    t = np.broadcast_to(np.asarray(tol, dtype=float), y.shape)
    hit = np.abs(c - y[:, None]) <= t[:, None]
    p_hit = np.where(hit, np.nan_to_num(m), 0.0).sum(axis=1)
    p = np.where(hit.any(axis=1), p_hit, np.asarray(other, dtype=float))
    with np.errstate(divide="ignore"):
        return np.asarray(np.where(np.isnan(y), np.nan, -np.log(p)))
