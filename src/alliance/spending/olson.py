"""The Olson-Zeckhauser test of "the big carry the small": rank correlation of economic size and burden.

Olson and Zeckhauser (1966, "An Economic Theory of Alliances", Review of Economics and Statistics 48(3)) argue
that in an alliance providing a public good (deterrence) the larger members bear a disproportionate share of
the burden: the correlation between economic size (GDP) and defence burden (defence spending as a share of
GDP) should be positive. They tested it with Spearman's rank correlation across NATO members; later work
(e.g. Sandler and Hartley, "The Political Economy of NATO", 1999) finds the correlation weakened over time.
Here the test is repeated for every year the edition publishes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from alliance import data
from alliance.errors import BadInput, excerpt, one_of, real_number
from alliance.spending._base import accession, require_columns, resolve_countries, resolve_year, stamp
from alliance.spending.correlation import linear_fit, spearman

__all__ = ["MIN_ALLIES", "SIZES", "olson_zeckhauser", "oz_trend"]

#: Fewest allies a year's rank correlation is computed on (with 3, rho = 1 has p = 0 by the t approximation).
MIN_ALLIES = 5

#: Measures of economic size: name -> (description, how it is computed).
SIZES: dict[str, str] = {
    "gdp": "real GDP, constant 2021 USD (NATO Table 6)",
    "gdp_current": "GDP, current USD, derived as usd_current_million / (pct_gdp / 100)",
}


def olson_zeckhauser(
    size: str = "gdp",
    *,
    edition: int | str | None = None,
    year: int | None = None,
    years: Sequence[int] | int | None = None,
    exclude: Iterable[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Spearman rank correlation between economic size and defence burden (% of GDP), per year.

    Choice of sample: only allies that were members in a year count in it (Montenegro from 2017, North
    Macedonia from 2020, Finland from 2023, Sweden from 2024), the rule NATO's aggregates follow; Iceland (no
    armed forces) is in no table. So ``n`` grows from 27 (2014) to 31 (2024 on).

    Args:
        size: ``"gdp"`` (real GDP, constant 2021 USD) or ``"gdp_current"`` (see :data:`SIZES`).
        edition: an edition with GDP figures (only 2026; others raise BadInput).
        year: one year (the same as ``years=year``).
        years: one year or several (default: every year the edition publishes, 2014-2026).
        exclude: allies to leave out, e.g. ``["USA"]`` to check the result is not the US alone.
        alpha: significance level for the ``significant`` column (two-sided p-value).

    Returns:
        One row per year: ``year, edition, size, n, rho, p_value, p_one_sided, significant`` where ``rho`` and
        ``p_value`` are Spearman's (:func:`~alliance.spending.correlation.spearman`, as ``scipy.stats.spearmanr``; two-sided) and ``p_one_sided`` tests Olson and
        Zeckhauser's directional hypothesis rho > 0. ``attrs["trend"]`` holds :func:`oz_trend` of the table.
    """
    if size not in SIZES:
        raise one_of("size", size, list(SIZES))
    alpha = real_number("alpha", alpha, 0.0, 1.0)
    if isinstance(exclude, str):
        exclude = [exclude]
    if years is not None and not isinstance(years, int | str) and not list(years):
        raise BadInput("years: an empty list; give at least one year, or None for every year of the edition")
    if year is not None:
        if years is not None:
            raise BadInput(f"year {year!r} and years {years!r}: give one of them")
        years = year
    ed = data.resolve_edition(edition)
    if years is None:
        yrs = data.valid_years(ed)
    else:
        yrs = sorted({resolve_year(y, ed) for y in ([years] if isinstance(years, int | str) else years)})
    dropped = resolve_countries(list(exclude)) if exclude is not None else []
    df = data.load_spending(ed)
    require_columns(df, ["real_gdp_usd_constant2021_million", "usd_current_million"], ed, "the Olson-Zeckhauser test")
    df = df[df["year"].isin(yrs) & ~df["iso3"].isin(dropped or [])]
    df = df[df["iso3"].astype(str).map(accession()) <= df["year"]]
    if size == "gdp":
        df = df.assign(size_value=df["real_gdp_usd_constant2021_million"])
    else:
        df = df.assign(size_value=df["usd_current_million"] / (df["pct_gdp"] / 100.0))
    counts = df.groupby("year").size().reindex(yrs, fill_value=0)
    if int(counts.min()) < MIN_ALLIES:
        yr_few = int(counts.idxmin())
        raise BadInput(
            f"exclude {excerpt(dropped)}: leaves {int(counts.min())} allies in {yr_few}; a rank correlation needs at "
            f"least {MIN_ALLIES}"
        )
    rows = []
    for yr, grp in df.groupby("year", sort=True):
        size_v, pct = grp["size_value"].to_numpy(dtype=float), grp["pct_gdp"].to_numpy(dtype=float)
        rho, p_two = spearman(size_v, pct)
        _, p_one = spearman(size_v, pct, alternative="greater")
        rows.append((int(yr), len(grp), rho, p_two, p_one))
    out = pd.DataFrame(rows, columns=["year", "n", "rho", "p_value", "p_one_sided"])
    out.insert(1, "edition", ed)
    out.insert(2, "size", size)
    out["significant"] = out["p_value"] < alpha
    stamp(out, ed, years=yrs, size=size, exclude=dropped or [], alpha=alpha)
    out.attrs["trend"] = oz_trend(out)
    return out


def oz_trend(table: pd.DataFrame) -> dict[str, float | int]:
    """Trend of rho over the years of an :func:`olson_zeckhauser` table.

    Returns:
        ``first_year, last_year, rho_first, rho_last, rho_change`` (last minus first), ``slope_per_year`` and
        ``slope_p_value`` (ordinary least squares of rho on year, :func:`~alliance.spending.correlation.linear_fit`; NaN with fewer
        than three years), ``mean_rho`` and ``n_significant`` (years with p < alpha).
    """
    t = table.sort_values("year")
    x = t["year"].to_numpy(dtype=float)
    y = t["rho"].to_numpy(dtype=float)
    if len(t) >= 3:
        fit = linear_fit(x, y)
        slope, slope_p = float(fit.slope), float(fit.pvalue)
    else:
        slope, slope_p = float("nan"), float("nan")
    return {
        "first_year": int(x[0]),
        "last_year": int(x[-1]),
        "rho_first": float(y[0]),
        "rho_last": float(y[-1]),
        "rho_change": float(y[-1] - y[0]),
        "slope_per_year": slope,
        "slope_p_value": slope_p,
        "mean_rho": float(np.mean(y)),
        "n_significant": int(t["significant"].sum()),
    }
