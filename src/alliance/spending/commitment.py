"""The Hague commitment as it was agreed: 3.5% of GDP on core defence plus up to 1.5% on defence- and
security-related spending, 5% in all, by 2035.

NATO's tables report core defence expenditure only; related spending (infrastructure, resilience, the defence
industrial base...) is in no table. So :func:`hague_check` compares core spending with 3.5%, and core plus related
spending with 5% only where the user states the related spending per ally (default 0, stated in the result).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from alliance.data.countries import resolve_country
from alliance.errors import BadInput
from alliance.spending._base import select, stamp

__all__ = ["CORE", "RELATED_CAP", "TOTAL", "hague_check", "related_by_ally"]

#: The Hague levels, % of GDP: core, the cap on related spending, and the total.
CORE, RELATED_CAP, TOTAL = 3.5, 1.5, 5.0


def related_by_ally(related: float | Mapping[str, float] | None, codes: Sequence[str]) -> np.ndarray:
    """Related spending assumed per ally (% of GDP, 0 to 1.5), aligned with ``codes``; 0 where not given.

    Args:
        related: None (0 for every ally), one number for every ally, or ally (code or name) -> % of GDP.
        codes: the allies' ISO3 codes, in the order wanted.

    Raises:
        BadInput: a value that is not a number or is outside 0-1.5, or an unknown ally.
    """
    out = np.zeros(len(codes))
    if related is None:
        return out
    items = related.items() if isinstance(related, Mapping) else [(code, related) for code in codes]
    for key, value in items:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise BadInput(f"related {key}={value!r} is not a number; valid: % of GDP, 0 to {RELATED_CAP:g}") from None
        if not 0.0 <= v <= RELATED_CAP:
            raise BadInput(
                f"related {key}={value!r} out of range; valid: % of GDP, 0 to {RELATED_CAP:g} (the Hague cap)"
            )
        code = resolve_country(str(key))
        if code in codes:
            out[list(codes).index(code)] = v
    return out


def related_text(rel: np.ndarray, codes: Sequence[str]) -> str:
    """``0 for every ally`` or ``USA 1, POL 0.5 (others 0)``: the related-spending assumption in words."""
    given = [f"{c} {v:g}" for c, v in zip(codes, rel, strict=True) if v]
    return "0 for every ally (no related spending assumed)" if not given else ", ".join(given) + " (others 0)"


def hague_check(
    related: float | Mapping[str, float] | None = None,
    *,
    edition: int | str | None = None,
    year: int | None = None,
    countries: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Each ally against the Hague commitment as agreed: core >= 3.5% of GDP, and core + related >= 5%.

    Args:
        related: defence- and security-related spending assumed per ally, % of GDP (0 to 1.5): one number for every
            ally or ally -> value; default 0 for every ally (NATO publishes no related spending).
        edition, year, countries: as in :func:`alliance.spending.meets_target`.

    Returns:
        One row per ally with a figure: ``iso3, country, year, edition, core_pct_gdp, meets_core_3_5,
        related_pct_gdp, core_plus_related_pct_gdp, meets_hague_5, is_estimate``, highest core first. ``attrs``:
        ``n_core`` and ``n_total`` (allies meeting each), ``n_allies``, ``related_assumption`` (in words) and
        ``note`` (why related spending is an assumption).
    """
    df, ed, yr = select(edition, year, countries)
    df = df[df["pct_gdp"].notna()].reset_index(drop=True)
    codes = df["iso3"].astype(str).tolist()
    rel = related_by_ally(related, codes)
    core = df["pct_gdp"].to_numpy(dtype=float)
    out = df[["iso3", "country", "year", "edition"]].copy()
    out["core_pct_gdp"] = core
    out["meets_core_3_5"] = core >= CORE
    out["related_pct_gdp"] = rel
    out["core_plus_related_pct_gdp"] = core + rel
    out["meets_hague_5"] = (core >= CORE) & (core + rel >= TOTAL - 1e-9)
    out["is_estimate"] = df["is_estimate"].astype(bool)
    out = out.sort_values(["core_pct_gdp", "iso3"], ascending=[False, True]).reset_index(drop=True)
    return stamp(
        out,
        ed,
        year=yr,
        n_allies=len(out),
        n_core=int(out["meets_core_3_5"].sum()),
        n_total=int(out["meets_hague_5"].sum()),
        related_assumption=related_text(rel, codes),
        note=(
            "NATO's tables report core defence spending only; related spending is the user's assumption "
            f"({related_text(rel, codes)}). The Hague commitment: core >= {CORE:g}% and core + related (up to "
            f"{RELATED_CAP:g}%) >= {TOTAL:g}% of GDP by 2035."
        ),
    )
