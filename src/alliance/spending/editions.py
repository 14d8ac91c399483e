"""NATO's editions side by side: the same question answered under every edition that publishes the year.

Editions revise history and change definitions (the 2026 edition reports *core* defence expenditure under the
definition agreed at The Hague, revised back to 2014), so "how many allies met 2% in 2025" has two true answers:
28 of 31 in the 2026 edition, and every ally with a 2025 estimate in the August 2025 edition. :func:`compare_editions`
puts them next to each other per ally, with each edition's definition and coverage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alliance import data
from alliance.errors import BadInput
from alliance.io import jsonable
from alliance.results import Result
from alliance.spending._base import check_target, resolve_countries, year_range_text
from alliance.spending.targets import _meets, count_text

__all__ = ["NATO_2025_RELEASE", "EditionComparison", "compare_editions", "nato_2025_claim"]

#: NATO's news release of the August 2025 edition (cited for its "every ally at 2%" statement, not quoted).
NATO_2025_RELEASE = (
    "https://www.nato.int/en/news-and-events/articles/news/2025/08/28/defence-expenditure-of-nato-countries-2014-2025"
)


def nato_2025_claim() -> str:
    """NATO's "every ally met 2% in 2025" (release of 28 Aug 2025), stated through the numbers it rests on."""
    ed25 = _meets(2.0, 2025, 2025, None)
    low = ed25.nsmallest(3, "pct_gdp")
    lowest = ", ".join(f"{r.iso3} {r.pct_gdp:.2f}" for r in low.itertuples())
    deu = data.load_spending(2025).query("iso3 == 'DEU' and year == 2024")["pct_gdp"]
    deu_text = f"Germany is published for 2024 only ({float(deu.iloc[0]):.2f}% in 2024e)" if len(deu) else ""
    ed26 = _meets(2.0, 2026, 2025, None)
    below = ed26[~ed26["meets_target"]].sort_values("pct_gdp", ascending=False)
    below_text = ", ".join(f"{r.iso3} {r.pct_gdp:.2f}" for r in below.itertuples())
    return (
        f"NATO's release of 28 Aug 2025 ({NATO_2025_RELEASE}) reported every ally at 2% of GDP in 2025: in that "
        f"edition's figures {ed25.attrs['n_meeting']} of the {ed25.attrs['n_allies']} allies with a 2025 estimate "
        f"are at or above 2.00% (lowest {lowest}); {deu_text}; Iceland has no armed forces. The 2026 edition's "
        f"core definition gives {count_text(ed26.attrs)} (below 2%: {below_text})."
    )


@dataclass(frozen=True)
class EditionComparison(Result):
    """One year under every edition that publishes it.

    Attributes:
        year: the year compared.
        target: the target, % of GDP.
        allies: one row per ally: ``iso3, country`` then per edition ``pct_gdp_ed<E>`` and ``meets_ed<E>``
            (blank where the edition has no figure for the ally), and ``editions_agree`` (every edition with a
            figure gives the same verdict).
        editions: one row per edition: ``edition, published, definition, n_meeting, n_with_figure, n_members,
            answer, coverage``.
        notes: caveats (NATO's 2025 statement through its numbers, when the year is 2025 and the target 2%).
    """

    year: int
    target: float
    allies: pd.DataFrame
    editions: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per-ally table."""
        return self.allies.copy()

    @property
    def title(self) -> str:
        return f"Allies at {self.target:g}% of GDP in {self.year}, by NATO edition"

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "target_pct_gdp": self.target,
            "answers": {int(r.edition): r.answer for r in self.editions.itertuples()},
            "unit": "percent of GDP, each edition's own definition",
        }

    @property
    def source(self) -> str:
        return data.source_line([int(e) for e in self.editions["edition"]])

    def to_dict(self) -> dict[str, Any]:
        """Meta, the editions with their definitions and answers, the notes and the per-ally rows."""
        return jsonable({"meta": self.meta, "editions": self.editions, "notes": self.notes, "allies": self.allies})

    def figure(self, backend: str = "matplotlib") -> Any:
        """Each ally's share of GDP under each edition, with the target marked."""
        from alliance.spending.plots import plot_compare_editions

        return plot_compare_editions(self, backend=backend)


def compare_editions(
    year: int | None = None, target: float = 2.0, *, countries: Iterable[str] | str | None = None
) -> EditionComparison:
    """Who meets ``target`` in ``year`` under every NATO edition that publishes the year, side by side.

    Args:
        year: the year (default: the latest year published by more than one edition, 2025).
        target: share of GDP in percent.
        countries: restrict to these allies (codes or names as people type them).

    Returns:
        :class:`EditionComparison`; e.g. for 2025 at 2%: 28 of 31 in the 2026 edition (core definition), 30 of 30
        allies with a figure in the August 2025 edition (Germany published for 2024 only).

    Raises:
        BadInput: a year no edition publishes, a bad target or country.
    """
    tgt = check_target(target)
    by_edition = {ed: data.valid_years(ed) for ed in data.EDITIONS}
    if year is None:
        shared = [y for y in by_edition[data.LATEST_EDITION] if sum(y in ys for ys in by_edition.values()) > 1]
        yr = max(shared)
    else:
        every = sorted({y for ys in by_edition.values() for y in ys})
        try:
            yr = int(str(year).strip())
        except ValueError:
            yr = -1
        if yr not in every:
            raise BadInput(f"year {year!r} not in any edition; valid: {year_range_text(every)}")
    codes = resolve_countries(countries)
    editions = [ed for ed, ys in by_edition.items() if yr in ys]
    allies = data.load_allies()
    allies = allies[allies["has_armed_forces"] & (allies["accession_year"] <= yr)]
    if codes is not None:
        allies = allies[allies["iso3"].isin(codes)]
    table = allies[["iso3", "name"]].rename(columns={"name": "country"}).reset_index(drop=True)
    rows = []
    for ed in editions:
        m = _meets(tgt, ed, yr, codes).set_index("iso3")
        table[f"pct_gdp_ed{ed}"] = table["iso3"].map(m["pct_gdp"]).astype(float)
        table[f"meets_ed{ed}"] = table["iso3"].map(m["meets_target"]).astype("boolean")
        a = m.attrs
        rows.append(
            {
                "edition": ed,
                "published": data.EDITIONS[ed],
                "definition": data.EDITION_DEFINITIONS[ed],
                "n_meeting": a["n_meeting"],
                "n_with_figure": a["n_allies"],
                "n_members": a["n_members"],
                "answer": count_text(a),
                "coverage": a["coverage"],
            }
        )
    verdicts = table[[f"meets_ed{ed}" for ed in editions]]
    table["editions_agree"] = verdicts.apply(lambda r: r.dropna().nunique() <= 1, axis=1).astype(bool)
    notes = [nato_2025_claim()] if yr == 2025 and abs(tgt - 2.0) < 1e-9 and codes is None else []
    return EditionComparison(yr, tgt, table, pd.DataFrame(rows), notes)
