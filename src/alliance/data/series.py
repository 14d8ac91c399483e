"""Growth rates from NATO's level series that a change of basis in the series cannot distort."""

from __future__ import annotations

import numpy as np

__all__ = ["SERIES_BREAK", "break_free_growth", "series_breaks"]

#: A yearly change of a real level larger than this (fraction) is a break in the series, not growth (Luxembourg's
#: real GDP falls 32% in 2023 in the 2026 edition: a change of basis, not a recession).
SERIES_BREAK = 0.2


def series_breaks(levels: np.ndarray) -> np.ndarray:
    """True for each column (ally) of ``levels`` ``(years, allies)`` with a yearly change beyond +-:data:`SERIES_BREAK`."""
    g = levels[1:] / levels[:-1] - 1.0
    return np.asarray((np.abs(g) > SERIES_BREAK).any(axis=0))


def break_free_growth(levels: np.ndarray) -> np.ndarray:
    """Average yearly growth (fraction) of each column of ``levels`` ``(years, allies)``, leaving out breaks.

    The geometric mean of the yearly growth rates whose size is within :data:`SERIES_BREAK`; without breaks this is
    the compound annual growth rate from the first to the last row.
    """
    g = levels[1:] / levels[:-1] - 1.0
    ok = np.abs(g) <= SERIES_BREAK
    logs = np.where(ok, np.log1p(np.where(ok, g, 0.0)), 0.0)
    return np.asarray(np.expm1(logs.sum(axis=0) / np.maximum(ok.sum(axis=0), 1)))
