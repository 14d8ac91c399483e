"""The path to the Hague commitment (3.5% of GDP core defence by 2035, plus up to 1.5% related) and the 2035
spending scenarios.

All figures are real: spending in constant 2021 USD (``usd_constant_million``) against real GDP in constant
2021 USD (``real_gdp_usd_constant2021_million``), both from the 2026 edition (the only one that publishes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance import data
from alliance.errors import BadInput
from alliance.io import jsonable
from alliance.results import Result
from alliance.spending._base import (
    cagr,
    check_target,
    growth_mapping,
    require_columns,
    resolve_countries,
    select,
    stamp,
)

__all__ = ["Path2035", "hague_path", "scenario_2035"]

_REAL = ["usd_constant_million", "real_gdp_usd_constant2021_million"]


def _base(
    edition: int | str | None, year: int | None, by: int, gdp_growth: float | Mapping[str, float] | None
) -> tuple[pd.DataFrame, int, int]:
    """Base-year rows with real spending, real GDP, the GDP growth assumption and the real GDP in ``by``."""
    df, ed, yr = select(edition, year)
    require_columns(df, _REAL, ed, "the path to 2035")
    if not isinstance(by, int) or isinstance(by, bool) or not yr < by <= 2100:
        raise BadInput(f"by {by!r} out of range; valid: a year after the base year {yr}, up to 2100")
    full = data.load_spending(ed)
    first = int(full["year"].min())
    if first >= yr:
        raise BadInput(f"year {yr} leaves no history to estimate GDP growth; valid: {first + 1}-{yr}")
    gdp = full.pivot_table(index="iso3", columns="year", values="real_gdp_usd_constant2021_million")
    gdp.index = gdp.index.astype(str)
    # Default growth assumption: each ally's own compound annual growth of real GDP from the edition's first
    # year to the base year (2014-2026 by default).
    own = cagr(gdp[yr], gdp[first], yr - first)
    rates, source = growth_mapping(gdp_growth, own)
    out = df[["iso3", "country", "edition", "pct_gdp", "is_estimate"]].copy()
    out.insert(2, "base_year", yr)
    code = out["iso3"].astype(str)
    out["spending_usd_constant_million"] = df["usd_constant_million"].astype(float)
    out["real_gdp_usd_constant2021_million"] = df["real_gdp_usd_constant2021_million"].astype(float)
    # Share of GDP in constant prices, S0 / Y0: consistent with the real series the path grows (it differs from
    # NATO's published pct_gdp only by rounding, at most ~0.01 points).
    out["pct_gdp_real"] = 100.0 * out["spending_usd_constant_million"] / out["real_gdp_usd_constant2021_million"]
    out["gdp_growth_pct"] = code.map(rates).to_numpy(dtype=float)
    out["gdp_growth_source"] = code.map(source).astype("string").to_numpy()
    out["gdp_growth_source"] = out["gdp_growth_source"].where(
        out["gdp_growth_source"] != "own record", f"own {first}-{yr} CAGR"
    )
    # A year-on-year fall of real GDP by more than a fifth is a break in NATO's series, not an economy (e.g.
    # Luxembourg 2023 in the 2026 edition: -32%); its own-record growth is then unreliable, so flag it.
    window = gdp.loc[:, first:yr]
    out["gdp_series_break"] = code.map((window.pct_change(axis=1) < -0.2).any(axis=1)).astype(bool).to_numpy()
    n = by - yr
    out["real_gdp_by_million"] = out["real_gdp_usd_constant2021_million"] * (1 + out["gdp_growth_pct"] / 100.0) ** n
    return out.reset_index(drop=True), ed, yr


def _needed(pct_real: Any, target: float, growth_pct: Any, n: int) -> Any:
    """Required CAGR of real spending in percent: ``100 * ((1 + g) * (c / p0) ** (1 / n) - 1)``."""
    return 100.0 * ((1.0 + growth_pct / 100.0) * (target / pct_real) ** (1.0 / n) - 1.0)


def hague_path(
    core_target: float = 3.5,
    related: float = 1.5,
    by: int = 2035,
    gdp_growth: float | Mapping[str, float] | None = None,
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
    trend_years: int = 5,
) -> pd.DataFrame:
    """For each ally, the real growth of defence spending needed to reach the Hague targets by ``by``.

    Formula. Let ``S0`` be real defence spending and ``Y0`` real GDP in the base year ``t0`` (``year``, by
    default the edition's latest, 2026), ``p0 = 100 * S0 / Y0`` the share of GDP in constant prices, ``g`` real
    GDP growth per year and ``n = by - t0``. Reaching ``c`` % of GDP in ``by`` means
    ``S0 * (1 + r) ** n = c / 100 * Y0 * (1 + g) ** n``, so the needed compound annual growth of real spending is::

        r = (1 + g) * (c / p0) ** (1 / n) - 1

    computed for ``c = core_target`` (3.5) and ``c = core_target + related`` (5.0). ``r`` is negative for an
    ally already above ``c`` whose GDP grows slowly enough. The recent trend is the compound annual growth of
    real spending over the last ``trend_years`` years, ``(S0 / S_{t0-k}) ** (1 / k) - 1`` (2021-2026 by default;
    2025 and 2026 are NATO estimates), and an ally is on track when trend >= needed.

    Args:
        core_target: core defence target, % of GDP (3.5 agreed at The Hague, 25 June 2025).
        related: defence- and security-related spending on top of core (up to 1.5% of GDP).
        by: target year (2035).
        gdp_growth: real GDP growth in percent a year: None (each ally's own compound growth from the edition's
            first year to the base year, 2014-2026), one number for all, or a mapping ISO3 -> percent (allies not
            in it keep their own record).
        edition: an edition with constant-price spending and real GDP (only 2026).
        year: base year (default: the edition's latest).
        countries: report only these allies (ISO3 codes or names); the on-track counts are over them.
        trend_years: window of the recent trend in years.

    Returns:
        One row per ally (members in the base year), ``iso3, country, base_year, edition, pct_gdp,
        is_estimate, spending_usd_constant_million, real_gdp_usd_constant2021_million, pct_gdp_real,
        gdp_growth_pct, gdp_growth_source, gdp_series_break, real_gdp_by_million, years_to_go, needed_growth_core_pct,
        needed_growth_total_pct, trend_growth_pct, on_track_core, on_track_total``, largest needed core growth
        first. Growth rates are in percent a year. ``gdp_series_break`` flags an ally whose real GDP series
        falls by more than 20% in one year (Luxembourg, 2023: a change of NATO's denominator), whose own-record
        growth is then unreliable: pass ``gdp_growth={"LUX": ...}`` to override it.
    """
    core = check_target(core_target, "core_target")
    total = check_target(core + float(related), "core_target + related")
    if float(related) < 0:
        raise BadInput(f"related {related!r} out of range; valid: 0 <= related <= {100 - core:g}")
    if not isinstance(trend_years, int) or trend_years < 1:
        raise BadInput(f"trend_years {trend_years!r} out of range; valid: a whole number of years >= 1")
    out, ed, yr = _base(edition, year, by, gdp_growth)
    codes = resolve_countries(countries)
    if codes is not None:
        out = out[out["iso3"].isin(codes)].reset_index(drop=True)
    start = yr - trend_years
    full = data.load_spending(ed)
    if start not in set(full["year"]):
        raise BadInput(
            f"trend_years {trend_years} reaches {start}, before edition {ed} starts; valid: 1-{yr - int(full['year'].min())}"
        )
    s_start = full[full["year"] == start].set_index(full.loc[full["year"] == start, "iso3"].astype(str))[
        "usd_constant_million"
    ]
    n = by - yr
    out["years_to_go"] = n
    out["needed_growth_core_pct"] = _needed(out["pct_gdp_real"], core, out["gdp_growth_pct"], n)
    out["needed_growth_total_pct"] = _needed(out["pct_gdp_real"], total, out["gdp_growth_pct"], n)
    out["trend_growth_pct"] = cagr(
        out["spending_usd_constant_million"].to_numpy(),
        out["iso3"].astype(str).map(s_start).to_numpy(dtype=float),
        trend_years,
    )
    out["on_track_core"] = (out["trend_growth_pct"] >= out["needed_growth_core_pct"]).astype(bool)
    out["on_track_total"] = (out["trend_growth_pct"] >= out["needed_growth_total_pct"]).astype(bool)
    out = out.sort_values(["needed_growth_core_pct", "iso3"], ascending=[False, True]).reset_index(drop=True)
    return stamp(
        out,
        ed,
        year=yr,
        base_year=yr,
        by=by,
        core_target=core,
        total_target=total,
        trend_window=(start, yr),
        n_on_track_core=int(out["on_track_core"].sum()),
        n_on_track_total=int(out["on_track_total"].sum()),
    )


@dataclass(frozen=True)
class Path2035(Result):
    """Alliance spending in ``by`` under the target scenarios (constant 2021 USD, millions).

    Attributes:
        scenarios: one row per scenario (see :func:`scenario_2035`).
        detail: one row per ally with each scenario's spending in ``by``.
        difference_usd_million: all-at-target total minus US-exempt total (positive when the US, held at its
            current share, spends less than the target would require).
    """

    scenarios: pd.DataFrame
    detail: pd.DataFrame
    target: float
    by: int
    base_year: int
    edition: int
    us_exempt: bool
    difference_usd_million: float
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The scenario table."""
        return self.scenarios.copy()

    @property
    def title(self) -> str:
        return f"Scenarios at {self.target:g}% — {self.by} from {self.base_year}, NATO edition {self.edition}"

    @property
    def meta(self) -> dict[str, Any]:
        """Edition, base year, target, horizon, the GDP growth assumption and the unit."""
        growth = sorted(set(self.detail["gdp_growth_source"].astype(str))) if "gdp_growth_source" in self.detail else []
        return {
            "edition": self.edition,
            "year": self.base_year,
            "by": self.by,
            "target_pct_gdp": self.target,
            "us_exempt": self.us_exempt,
            "gdp_growth": ", ".join(growth),
            "unit": "USD million at constant 2021 prices",
            "definition": "spending in `by` = share of GDP / 100 x real GDP grown at gdp_growth from the base year",
        }

    def figure(self, backend: str = "matplotlib") -> Any:
        """Stacked bars per scenario: US and Europe+Canada spending in ``by``."""
        from alliance.spending.plots import plot_path2035

        return plot_path2035(self.scenarios, backend=backend)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary: parameters, scenario totals and the difference."""
        return jsonable(
            {
                "target": self.target,
                "by": self.by,
                "base_year": self.base_year,
                "edition": self.edition,
                "us_exempt": self.us_exempt,
                "difference_usd_constant2021_million": self.difference_usd_million,
                "scenarios": self.scenarios,
                "meta": self.meta,
            }
        )


def scenario_2035(
    target: float = 3.5,
    *,
    us_exempt: bool = False,
    gdp_growth: float | Mapping[str, float] | None = None,
    edition: int | str | None = None,
    year: int | None = None,
    by: int = 2035,
) -> Path2035:
    """Total alliance defence spending in ``by`` if every ally reaches ``target`` % of GDP, and if the US is exempt.

    Each ally's real GDP grows from the base year at ``gdp_growth`` (as in :func:`hague_path`); spending in
    ``by`` is ``share / 100 * Y0 * (1 + g) ** n``. Scenarios (rows of ``scenarios``):

    - ``base_year``: actual spending in the base year (no growth);
    - ``current_shares``: every ally holds its base-year share of GDP (``pct_gdp_real``);
    - ``all_at_target``: every ally spends ``target`` % of GDP (allies above it come down to it);
    - ``us_exempt``: every ally at ``target`` except the US, which holds its base-year share.

    ``difference_usd_million`` = all_at_target - us_exempt, i.e. what exempting the US removes (or, if the US
    were above target, adds). ``us_exempt=True`` makes the per-ally ``spending_by_scenario_million`` column of
    ``detail`` follow the US-exempt scenario instead of all-at-target; the scenario table always has both.

    Returns:
        :class:`Path2035` with ``scenarios`` (``scenario, description, total_usd_constant2021_million,
        us_usd_constant2021_million, europe_canada_usd_constant2021_million, difference_vs_all_at_target_million``)
        and ``detail`` (per ally).
    """
    tgt = check_target(target)
    detail, ed, yr = _base(edition, year, by, gdp_growth)
    us = (detail["iso3"] == "USA").to_numpy()
    gdp_by = detail["real_gdp_by_million"].to_numpy(dtype=float)
    p0 = detail["pct_gdp_real"].to_numpy(dtype=float)
    detail["spending_by_current_share_million"] = p0 / 100.0 * gdp_by
    detail["spending_by_target_million"] = tgt / 100.0 * gdp_by
    detail["spending_by_us_exempt_million"] = np.where(us, p0, tgt) / 100.0 * gdp_by
    chosen = "spending_by_us_exempt_million" if us_exempt else "spending_by_target_million"
    detail["spending_by_scenario_million"] = detail[chosen]
    detail = detail.sort_values(["spending_by_scenario_million", "iso3"], ascending=[False, True]).reset_index(
        drop=True
    )
    us = (detail["iso3"] == "USA").to_numpy()

    def row(name: str, description: str, values: np.ndarray) -> dict[str, Any]:
        return {
            "scenario": name,
            "description": description,
            "total_usd_constant2021_million": float(values.sum()),
            "us_usd_constant2021_million": float(values[us].sum()),
            "europe_canada_usd_constant2021_million": float(values[~us].sum()),
        }

    rows = [
        row("base_year", f"actual spending in {yr}", detail["spending_usd_constant_million"].to_numpy(dtype=float)),
        row(
            "current_shares",
            f"every ally holds its {yr} share of GDP to {by}",
            detail["spending_by_current_share_million"].to_numpy(),
        ),
        row("all_at_target", f"every ally at {tgt:g}% of GDP in {by}", detail["spending_by_target_million"].to_numpy()),
        row(
            "us_exempt",
            f"every ally at {tgt:g}% in {by} except the US, at its {yr} share",
            detail["spending_by_us_exempt_million"].to_numpy(),
        ),
    ]
    scenarios = pd.DataFrame(rows)
    all_tgt = scenarios.loc[scenarios["scenario"] == "all_at_target", "total_usd_constant2021_million"].item()
    scenarios["difference_vs_all_at_target_million"] = scenarios["total_usd_constant2021_million"] - all_tgt
    diff = float(all_tgt - scenarios.loc[scenarios["scenario"] == "us_exempt", "total_usd_constant2021_million"].item())
    attrs = {"target": tgt, "by": by, "base_year": yr, "us_exempt": us_exempt, "difference_usd_million": diff}
    stamp(scenarios, ed, year=yr, **attrs)
    stamp(detail, ed, year=yr, **attrs)
    return Path2035(scenarios, detail, tgt, by, yr, ed, us_exempt, diff, {"edition": ed, **attrs})
