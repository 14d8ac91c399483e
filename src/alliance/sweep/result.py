"""The result of a sweep (:class:`SweepResult`), with the result protocol: ``to_frame()``, ``to_dict()``, ``plot()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliance.io import jsonable
from alliance.results import Result

__all__ = ["SweepResult"]

_TOP_ACTORS = 5
_TOP_INPUTS = 20


def _top_inputs(sens: pd.DataFrame) -> pd.DataFrame:
    """The inputs that move the outcome most (by total index, else by absolute rank correlation)."""
    key = sens["ST"].abs() if sens["ST"].notna().any() else sens["rho"].abs()
    return sens.loc[key.sort_values(ascending=False, kind="stable").index].head(_TOP_INPUTS)


@dataclass(frozen=True, eq=False)
class SweepResult(Result):
    """What a sweep store says (:mod:`alliance.sweep.analysis`).

    Attributes:
        info: the store's description (also :attr:`meta`) (scenario, models, sampler, seed, runs stored and planned, versions, hashes).
        outcomes: per model and issue: outcomes, mean, sd, quantiles ``p05``-``p95``, ``p_deadlock``,
            ``p_no_forecast``, ``p_unsignable``.
        formulations: per model, issue and formulation (and ``no agreement``): ``p`` and ``p_unsignable``.
        histograms: per model and issue, 20 bins on the issue's scale: ``bin_low``, ``bin_high``, ``count``.
        synthesis: per issue and formulation: the weighted share ``p``, ``p_equal``, ``p_min``/``p_max`` and their
            models, ``p_unsignable_given`` (share of its model-runs an ally with a veto would reject), ``signable``,
            ``vetoed_at_nominal``.
        agreement: per issue: the most likely outcome across models, whether every model's most likely outcome is
            the same, and the split.
        sensitivity: per model, issue and input: Sobol' ``S1``/``ST`` with 95% intervals, or Spearman ``rho``.
        importance: per model and issue the actors ranked by how much their inputs move the outcome.
        inputs: the varied inputs and their distributions.
    """

    info: dict[str, Any]
    outcomes: pd.DataFrame
    formulations: pd.DataFrame
    histograms: pd.DataFrame
    synthesis: pd.DataFrame
    agreement: pd.DataFrame
    sensitivity: pd.DataFrame
    importance: pd.DataFrame
    inputs: pd.DataFrame

    @property
    def meta(self) -> dict[str, Any]:
        """What the sweep rests on: scenario and its sha256, models, sampler, seed, runs, versions, data hashes."""
        return self.info

    @property
    def title(self) -> str:
        m = self.meta
        return f"Sweep of {m['scenario_name']}: {m['runs_stored']:,} runs ({m['sampler']}, seed {m['seed']})"

    def to_frame(self) -> pd.DataFrame:
        """One row per model, issue and formulation (with ``no agreement``): the probability of landing on it."""
        return self.formulations.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``meta``; ``models`` -> model -> issue -> ``p_formulation``, ``p_deadlock``, quantiles,
        ``histogram``, ``importance`` (top actors), ``sensitivity`` (the 20 inputs that matter most; all of them in
        :attr:`sensitivity`); ``synthesis`` -> issue -> ``most_likely``,
        ``models_agree``, ``split``, ``formulations`` (weighted and equal shares, signable under consensus)."""
        models: dict[str, Any] = {}
        for rec in self.outcomes.to_dict(orient="records"):
            m, i = rec["model"], rec["issue"]
            forms = self.formulations[(self.formulations["model"] == m) & (self.formulations["issue"] == i)]
            hist = self.histograms[(self.histograms["model"] == m) & (self.histograms["issue"] == i)]
            imp = self.importance[(self.importance["model"] == m) & (self.importance["issue"] == i)] if len(
                self.importance) else self.importance  # fmt: skip
            sens = self.sensitivity[(self.sensitivity["model"] == m) & (self.sensitivity["issue"] == i)]
            models.setdefault(m, {})[i] = {
                "p_formulation": dict(zip(forms["formulation"], forms["p"], strict=True)),
                "p_deadlock": rec["p_deadlock"],
                "p_no_forecast": rec["p_no_forecast"],
                "p_unsignable": rec["p_unsignable"],
                "mean": rec["mean"],
                "sd": rec["sd"],
                "quantiles": {k: rec[k] for k in ("p05", "p25", "p50", "p75", "p95")},
                "histogram": hist[["bin_low", "bin_high", "count"]].to_dict(orient="records"),
                "importance": imp.head(_TOP_ACTORS)[["rank", "actor", "score"]].to_dict(orient="records")
                if len(imp)
                else [],
                "sensitivity": _top_inputs(sens).drop(columns=["model", "issue"]).to_dict(orient="records"),
            }
        synthesis: dict[str, Any] = {}
        for rec in self.agreement.to_dict(orient="records"):
            rows = self.synthesis[self.synthesis["issue"] == rec["issue"]].drop(columns=["issue"])
            synthesis[rec["issue"]] = {k: v for k, v in rec.items() if k != "issue"} | {
                "formulations": rows.to_dict(orient="records")
            }
        return jsonable({"meta": self.meta, "models": models, "synthesis": synthesis})

    def summary(self) -> pd.DataFrame:
        """Per issue: the synthesis's most likely outcome, its weighted probability, agreement, P(no agreement)."""
        dead = self.synthesis[self.synthesis["formulation"] == "no agreement"].set_index("issue")["p"]
        out = self.agreement.drop(columns=["weights"]).copy()
        out["p_no_agreement"] = [float(dead.get(i, np.nan)) for i in out["issue"]]
        return out

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from alliance.results import frame_table

        shown = self.synthesis.drop(columns=["value", "model_min", "model_max"]).copy()
        yield frame_table(shown, title=self.title + ": synthesis across models")
        yield frame_table(
            self.summary(), caption=str(self.agreement["weights"].iloc[0]) if len(self.agreement) else None
        )

    @property
    def source(self) -> str:
        m = self.meta
        return (f"Source: alliance sweep of scenario '{m['scenario_name']}', {m['runs_stored']:,} runs, "
                f"{m['sampler']} seed {m['seed']}; models: {', '.join(m['models'])}")  # fmt: skip

    def figure(self, backend: str = "matplotlib") -> Any:
        """Per issue, stacked bars: each model's probability of every formulation and of no agreement, and the
        synthesis (weighted) on top."""
        from alliance.sweep.plots import sweep_figure

        return sweep_figure(self, backend)
