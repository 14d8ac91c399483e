"""Will the allies reach the Hague target by 2035? Probabilities from the simulation's runs.

The Hague commitment (25 June 2025) is 5% of GDP a year by 2035: at least 3.5% on core defence, plus up to 1.5% on
defence- and security-related spending. NATO's tables and the simulation cover core spending only, so:

- ``target=3.5``: an ally complies in a run when its core spending in ``by`` is at least 3.5% of GDP;
- ``target=5`` without ``core_related``: core spending alone against 5% (the answer says so);
- ``target=5`` with ``core_related``: the commitment as agreed: core at least 3.5% *and* core plus related spending
  (an explicit assumption per ally, capped at 1.5%, default 0) at least 5%.

Everything is computed from the projection's runs at once: ``(runs, allies)`` arrays, no loop over runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance.dynamics.projection import Projection
from alliance.errors import BadInput, excerpt, real_number, whole_number
from alliance.io import jsonable
from alliance.results import Result
from alliance.spending.commitment import CORE, RELATED_CAP, related_by_ally

__all__ = ["CORE", "RELATED_CAP", "Compliance", "compliance"]


@dataclass(frozen=True)
class Compliance(Result):
    """Per ally P(reaching the target by ``by``), the alliance's P(all comply) and P(at least k comply), and the
    alliance total against the target, from a projection's runs.

    Attributes:
        scenario: the scenario's name.
        target: the target, % of GDP.
        by: the year checked.
        core_related: the target is checked as core >= 3.5 and core + related >= target.
        runs: the number of runs.
        allies: per ally: ``iso3, core_p50_pct_gdp, core_p05_pct_gdp, core_p95_pct_gdp, related_pct_gdp,
            p_reach``.
        at_least: ``k, p_at_least_k`` for k = 0..allies.
        p_all: the probability that every ally complies.
        total: the alliance total in ``by`` (core, plus related when counted) against the target's total, USD
            billion at constant 2021 prices: ``p05, p50, p95`` and ``target_usd_bn`` and the shortfall's band.
        assumptions: what the answer rests on (the projection's assumptions and the related-spending one).
        notes: caveats (core only for a target above 3.5%).
    """

    scenario: str
    target: float
    by: int
    core_related: bool
    runs: int
    allies: pd.DataFrame
    at_least: pd.DataFrame
    p_all: float
    total: dict[str, float]
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per-ally table."""
        return self.allies.copy()

    @property
    def title(self) -> str:
        what = "core + related" if self.core_related else "core spending"
        return f"Reaching {self.target:g}% of GDP by {self.by} ({what}), scenario {self.scenario}, {self.runs} runs"

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "target_pct_gdp": self.target,
            "by": self.by,
            "core_related": self.core_related,
            "runs": self.runs,
            "p_all_comply": self.p_all,
            "total_usd_bn_constant2021": self.total,
            "assumptions": self.assumptions,
            "notes": self.notes,
        }

    def to_dict(self) -> dict[str, Any]:
        """Meta, per-ally probabilities and the table of P(at least k comply)."""
        return jsonable({"meta": self.meta, "allies": self.allies, "at_least": self.at_least})

    def figure(self, backend: str = "matplotlib") -> Any:
        """P(reaching the target) per ally and P(at least k allies comply)."""
        from alliance.dynamics.plots import compliance_figure

        return compliance_figure(self, backend)

    @property
    def source(self) -> str:
        return (
            "Source: NATO, Defence Expenditure of NATO Countries, 2026 edition (core definition); "
            "simulation: alliance.dynamics"
        )


