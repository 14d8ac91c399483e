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
from alliance.data.series import break_free_growth, series_breaks
from alliance.errors import BadInput, one_of
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

__all__ = ["TREND_HALFLIFE", "TRENDS", "Path2035", "hague_path", "scenario_2035", "us_exempt_definition"]

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
    # Default growth assumption: each ally's own average real GDP growth from the edition's first year to the base
    # year (2014-2026 by default), leaving out series breaks (Luxembourg 2023: -32%, a change of basis), so that a
    # break does not become a decade of shrinking GDP.
    window = gdp.loc[:, first:yr]
    own = pd.Series(100.0 * break_free_growth(window.to_numpy(dtype=float).T), index=gdp.index)
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
        out["gdp_growth_source"] != "own record", f"own {first}-{yr} average, series breaks left out"
    )
    # A yearly change of real GDP by more than a fifth is a break in NATO's series, not an economy (e.g.
    # Luxembourg 2023 in the 2026 edition: -32%): flagged, and left out of the default growth.
    breaks = pd.Series(series_breaks(window.to_numpy(dtype=float).T), index=gdp.index)
    out["gdp_series_break"] = code.map(breaks).astype(bool).to_numpy()
    n = by - yr
    out["real_gdp_by_million"] = out["real_gdp_usd_constant2021_million"] * (1 + out["gdp_growth_pct"] / 100.0) ** n
    return out.reset_index(drop=True), ed, yr


def _needed(pct_real: Any, target: float, growth_pct: Any, n: int) -> Any:
    """Required CAGR of real spending in percent: ``100 * ((1 + g) * (c / p0) ** (1 / n) - 1)``."""
    return 100.0 * ((1.0 + growth_pct / 100.0) * (target / pct_real) ** (1.0 / n) - 1.0)


#: Default half-life (years) of the excess of spending growth over GDP growth in the damped trend: the half-life
#: of a threat push fitted by :mod:`alliance.dynamics` on 2014-2026 (docs/dynamics.md): budgets that surged after
#: 2022 do not keep surging for a decade.
TREND_HALFLIFE = 4.0
#: Growth assumptions of :func:`hague_path`.
TRENDS = ("damped", "recent")


