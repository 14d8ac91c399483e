"""Spearman's rank correlation and a least-squares trend with their Student-t p-values, in NumPy.

The Olson-Zeckhauser test needs two statistics; loading :mod:`scipy.stats` for them costs most of a second at
start-up, so they are written here (pinned against SciPy in the tests, to 1e-12). The t distribution's tail is
the regularized incomplete beta function, ``P(T > t) = I_x(df / 2, 1 / 2) / 2`` with ``x = df / (df + t^2)``,
evaluated by its continued fraction (modified Lentz; Press et al., *Numerical Recipes*, 3rd ed., section 6.4).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

__all__ = ["LinearFit", "linear_fit", "rankdata", "spearman", "t_sf"]

_EPS = 1e-16
_TINY = 1e-300


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (converges fast for ``x < (a + 1) / (a + b + 2)``)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function ``I_x(a, b)``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_sf(t: float, df: float) -> float:
    """``P(T > t)`` for Student's t with ``df`` degrees of freedom (``df > 0``)."""
    if math.isnan(t):
        return math.nan
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    tail = 0.5 * _betainc(0.5 * df, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def _p_value(t: float, df: float, alternative: str) -> float:
    if alternative == "greater":
        return t_sf(t, df)
    if alternative == "less":
        return t_sf(-t, df)
    return min(1.0, 2.0 * t_sf(abs(t), df))


def rankdata(a: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties given the average of the ranks they span (as :func:`scipy.stats.rankdata`)."""
    arr = np.asarray(a, dtype=float)
    sorter = np.argsort(arr, kind="mergesort")
    inv = np.empty(sorter.size, dtype=np.intp)
    inv[sorter] = np.arange(sorter.size)
    s = arr[sorter]
    first = np.r_[True, s[1:] != s[:-1]]
    dense = first.cumsum()[inv]
    count = np.r_[np.nonzero(first)[0], len(first)]
    return np.asarray(0.5 * (count[dense] + count[dense - 1] + 1))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    xm, ym = x - x.mean(), y - y.mean()
    den = math.sqrt(float(np.dot(xm, xm)) * float(np.dot(ym, ym)))
    return float(np.clip(np.dot(xm, ym) / den, -1.0, 1.0)) if den > 0 else math.nan


def spearman(
    x: np.ndarray, y: np.ndarray, alternative: Literal["two-sided", "greater", "less"] = "two-sided"
) -> tuple[float, float]:
    """Spearman's rho and its p-value from the t approximation with ``n - 2`` degrees of freedom (SciPy's)."""
    rx, ry = rankdata(np.asarray(x)), rankdata(np.asarray(y))
    rho = _pearson(rx, ry)
    dof = len(rx) - 2
    if math.isnan(rho) or dof <= 0:
        return rho, math.nan
    with np.errstate(divide="ignore"):
        t = (
            rho * math.sqrt(max(dof / ((rho + 1.0) * (1.0 - rho)), 0.0))
            if abs(rho) < 1.0
            else math.copysign(math.inf, rho)
        )
    return rho, _p_value(t, dof, alternative)


class LinearFit(tuple[float, float, float, float]):
    """``(slope, intercept, rvalue, pvalue)`` of an ordinary least-squares line."""

    @property
    def slope(self) -> float:
        return self[0]

    @property
    def pvalue(self) -> float:
        return self[3]


def linear_fit(x: np.ndarray, y: np.ndarray) -> LinearFit:
    """Least-squares line of ``y`` on ``x`` and the two-sided p-value of its slope (as :func:`scipy.stats.linregress`)."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    xm, ym = xa - xa.mean(), ya - ya.mean()
    ssxm, ssym, ssxym = float(np.dot(xm, xm)), float(np.dot(ym, ym)), float(np.dot(xm, ym))
    slope = ssxym / ssxm
    intercept = float(ya.mean() - slope * xa.mean())
    r = 0.0 if ssxm == 0 or ssym == 0 else float(np.clip(ssxym / math.sqrt(ssxm * ssym), -1.0, 1.0))
    df = len(xa) - 2
    t = r * math.sqrt(df / ((1.0 - r + 1e-20) * (1.0 + r + 1e-20)))
    return LinearFit((slope, intercept, r, _p_value(t, df, "two-sided")))
