"""Forecasts of every model on DEU issues: points (batch kernels where they agree with ``solve``) and predictive
distributions from the shipped parameters.

:func:`forecast_matrix` gives the point forecasts scored by :func:`~.scoring.backtest`; :func:`deu_predictives`
the predictive distributions scored beside them (:mod:`alliance.negotiation.prediction`): each model's
split-conformal distribution from the out-of-fold residuals shipped in ``params/conformal.json`` for the load's
capability setting (never computed from the issues being scored), the choice model's own distribution, and the
synthesis (the pool with the shipped weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance.errors import BadInput
from alliance.negotiation.backtest.deu import DEUBatch, deu_batch, model_batch, rule_thresholds
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    from alliance.negotiation.prediction import Predictive

__all__ = ["BASELINES", "deu_predictives", "forecast_matrix"]

#: Reference forecasts scored beside the models (not registry models).
BASELINES: tuple[str, ...] = ("baseline_mean", "baseline_median_actor", "baseline_midpoint")
#: Models whose batch kernel gives the same forecast as ``solve`` on padded DEU issues (no decision rule needed).
_BATCH_SAFE: frozenset[str] = frozenset({"compromise", "stacked", "ensemble"})
#: Models whose forecast is the median of a predictive distribution built from the others (no solve per issue).
_POOLED: frozenset[str] = frozenset({"synthesis"})


def _baseline_forecasts(b: DEUBatch) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(b.positions, axis=1)
            med = np.nanmedian(b.positions, axis=1)
    return {"baseline_mean": mean, "baseline_median_actor": med, "baseline_midpoint": np.full(len(b), 50.0)}


def _capability_sets(scenarios: Sequence[Scenario], own: np.ndarray) -> dict[str, np.ndarray]:
    """``{set: (issues, 30)}`` alternative capabilities from ``metadata["capability_sets"]`` (the ensemble's
    population schemes); an actor or issue without one keeps its own capability, as ``ensemble.solve`` does."""
    from alliance.negotiation.backtest.deu import ACTORS

    index = {a: k for k, a in enumerate(ACTORS)}
    out: dict[str, np.ndarray] = {}
    for i, sc in enumerate(scenarios):
        raw = sc.metadata.get("capability_sets") if sc.metadata else None
        if not isinstance(raw, dict):
            continue
        for name, caps in raw.items():
            arr = out.setdefault(str(name), own.copy())
            for actor, cap in caps.items():
                if actor in index:
                    arr[i, index[actor]] = float(cap)
    return out


def _model_forecast(name: str, scenarios: Sequence[Scenario], b: DEUBatch, opts: dict[str, Any]) -> np.ndarray:
    """``(issues,)`` forecasts of one registry model (batch kernel where safe, else ``solve`` per issue)."""
    from alliance.negotiation.models import get_model, model_module

    solver = get_model(name)
    mod = model_module(name)
    if name in _POOLED and not opts:
        return deu_predictives(scenarios, [name])[name].point
    if name == "choice" and not opts:
        return _choice_predictive(scenarios, b).point
    if name in _BATCH_SAFE and mod is not None and hasattr(mod, "solve_batch") and not opts:
        mb, colegis = model_batch(b)
        share, by_cap = rule_thresholds(scenarios)
        mb = replace(
            mb,
            co_legislator=colegis,
            threshold=share,
            by_capability=by_cap,
            capability_sets=_capability_sets(scenarios, mb.capability),
        )
        return np.asarray(mod.solve_batch(mb).outcome)[:, 0]
    out = np.full(len(scenarios), np.nan)
    for i, sc in enumerate(scenarios):
        try:
            res = solver(sc, **opts)
        except BadInput:
            raise
        except Exception:  # a model failing on one issue cannot forecast it; counted as missing
            continue
        val = np.asarray(res.outcome, dtype=float)
        out[i] = val[0] if val.size else np.nan
    return out


def forecast_matrix(
    scenarios: Sequence[Scenario], models: Sequence[str], opts: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Forecasts of each model (columns, baselines included) for each issue (rows, indexed by issue id)."""
    b = deu_batch(scenarios)
    base = _baseline_forecasts(b)
    cols = {m: (base[m] if m in base else _model_forecast(m, scenarios, b, dict(opts or {}))) for m in models}
    return pd.DataFrame(cols, index=pd.Index(b.issue, name="issue"))


def _capability(scenarios: Sequence[Scenario]) -> str:
    cap = str(scenarios[0].metadata.get("capability", "votes")) if scenarios else "votes"
    return cap if cap in ("equal", "votes", "population") else "votes"


def _choice_predictive(scenarios: Sequence[Scenario], b: DEUBatch | None = None) -> Predictive:
    """The choice model's own distribution on every DEU issue (shipped parameters; the Commission is the setter,
    the EP the co-legislator)."""
    from alliance.negotiation.models.choice import choice_data_from_batch, predictive_from_data

    b = deu_batch(scenarios) if b is None else b
    mb, colegis = model_batch(b)
    share, _ = rule_thresholds(scenarios)
    data = choice_data_from_batch(mb, np.asarray(mb.chair, dtype=bool), colegis, share)
    return predictive_from_data(data, issues=b.issue)


def deu_predictives(scenarios: Sequence[Scenario], models: Sequence[str]) -> dict[str, Predictive]:
    """Predictive distributions of ``models`` on every DEU issue from the shipped parameters (module docstring).

    The conformal residuals are those of the load's capability setting (``metadata["capability"]``); the
    synthesis uses the weights shipped for it.
    """
    from alliance.negotiation.models.synthesis import synthesis_weights
    from alliance.negotiation.prediction import conformal, conformal_residuals, mixture

    b = deu_batch(scenarios)
    cap = _capability(scenarios)
    weights = synthesis_weights(cap) if "synthesis" in models else {}
    needed = list(dict.fromkeys([m for m in models if m != "synthesis"] + [m for m, w in weights.items() if w > 0]))
    direct = [m for m in needed if m != "choice"]
    points = forecast_matrix(scenarios, direct) if direct else None
    low, high = np.zeros(len(b)), np.full(len(b), 100.0)
    out: dict[str, Predictive] = {}
    choice = _choice_predictive(scenarios, b) if ("choice" in needed or weights) else None
    for m in needed:
        if m == "choice" and choice is not None:
            out[m] = choice
            continue
        if points is None:  # pragma: no cover - every other model is in `direct`
            raise BadInput(f"no point forecasts for {m!r}")
        r = conformal_residuals(m, cap)
        info = {"residuals": f"DEU calibration half, out-of-fold, capability {cap}"}
        out[m] = conformal(m, points[m].to_numpy(), r[~np.isnan(r)], low, high, issues=b.issue, info=info)
    if "synthesis" in models and choice is not None:
        used = [m for m, w in weights.items() if w > 0]
        total = sum(weights[m] for m in used)
        out["synthesis"] = mixture(
            [out[m] for m in used], [weights[m] / total for m in used], candidates=choice.candidates, tol=choice.tol
        )
    return {m: out[m] for m in models if m in out}
