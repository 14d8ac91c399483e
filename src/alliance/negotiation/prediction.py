"""Predictive distributions of negotiation outcomes: every model gives one per issue, not only a point.

A :class:`Predictive` holds, per issue, weighted atoms on the issue's scale (point masses on candidate outcomes,
an empirical error distribution, or a discretised continuous part), the point forecast, and central intervals at
the levels of :data:`~alliance.negotiation.backtest.scoring_rules.LEVELS`. Two sources:

- **Split-conformal, the baseline for every model** (specification ``conformal-v1``): the model's point plus
  the signed out-of-fold residuals of that model on the DEU calibration half (scaled from the DEU 0-100 scale to
  the issue's span), clipped to the scale; intervals ``point +- q`` with ``q`` the finite-sample conformal
  quantile of the absolute residuals (:func:`~alliance.negotiation.backtest.scoring_rules.conformal_halfwidth`).
  The residuals ship in ``models/params/conformal.json`` (:func:`conformal_residuals`).
- **A model's own distribution** where it has one: a model module that defines ``predictive(scenario, **opts)
  -> Predictive`` (``choice``: point masses on the candidate outcomes plus a continuous part; ``synthesis``: the
  stacked mixture of the models' distributions).

:func:`predictive` returns the one a model has (own, else conformal); :func:`mixture` is the linear pool used by
the synthesis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliance.errors import BadInput
from alliance.io import jsonable
from alliance.negotiation.backtest.scoring_rules import (
    LEVELS,
    central_interval,
    conformal_halfwidth,
    coverage,
    crps_atoms,
    log_score_candidates,
    pit_randomised,
    quantiles,
)
from alliance.negotiation.scenario import Scenario
from alliance.results import Result

__all__ = [
    "DEU_SPAN",
    "Predictive",
    "candidate_classes",
    "concat",
    "conformal",
    "conformal_atoms",
    "conformal_residuals",
    "mixture",
    "pool_atoms",
    "predictive",
]

#: The DEU scale's span: conformal residuals are stored on it and rescaled to other scales.
DEU_SPAN = 100.0


@dataclass(frozen=True)
class Predictive(Result):
    """Predictive distributions for ``n`` issues as weighted atoms.

    Attributes:
        model: the model's registry name.
        kind: ``conformal`` (point + calibration residuals), ``choice`` (the model's own), ``synthesis``.
        values, weights: ``(n, K)`` atoms and their probabilities (NaN values with weight 0 pad rows).
        point: ``(n,)`` the point forecast.
        low, high: ``(n,)`` each issue's scale.
        intervals: level -> ``(lo, hi)`` arrays of the central (own) or conformal (``point +- q``) interval.
        issues: ``(n,)`` issue names.
        candidates, candidate_mass, between_mass, tol: for distributions built on candidate outcomes, the
            candidates ``(n, C)``, the probability of each candidate's class (within ``tol`` of it) and of
            "between"; None otherwise.
        info: how it was made (residual source, n calibration residuals, parameters).
    """

    model: str
    kind: str
    values: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    intervals: Mapping[float, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    issues: np.ndarray = field(repr=False)
    candidates: np.ndarray | None = field(default=None, repr=False)
    candidate_mass: np.ndarray | None = field(default=None, repr=False)
    between_mass: np.ndarray | None = field(default=None, repr=False)
    tol: np.ndarray | None = field(default=None, repr=False)
    info: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return int(self.point.shape[0])

    @property
    def title(self) -> str:
        return f"Predictive distribution: {self.model} ({self.kind})"

    def take(self, rows: np.ndarray | Sequence[int]) -> Predictive:
        """The distributions of the given issues (indices or a boolean mask), in that order."""
        idx = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, dtype=int)

        def sub(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else x[idx]

        return replace(
            self,
            values=self.values[idx],
            weights=self.weights[idx],
            point=self.point[idx],
            low=self.low[idx],
            high=self.high[idx],
            intervals={lv: (lo[idx], hi[idx]) for lv, (lo, hi) in self.intervals.items()},
            issues=self.issues[idx],
            candidates=sub(self.candidates),
            candidate_mass=sub(self.candidate_mass),
            between_mass=sub(self.between_mass),
            tol=sub(self.tol),
        )

    def quantile(self, probs: Sequence[float] | float) -> np.ndarray:
        """``(n, len(probs))`` quantiles of each issue's distribution."""
        return quantiles(self.values, self.weights, np.asarray(probs, dtype=float))

    def crps(self, y: np.ndarray) -> np.ndarray:
        """``(n,)`` exact CRPS against the outcomes ``y``."""
        return crps_atoms(self.values, self.weights, y)

    def cover(self, level: float, y: np.ndarray) -> np.ndarray:
        """``(n,)`` 1 where the ``level`` interval holds the outcome."""
        lo, hi = self.intervals[level]
        return coverage(lo, hi, y)

    def width(self, level: float) -> np.ndarray:
        """``(n,)`` width of the ``level`` interval, in the issue's units."""
        lo, hi = self.intervals[level]
        return np.asarray(hi - lo)

    def pit(self, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``(n,)`` randomised PIT values."""
        return pit_randomised(self.values, self.weights, y, rng)

    def log_score(self, y: np.ndarray) -> np.ndarray:
        """``(n,)`` log score over the candidate classes (NaN everywhere if the distribution has no candidates)."""
        if self.candidates is None or self.candidate_mass is None or self.between_mass is None:
            return np.full(len(self), np.nan)
        tol = self.tol if self.tol is not None else 0.0
        return log_score_candidates(self.candidates, self.candidate_mass, self.between_mass, y, tol)

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: point, quantiles 5/25/50/75/95% and the interval bounds at every level."""
        q = self.quantile([0.05, 0.25, 0.5, 0.75, 0.95])
        df = pd.DataFrame(
            {"model": self.model, "kind": self.kind, "issue": self.issues, "point": self.point}
            | {f"q{int(p * 100):02d}": q[:, j] for j, p in enumerate((0.05, 0.25, 0.5, 0.75, 0.95))}
        )
        for level, (lo, hi) in self.intervals.items():
            df[f"lo{int(level * 100)}"], df[f"hi{int(level * 100)}"] = lo, hi
        return df

    def to_dict(self) -> dict[str, Any]:
        """The per-issue summary (:meth:`to_frame`) and how the distribution was made."""
        return jsonable({"model": self.model, "kind": self.kind, "info": dict(self.info), "issues": self.to_frame()})

    def figure(self, backend: str = "matplotlib") -> Any:
        """Per issue: the 50/80/95% intervals as nested bars and the point forecast."""
        from alliance.io import mpl_figure

        n = len(self)
        fig = mpl_figure(7, 0.5 * n + 1.5)
        ax = fig.add_subplot()
        y = np.arange(n)
        for level, lw in zip(sorted(self.intervals, reverse=True), (2, 5, 8), strict=False):
            lo, hi = self.intervals[level]
            ax.hlines(y, lo, hi, lw=lw, color="#1f4e79", alpha=0.35, label=f"{int(level * 100)}%")
        ax.plot(self.point, y, "o", color="#1f4e79", label="point")
        ax.set_yticks(y, [str(s) for s in self.issues])
        ax.set_title(self.title)
        ax.legend(loc="lower right")
        return fig


def _clip(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.asarray(np.clip(x, low[:, None], high[:, None]))


def candidate_classes(
    values: np.ndarray, weights: np.ndarray, candidates: np.ndarray, tol: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The probability of each candidate's class (atoms within ``tol`` of it) and of "between", per issue.

    Candidates must be more than ``2 tol`` apart (merged ones are), so the classes do not overlap.
    """
    w = np.where(np.isnan(values), 0.0, weights)
    w = w / w.sum(axis=1, keepdims=True)
    near = np.abs(values[:, None, :] - candidates[:, :, None]) <= tol[:, None, None]  # (n, C, K)
    mass = np.where(np.isnan(candidates), np.nan, (near * w[:, None, :]).sum(axis=2))
    return mass, np.asarray(1.0 - np.nansum(mass, axis=1))


def concat(parts: Sequence[Predictive]) -> Predictive:
    """The distributions of several :class:`Predictive` of one model stacked issue-wise (atoms padded to the widest;
    candidate arrays kept only when every part has them, padded the same way)."""
    if not parts:
        raise BadInput("concat: no distributions given")

    def pad(arrays: list[np.ndarray], fill: float) -> np.ndarray:
        k = max(a.shape[1] for a in arrays)
        return np.concatenate([np.pad(a, ((0, 0), (0, k - a.shape[1])), constant_values=fill) for a in arrays])

    first = parts[0]
    with_candidates = all(p.candidates is not None and p.candidate_mass is not None for p in parts)
    return replace(
        first,
        values=pad([p.values for p in parts], np.nan),
        weights=pad([p.weights for p in parts], 0.0),
        point=np.concatenate([p.point for p in parts]),
        low=np.concatenate([p.low for p in parts]),
        high=np.concatenate([p.high for p in parts]),
        intervals={
            lv: (
                np.concatenate([p.intervals[lv][0] for p in parts]),
                np.concatenate([p.intervals[lv][1] for p in parts]),
            )
            for lv in first.intervals
        },
        issues=np.concatenate([p.issues for p in parts]),
        candidates=pad([p.candidates for p in parts], np.nan) if with_candidates else None,  # type: ignore[misc]
        candidate_mass=pad([p.candidate_mass for p in parts], np.nan) if with_candidates else None,  # type: ignore[misc]
        between_mass=np.concatenate([p.between_mass for p in parts]) if with_candidates else None,  # type: ignore[misc]
        tol=np.concatenate([p.tol for p in parts]) if with_candidates else None,  # type: ignore[misc]
    )


def conformal(
    model: str,
    point: np.ndarray,
    residuals: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    issues: Sequence[str] | np.ndarray | None = None,
    levels: Sequence[float] = LEVELS,
    residual_span: float = DEU_SPAN,
    info: Mapping[str, Any] | None = None,
) -> Predictive:
    """The split-conformal predictive distribution of a point forecaster (specification ``conformal-v1``).

    Args:
        model: the model's name.
        point: ``(n,)`` point forecasts (NaN where the model cannot forecast: the row stays NaN).
        residuals: signed calibration residuals ``y - point`` on a scale of span ``residual_span``, either one
            set ``(m,)`` for every issue or one per issue ``(n, m)`` (NaN padding allowed).
        low, high: ``(n,)`` the scales; atoms are clipped to them (the mass beyond an end sits on it).
        issues: issue names.
        levels: interval levels; each interval is ``point +- q`` with ``q`` the conformal quantile of ``|r|``,
            clipped to the scale (a quantile beyond the calibration set gives the whole scale).
        residual_span: the span of the scale the residuals were measured on (100 for DEU).
    """
    point = np.asarray(point, dtype=float).reshape(-1)
    n = len(point)
    low = np.broadcast_to(np.asarray(low, dtype=float), (n,)).copy()
    high = np.broadcast_to(np.asarray(high, dtype=float), (n,)).copy()
    r = np.asarray(residuals, dtype=float)
    r = np.broadcast_to(r[None, :], (n, r.shape[0])) if r.ndim == 1 else r
    if r.shape[0] != n:
        raise BadInput(f"conformal: {r.shape[0]} residual sets for {n} forecasts")
    scale = (high - low) / residual_span
    values, weights = conformal_atoms(point, r, low, high, residual_span)
    intervals = {}
    for level in levels:
        q = np.array([conformal_halfwidth(row[~np.isnan(row)], level) for row in r]) * scale
        lo = np.where(np.isnan(point), np.nan, np.clip(point - q, low, high))
        hi = np.where(np.isnan(point), np.nan, np.clip(point + q, low, high))
        intervals[float(level)] = (lo, hi)
    meta = {"n_residuals": int(np.sum(~np.isnan(r[0]))), "residual_span": residual_span} | dict(info or {})
    return Predictive(
        model=model,
        kind="conformal",
        values=values,
        weights=weights,
        point=point,
        low=low,
        high=high,
        intervals=intervals,
        issues=np.asarray(issues if issues is not None else np.arange(n).astype(str), dtype=object),
        info=meta,
    )


def conformal_atoms(
    point: np.ndarray, residuals: np.ndarray, low: np.ndarray, high: np.ndarray, residual_span: float = DEU_SPAN
) -> tuple[np.ndarray, np.ndarray]:
    """The atoms of :func:`conformal`: ``values`` ``point + r x span / residual_span`` clipped to the scale (NaN
    where the point or the residual is NaN) and their ``weights`` (1, 0 for NaN), shaped ``(n, m)``.

    Args:
        point: ``(n,)`` point forecasts.
        residuals: ``(m,)`` one set for every row, or ``(n, m)``.
        low, high: ``(n,)`` the scales.
        residual_span: the span of the scale the residuals were measured on.
    """
    point = np.asarray(point, dtype=float)
    r = np.asarray(residuals, dtype=float)
    r = r[None, :] if r.ndim == 1 else r
    scale = (high - low) / residual_span
    values = _clip(point[:, None] + r * scale[:, None], low, high)
    values = np.where(np.isnan(r) | np.isnan(point)[:, None], np.nan, values)
    return values, np.where(np.isnan(values), 0.0, 1.0)


def pool_atoms(
    members: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], weights: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The atoms ``(values, weights)`` of the linear pool ``sum_m w_m F_m`` (:func:`mixture`), per row.

    Args:
        members: per member ``(values, weights, point)``, shaped ``(n, K_m)``, ``(n, K_m)`` and ``(n,)``; a
            member with a NaN point drops out of that row and the other weights are renormalised.
        weights: the members' weights (non-negative, summing to 1).
    """
    w = np.asarray(weights, dtype=float)
    if np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise BadInput("mixture weights must be non-negative and sum to 1")
    ok = np.stack([~np.isnan(point) for _, _, point in members], axis=1) & (w[None, :] > 0)  # (n, M)
    wm = np.where(ok, w[None, :], 0.0)
    total = wm.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        wm = np.where(total > 0, wm / total, np.nan)
    vals, wts = [], []
    for j, (values, weights_m, _) in enumerate(members):
        mw = np.where(np.isnan(values), 0.0, weights_m)
        mw = mw / np.where(mw.sum(axis=1, keepdims=True) > 0, mw.sum(axis=1, keepdims=True), 1.0)
        vals.append(values)
        wts.append(mw * np.nan_to_num(wm[:, j : j + 1]))
    values_all = np.concatenate(vals, axis=1)
    wts_all = np.concatenate(wts, axis=1)
    values_all = np.where(wts_all > 0, values_all, np.nan)
    empty = ~(wts_all > 0).any(axis=1)
    values_all[empty, 0], wts_all[empty, 0] = np.nan, 1.0  # an issue no member forecasts stays NaN
    return values_all, wts_all


def mixture(
    members: Sequence[Predictive],
    weights: Sequence[float] | np.ndarray,
    model: str = "synthesis",
    levels: Sequence[float] = LEVELS,
    candidates: np.ndarray | None = None,
    tol: np.ndarray | None = None,
) -> Predictive:
    """The linear pool ``sum_m w_m F_m`` of members on the same issues; point = its median.

    Members that cannot forecast an issue (NaN point) drop out there and the other weights are renormalised.
    With ``candidates`` and ``tol`` the candidate classes are computed from the pooled atoms (for the log score).
    """
    w = np.asarray(weights, dtype=float)
    if len(members) != len(w) or not len(members):
        raise BadInput(f"mixture: {len(members)} members but {len(w)} weights")
    n = len(members[0])
    for m in members:
        if len(m) != n:
            raise BadInput(f"mixture: member {m.model!r} has {len(m)} issues, expected {n}")
    values, wts_all = pool_atoms([(m.values, m.weights, m.point) for m in members], w)
    point = quantiles(values, wts_all, 0.5)[:, 0]
    intervals = {float(lv): central_interval(values, wts_all, lv) for lv in levels}
    cmass = between = None
    if candidates is not None and tol is not None:
        cmass, between = candidate_classes(values, wts_all, candidates, tol)
    first = members[0]
    return Predictive(
        model=model,
        kind="synthesis",
        values=values,
        weights=wts_all,
        point=point,
        low=first.low,
        high=first.high,
        intervals=intervals,
        issues=first.issues,
        candidates=candidates,
        candidate_mass=cmass,
        between_mass=between,
        tol=tol,
        info={"members": [m.model for m in members], "weights": [float(x) for x in w]},
    )


def conformal_residuals(model: str, capability: str = "votes") -> np.ndarray:
    """The shipped signed out-of-fold residuals of ``model`` on the DEU calibration half (0-100 scale).

    Args:
        model: a registry model name.
        capability: the DEU capability setting they were computed with (``equal``, ``votes``, ``population``);
            NATO scenarios use ``votes`` (capabilities that measure power, as defence spending does).

    Raises:
        BadInput: no residuals shipped for that model or capability.
    """
    from alliance.negotiation.models.shipped import shipped_params

    data = shipped_params("conformal")
    by_cap = data["residuals"]
    if capability not in by_cap:
        raise BadInput(f"no conformal residuals for capability {capability!r}; valid: {', '.join(by_cap)}")
    if model not in by_cap[capability]:
        raise BadInput(f"no conformal residuals for model {model!r}; valid: {', '.join(by_cap[capability])}")
    return np.asarray(by_cap[capability][model], dtype=float)


def predictive(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    capability: str = "votes",
    **options: Any,
) -> Predictive:
    """The predictive distribution of ``model`` for every issue of ``scenario``: its own if it has one, else
    the split-conformal distribution around its point forecast (module docstring).

    Args:
        scenario: a :class:`Scenario`, a bundled scenario name or a file.
        model: a registered model name.
        capability: which DEU capability setting's residuals to use for the conformal baseline.
        **options: passed to the model.
    """
    from alliance.negotiation.models import get_model, model_module
    from alliance.negotiation.schema import load_scenario

    sc = load_scenario(scenario)  # a Scenario object is checked like a file (alliance.negotiation.limits)
    mod = model_module(model)
    own = getattr(mod, "predictive", None) if mod is not None else None
    if own is not None:
        result: Predictive = own(sc, **options)
        return result
    out = np.asarray(get_model(model)(sc, **options).outcome, dtype=float)
    lows = np.array([it.low for it in sc.issues])
    highs = np.array([it.high for it in sc.issues])
    return conformal(
        model,
        out,
        conformal_residuals(model, capability),
        lows,
        highs,
        issues=list(sc.issue_names),
        info={"residuals": f"DEU calibration half, out-of-fold, capability {capability}"},
    )
