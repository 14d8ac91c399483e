"""Which allies meet a spending target, how far the others are from it, and a ranking for charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from alliance import data
from alliance.errors import BadInput
from alliance.spending._base import check_target, core_note, coverage_note, members, resolve_countries, select, stamp

__all__ = ["count_meeting", "count_text", "gap_to_target", "meets_target", "other_editions", "ranking", "target_column"]


def target_column(target: float) -> str:
    """Column name for a target in :func:`ranking`: ``meets_2``, ``meets_3_5``, ``meets_5``."""
    return "meets_" + f"{float(target):g}".replace(".", "_")


def _meets(
    tgt: float,
    edition: int | str | None,
    year: int | str | None,
    countries: Iterable[str] | str | None,
    members_only: bool = True,
) -> pd.DataFrame:
    """:func:`meets_target` without the other editions' answers (so computing those does not recurse)."""
    df, ed, yr = select(edition, year, countries, members_only=members_only)
    df = df[df["pct_gdp"].notna()]
    out = df[["iso3", "country", "year", "edition", "pct_gdp"]].copy()
    out["target"] = tgt
    out["meets_target"] = (out["pct_gdp"] >= tgt).astype(bool)
    out["gap_pct_gdp"] = (tgt - out["pct_gdp"]).clip(lower=0.0)
    out["is_estimate"] = df["is_estimate"].astype(bool)
    out = out.sort_values(["pct_gdp", "iso3"], ascending=[False, True]).reset_index(drop=True)
    codes = resolve_countries(countries)
    expected = members(yr, codes) if members_only else [c for c in members(9999, codes)]
    return stamp(
        out,
        ed,
        year=yr,
        target=tgt,
        n_meeting=int(out["meets_target"].sum()),
        n_allies=len(out),
        n_members=len(expected),
        coverage=coverage_note(ed, yr, out["iso3"].astype(str), expected),
        core_note=core_note(tgt),
    )


def count_text(attrs: dict[str, object]) -> str:
    """``28 of 31`` or, when some allies have no figure, ``30 of 30 allies with a figure (31 members)``."""
    if attrs["n_allies"] == attrs["n_members"]:
        return f"{attrs['n_meeting']} of {attrs['n_allies']}"
    return f"{attrs['n_meeting']} of {attrs['n_allies']} allies with a figure ({attrs['n_members']} members)"


def other_editions(
    tgt: float, year: int, edition: int, countries: Iterable[str] | str | None = None
) -> list[dict[str, object]]:
    """The same count under every other edition that publishes ``year``, oldest first."""
    out = []
    for ed in data.EDITIONS:
        if ed == edition or year not in data.valid_years(ed):
            continue
        a = _meets(tgt, ed, year, countries).attrs
        out.append({k: a[k] for k in ("edition", "year", "n_meeting", "n_allies", "n_members", "coverage")})
    return out


def editions_note(answer: dict[str, object], others: Sequence[dict[str, object]], target: float) -> str:
    """One line with the other editions' answers when any differs from ``answer`` (else empty)."""
    key = ("n_meeting", "n_allies", "n_members")
    differ = [o for o in others if tuple(o[k] for k in key) != tuple(answer[k] for k in key)]
    if not differ:
        return ""
    parts = [f"edition {o['edition']}: {count_text(o)}" for o in differ]
    return (
        f"Other editions differ for {answer['year']} at {target:g}%: {'; '.join(parts)} "
        f"(editions revise history and definitions; `alliance spending --compare-editions --year {answer['year']}`)"
    )


