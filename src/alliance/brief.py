"""The one-screen brief: targets met, largest gaps, the US share, the Olson-Zeckhauser trend, the claims check.

``brief()`` gathers the answers to the seed article's burden-sharing questions on one edition and year (the
latest by default) from the public functions of :mod:`alliance.spending` and :mod:`alliance.claims`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alliance import data
from alliance.claims import ClaimsCheck, check_claims
from alliance.errors import whole_number
from alliance.io import frame_records, jsonable
from alliance.results import Result
from alliance.spending import burden_shares, gap_to_target, meets_target, olson_zeckhauser

__all__ = ["Brief", "brief"]

TARGETS = (2.0, 3.5, 5.0)


@dataclass(frozen=True)
class Brief(Result):
    """The brief's figures; ``to_dict()`` for JSON, ``to_frame()`` for one row per figure, ``plot()`` the ranking."""

    edition: int
    year: int
    is_estimate: bool
    targets: pd.DataFrame
    largest_gaps: pd.DataFrame
    gap_target: float
    total_gap_usd_million: float | None
    us_share_pct: float | None
    europe_canada_share_pct: float | None
    olson_zeckhauser: dict[str, Any] | None
    claims: ClaimsCheck
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        est = " (estimates)" if self.is_estimate else ""
        return f"alliance brief: NATO edition {self.edition}, {self.year}{est}"

    @property
    def source(self) -> str:
        return data.source_line(self.edition)

    @property
    def meta(self) -> dict[str, Any]:
        """Edition, year, the gap target and the notes (Iceland, estimates, missing USD figures)."""
        return {
            "edition": self.edition,
            "year": self.year,
            "is_estimate": self.is_estimate,
            "gap_target_pct_gdp": self.gap_target,
            "unit": "shares of GDP in %; gaps in USD million, current prices",
            "notes": list(self.notes),
        }

    def figure(self, backend: str = "matplotlib") -> Any:
        """The ranking of allies by share of GDP against 2%, 3.5% and 5% (edition and year of the brief)."""
        from alliance.spending import ranking
        from alliance.spending.plots import plot_ranking

        return plot_ranking(ranking(edition=self.edition, year=self.year), backend=backend)

    def to_dict(self) -> dict[str, Any]:
        """Every figure of the brief, JSON-ready."""
        return jsonable(
            {
                "edition": self.edition,
                "year": self.year,
                "is_estimate": self.is_estimate,
                "targets": frame_records(self.targets),
                "largest_gaps": {
                    "target_pct_gdp": self.gap_target,
                    "total_usd_million": self.total_gap_usd_million,
                    "allies": frame_records(self.largest_gaps),
                },
                "us_share_pct": self.us_share_pct,
                "europe_canada_share_pct": self.europe_canada_share_pct,
                "olson_zeckhauser": self.olson_zeckhauser,
                "claims": frame_records(
                    self.claims.table[
                        ["id", "claim", "observed", "observed_unit", "edition", "year", "verdict", "source"]
                    ]
                ),
                "notes": self.notes,
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: ``section, item, value``."""
        rows: list[tuple[str, str, Any]] = []
        for r in self.targets.itertuples():
            rows.append(("targets", f"meets {r.target:g}% of GDP", f"{r.n_meeting} of {r.n_allies}"))
        for r in self.largest_gaps.itertuples():
            if pd.isna(r.gap_usd):
                rows.append(("largest gaps", f"{r.iso3} gap to {self.gap_target:g}% (% GDP)", round(r.gap_pct_gdp, 2)))
            else:
                rows.append(("largest gaps", f"{r.iso3} gap to {self.gap_target:g}% (USD m)", round(r.gap_usd, 0)))
        if self.total_gap_usd_million is not None:
            rows.append(("largest gaps", "alliance total (USD m)", round(self.total_gap_usd_million, 0)))
        if self.us_share_pct is not None and self.europe_canada_share_pct is not None:
            rows.append(("shares", "US share of allied spending (%)", round(self.us_share_pct, 1)))
            rows.append(("shares", "Europe and Canada share (%)", round(self.europe_canada_share_pct, 1)))
        oz = self.olson_zeckhauser
        if oz is not None:
            rows.append(("olson-zeckhauser", f"rho {oz['first_year']}", round(oz["rho_first"], 3)))
            rows.append(("olson-zeckhauser", f"rho {oz['last_year']}", round(oz["rho_last"], 3)))
            slope = f"{oz['slope_per_year']:+.4f} ({oz['slope_p_value']:.3f})"
            rows.append(("olson-zeckhauser", "slope per year (p)", slope))
        for r in self.claims.table.itertuples():
            rows.append(("claims", r.id, r.verdict_text))
        return pd.DataFrame(rows, columns=["section", "item", "value"]).astype({"value": str})

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table

        t1 = Table(title="Allies meeting each target", show_header=True)
        for col in ("target", "meeting", "allies"):
            t1.add_column(col, justify="right")
        for r in self.targets.itertuples():
            t1.add_row(f"{r.target:g}% GDP", str(r.n_meeting), str(r.n_allies))
        t2 = Table(title=f"Largest gaps to {self.gap_target:g}% of GDP")
        for col in ("ally", "% GDP", "gap, pts", "gap, USD bn"):
            t2.add_column(col, justify="left" if col == "ally" else "right")
        for r in self.largest_gaps.itertuples():
            usd = "" if pd.isna(r.gap_usd) else f"{r.gap_usd / 1000:,.1f}"
            t2.add_row(str(r.country), f"{r.pct_gdp:.2f}", f"{r.gap_pct_gdp:.2f}", usd)
        if self.total_gap_usd_million is not None:
            t2.add_row("alliance total", "", "", f"{self.total_gap_usd_million / 1000:,.1f}")
        lines = []
        if self.us_share_pct is not None:
            lines.append(
                f"US share of allied defence spending: {self.us_share_pct:.1f}% "
                f"(Europe and Canada {self.europe_canada_share_pct:.1f}%)."
            )
        oz = self.olson_zeckhauser
        if oz is not None:
            trend = "falling" if oz["slope_per_year"] < 0 else "rising"
            sig = "significant" if oz["slope_p_value"] < 0.05 else "not significant"
            lines.append(
                f"Olson-Zeckhauser (do the big carry the small?): rank correlation of GDP and defence burden "
                f"{oz['rho_first']:+.2f} in {oz['first_year']} -> {oz['rho_last']:+.2f} in {oz['last_year']}, "
                f"{trend} {oz['slope_per_year']:+.4f}/year ({sig}, p={oz['slope_p_value']:.2f}); "
                f"{oz['n_significant']} year(s) individually significant."
            )
        text = "\n".join(lines)
        t3 = Table(title="Claims of the seed article")
        t3.add_column("claim", overflow="fold")
        t3.add_column("verdict: observed (edition, year)", overflow="fold")
        colour = {"supported": "green", "partly": "yellow", "contradicted": "red"}
        for r in self.claims.table.itertuples():
            t3.add_row(str(r.claim), f"[{colour[r.verdict]}]{r.verdict_text}[/]")
        parts: list[Any] = [t1, t2, text, t3, *[f"note: {n}" for n in self.notes]]
        return Panel(Group(*parts), title=self.title)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.__rich__()


def brief(*, edition: int | str | None = None, year: int | None = None, gap_target: float = 3.5, top: int = 5) -> Brief:
    """Gather the brief on one edition and year (defaults: the latest edition and its latest year).

    Args:
        edition: NATO edition (2026 default). Shares, gaps in USD and Olson-Zeckhauser need the 2026 edition.
        year: year within the edition (default: its latest).
        gap_target: the target (% of GDP) the largest gaps are measured against (3.5, the Hague core target).
        top: how many of the largest gaps (in USD) to list.
    """
    whole_number("top", top, 1, 32)
    ed = data.resolve_edition(edition)
    targets = []
    extra: list[str] = []
    for t in TARGETS:
        m = meets_target(t, edition=ed, year=year).attrs
        targets.append({"target": t, "n_meeting": m["n_meeting"], "n_allies": m["n_allies"]})
        extra += [m[k] for k in ("coverage", "editions_note", "core_note") if m[k] and m[k] not in extra]
    gaps = gap_to_target(gap_target, edition=ed, year=year)
    yr = int(gaps.attrs["year"])
    body = gaps[~gaps["is_total"]].copy()
    body["gap_usd"] = body["gap_usd_current_million"]
    n_allies = targets[0]["n_allies"]
    notes = [
        f"Iceland has no armed forces and is in no NATO expenditure table: counts are over {n_allies} allies"
        f" with figures for {yr}."
    ]
    notes += extra
    has_usd = bool(body["gap_usd"].notna().all())
    largest = body.sort_values("gap_usd" if has_usd else "gap_pct_gdp", ascending=False).head(top)
    total_gap = float(gaps.loc[gaps["is_total"], "gap_usd_current_million"].iloc[0]) if has_usd else None
    shares: dict[str, Any] | None = None
    oz: dict[str, Any] | None = None
    if has_usd:
        shares = burden_shares(edition=ed, year=yr).attrs["summary"]
        oz = dict(olson_zeckhauser(edition=ed).attrs["trend"])
    else:
        notes.append(
            f"edition {ed}: USD figures and real GDP not embedded for every ally "
            f"({data.USD_NOTES.get(ed, 'not published')}): gaps are in % of GDP only; shares and Olson-Zeckhauser "
            "need edition 2026."
        )
    spend = data.load_spending(ed)
    is_est = bool(spend.loc[spend["year"] == yr, "is_estimate"].any())
    if is_est:
        notes.append(f"{yr} figures are NATO estimates.")
    return Brief(
        edition=ed,
        year=yr,
        is_estimate=is_est,
        targets=pd.DataFrame(targets),
        largest_gaps=largest[["iso3", "country", "pct_gdp", "gap_pct_gdp", "gap_usd"]].reset_index(drop=True),
        gap_target=gap_target,
        total_gap_usd_million=total_gap,
        us_share_pct=None if shares is None else float(shares["us_share_pct"]),
        europe_canada_share_pct=None if shares is None else float(shares["europe_canada_share_pct"]),
        olson_zeckhauser=oz,
        claims=check_claims(),
        notes=notes,
    )