def compliance(
    projection: Projection,
    target: float = CORE,
    *,
    by: int | None = None,
    core_related: bool = False,
    related: float | Mapping[str, float] | None = None,
) -> Compliance:
    """How likely each ally, and the alliance, is to reach ``target`` % of GDP by ``by`` in a projection.

    Args:
        projection: a :class:`~alliance.dynamics.projection.Projection` (its runs are the sample).
        target: % of GDP (3.5: the Hague core; 5: the Hague total).
        by: the year (default: the projection's last, 2035).
        core_related: check the commitment as agreed: core >= 3.5 and core + related >= ``target``.
        related: related spending assumed per ally, % of GDP (one number for all or ally -> value, 0 to 1.5);
            default 0 (stated in the assumptions). Only with ``core_related``.

    Raises:
        BadInput: a target out of (0, 100], a year outside the projection, related spending without
            ``core_related`` or out of range.
    """
    from alliance.dynamics.projection import Projection

    if not isinstance(projection, Projection):
        raise BadInput(f"projection: expected a Projection (alliance.dynamics.project(...)), got {excerpt(projection)}")
    tgt = real_number("target", target, 0.0, 100.0)
    if tgt <= 0:
        raise BadInput(f"target {target!r} out of range; valid: a share of GDP in percent, 0 < target <= 100")
    years = projection.years
    yr = int(years[-1]) if by is None else whole_number("by", by)
    if yr not in set(int(y) for y in years[1:]):
        raise BadInput(f"by {by!r} not projected; valid: {int(years[1])}-{int(years[-1])}")
    if related is not None and not core_related:
        raise BadInput("related spending counts only with core_related (--core-related); drop it or add the flag")
    row = int(np.flatnonzero(years == yr)[0])
    core = projection.paths[row]  # (runs, allies)
    gdp = projection.gdp[row]  # (allies,)
    rel = related_by_ally(related, projection.iso3)
    if core_related:
        comply = (core >= min(tgt, CORE) - 1e-9) & (core + rel[None, :] >= tgt - 1e-9)
        spent = core + rel[None, :]
    else:
        comply = core >= tgt - 1e-9
        spent = core
    n_allies = comply.shape[1]
    count = comply.sum(axis=1)  # (runs,)
    at_least = (count[:, None] >= np.arange(n_allies + 1)[None, :]).mean(axis=0)
    q = np.percentile(core, [5, 50, 95], axis=0)
    allies = pd.DataFrame(
        {
            "iso3": list(projection.iso3),
            "core_p50_pct_gdp": q[1],
            "core_p05_pct_gdp": q[0],
            "core_p95_pct_gdp": q[2],
            "related_pct_gdp": rel,
            "p_reach": comply.mean(axis=0),
        }
    ).sort_values(["p_reach", "iso3"], ascending=[True, True], ignore_index=True)
    totals = spent @ gdp / 100.0 / 1000.0  # USD bn, (runs,)
    needed = tgt / 100.0 * float(gdp.sum()) / 1000.0
    tq = np.percentile(totals, [5, 50, 95])
    sq = np.percentile(needed - totals, [5, 50, 95])
    total = {
        "p05": float(tq[0]),
        "p50": float(tq[1]),
        "p95": float(tq[2]),
        "target_usd_bn": needed,
        "shortfall_p05": float(sq[0]),
        "shortfall_p50": float(sq[1]),
        "shortfall_p95": float(sq[2]),
    }
    assumptions = list(projection.assumptions)
    notes = []
    if core_related:
        shown = (
            "0 for every ally"
            if not rel.any()
            else ", ".join(f"{c} {v:g}" for c, v in zip(projection.iso3, rel, strict=True) if v)
        )
        assumptions.append(
            f"Related (defence- and security-related) spending is an assumption, % of GDP: {shown} (others 0); "
            f"compliance = core >= {min(tgt, CORE):g}% and core + related >= {tgt:g}%."
        )
    elif tgt > CORE:
        notes.append(
            f"NATO's tables and the simulation report core spending only: this compares core spending with {tgt:g}%. "
            f"The Hague {tgt:g}% is 3.5% core + up to 1.5% related; for the commitment as agreed use "
            "core_related=True (--core-related) with related spending per ally (--related ISO3=PCT)."
        )
    return Compliance(
        scenario=projection.scenario.name,
        target=tgt,
        by=yr,
        core_related=core_related,
        runs=core.shape[0],
        allies=allies,
        at_least=pd.DataFrame({"k": np.arange(n_allies + 1), "p_at_least_k": at_least}),
        p_all=float((count == n_allies).mean()),
        total=total,
        assumptions=assumptions,
        notes=notes,
    )