def meets_target(
    target: float = 2.0,
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
    members_only: bool = True,
) -> pd.DataFrame:
    """Which allies spend at least ``target`` % of GDP in one year of one NATO edition.

    Args:
        target: share of GDP in percent (2.0, 3.5, 5.0 or any value in (0, 100]). Above 3.5, ``attrs["core_note"]``
            says that NATO's tables report core spending only (the Hague 5% includes up to 1.5% related spending).
        edition: NATO edition 2024, 2025 or 2026 (default 2026, core definition).
        year: a year the edition publishes (default: its latest).
        countries: restrict to these allies (ISO3 codes or names as people type them).
        members_only: keep only allies that were members in ``year`` (NATO's own rule for its aggregates).

    Returns:
        One row per ally with a figure (Iceland has no armed forces and is in no NATO table), highest share first:
        ``iso3, country, year, edition, pct_gdp, target, meets_target, gap_pct_gdp, is_estimate``, where
        ``meets_target = pct_gdp >= target`` on the figure as published and
        ``gap_pct_gdp = max(target - pct_gdp, 0)``. ``attrs`` records edition, year, target, ``n_meeting``,
        ``n_allies`` (allies with a figure), ``n_members`` (allies that were members), ``coverage`` (a note when
        some members have no figure: the 2025 edition is embedded as a partial extract, and publishes Germany for
        2024 only), ``other_editions`` (the same count under every other edition that publishes the year) and
        ``editions_note`` (one line with those answers when any differs).

    Raises:
        BadInput: unknown edition, a year the edition does not publish, unknown country, target out of range.
    """
    tgt = check_target(target)
    out = _meets(tgt, edition, year, countries, members_only)
    a = out.attrs
    others = other_editions(tgt, int(a["year"]), int(a["edition"]), countries) if members_only else []
    out.attrs["other_editions"] = others
    out.attrs["editions_note"] = editions_note(a, others, tgt)
    return out


def count_meeting(
    target: float = 2.0,
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
) -> tuple[int, int]:
    """``(n_meeting, n_allies)`` for :func:`meets_target`; e.g. ``(23, 31)`` for 2% in 2024, edition 2024.

    ``n_allies`` counts the allies in NATO's table that year (31 at most: Iceland has no armed forces), so the
    seed article's "23 out of 32" is ``23`` of ``31`` here.
    """
    df = meets_target(target, edition=edition, year=year, countries=countries)
    return int(df.attrs["n_meeting"]), int(df.attrs["n_allies"])


