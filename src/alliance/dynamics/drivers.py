"""Build the model's exogenous inputs (:class:`~.model.Drivers`) from the observed panel or a projection.

Two uses: the record (decision years inside 2014-2026, observed GDP and growth, members as they joined) for
calibration and the backtest; and projections, where GDP grows at a given rate from the last observed year.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alliance.dynamics.model import Drivers
from alliance.dynamics.panel import Panel

__all__ = ["HAGUE", "WALES", "Pledge", "make_drivers", "record_drivers"]

#: A spending pledge: (level in % of GDP, year adopted, deadline year).
Pledge = tuple[float, int, int]
#: Wales summit (Sep 2014): "move towards the 2% guideline within a decade".
WALES: Pledge = (2.0, 2014, 2024)
#: The Hague summit (Jun 2025): 3.5% of GDP on core defence by 2035.
HAGUE: Pledge = (3.5, 2025, 2035)


def _pledge_arrays(pledges: Sequence[Pledge]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arr = np.array([list(p) for p in pledges], dtype=float).reshape(-1, 3)
    return arr[:, 0], arr[:, 1].astype(np.int64), arr[:, 2].astype(np.int64)


def make_drivers(
    panel: Panel,
    years: np.ndarray,
    *,
    gdp: np.ndarray,
    growth_now: np.ndarray,
    growth_next: np.ndarray,
    growth_trend: np.ndarray,
    member: np.ndarray,
    pledges: Sequence[Pledge] = (WALES, HAGUE),
    extra_threat: np.ndarray | None = None,
    commitment: np.ndarray | None = None,
    target_applies: np.ndarray | None = None,
    held: np.ndarray | None = None,
    presence_scale: np.ndarray | None = None,
) -> Drivers:
    """Assemble :class:`~.model.Drivers` for decision years ``years`` (arrays as documented there).

    ``presence_scale`` ``(A,)`` multiplies each host's US presence (default 1); a drawdown acts through
    ``commitment`` instead, which scales presence and the US signal together.
    """
    years = np.asarray(years, dtype=np.int64)
    s = len(years)
    level, start, deadline = _pledge_arrays(pledges)
    presence = np.asarray(panel.presence, dtype=float)
    if presence_scale is not None:
        presence = presence * presence_scale
    return Drivers(
        years=years,
        crimea=(years >= 2014).astype(float),
        invasion=(years >= 2022).astype(float),
        extra_threat=np.zeros((s, 1)) if extra_threat is None else np.asarray(extra_threat, dtype=float),
        commitment=np.ones((s, 1)) if commitment is None else np.asarray(commitment, dtype=float),
        member=np.asarray(member, dtype=bool),
        gdp=np.asarray(gdp, dtype=float),
        growth_now=np.asarray(growth_now, dtype=float),
        growth_next=np.asarray(growth_next, dtype=float),
        growth_trend=np.asarray(growth_trend, dtype=float),
        border=np.asarray(panel.border, dtype=float),
        proximity=np.asarray(panel.proximity, dtype=float),
        presence=presence,
        pledge_level=level,
        pledge_start=start,
        pledge_deadline=deadline,
        target_applies=np.ones(panel.n_allies, bool) if target_applies is None else np.asarray(target_applies, bool),
        held=None if held is None else np.asarray(held, bool),
    )


def record_drivers(
    panel: Panel,
    first: int,
    last: int,
    *,
    pledges: Sequence[Pledge] = (WALES, HAGUE),
    trend: tuple[int, int] | None = None,
) -> Drivers:
    """Drivers over the record: decision years ``first .. last - 1`` (budgets ``first + 1 .. last``).

    Observed real GDP and growth; members as they joined; growth trend = each ally's compound growth over
    ``trend`` (default ``first .. last``). The growth of the first year of the table (2014) is unknown and
    set to the trend.
    """
    years = np.arange(first, last)
    rows = np.array([panel.row(int(y)) for y in years])
    g_trend = panel.trend_growth(*(trend or (first, last)))
    g_now = panel.growth[rows].copy()
    g_now = np.where(np.isnan(g_now), g_trend, g_now)
    return make_drivers(
        panel,
        years,
        gdp=panel.gdp[rows],
        growth_now=g_now,
        growth_next=panel.growth[rows + 1],
        growth_trend=g_trend,
        member=panel.member(years),
        pledges=pledges,
    )
