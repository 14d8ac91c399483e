"""The standard measures of defence economics, from the data already embedded.

- :func:`measures`: per ally and year, spending per capita, the equipment share against NATO's 20% guideline,
  military personnel and the real change year on year (NATO 2026 edition: Tables 2, 3, 5, 6, 7, 8a);
- :func:`series`: one ally's full time series under an edition;
- :func:`europe_vs_russia`: European allies and Canada against Russia from SIPRI (current and constant USD, share
  of GDP), with SIPRI's caveats.

Population is derived as real GDP / real GDP per head (NATO's own two figures), so per-capita spending is
``usd_constant / population`` in USD at constant 2021 prices.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from alliance import data
from alliance.data.countries import resolve_country
from alliance.errors import BadInput
from alliance.spending._base import accession, require_columns, resolve_countries, select, stamp

__all__ = ["EQUIPMENT_GUIDELINE", "SIPRI_CAVEATS", "europe_vs_russia", "measures", "series"]

#: NATO's guideline: at least 20% of defence expenditure on major equipment (with research and development).
EQUIPMENT_GUIDELINE = 20.0

#: SIPRI's caveats on its data, in SIPRI's terms (Sources and methods, https://www.sipri.org/databases/milex/sources_methods),
#: and this project's notes on comparing Europe with Russia (marked as such).
SIPRI_CAVEATS: tuple[str, ...] = (
    "SIPRI: military expenditure measures resources put in, not military capability or security that comes out.",
    "SIPRI: its data are revised continuously, at times extensively, so releases differ (never mix releases).",
    "SIPRI: constant-dollar figures use market exchange rates; the share of GDP is a rough indicator of the "
    "economic burden.",
    "alliance: SIPRI's definition differs from NATO's (do not compare with NATO's shares); market exchange rates "
    "understate what Russia's roubles buy at home.",
)

_MEASURE_COLUMNS = [
    "usd_constant_million",
    "real_gdp_usd_constant2021_million",
    "gdp_per_capita_thousand_usd_constant2021",
]


def _with_measures(df: pd.DataFrame, full: pd.DataFrame) -> pd.DataFrame:
    """Add the derived measures to rows of one edition (``full``: the edition's whole table, for last year's
    spending)."""
    out = df[["iso3", "country", "year", "edition", "pct_gdp"]].copy()
    out["spending_usd_current_million"] = df["usd_current_million"].astype(float)
    out["spending_usd_constant2021_million"] = df["usd_constant_million"].astype(float)
    pop = df["real_gdp_usd_constant2021_million"] / df["gdp_per_capita_thousand_usd_constant2021"] / 1000.0
    out["population_million"] = pop.astype(float)
    out["spending_per_capita_usd_constant2021"] = (df["usd_constant_million"] / pop).astype(float)
    out["equipment_share_pct"] = df["equipment_share_pct"].astype(float)
    out["meets_equipment_20"] = (df["equipment_share_pct"] >= EQUIPMENT_GUIDELINE).astype("boolean")
    out.loc[df["equipment_share_pct"].isna().to_numpy(), "meets_equipment_20"] = pd.NA
    out["military_personnel_thousands"] = df["military_personnel_thousands"].astype(float)
    prev = full.assign(year=full["year"] + 1).set_index(["iso3", "year"])["usd_constant_million"]
    before = pd.Series(list(zip(df["iso3"].astype(str), df["year"], strict=True))).map(prev).to_numpy(dtype=float)
    out["real_change_pct"] = 100.0 * (df["usd_constant_million"].to_numpy(dtype=float) / before - 1.0)
    out["is_estimate"] = df["is_estimate"].astype(bool)
    return out


def measures(
    *,
    year: int | None = None,
    edition: int | str | None = None,
    countries: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """The standard measures per ally in one year.

    Args:
        year: a year of the edition (default: its latest).
        edition: an edition that publishes real GDP and GDP per head (2026).
        countries: restrict to these allies (codes or names as people type them).

    Returns:
        One row per ally, largest spending per head first: ``iso3, country, year, edition, pct_gdp,
        spending_usd_current_million, spending_usd_constant2021_million, population_million,
        spending_per_capita_usd_constant2021, equipment_share_pct, meets_equipment_20 (NA where NATO publishes no
        equipment share), military_personnel_thousands, real_change_pct (real change of spending on the year
        before, %), is_estimate``.
    """
    df, ed, yr = select(edition, year, countries)
    require_columns(df, _MEASURE_COLUMNS, ed, "the standard measures")
    out = _with_measures(df, data.load_spending(ed))
    out = out.sort_values(["spending_per_capita_usd_constant2021", "iso3"], ascending=[False, True])
    n_eq = int(out["meets_equipment_20"].sum())
    n_known = int(out["meets_equipment_20"].notna().sum())
    return stamp(
        out.reset_index(drop=True),
        ed,
        year=yr,
        equipment_guideline_pct=EQUIPMENT_GUIDELINE,
        n_meeting_equipment=n_eq,
        n_with_equipment=n_known,
        note=f"population = real GDP / GDP per head (NATO's figures); {n_eq} of {n_known} allies with an equipment "
        f"share meet NATO's {EQUIPMENT_GUIDELINE:g}% guideline",
    )


def series(country: str, *, edition: int | str | None = None) -> pd.DataFrame:
    """One ally's full time series under an edition: % of GDP, spending (current and constant USD), per head,
    equipment share, personnel and real change, every year the edition publishes.

    The 2024 and 2025 editions are embedded in part: their rows hold what is embedded (NaN elsewhere) and
    ``attrs["note"]`` says so.
    """
    codes = resolve_countries([country])
    assert codes is not None
    code = codes[0]
    ed = data.resolve_edition(edition)
    full = data.load_spending(ed)
    rows = full[full["iso3"] == code]
    rows = rows[rows["year"] >= accession()[code]].sort_values("year").reset_index(drop=True)
    if rows.empty:
        raise BadInput(f"edition {ed} has no figure for {code}")
    out = _with_measures(rows, full)
    note = data.USD_NOTES.get(ed, "")
    if ed in data.EDITION_TABLES:
        note = f"edition {ed} is embedded as a partial extract: {data.EDITION_NOTES[ed]}"
    return stamp(out, ed, country=code, years=(int(out["year"].min()), int(out["year"].max())), note=note)


def _group(df: pd.DataFrame, value: str, expected: pd.Series) -> pd.Series:
    """Sum of ``value`` per year over the group, NaN unless every member that year has a figure (a partial release
    must not pass for the group)."""
    g = df.groupby("year")[value]
    return g.sum(min_count=1).where(g.count() >= expected.reindex(g.count().index))


def _group_share(df: pd.DataFrame, money: str, expected: pd.Series) -> pd.Series:
    """The group's share of GDP per year: sum of spending / sum of GDP, GDP = spending / (share / 100) in ``money``."""
    frame = df.assign(_gdp=(df[money] / (df["share_gdp_pct"] / 100.0)).where(df["share_gdp_pct"] > 0))
    frame = frame.dropna(subset=["_gdp", money])
    g = frame.groupby("year")
    return (100.0 * g[money].sum() / g["_gdp"].sum()).where(g["_gdp"].count() >= expected.reindex(g.size().index))