def _assumed_growth(recent: np.ndarray, gdp_growth: np.ndarray, n: int, trend: str, halflife: float) -> np.ndarray:
    """Yearly real spending growth assumed for years 1..n, ``(n, allies)``, in percent.

    ``damped``: ``r_t = g + (r0 - g) * q ** t`` with ``q = 2 ** (-1 / halflife)`` (Gardner & McKenzie's damped
    trend, 1985): the recent trend ``r0`` fades into GDP growth ``g``, so the share of GDP levels off.
    ``recent``: ``r_t = r0`` for every year (the recent trend extrapolated, an upper bound).
    """
    t = np.arange(1, n + 1)[:, None]
    if trend == "recent":
        return np.broadcast_to(recent, (n, len(recent))).astype(float)
    q = 2.0 ** (-1.0 / halflife)
    return np.asarray(gdp_growth[None, :] + (recent - gdp_growth)[None, :] * q**t)


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
    trend: str = "damped",
    halflife: float = TREND_HALFLIFE,
    plans: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """For each ally, the real growth of defence spending needed to reach the Hague targets by ``by``, against the
    growth assumed from its trend.

    Formula. Let ``S0`` be real defence spending and ``Y0`` real GDP in the base year ``t0`` (``year``, by
    default the edition's latest, 2026), ``p0 = 100 * S0 / Y0`` the share of GDP in constant prices, ``g`` real
    GDP growth per year and ``n = by - t0``. Reaching ``c`` % of GDP in ``by`` means
    ``S0 * (1 + r) ** n = c / 100 * Y0 * (1 + g) ** n``, so the needed compound annual growth of real spending is::

        r = (1 + g) * (c / p0) ** (1 / n) - 1

    computed for ``c = core_target`` (3.5) and ``c = core_target + related`` (5.0). ``r`` is negative for an
    ally already above ``c`` whose GDP grows slowly enough.

    Growth assumed. The recent trend ``r0`` is the compound annual growth of real spending over the last
    ``trend_years`` years (2021-2026 by default; 2025 and 2026 are NATO estimates). Extrapolating it for a decade
    would take the 14-19% a year of the post-2022 surge (Spain, Belgium, Canada, Türkiye, the Netherlands) to 2035;
    by default (``trend="damped"``) the excess of ``r0`` over GDP growth halves every ``halflife`` years (4.0: the
    half-life of a threat push fitted by the spending simulation), ``r_t = g + (r0 - g) * 2 ** (-t / halflife)``,
    so shares level off. ``trend="recent"`` extrapolates ``r0`` unchanged (the first release's rule, an upper
    bound). ``plans`` replaces the trend for an ally with its published national plan, given as the share of GDP
    it plans for ``by``: no plan is embedded (pass only plans you can cite). The share projected for ``by`` is
    ``p0 * prod(1 + r_t) / (1 + g) ** n``; an ally is on track when it reaches the target.

    Args:
        core_target: core defence target, % of GDP (3.5 agreed at The Hague, 25 June 2025).
        related: defence- and security-related spending on top of core (up to 1.5% of GDP).
        by: target year (2035).
        gdp_growth: real GDP growth in percent a year: None (each ally's own average growth from the edition's
            first year to the base year, 2014-2026, leaving out series breaks), one number for all, or a mapping
            ally -> percent (allies not in it keep their own record).
        edition: an edition with constant-price spending and real GDP (only 2026).
        year: base year (default: the edition's latest).
        countries: report only these allies (codes or names); the on-track counts are over them.
        trend_years: window of the recent trend in years.
        trend: ``"damped"`` (default) or ``"recent"``.
        halflife: years for the excess of the recent trend over GDP growth to halve (``damped`` only).
        plans: ally -> share of GDP (%) in ``by`` from its published national plan (user-given, cite it).

    Returns:
        One row per ally (members in the base year), ``iso3, country, base_year, edition, pct_gdp,
        is_estimate, spending_usd_constant_million, real_gdp_usd_constant2021_million, pct_gdp_real,
        gdp_growth_pct, gdp_growth_source, gdp_series_break, real_gdp_by_million, years_to_go, needed_growth_core_pct,
        needed_growth_total_pct, trend_growth_pct, assumed_growth_pct, growth_assumption, projected_pct_gdp_by,
        on_track_core, on_track_total``, largest needed core growth first. Growth rates are in percent a year;
        ``assumed_growth_pct`` is the average growth assumed to ``by``. ``gdp_series_break`` flags an ally whose
        real GDP series changes by more than 20% in one year (Luxembourg, 2023: a change of NATO's denominator),
        left out of its default GDP growth.
    """
    core = check_target(core_target, "core_target")
    total = check_target(core + float(related), "core_target + related")
    if float(related) < 0:
        raise BadInput(f"related {related!r} out of range; valid: 0 <= related <= {100 - core:g}")
    if not isinstance(trend_years, int) or trend_years < 1:
        raise BadInput(f"trend_years {trend_years!r} out of range; valid: a whole number of years >= 1")
    if trend not in TRENDS:
        raise one_of("trend", trend, TRENDS)
    if not isinstance(halflife, int | float) or not 0 < float(halflife) <= 100:
        raise BadInput(f"halflife {halflife!r} out of range; valid: years, 0 < halflife <= 100")
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
    g = out["gdp_growth_pct"].to_numpy(dtype=float)
    path = _assumed_growth(out["trend_growth_pct"].to_numpy(dtype=float), g, n, trend, float(halflife))
    factor = np.prod(1.0 + path / 100.0, axis=0)
    label = (
        f"damped trend: {start}-{yr} trend fading into GDP growth, half-life {float(halflife):g} years"
        if trend == "damped"
        else f"recent trend {start}-{yr}, extrapolated"
    )
    assumption = np.full(len(out), label, dtype=object)
    planned = _plans(plans, out["iso3"].astype(str).tolist())
    for i, share in planned.items():  # a published plan replaces the trend: the growth that reaches its share
        factor[i] = (share / out["pct_gdp_real"].iloc[i]) * (1.0 + g[i] / 100.0) ** n
        assumption[i] = f"national plan: {share:g}% of GDP in {by} (user-given)"
    out["assumed_growth_pct"] = 100.0 * (factor ** (1.0 / n) - 1.0)
    out["growth_assumption"] = pd.array(assumption, dtype="string")
    out["projected_pct_gdp_by"] = out["pct_gdp_real"] * factor / (1.0 + out["gdp_growth_pct"] / 100.0) ** n
    out["on_track_core"] = (out["projected_pct_gdp_by"] >= core - 1e-9).astype(bool)
    out["on_track_total"] = (out["projected_pct_gdp_by"] >= total - 1e-9).astype(bool)
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
        trend=trend,
        halflife=float(halflife),
        growth_assumption=label,
        plans={str(k): float(v) for k, v in (plans or {}).items()},
        n_on_track_core=int(out["on_track_core"].sum()),
        n_on_track_total=int(out["on_track_total"].sum()),
        core_note="NATO's tables report core spending only: the related 1.5% is not in any table, so 'on track for "
        f"{total:g}%' assumes all of it comes from core spending",
    )