def ranking(
    targets: Sequence[float] | float = (2.0, 3.5, 5.0),
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Allies ranked by share of GDP, with one boolean column per target (the table behind the ranking chart).

    Returns:
        ``rank, iso3, country, year, edition, pct_gdp, is_estimate, meets_2, meets_3_5, meets_5`` (one
        ``meets_*`` column per target, see :func:`target_column`); ``attrs["targets"]`` lists the targets.
    """
    if isinstance(targets, int | float | str):
        targets = [targets]  # one target
    tgts = [check_target(t) for t in targets]
    if not tgts:
        raise BadInput("targets: an empty list; give at least one target (% of GDP), e.g. [2, 3.5, 5]")
    base = meets_target(tgts[0], edition=edition, year=year, countries=countries)
    out = base[["iso3", "country", "year", "edition", "pct_gdp", "is_estimate"]].copy()
    out.insert(0, "rank", out["pct_gdp"].rank(method="min", ascending=False).astype("int64"))
    for t in tgts:
        out[target_column(t)] = (out["pct_gdp"] >= t).astype(bool)
    return stamp(out, base.attrs["edition"], year=base.attrs["year"], targets=tgts)


def gap_to_target(
    target: float = 3.5,
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
    total_row: bool = True,
) -> pd.DataFrame:
    """How far each ally is from ``target`` % of GDP, in points of GDP and in current US dollars.

    GDP in current USD is derived from NATO's own two figures, ``gdp = usd_current_million / (pct_gdp / 100)``;
    the USD gap is ``gap_pct_gdp / 100 * gdp``, i.e. the extra spending that year that would have met the target.
    Allies at or above the target have a gap of 0 (their surplus does not offset others' shortfalls).
    Because NATO rounds ``pct_gdp`` to two decimals, derived GDP carries a relative error of up to
    ``0.005 / pct_gdp`` (0.25% at 2% of GDP).

    The 2024 edition's USD tables are not embedded, and the 2025 edition's only in part (current USD for 9 allies
    in 2025): USD columns are NaN where no figure is embedded, the alliance total in USD is NaN unless every ally
    has one, and ``attrs["note"]`` says so; no figure is ever filled in from another edition.

    Args:
        target: share of GDP in percent (default 3.5, the Hague core target).
        edition, year, countries: as in :func:`meets_target`.
        total_row: append a final row ``iso3 = "NATO_TOTAL"``, ``country = "NATO total"``, ``is_total = True``
            summing the allies above it: its ``pct_gdp`` is total spending / total GDP, its ``gap_pct_gdp`` the
            summed USD gap as a share of total GDP. Filter with ``df[~df.is_total]`` for allies only. The same
            figures are in ``attrs["total"]`` either way.

    Returns:
        ``iso3, country, year, edition, pct_gdp, target, gap_pct_gdp, gdp_usd_current_million,
        spending_usd_current_million, gap_usd_current_million, is_estimate, is_total``, largest USD gap
        first (largest gap in % of GDP first when USD is missing). ``attrs`` also holds ``coverage`` and
        ``core_note`` as in :func:`meets_target`.
    """
    tgt = check_target(target)
    df, ed, yr = select(edition, year, countries)
    df = df[df["pct_gdp"].notna()].reset_index(drop=True)
    out = df[["iso3", "country", "year", "edition", "pct_gdp"]].copy()
    out["target"] = tgt
    out["gap_pct_gdp"] = (tgt - out["pct_gdp"]).clip(lower=0.0)
    spend = df["usd_current_million"].astype(float)
    out["gdp_usd_current_million"] = spend / (out["pct_gdp"] / 100.0)
    out["spending_usd_current_million"] = spend
    out["gap_usd_current_million"] = out["gap_pct_gdp"] / 100.0 * out["gdp_usd_current_million"]
    out["is_estimate"] = df["is_estimate"].astype(bool)
    out["is_total"] = False
    has_usd = bool(spend.notna().all()) and len(spend) > 0
    key = "gap_usd_current_million" if has_usd else "gap_pct_gdp"
    out = out.sort_values([key, "pct_gdp", "iso3"], ascending=[False, True, True]).reset_index(drop=True)

    gdp = float(out["gdp_usd_current_million"].sum()) if has_usd else np.nan
    spent = float(out["spending_usd_current_million"].sum()) if has_usd else np.nan
    gap = float(out["gap_usd_current_million"].sum()) if has_usd else np.nan
    total = {
        "n_allies": len(out),
        "n_below": int((out["gap_pct_gdp"] > 0).sum()),
        "pct_gdp": 100.0 * spent / gdp if has_usd else np.nan,
        "gap_pct_gdp": 100.0 * gap / gdp if has_usd else np.nan,
        "gdp_usd_current_million": gdp,
        "spending_usd_current_million": spent,
        "gap_usd_current_million": gap,
    }
    note = ""
    if not has_usd:
        n_usd = int(spend.notna().sum())
        note = (
            f"current USD for {n_usd} of {len(out)} allies with a % of GDP in edition {ed}, {yr} "
            f"({data.USD_NOTES.get(ed, 'not embedded')}): USD columns are NaN where missing and the USD total is NaN"
        )
    codes = resolve_countries(countries)
    if total_row:
        row = pd.DataFrame(
            [
                {
                    "iso3": "NATO_TOTAL",
                    "country": "NATO total" if countries is None else "Selected total",
                    "year": yr,
                    "edition": ed,
                    "pct_gdp": total["pct_gdp"],
                    "target": tgt,
                    "gap_pct_gdp": total["gap_pct_gdp"],
                    "gdp_usd_current_million": gdp,
                    "spending_usd_current_million": spent,
                    "gap_usd_current_million": gap,
                    "is_estimate": bool(out["is_estimate"].any()),
                    "is_total": True,
                }
            ]
        ).astype({"iso3": "string", "country": "string", "year": "int64", "edition": "int64"})
        out = pd.concat([out, row], ignore_index=True)
    return stamp(
        out,
        ed,
        year=yr,
        target=tgt,
        total=total,
        note=note,
        coverage=coverage_note(ed, yr, df["iso3"].astype(str), members(yr, codes)),
        core_note=core_note(tgt),
    )
