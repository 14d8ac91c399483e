"""Claims as data, checked against the embedded tables.

A claims file (YAML or JSON) lists quantitative claims; each names a *check* (a small function of the data
in :data:`CHECKS`), its parameters, the figure the claim asserts and the tolerances that separate the verdicts
``supported`` / ``partly`` / ``contradicted``. The package ships the seed article's claims
(``alliance/data/claims/seed_article.yaml``); users pass their own file with the same structure.

Example::

    >>> from alliance.claims import check_claims
    >>> check_claims().to_frame()[["id", "observed", "verdict"]]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alliance import data
from alliance.errors import BadInput, one_of
from alliance.io import jsonable, parse_text, read_user_file, validation_lines
from alliance.results import Result

__all__ = ["CHECKS", "Claim", "ClaimsCheck", "ClaimsFile", "check_claims", "load_claims"]

Verdict = Literal["supported", "partly", "contradicted"]


@dataclass(frozen=True)
class Observation:
    """What a check measured: the figure and the table (with edition and year) it came from."""

    value: int | float | bool
    source: str


def _spending_year(edition: int | str | None, year: int | None) -> tuple[pd.DataFrame, int, int]:
    ed = data.resolve_edition(edition)
    df = data.load_spending(ed)
    years = sorted(int(y) for y in df["year"].unique())
    yr = years[-1] if year is None else int(year)
    if yr not in years:
        raise BadInput(f"year {yr} not in edition {ed}; valid: {', '.join(map(str, years))}")
    return df[df["year"] == yr], ed, yr


def _src(ed: int, yr: int, what: str) -> str:
    return f"nato_spending ({data.EDITIONS[ed]}), {yr}: {what}"


def _country(df: pd.DataFrame, country: str) -> pd.Series:
    from alliance.data.countries import resolve_country

    code = resolve_country(country)
    rows = df[(df["iso3"] == code) & df["pct_gdp"].notna()] if "pct_gdp" in df else df[df["iso3"] == code]
    if rows.empty:
        raise one_of("country", country, sorted(df["iso3"].unique()))
    return rows.iloc[0]


def _check_ally_count() -> Observation:
    allies = data.load_allies()
    return Observation(len(allies), "allies.csv (NATO member countries)")


def _check_count_meeting(target: float = 2.0, year: int | None = None, edition: int | str | None = None) -> Observation:
    df, ed, yr = _spending_year(edition, year)
    n = int((df["pct_gdp"] >= float(target)).sum())
    return Observation(n, _src(ed, yr, f"allies with pct_gdp >= {target:g} (of {len(df)} with armed forces)"))


def _check_pct_gdp(country: str, year: int | None = None, edition: int | str | None = None) -> Observation:
    df, ed, yr = _spending_year(edition, year)
    row = _country(df, country)
    return Observation(round(float(row["pct_gdp"]), 2), _src(ed, yr, f"{row['iso3']} pct_gdp"))


def _check_share_of_total(
    country: str, year: int | None = None, edition: int | str | None = None, measure: str = "usd_current_million"
) -> Observation:
    df, ed, yr = _spending_year(edition, year)
    if measure not in ("usd_current_million", "usd_constant_million"):
        raise one_of("measure", measure, ["usd_current_million", "usd_constant_million"])
    if df[measure].isna().all():
        raise BadInput(f"edition {ed} publishes no {measure}; use edition 2026")
    row = _country(df, country)
    share = 100.0 * float(row[measure]) / float(df[measure].sum())
    return Observation(round(share, 1), _src(ed, yr, f"{row['iso3']} {measure} / sum over allies"))


def _check_rank(
    country: str, year: int | None = None, edition: int | str | None = None, by: str = "usd_current_million"
) -> Observation:
    df, ed, yr = _spending_year(edition, year)
    if by not in ("pct_gdp", "usd_current_million", "usd_constant_million"):
        raise one_of("rank measure", by, ["pct_gdp", "usd_current_million", "usd_constant_million"])
    if df[by].isna().all():
        raise BadInput(f"edition {ed} publishes no {by}")
    ranks = df[by].rank(ascending=False, method="min")
    row = _country(df, country)
    rank = int(ranks.loc[row.name])
    leader = df.loc[df[by].idxmax(), "iso3"]
    return Observation(rank, _src(ed, yr, f"rank of {row['iso3']} by {by} (first: {leader})"))


def _check_common_funding_share(fact: str = "us_cost_share_common_funding", period: str | None = None) -> Observation:
    value = data.common_funding_fact(fact, period)
    df = data.load_common_funding()
    rows = df[df["fact"] == fact].sort_values("period")
    row = rows.iloc[-1] if period is None else rows[rows["period"].astype(str) == str(period)].iloc[0]
    return Observation(value, f"nato_common_funding.csv: {fact} {row['period']} ({row['source']})")


#: Check name -> function of the data returning an :class:`Observation`.
CHECKS: dict[str, Callable[..., Observation]] = {
    "ally_count": _check_ally_count,
    "count_meeting": _check_count_meeting,
    "pct_gdp": _check_pct_gdp,
    "share_of_total": _check_share_of_total,
    "rank": _check_rank,
    "common_funding_share": _check_common_funding_share,
}


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    supported: float = Field(0.0, ge=0)
    partly: float = Field(0.0, ge=0)


class Claim(BaseModel):
    """One claim: what is asserted, how to measure it and how close counts as support."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    claim: str = Field(min_length=1)
    quote: str = ""
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    expected: bool | int | float
    unit: str = ""
    tolerance: Tolerance = Field(default_factory=lambda: Tolerance(supported=0.0, partly=0.0))

    @field_validator("check")
    @classmethod
    def _known_check(cls, v: str) -> str:
        if v not in CHECKS:
            raise ValueError(f"unknown check {v!r}; valid: {', '.join(CHECKS)}")
        return v


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    claims: list[Claim] = Field(min_length=1)


