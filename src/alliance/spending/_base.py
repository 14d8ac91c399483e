"""Shared plumbing of the burden-sharing analytics: edition and year checks, membership, country codes.

Every public function of :mod:`alliance.spending` goes through :func:`select` so that editions never mix, the
year is always one the edition publishes, and only allies that were members in that year are counted (the rule
NATO's own aggregate rows follow: Montenegro from 2017, North Macedonia from 2020, Finland from 2023, Sweden from
2024).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from alliance import data
from alliance.errors import BadInput, excerpt

#: Columns an edition must publish for USD-based analytics (only the 2026 edition does).
USD_COLUMNS = ("usd_current_million", "usd_constant_million")


def year_range_text(years: Sequence[int]) -> str:
    """``2014-2026`` for a contiguous run of years, else ``2014, 2024``."""
    ys = sorted(years)
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def resolve_year(year: int | str | None, edition: int) -> int:
    """The year to use: ``year`` if the edition publishes it, else the edition's latest year when None.

    Raises:
        BadInput: ``year 1850 not in edition 2026; valid: 2014-2026``.
    """
    valid = data.valid_years(edition)
    if year is None:
        return valid[-1]
    try:
        value = int(str(year).strip())
    except ValueError:
        raise BadInput(f"year {year!r} not in edition {edition}; valid: {year_range_text(valid)}") from None
    if value not in valid:
        raise BadInput(f"year {year!r} not in edition {edition}; valid: {year_range_text(valid)}")
    return value


def check_target(target: float, what: str = "target") -> float:
    """A target share of GDP in percent: finite and in (0, 100]."""
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise BadInput(
            f"{what} {target!r} is not a number; valid: a share of GDP in percent, 0 < {what} <= 100"
        ) from None
    if not math.isfinite(value) or not 0 < value <= 100:
        raise BadInput(f"{what} {target!r} out of range; valid: a share of GDP in percent, 0 < {what} <= 100")
    return value


def accession() -> pd.Series:
    """Accession year by ISO3 code (all 32 allies)."""
    allies = data.load_allies()
    return allies.set_index(allies["iso3"].astype(str))["accession_year"].astype("int64")


def resolve_countries(countries: Iterable[str] | str | None) -> list[str] | None:
    """ISO3 codes of allies present in NATO's spending tables, from codes or names as people type them (``UK``,
    ``America``, ``Turkey``, ``Holland``...; see :mod:`alliance.data.countries`).

    Raises:
        BadInput: an unknown name (with the nearest names suggested), or Iceland (no armed forces, absent from every
            NATO expenditure table).
    """
    from alliance.data.countries import resolve_country

    if countries is None:
        return None
    if not isinstance(countries, str | Iterable):
        raise BadInput(f"countries {excerpt(countries)}: give an ally (ISO3 code or name) or a list of them")
    countries = [countries] if isinstance(countries, str) else list(countries)
    if not countries:
        raise BadInput("countries: an empty list; give at least one ally (ISO3 code or name), or None for all")
    allies = data.load_allies()
    armed = set(allies.loc[allies["has_armed_forces"], "iso3"].astype(str))
    out: list[str] = []
    for raw in [countries] if isinstance(countries, str) else list(countries):
        code = resolve_country(raw)
        if code not in armed:
            raise BadInput(
                f"country {raw!r} ({code}) has no armed forces and is absent from NATO's expenditure tables; "
                f"valid ISO3 codes: {', '.join(sorted(armed))}"
            )
        if code not in out:
            out.append(code)
    return out


def select(
    edition: int | str | None,
    year: int | str | None,
    countries: Iterable[str] | str | None = None,
    *,
    members_only: bool = True,
) -> tuple[pd.DataFrame, int, int]:
    """The spending rows of one edition and year: allies only (no aggregates), members that year by default.

    Returns:
        ``(frame, edition, year)``; ``frame`` keeps every column of :func:`alliance.data.load_spending`.
    """
    ed = data.resolve_edition(edition)
    yr = resolve_year(year, ed)
    codes = resolve_countries(countries)
    df = data.load_spending(ed)
    df = df[df["year"] == yr]
    if members_only:
        df = df[df["iso3"].astype(str).map(accession()) <= yr]
    if codes is not None:
        df = df[df["iso3"].isin(codes)]
    return df.reset_index(drop=True), ed, yr


def members(year: int, countries: Sequence[str] | None = None) -> list[str]:
    """The allies with armed forces that were members in ``year`` (restricted to ``countries`` when given)."""
    allies = data.load_allies()
    armed = allies[allies["has_armed_forces"] & (allies["accession_year"] <= year)]
    codes = [str(c) for c in armed["iso3"]]
    return [c for c in codes if countries is None or c in countries]


def coverage_note(edition: int, year: int, have: Iterable[str], expected: Sequence[str], what: str = "a figure") -> str:
    """One line when some allies have no figure: ``10 of 31 allies have a figure in the embedded extract of the
    2025 edition for 2024; counts are over them only (no figure: ALB, ...)``; empty when every ally has one."""
    got = set(have)
    missing = [c for c in expected if c not in got]
    if not missing:
        return ""
    where = f"the embedded extract of the {edition} edition" if edition in data.EDITION_TABLES else f"edition {edition}"
    shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
    why = "; Germany: not published in this edition, budget pending" if (edition, year) == (2025, 2025) else ""
    return (
        f"{len(expected) - len(missing)} of {len(expected)} allies have {what} in {where} for {year}; counts are over "
        f"them only (none for {shown}{why})"
    )


def core_note(target: float) -> str:
    """For a target above 3.5% of GDP: NATO's tables report core defence spending only (the Hague 5% is 3.5% core +
    up to 1.5% related), so comparing them with the target understates what the commitment counts."""
    if target <= 3.5 + 1e-9:
        return ""
    return (
        f"target {target:g}% is above 3.5%: NATO's tables report core defence spending only, and the Hague 5% is 3.5% "
        "core + up to 1.5% defence-related spending, which no table reports; for the commitment as agreed, compare "
        "core with 3.5% and give related spending as an assumption (alliance.spending.hague_check, "
        "`alliance spending hague --related ISO3=PCT`)"
    )


def require_columns(df: pd.DataFrame, columns: Sequence[str], edition: int, what: str) -> None:
    """Raise BadInput unless every ally row has every column the analysis needs (no partial alliance totals).

    The 2024 edition's USD tables are not embedded and the 2025 edition's only in part, so USD-based analytics
    (shares, Olson-Zeckhauser, paths to 2035) need the 2026 edition; the message says what is embedded.
    """
    missing = [c for c in columns if c not in df.columns or df[c].isna().any()]
    if missing:
        having = [ed for ed in data.EDITIONS if not data.load_spending(ed)[list(columns)].isna().any().any()]
        embedded = data.USD_NOTES.get(edition, f"edition {edition} does not publish it")
        raise BadInput(
            f"{what} needs {', '.join(missing)} for every ally, which is not embedded for edition {edition} "
            f"({embedded}); valid editions: {', '.join(str(e) for e in having)}"
        )


def stamp(df: pd.DataFrame, edition: int, **attrs: Any) -> pd.DataFrame:
    """Record the edition (and any other facts, e.g. the year) in ``df.attrs``."""
    df.attrs["edition"] = edition
    df.attrs["edition_note"] = data.EDITION_NOTES.get(edition, "")
    df.attrs.update(attrs)
    return df


def cagr(end: Any, start: Any, years: int) -> Any:
    """Compound annual growth rate in percent: ``100 * ((end / start) ** (1 / years) - 1)``."""
    return 100.0 * ((end / start) ** (1.0 / years) - 1.0)


def growth_mapping(
    gdp_growth: float | Mapping[str, float] | None, own: pd.Series, what: str = "gdp_growth"
) -> tuple[pd.Series, pd.Series]:
    """Real GDP growth (percent a year) per ally, and where each figure came from.

    Args:
        gdp_growth: None (each ally's own record, ``own``), one float for all, or a mapping ISO3 -> percent
            (allies not in the mapping keep their own record).
        own: each ally's own historical CAGR in percent, indexed by ISO3.
    """
    source = pd.Series("own record", index=own.index, dtype="string")
    if gdp_growth is None:
        return own.astype(float), source
    if isinstance(gdp_growth, Mapping):
        rates = own.astype(float).copy()
        for raw in gdp_growth:
            code = (resolve_countries([raw]) or [""])[0]
            if code in rates.index:
                rates[code] = _check_growth(gdp_growth[raw], what)
                source[code] = "assumed"
        return rates, source
    value = _check_growth(gdp_growth, what)
    return pd.Series(value, index=own.index, dtype=float), pd.Series("assumed", index=own.index, dtype="string")


def _check_growth(value: Any, what: str) -> float:
    try:
        g = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{what} {value!r} is not a number; valid: percent a year, -10 to 20") from None
    if not math.isfinite(g) or not -10 <= g <= 20:
        raise BadInput(f"{what} {value!r} out of range; valid: percent a year, -10 to 20")
    return g
