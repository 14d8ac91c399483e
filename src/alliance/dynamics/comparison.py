"""Scenarios side by side: the key 2035 figures of each, on common random numbers, with what each assumes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliance.dynamics.projection import HAGUE_CORE, Projection, SimScenario, _scenario_list, project
from alliance.errors import BadInput
from alliance.io import jsonable
from alliance.results import Result

__all__ = ["ScenarioComparison", "compare_scenarios"]


@dataclass(frozen=True)
class ScenarioComparison(Result):
    """One row per scenario with its key figures in ``year`` (see :func:`compare_scenarios`).

    Attributes:
        table: ``scenario, year, meet_3_5_p50, meet_3_5_p05, meet_3_5_p95, p_all_3_5, total_usd_bn_p50,
            total_usd_bn_p05, total_usd_bn_p95, total_vs_first_usd_bn_p50, usa_pct_gdp_p50, description``.
        assumptions: scenario -> what it assumes (printed with the results).
        runs, seed: the common random numbers every scenario was run on.
    """

    table: pd.DataFrame
    assumptions: dict[str, list[str]] = field(default_factory=dict)
    runs: int = 0
    seed: int = 0

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def title(self) -> str:
        year = int(self.table["year"].iloc[0])
        return f"Scenarios side by side in {year} ({self.runs} runs each, seed {self.seed}, common random numbers)"

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "seed": self.seed,
            "unit": "allies (of 31); USD billion at constant 2021 prices; % of GDP",
            "first": str(self.table["scenario"].iloc[0]),
            "assumptions": self.assumptions,
        }

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"meta": self.meta, "scenarios": self.table})

    def figure(self, backend: str = "matplotlib") -> Any:
        from alliance.dynamics.plots import scenarios_figure

        return scenarios_figure(self.table, backend)

    @property
    def source(self) -> str:
        return (
            "Source: NATO, Defence Expenditure of NATO Countries, 2026 edition (core definition); "
            "projections: alliance.dynamics"
        )


def _row(p: Projection, row: int, first_totals: np.ndarray) -> dict[str, Any]:
    x = p.paths[row]
    meets = (x >= HAGUE_CORE - 1e-9).sum(axis=1)
    totals = p.totals_bn()[row]
    cq, tq = np.percentile(meets, [5, 50, 95]), np.percentile(totals, [5, 50, 95])
    us = p.iso3.index("USA")
    return {
        "scenario": p.scenario.name,
        "year": int(p.years[row]),
        "meet_3_5_p50": float(cq[1]),
        "meet_3_5_p05": float(cq[0]),
        "meet_3_5_p95": float(cq[2]),
        "p_all_3_5": float((meets == x.shape[1]).mean()),
        "total_usd_bn_p50": float(tq[1]),
        "total_usd_bn_p05": float(tq[0]),
        "total_usd_bn_p95": float(tq[2]),
        "total_vs_first_usd_bn_p50": float(np.median(totals - first_totals)),
        "usa_pct_gdp_p50": float(np.median(x[:, us])),
        "description": p.scenario.description,
    }


def compare_scenarios(
    scenarios: str | Path | SimScenario | Sequence[str | Path | SimScenario] | None = None,
    *,
    year: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
    method: str | None = None,
) -> ScenarioComparison:
    """The key figures of several scenarios in one table: allies at 3.5% and P(all at 3.5%), the alliance total
    (USD bn, constant 2021) and its difference from the first scenario (paired run by run: every scenario uses the
    same seed), and the US share of GDP; each with its median and 5-95% band.

    Args:
        scenarios: names, files or :class:`SimScenario` objects (default: every bundled scenario, baseline first).
        year: the year compared (default: the last projected year, 2035).
        runs, seed, method: as in :func:`~alliance.dynamics.projection.project`.
    """
    items = _scenario_list(scenarios)
    if "baseline" in items:
        items = ["baseline", *[s for s in items if s != "baseline"]]
    projections = [project(sc, None, runs, seed, method=method) for sc in items]
    years = projections[0].years
    if any(len(p.years) != len(years) for p in projections):
        raise BadInput("scenarios project to different years (until); give them the same until to compare them")
    yr = int(years[-1]) if year is None else int(year)
    if yr not in set(int(y) for y in years[1:]):
        raise BadInput(f"year {year!r} not projected; valid: {int(years[1])}-{int(years[-1])}")
    row = int(np.flatnonzero(years == yr)[0])
    first = projections[0].totals_bn()[row]
    table = pd.DataFrame([_row(p, row, first) for p in projections])
    s = projections[0].scenario
    return ScenarioComparison(
        table=table,
        assumptions={p.scenario.name: p.assumptions for p in projections},
        runs=s.runs,
        seed=s.seed,
    )
