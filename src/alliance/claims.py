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
    """What a check measured: the figure, its unit, and the table (with edition and year) it came from."""

    value: int | float | bool
    source: str
    unit: str = ""
    edition: int | None = None
    year: int | str | None = None


def _spending_year(
    edition: int | str | None, year: int | None, *, complete: bool = False
) -> tuple[pd.DataFrame, int, int]:
    """Rows of one edition and year: allies that were members that year and have a figure (% of GDP).

    With ``complete``, a count or rank over the alliance: every member must have a figure (the partial 2025 extract
    must not pass for the alliance), else BadInput.
    """
    from alliance.spending._base import coverage_note, members, select

    df, ed, yr = select(edition, year)
    df = df[df["pct_gdp"].notna()]
    note = coverage_note(ed, yr, df["iso3"].astype(str), members(yr))
    if complete and note:
        raise BadInput(f"a count or rank over the alliance needs every ally: {note}")
    return df, ed, yr


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
    return Observation(len(allies), "allies.csv (NATO member countries)", "allies")


def _check_count_meeting(target: float = 2.0, year: int | None = None, edition: int | str | None = None) -> Observation:
    df, ed, yr = _spending_year(edition, year, complete=True)
    n = int((df["pct_gdp"] >= float(target)).sum())
    return Observation(
        n, _src(ed, yr, f"allies with pct_gdp >= {target:g} (of {len(df)} with armed forces)"), "allies", ed, yr
    )


def _check_pct_gdp(country: str, year: int | None = None, edition: int | str | None = None) -> Observation:
    df, ed, yr = _spending_year(edition, year)
    row = _country(df, country)
    return Observation(round(float(row["pct_gdp"]), 2), _src(ed, yr, f"{row['iso3']} pct_gdp"), "% of GDP", ed, yr)


def _check_share_of_total(
    country: str, year: int | None = None, edition: int | str | None = None, measure: str = "usd_current_million"
) -> Observation:
    df, ed, yr = _spending_year(edition, year, complete=True)
    if measure not in ("usd_current_million", "usd_constant_million"):
        raise one_of("measure", measure, ["usd_current_million", "usd_constant_million"])
    if df[measure].isna().any():
        raise BadInput(f"{measure} is not embedded for every ally in edition {ed}, {yr}; use edition 2026")
    row = _country(df, country)
    share = 100.0 * float(row[measure]) / float(df[measure].sum())
    what = f"{row['iso3']} {measure} / sum over allies"
    return Observation(round(share, 1), _src(ed, yr, what), f"% of allied total ({measure})", ed, yr)


def _check_rank(
    country: str, year: int | None = None, edition: int | str | None = None, by: str = "usd_current_million"
) -> Observation:
    df, ed, yr = _spending_year(edition, year, complete=True)
    if by not in ("pct_gdp", "usd_current_million", "usd_constant_million"):
        raise one_of("rank measure", by, ["pct_gdp", "usd_current_million", "usd_constant_million"])
    if df[by].isna().any():
        raise BadInput(f"{by} is not embedded for every ally in edition {ed}, {yr}")
    ranks = df[by].rank(ascending=False, method="min")
    row = _country(df, country)
    rank = int(ranks.loc[row.name])
    leader = df.loc[df[by].idxmax(), "iso3"]
    src = _src(ed, yr, f"rank of {row['iso3']} by {by} among {len(df)} allies (first: {leader})")
    return Observation(rank, src, f"rank by {by}", ed, yr)


