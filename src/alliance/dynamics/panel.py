"""The observed panel the spending simulation is calibrated on: allies x years, as NumPy arrays.

Data (all embedded, see ``alliance.data``):

- defence spending, % of GDP (core definition), and real GDP in USD at constant 2021 prices: NATO,
  "Defence Expenditure of NATO Countries", 2026 edition, 2014-2026 (2025 and 2026 are NATO estimates);
- population, derived as real GDP / real GDP per capita from the same edition (thousands);
- land border with Russia or Belarus, distance of the capital to Moscow, accession year: ``load_allies()``;
- US active-duty personnel permanently assigned in each host (DMDC, Dec 2024; rotational forces excluded).

Iceland has no armed forces and no spending series, so the panel holds the 31 allies with data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance.data import load_allies, load_spending, load_us_forces
from alliance.data.series import SERIES_BREAK, break_free_growth

__all__ = ["SERIES_BREAK", "Panel", "load_panel"]

#: The edition the simulation is calibrated on (the latest; core defence expenditure, 2014-2026).
EDITION = 2026


@dataclass(frozen=True)
class Panel:
    """Allies x years arrays. Year-indexed arrays are shaped ``(years, allies)``; ally arrays ``(allies,)``.

    Attributes:
        iso3: ally codes, alphabetical.
        names: ally names.
        years: calendar years, ``(Y,)``.
        x: defence spending, % of GDP.
        gdp: real GDP, USD million at constant 2021 prices.
        growth: real GDP growth as a fraction, ``gdp[t] / gdp[t-1] - 1`` (NaN in the first year).
        is_estimate: NATO flags the figure as an estimate (2025, 2026).
        border: 1.0 if the ally has a land border with Russia or Belarus.
        proximity: 1,000 km / distance from the capital to Moscow (a gravity-style exposure measure).
        presence: US active-duty personnel permanently assigned per 1,000 inhabitants (DMDC Dec 2024;
            population from the 2026 edition, 2024).
        us_personnel: US active-duty personnel permanently assigned (DMDC Dec 2024), persons.
        accession: year the ally joined NATO.
    """

    iso3: tuple[str, ...]
    names: tuple[str, ...]
    years: np.ndarray
    x: np.ndarray
    gdp: np.ndarray
    growth: np.ndarray
    is_estimate: np.ndarray
    border: np.ndarray
    proximity: np.ndarray
    presence: np.ndarray
    us_personnel: np.ndarray
    accession: np.ndarray

    @property
    def n_allies(self) -> int:
        return len(self.iso3)

    def row(self, year: int) -> int:
        """Index of a calendar year in the year axis."""
        hits = np.flatnonzero(self.years == year)
        if hits.size == 0:
            raise KeyError(year)
        return int(hits[0])

    def index(self, iso3: str) -> int:
        """Index of an ally in the ally axis."""
        return self.iso3.index(iso3)

    def trend_growth(self, first: int, last: int) -> np.ndarray:
        """Each ally's average annual real GDP growth from ``first`` to ``last`` (fraction), ``(A,)``.

        The geometric mean of the yearly growth rates, leaving out series breaks (a yearly change beyond
        +-:data:`SERIES_BREAK`; Luxembourg's real GDP falls 32% in 2023 in the 2026 edition, a change of basis,
        not a recession), so that a break does not become a trend. Without breaks this is the compound rate.
        """
        return break_free_growth(self.gdp[self.row(first) : self.row(last) + 1])

    def member(self, years: np.ndarray) -> np.ndarray:
        """True where the ally was a NATO member in that year, ``(len(years), A)``."""
        return np.asarray(self.accession[None, :] <= np.asarray(years)[:, None])

    def frame(self) -> pd.DataFrame:
        """The panel as a long DataFrame (iso3, year, pct_gdp, real_gdp, growth)."""
        y, a = np.meshgrid(self.years, np.arange(self.n_allies), indexing="ij")
        return pd.DataFrame(
            {
                "iso3": np.asarray(self.iso3)[a.ravel()],
                "year": y.ravel(),
                "pct_gdp": self.x.ravel(),
                "real_gdp_usd_constant2021_million": self.gdp.ravel(),
                "real_gdp_growth": self.growth.ravel(),
            }
        )


@functools.cache
def load_panel() -> Panel:
    """The calibration panel from the embedded tables (cached; arrays are read-only)."""
    s = load_spending(EDITION)
    allies = load_allies().set_index("iso3")
    us = load_us_forces().set_index("iso3")
    x = s.pivot(index="year", columns="iso3", values="pct_gdp")
    iso = tuple(str(c) for c in x.columns)
    gdp = s.pivot(index="year", columns="iso3", values="real_gdp_usd_constant2021_million")[list(iso)]
    pc = s.pivot(index="year", columns="iso3", values="gdp_per_capita_thousand_usd_constant2021")[list(iso)]
    est = s.pivot(index="year", columns="iso3", values="is_estimate")[list(iso)]
    years = x.index.to_numpy(dtype=np.int64)
    gdp_a = gdp.to_numpy(dtype=float)
    growth = np.full_like(gdp_a, np.nan)
    growth[1:] = gdp_a[1:] / gdp_a[:-1] - 1.0
    pop_thousand = (gdp / pc).loc[2024].to_numpy(dtype=float).copy()
    personnel = us["dmdc_2024_12"].reindex(list(iso)).fillna(0.0).to_numpy(dtype=float).copy()
    personnel[np.asarray(iso) == "USA"] = 0.0  # the provider is not a host
    al = allies.loc[list(iso)]
    panel = Panel(
        iso3=iso,
        names=tuple(str(n) for n in al["name"]),
        years=years,
        x=x.to_numpy(dtype=float),
        gdp=gdp_a,
        growth=growth,
        is_estimate=est.to_numpy(dtype=bool),
        border=al["border_russia_belarus"].to_numpy(dtype=float),
        proximity=1000.0 / al["distance_to_moscow_km"].to_numpy(dtype=float),
        presence=personnel / pop_thousand,
        us_personnel=personnel,
        accession=al["accession_year"].to_numpy(dtype=np.int64),
    )
    for arr in (panel.years, panel.x, panel.gdp, panel.growth, panel.is_estimate, panel.border):
        arr.setflags(write=False)
    for arr in (panel.proximity, panel.presence, panel.us_personnel, panel.accession):
        arr.setflags(write=False)
    return panel
