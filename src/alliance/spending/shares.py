"""Burden shares: each ally's share of alliance defence spending against its share of alliance GDP."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from alliance import data
from alliance.errors import one_of
from alliance.spending._base import require_columns, resolve_countries, select, stamp

__all__ = ["PRICES", "burden_shares", "burden_summary", "us_share_series"]

#: Price bases: spending column, GDP column (or None when GDP is derived from spending and % of GDP).
PRICES: dict[str, tuple[str, str | None]] = {
    "current": ("usd_current_million", None),
    "constant": ("usd_constant_million", "real_gdp_usd_constant2021_million"),
}


def _prices(prices: str) -> tuple[str, str | None]:
    if prices not in PRICES:
        raise one_of("prices", prices, list(PRICES))
    return PRICES[prices]


def burden_shares(
    prices: str = "current",
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Each ally's share of alliance defence spending against its share of alliance GDP.

    The ratio ``spending_share_pct / gdp_share_pct`` is the ally's share of GDP spent on defence relative to the
    alliance as a whole: above 1 the ally carries more than its economic weight (the "exploitation of the big
    by the small" of Olson and Zeckhauser, 1966, shows as large allies with ratios above 1).

    Alliance totals are sums over the allies that were members in ``year`` (NATO's rule for its aggregate rows,
    which these sums reproduce to NATO's rounding). Iceland, with no armed forces, is in no NATO table, so
    alliance GDP here excludes it (about 0.06% of the total).

    Args:
        prices: ``"current"`` (spending in current USD; GDP derived as ``usd_current_million / (pct_gdp / 100)``)
            or ``"constant"`` (spending in constant 2021 USD against real GDP in constant 2021 USD).
        edition: a NATO edition that publishes USD figures (only 2026 does; others raise BadInput).
        year: a year the edition publishes (default: its latest).
        countries: report only these allies (shares stay shares of the whole alliance).

    Returns:
        ``iso3, country, year, edition, prices, pct_gdp, spending_usd_million, gdp_usd_million,
        spending_share_pct, gdp_share_pct, share_ratio, is_estimate``, largest spending share first.
        ``attrs["summary"]`` holds the US share, the Europe-and-Canada share and NATO's own aggregates (see
        :func:`burden_summary`).
    """
    spend_col, gdp_col = _prices(prices)
    df, ed, yr = select(edition, year)
    require_columns(df, [spend_col] + ([gdp_col] if gdp_col else []), ed, "burden shares")
    spend = df[spend_col].astype(float)
    gdp = df[gdp_col].astype(float) if gdp_col else spend / (df["pct_gdp"] / 100.0)
    out = df[["iso3", "country", "year", "edition"]].copy()
    out["prices"] = prices
    out["pct_gdp"] = df["pct_gdp"]
    out["spending_usd_million"] = spend
    out["gdp_usd_million"] = gdp
    out["spending_share_pct"] = 100.0 * spend / spend.sum()
    out["gdp_share_pct"] = 100.0 * gdp / gdp.sum()
    out["share_ratio"] = out["spending_share_pct"] / out["gdp_share_pct"]
    out["is_estimate"] = df["is_estimate"].astype(bool)
    out = out.sort_values(["spending_share_pct", "iso3"], ascending=[False, True]).reset_index(drop=True)
    summary = _summary(out, ed, yr, spend_col)
    codes = resolve_countries(countries)
    if codes is not None:
        out = out[out["iso3"].isin(codes)].reset_index(drop=True)
    return stamp(out, ed, year=yr, prices=prices, summary=summary)