def _check_common_funding_share(fact: str = "us_cost_share_common_funding", period: str | None = None) -> Observation:
    value = data.common_funding_fact(fact, period)
    df = data.load_common_funding()
    rows = df[df["fact"] == fact].sort_values("period")
    row = rows.iloc[-1] if period is None else rows[rows["period"].astype(str) == str(period)].iloc[0]
    src = f"nato_common_funding.csv: {fact} {row['period']} ({row['source']})"
    return Observation(value, src, "% of NATO common-funded budgets", None, str(row["period"]))


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
        table: one row per claim (per edition with ``all_editions``): ``id, claim, expected, observed,
            observed_unit, difference, unit, edition, year, verdict, verdict_text, source``.
        file_title: the claims file's title.
        origin: the file checked (``seed_article.yaml`` for the shipped claims).
    """

    table: pd.DataFrame
    file_title: str = ""
    origin: str = ""
    all_editions: bool = False
    skipped: tuple[str, ...] = ()

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
            "all_editions": self.all_editions,
            "not_checked": list(self.skipped),
            "counts": {v: int((self.table["verdict"] == v).sum()) for v in ("supported", "partly", "contradicted")},
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"meta": ..., "claims": [one record per claim]}``, JSON-ready."""
        return {"meta": jsonable(self.meta), "claims": jsonable(self.table)}


def _observed_text(value: Any, unit: str) -> str:
    """``rank 3`` for a rank, ``23 allies``, ``3.38 % of GDP``: the figure with its unit."""
    if unit.startswith("rank"):
        return f"rank {value} ({unit.removeprefix('rank ')})" if unit != "rank" else f"rank {value}"
    return f"{value}{'' if unit.startswith('%') else ' '}{unit}".strip()


def _row(c: Claim, obs: Observation) -> dict[str, Any]:
    verdict, diff = _verdict(c, obs.value)
    where = (
        f"NATO edition {obs.edition}, {obs.year}" if obs.edition is not None else (f"{obs.year}" if obs.year else "")
    )
    observed = _observed_text(obs.value, obs.unit)
    return {
        "id": c.id,
        "claim": c.claim,
        "expected": c.expected,
        "observed": obs.value,
        "observed_unit": obs.unit,
        "difference": diff,
        "unit": c.unit or obs.unit,
        "edition": obs.edition,
        "year": obs.year,
        "verdict": verdict,
        "verdict_text": f"{verdict}: observed {observed}" + (f" ({where})" if where else ""),
        "source": obs.source,
    }


def _observe(c: Claim, params: dict[str, Any]) -> Observation:
    try:
        return CHECKS[c.check](**params)
    except TypeError as exc:
        raise BadInput(f"claim {c.id!r}: bad params for check {c.check!r}: {exc}") from None


def check_claims(path: str | Path | None = None, *, all_editions: bool = False) -> ClaimsCheck:
    """Check every claim of a claims file (default: the seed article's) against the data.

    Args:
        path: a claims file (YAML or JSON); None for the seed article's claims.
        all_editions: also check every claim that reads NATO spending under each other edition that publishes its
            year and the figures it needs (one row per claim and edition; the claim's own edition first).

    Returns:
        A :class:`ClaimsCheck` whose table has one row per claim (and edition): ``id, claim, expected, observed,
        observed_unit, difference, unit, edition, year, verdict, verdict_text, source``, where ``verdict_text``
        names the figure with its unit, the edition and the year (``contradicted: observed rank 3 (rank by
        pct_gdp) (NATO edition 2024, 2024)``) and ``source`` the table the observed figure came from.
    """
    spec = load_claims(path)
    rows = []
    skipped: list[str] = []
    for c in spec.claims:
        obs = _observe(c, c.params)
        rows.append(_row(c, obs))
        if not all_editions or obs.edition is None:
            continue
        for ed in data.EDITIONS:
            if ed == obs.edition:
                continue
            try:
                other = _observe(c, {**c.params, "edition": ed, "year": obs.year})
            except BadInput as exc:  # the edition lacks the year, the ally or the figures the check needs
                skipped.append(f"{c.id}, edition {ed}: {exc}")
                continue
            rows.append(_row(c, other))
    out = pd.DataFrame(rows)
    for col in ("expected", "observed"):  # keep counts as ints, shares as floats
        out[col] = pd.Series([r[col] for r in rows], dtype=object)
    out["edition"] = out["edition"].astype("Int64")
    origin = "seed_article.yaml" if path is None else Path(path).name
    return ClaimsCheck(
        table=out, file_title=spec.title, origin=origin, all_editions=all_editions, skipped=tuple(skipped)
    )