def europe_vs_russia(release: str | None = None) -> pd.DataFrame:
    """European allies and Canada against Russia, per year, from SIPRI: current and constant USD and share of GDP.

    Europe and Canada are the allies other than the United States that were members in each year (NATO's rule);
    their share of GDP is their total spending over their total GDP (GDP derived from SIPRI's current USD and share
    of GDP). The April 2026 release is a partial extract: only the years it holds for both sides are shown.

    Args:
        release: SIPRI release, ``"2025-04"`` (default) or ``"2026-04"``.

    Returns:
        One row per year: ``year, release, europe_canada_usd_current_million, russia_usd_current_million,
        ratio_current, europe_canada_usd_constant<base>_million, russia_usd_constant<base>_million, ratio_constant,
        europe_canada_share_gdp_pct, russia_share_gdp_pct, n_allies``. ``attrs`` holds the release, SIPRI's caveats
        (:data:`SIPRI_CAVEATS`) and the source line with SIPRI's attribution wording.
    """
    sipri = data.load_sipri(release)
    key = str(sipri.attrs["release"])
    const = next(c for c in sipri.columns if c.startswith("usd_constant"))
    base = const.removeprefix("usd_constant").removesuffix("_million")
    acc = accession()
    eur = sipri[(sipri["iso3"] != "USA") & sipri["iso3"].isin(list(acc.index))].copy()
    eur = eur[eur["year"] >= eur["iso3"].map(acc)]
    eur = eur[eur["iso3"] != "ISL"]  # no armed forces; SIPRI gives 0
    rus = sipri[sipri["iso3"] == resolve_country("Russia", comparators=True)].set_index("year")
    expected = pd.Series({y: int(((acc <= y) & ~acc.index.isin(["USA", "ISL"])).sum()) for y in set(eur["year"])})
    cur = _group(eur, "usd_current_million", expected)
    con = _group(eur, const, expected)
    # The group's share of GDP weights allies by GDP in current USD; where a partial release has no current USD
    # for every ally, by GDP in its constant USD (the same year's prices for everyone).
    share = _group_share(eur, "usd_current_million", expected).reindex(sorted(set(eur["year"])))
    share = share.fillna(_group_share(eur, const, expected))
    years = sorted(set(rus.index) & set(eur["year"]))
    out = pd.DataFrame({"year": years})
    out["release"] = key
    out["europe_canada_usd_current_million"] = out["year"].map(cur)
    out["russia_usd_current_million"] = out["year"].map(rus["usd_current_million"])
    out["ratio_current"] = out["europe_canada_usd_current_million"] / out["russia_usd_current_million"]
    out[f"europe_canada_usd_constant{base}_million"] = out["year"].map(con)
    out[f"russia_usd_constant{base}_million"] = out["year"].map(rus[const])
    out["ratio_constant"] = out[f"europe_canada_usd_constant{base}_million"] / out[f"russia_usd_constant{base}_million"]
    out["europe_canada_share_gdp_pct"] = out["year"].map(share)
    out["russia_share_gdp_pct"] = out["year"].map(rus["share_gdp_pct"])
    out["n_allies"] = out["year"].map(expected).astype("int64")
    out = out.replace([np.inf, -np.inf], np.nan).reset_index(drop=True)
    out.attrs.update(
        {
            "release": key,
            "release_label": data.SIPRI_RELEASES[key],
            "sipri_release": key,
            "constant_price_base": int(base),
            "caveats": list(SIPRI_CAVEATS),
            "source": data.source_line(None, key),
            "licence": sipri.attrs["meta"]["licence"],
        }
    )
    return out