def _summary(shares: pd.DataFrame, edition: int, year: int, spend_col: str) -> dict[str, float]:
    us = shares["iso3"] == "USA"
    total = float(shares["spending_usd_million"].sum())
    eurcan = float(shares.loc[~us, "spending_usd_million"].sum())
    agg = data.load_spending(edition, aggregates=True)
    agg = agg[(agg["year"] == year) & agg["iso3"].isin(list(data.AGGREGATES))].set_index("iso3")
    nato_total = float(agg.loc["NATO_TOTAL", spend_col]) if "NATO_TOTAL" in agg.index else float("nan")
    nato_eurcan = float(agg.loc["NATO_EUR_CAN", spend_col]) if "NATO_EUR_CAN" in agg.index else float("nan")
    return {
        "total_usd_million": total,
        "us_usd_million": total - eurcan,
        "europe_canada_usd_million": eurcan,
        "us_share_pct": 100.0 * (total - eurcan) / total,
        "europe_canada_share_pct": 100.0 * eurcan / total,
        "nato_total_usd_million": nato_total,
        "nato_europe_canada_usd_million": nato_eurcan,
        "nato_us_share_pct": 100.0 * (nato_total - nato_eurcan) / nato_total,
        "nato_europe_canada_share_pct": 100.0 * nato_eurcan / nato_total,
        "us_gdp_share_pct": float(shares.loc[us, "gdp_share_pct"].sum()),
    }


def burden_summary(
    prices: str = "current", *, edition: int | str | None = None, year: int | None = None
) -> pd.DataFrame:
    """The headline burden shares, computed from the ally rows and from NATO's own aggregate rows.

    Returns:
        One row per metric (``total_usd_million``, ``us_share_pct``, ``europe_canada_share_pct``,
        ``europe_canada_usd_million``) with columns ``metric, year, edition, prices, computed, nato_aggregate,
        difference``; ``nato_aggregate`` comes from NATO's rows ``NATO Total`` and ``NATO Europe and Canada``.
        E.g. edition 2026, 2024, current USD: US share 65.3%.
    """
    shares = burden_shares(prices, edition=edition, year=year)
    s = shares.attrs["summary"]
    rows = [
        ("total_usd_million", s["total_usd_million"], s["nato_total_usd_million"]),
        ("europe_canada_usd_million", s["europe_canada_usd_million"], s["nato_europe_canada_usd_million"]),
        ("us_usd_million", s["us_usd_million"], s["nato_total_usd_million"] - s["nato_europe_canada_usd_million"]),
        ("us_share_pct", s["us_share_pct"], s["nato_us_share_pct"]),
        ("europe_canada_share_pct", s["europe_canada_share_pct"], s["nato_europe_canada_share_pct"]),
        ("us_gdp_share_pct", s["us_gdp_share_pct"], float("nan")),
    ]
    out = pd.DataFrame(rows, columns=["metric", "computed", "nato_aggregate"])
    out.insert(1, "year", shares.attrs["year"])
    out.insert(2, "edition", shares.attrs["edition"])
    out.insert(3, "prices", prices)
    out["difference"] = out["computed"] - out["nato_aggregate"]
    return stamp(out, shares.attrs["edition"], year=shares.attrs["year"], prices=prices)


def us_share_series(prices: str = "current", *, edition: int | str | None = None) -> pd.DataFrame:
    """The US share of allied defence spending (and of allied GDP) in every year the edition publishes.

    Each year is :func:`burden_shares` for that year, so the shares are over the allies that were members then.

    Returns:
        One row per year: ``year, edition, prices, us_share_pct, europe_canada_share_pct, us_gdp_share_pct,
        nato_us_share_pct`` (the last from NATO's own aggregate rows), e.g. 65.3% in 2024 (2026 edition, current
        USD).

    Raises:
        BadInput: an unknown price basis, or an edition without USD figures (only 2026 has them for every ally).
    """
    _prices(prices)
    ed = data.resolve_edition(edition)
    rows = []
    for yr in data.valid_years(ed):
        s = burden_shares(prices, edition=ed, year=yr).attrs["summary"]
        rows.append(
            {
                "year": yr,
                "edition": ed,
                "prices": prices,
                "us_share_pct": s["us_share_pct"],
                "europe_canada_share_pct": s["europe_canada_share_pct"],
                "us_gdp_share_pct": s["us_gdp_share_pct"],
                "nato_us_share_pct": s["nato_us_share_pct"],
            }
        )
    return stamp(pd.DataFrame(rows), ed, prices=prices)