def _plans(plans: Mapping[str, float] | None, codes: list[str]) -> dict[int, float]:
    """Row index -> planned share of GDP (%) for the allies with a user-given national plan."""
    if not plans:
        return {}
    out: dict[int, float] = {}
    for raw, share in plans.items():
        code = (resolve_countries([raw]) or [""])[0]
        value = check_target(share, f"plans[{raw}]")
        if code in codes:
            out[codes.index(code)] = value
    return out


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
    cut_above: bool = False

    def to_frame(self) -> pd.DataFrame:
        """The scenario table."""
        return self.scenarios.copy()

    @property
    def title(self) -> str:
        return f"Scenarios at {self.target:g}% — {self.by} from {self.base_year}, NATO edition {self.edition}"

    @property
    def source(self) -> str:
        return data.source_line(self.edition)

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
            "cut_above": self.cut_above,
            "above_target": "cut to the target" if self.cut_above else "keep their base-year share (not cut)",
            "us_exempt_definition": us_exempt_definition(self.base_year, self.by),
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
                "cut_above": self.cut_above,
                "difference_usd_constant2021_million": self.difference_usd_million,
                "scenarios": self.scenarios,
                "meta": self.meta,
            }
        )


def us_exempt_definition(base_year: int = 2026, by: int = 2035) -> str:
    """The one definition of "US exempt" that every output uses (here and in ``alliance simulate``)."""
    return (
        f"US exempt: the US is not held to the target and keeps its {base_year} share of GDP to {by}; every other "
        "ally as in the scenario compared"
    )


def scenario_2035(
    target: float = 3.5,
    *,
    us_exempt: bool = False,
    gdp_growth: float | Mapping[str, float] | None = None,
    edition: int | str | None = None,
    year: int | None = None,
    by: int = 2035,
    cut_above: bool = False,
) -> Path2035:
    """Total alliance defence spending in ``by`` if every ally reaches ``target`` % of GDP, and if the US is exempt.

    Each ally's real GDP grows from the base year at ``gdp_growth`` (as in :func:`hague_path`); spending in
    ``by`` is ``share / 100 * Y0 * (1 + g) ** n``. Scenarios (rows of ``scenarios``):

    - ``base_year``: actual spending in the base year (no growth);
    - ``current_shares``: every ally holds its base-year share of GDP (``pct_gdp_real``);
    - ``all_at_target``: every ally below ``target`` rises to it; allies above it keep their base-year share
      (a target is a floor: Poland is not cut from 4.7% to 3.5%), unless ``cut_above`` brings them down to it;
    - ``us_exempt``: as ``all_at_target`` except the US, which keeps its base-year share (:func:`us_exempt_definition`,
      the definition ``alliance simulate``'s ``us-exempt`` scenario uses too).

    ``difference_usd_million`` = all_at_target - us_exempt, i.e. what exempting the US removes (or, if the US
    were above target, nothing: it keeps its share either way). ``us_exempt=True`` makes the per-ally
    ``spending_by_scenario_million`` column of ``detail`` follow the US-exempt scenario instead of all-at-target;
    the scenario table always has both.

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
    at_target = np.full_like(p0, tgt) if cut_above else np.maximum(p0, tgt)
    detail["spending_by_current_share_million"] = p0 / 100.0 * gdp_by
    detail["spending_by_target_million"] = at_target / 100.0 * gdp_by
    detail["spending_by_us_exempt_million"] = np.where(us, p0, at_target) / 100.0 * gdp_by
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

    above = "allies above it cut to it" if cut_above else "allies above it keep their share"
    rows = [
        row("base_year", f"actual spending in {yr}", detail["spending_usd_constant_million"].to_numpy(dtype=float)),
        row(
            "current_shares",
            f"every ally holds its {yr} share of GDP to {by}",
            detail["spending_by_current_share_million"].to_numpy(),
        ),
        row(
            "all_at_target",
            f"every ally at {tgt:g}% of GDP or more in {by} ({above})",
            detail["spending_by_target_million"].to_numpy(),
        ),
        row(
            "us_exempt",
            f"as all_at_target, except the US, which keeps its {yr} share",
            detail["spending_by_us_exempt_million"].to_numpy(),
        ),
    ]
    scenarios = pd.DataFrame(rows)
    all_tgt = scenarios.loc[scenarios["scenario"] == "all_at_target", "total_usd_constant2021_million"].item()
    scenarios["difference_vs_all_at_target_million"] = scenarios["total_usd_constant2021_million"] - all_tgt
    diff = float(all_tgt - scenarios.loc[scenarios["scenario"] == "us_exempt", "total_usd_constant2021_million"].item())
    attrs = {
        "target": tgt,
        "by": by,
        "base_year": yr,
        "us_exempt": us_exempt,
        "cut_above": cut_above,
        "difference_usd_million": diff,
        "us_exempt_definition": us_exempt_definition(yr, by),
    }
    stamp(scenarios, ed, year=yr, **attrs)
    stamp(detail, ed, year=yr, **attrs)
    return Path2035(scenarios, detail, tgt, by, yr, ed, us_exempt, diff, {"edition": ed, **attrs}, cut_above)