def _error_line(exc: ValidationError, origin: str) -> str:
    parts = validation_lines(exc)
    more = f" (and {len(parts) - 1} more)" if len(parts) > 1 else ""
    return f"{origin}: {parts[0]}{more}"


def load_claims(path: str | Path | None = None) -> ClaimsFile:
    """Read and validate a claims file (YAML or JSON); the shipped seed-article claims if ``path`` is None."""
    if path is None:
        text = (resources.files("alliance.data") / "claims" / "seed_article.yaml").read_text(encoding="utf-8")
        origin = "seed_article.yaml"
    else:
        text, _ = read_user_file(path, "claims file")
        origin = Path(path).name
    raw = parse_text(text, Path(origin).suffix, origin)
    if not isinstance(raw, dict):
        raise BadInput(f"{origin}: expected a mapping with a 'claims' list, got {type(raw).__name__}")
    try:
        return ClaimsFile.model_validate(raw)
    except ValidationError as exc:
        raise BadInput(_error_line(exc, origin)) from None


def _verdict(claim: Claim, observed: float | bool) -> tuple[Verdict, float | None]:
    if isinstance(claim.expected, bool) or isinstance(observed, bool):
        return ("supported" if bool(observed) == bool(claim.expected) else "contradicted"), None
    diff = float(observed) - float(claim.expected)
    if abs(diff) <= claim.tolerance.supported + 1e-9:
        return "supported", diff
    if abs(diff) <= claim.tolerance.partly + 1e-9:
        return "partly", diff
    return "contradicted", diff


@dataclass(frozen=True)
class ClaimsCheck(Result):
    """The verdict on every claim of a claims file.

    Attributes:
        table: one row per claim: ``id, claim, expected, observed, difference, unit, verdict, source``.
        file_title: the claims file's title.
        origin: the file checked (``seed_article.yaml`` for the shipped claims).
    """

    table: pd.DataFrame
    file_title: str = ""
    origin: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per claim (a copy of :attr:`table`)."""
        return self.table.copy()

    @property
    def title(self) -> str:
        return self.file_title or "Claims"

    @property
    def meta(self) -> dict[str, Any]:
        """The claims file and how verdicts are reached."""
        return {
            "file": self.origin,
            "verdicts": "supported / partly / contradicted, by the tolerances in the claims file",
            "counts": {v: int((self.table["verdict"] == v).sum()) for v in ("supported", "partly", "contradicted")},
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"meta": ..., "claims": [one record per claim]}``, JSON-ready."""
        return {"meta": jsonable(self.meta), "claims": jsonable(self.table)}


def check_claims(path: str | Path | None = None) -> ClaimsCheck:
    """Check every claim of a claims file (default: the seed article's) against the data.

    Returns:
        A :class:`ClaimsCheck` whose table has one row per claim: ``id, claim, expected, observed, difference,
        unit, verdict, source`` where ``source`` names the table, edition and year the observed figure came from.
    """
    spec = load_claims(path)
    rows = []
    for c in spec.claims:
        try:
            obs = CHECKS[c.check](**c.params)
        except TypeError as exc:
            raise BadInput(f"claim {c.id!r}: bad params for check {c.check!r}: {exc}") from None
        verdict, diff = _verdict(c, obs.value)
        rows.append(
            {
                "id": c.id,
                "claim": c.claim,
                "expected": c.expected,
                "observed": obs.value,
                "difference": diff,
                "unit": c.unit,
                "verdict": verdict,
                "source": obs.source,
            }
        )
    out = pd.DataFrame(rows)
    for col in ("expected", "observed"):  # keep counts as ints, shares as floats
        out[col] = pd.Series([r[col] for r in rows], dtype=object)
    origin = "seed_article.yaml" if path is None else Path(path).name
    return ClaimsCheck(table=out, file_title=spec.title, origin=origin)
