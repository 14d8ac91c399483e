"""The stacked procedural compromise: a convex combination of simple forecasts, weights fitted on DEU outcomes.

Each issue's forecast is ``sum_k w_k f_k`` over six features that exist for any scenario:

``compromise``
    Achen's capability x salience weighted mean of all involved actors (Achen 2006, in Thomson et al.,
    *The European Union Decides*, ch. 4).
``weighted_median``
    the capability x salience weighted median position (Black's median voter with weights).
``agenda_setter``
    the position of the actor who proposes: the scenario's chair (the Commission in DEU scenarios, the
    Secretary General in NATO ones). Procedural models give the proposer first-mover power (Steunenberg 1994;
    Tsebelis & Garrett 2000; Thomson et al. 2006, ch. 5-6).
``co_legislator``
    the position of a second institutional actor named by ``co_legislator=`` or by
    ``scenario.metadata["co_legislator"]`` (the European Parliament in DEU scenarios; none in NATO ones).
``reversion``
    the reference point (status quo).
``midpoint``
    the middle of the scale.

A feature that a scenario lacks (no chair, no co-legislator, no reversion point, or the actor not involved in the
issue) falls back to the compromise, so its weight flows to the compromise: on a NATO scenario with no
co-legislator the model is ``(w_compromise + w_co_legislator) x compromise + w_setter x chair + ...``.

**Snapping.** DEU experts code positions as the discrete alternatives on the table, and the adopted outcome
is usually one of them (69% of the calibration issues end exactly at some coded actor's position). So the blend
is then moved to the nearest involved actor's position when that position lies within ``snap`` x the standard
deviation of the positions on the issue (a scale-free window); otherwise the blend stands. Cross-validation,
not theory, chose this step: with ``capability="votes"`` it takes the nested cross-validated MAE on unseen
proposals from 22.96 (blend alone) to 21.42; with equal capabilities it helps little (23.78 -> 23.60), so treat
it as a finding on 84 proposals to be confirmed on the held-out half (docs/backtest.md).

The weights are fitted once, by least absolute deviations under ``w >= 0, sum w = 1`` (a linear programme),
on the DEU III calibration half loaded with ``capability="votes"``; the snapping window is the one with the
lowest grouped cross-validated MAE on the same data (grid 0-1 in steps of 0.05); both are shipped in ``params/stacked.json`` with
their cross-validated accuracy and the date fitted; nothing is refitted at forecast time. Reproduce the fit
and the cross-validation with ``alliance backtest deu-calibration --capability votes --cv 5``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, batch_from_scenario, safe_weights
from alliance.negotiation.scenario import Scenario

__all__ = [
    "FEATURES",
    "load_params",
    "snap_to_positions",
    "solve",
    "solve_batch",
    "stacked_features",
    "stacked_kernel",
    "weighted_median",
]

#: Feature names, in the order of the weight vector.
FEATURES: tuple[str, ...] = ("compromise", "weighted_median", "agenda_setter", "co_legislator", "reversion", "midpoint")


@cache
def _params_text() -> str:
    return (resources.files("alliance.negotiation.models") / "params" / "stacked.json").read_text(encoding="utf-8")


def load_params() -> dict[str, Any]:
    """The shipped parameters: ``weights`` (feature -> weight), ``fitted_on``, ``date_fitted``, ``cv`` figures."""
    params: dict[str, Any] = json.loads(_params_text())
    return params


def _weight_vector(weights: Mapping[str, float] | Sequence[float] | None) -> np.ndarray:
    if weights is None:
        weights = load_params()["weights"]
    if isinstance(weights, Mapping):
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise BadInput(f"unknown stacked feature(s) {sorted(unknown)}; valid: {', '.join(FEATURES)}")
        w = np.array([float(weights.get(f, 0.0)) for f in FEATURES])
    else:
        w = np.asarray(weights, dtype=float)
    if w.shape != (len(FEATURES),) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise BadInput(f"stacked weights must be {len(FEATURES)} non-negative numbers summing to 1 ({FEATURES})")
    return w


def weighted_median(positions: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median over the actor axis: the lowest position with at least half the weight at or below it.

    Args:
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        w: ``(R, A, I)`` non-negative weights.

    Returns:
        ``(R, I)``; NaN where no actor with positive weight is involved.
    """
    mask = ~np.isnan(positions)
    w = np.where(mask, w, 0.0)
    order = np.argsort(np.where(mask, positions, np.inf), axis=1, kind="stable")
    ps = np.take_along_axis(positions, order, axis=1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    total = cum[:, -1:, :]
    k = np.argmax(cum >= 0.5 * total, axis=1)  # (R, I)
    med = np.take_along_axis(ps, k[:, None, :], axis=1)[:, 0, :]
    return np.where(total[:, 0, :] > 0, med, np.nan)


def _actor_position(positions: np.ndarray, which: np.ndarray) -> np.ndarray:
    """``(R, I)`` position of the (first) flagged actor per run; NaN if none is flagged or it is not involved."""
    which = np.asarray(which, dtype=bool)
    has = np.asarray(which.any(axis=1), dtype=bool)  # (R,)
    idx = np.argmax(which, axis=1)  # (R,)
    pos = np.take_along_axis(positions, idx[:, None, None], axis=1)[:, 0, :]
    return np.where(has[:, None], pos, np.nan)


def stacked_features(batch: Batch, co_legislator: np.ndarray | None = None) -> np.ndarray:
    """``(R, I, 6)`` feature forecasts in :data:`FEATURES` order, missing ones replaced by the compromise.

    Args:
        batch: the runs (``batch.chair`` marks the agenda setter).
        co_legislator: ``(R, A)`` bool marking the co-legislator, or None for none.
    """
    from alliance.negotiation.models.compromise import compromise_kernel

    w = safe_weights(batch, "cs")
    comp = compromise_kernel(batch.positions, w)
    wmed = weighted_median(batch.positions, w)
    setter = _actor_position(batch.positions, batch.chair)
    colegis = (
        np.full_like(comp, np.nan)
        if co_legislator is None
        else _actor_position(batch.positions, np.broadcast_to(co_legislator, batch.chair.shape))
    )
    rev = np.broadcast_to(batch.reversion, comp.shape)
    mid = np.broadcast_to(0.5 * (batch.low + batch.high), comp.shape)
    feats = np.stack([comp, wmed, setter, colegis, rev, mid], axis=-1)
    feats = np.where(np.isnan(feats), comp[..., None], feats)
    return feats


def stacked_kernel(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(R, I)`` blended forecasts from ``(R, I, 6)`` features and a weight vector (NaN where the compromise is)."""
    return np.asarray(features @ weights)


def snap_to_positions(blend: np.ndarray, positions: np.ndarray, tau: float) -> np.ndarray:
    """Move each forecast to the nearest involved actor's position if it lies within ``tau`` x the spread.

    The spread is the standard deviation of the involved actors' positions on the issue, so the window is
    scale-free. Of two equally near positions the lower one is taken, so actor order never matters.

    Args:
        blend: ``(R, I)`` forecasts.
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        tau: window in units of the spread (0 switches snapping off).

    Returns:
        ``(R, I)``.
    """
    if tau <= 0:
        return blend
    mask = ~np.isnan(positions)
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            spread = np.nanstd(positions, axis=1)  # (R, I)
    dist = np.where(mask, np.abs(positions - blend[:, None, :]), np.inf)
    best = dist.min(axis=1)  # (R, I)
    tie = dist <= best[:, None, :] + 1e-9
    nearest = np.where(tie & mask, positions, np.inf).min(axis=1)
    snap = np.isfinite(best) & (best <= tau * spread)
    return np.where(snap, nearest, blend)


def _snap_param(snap: float | None) -> float:
    tau = float(load_params().get("snap", 0.0)) if snap is None else float(snap)
    if not (tau >= 0 and np.isfinite(tau)):
        raise BadInput(f"stacked snap {snap!r}: must be a non-negative number (0 switches snapping off)")
    return tau


def solve_batch(
    batch: Batch,
    co_legislator: np.ndarray | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    snap: float | None = None,
) -> np.ndarray:
    """``(R, I)`` stacked forecasts of a batch (see :func:`solve`)."""
    blend = stacked_kernel(stacked_features(batch, co_legislator), _weight_vector(weights))
    return snap_to_positions(blend, batch.positions, _snap_param(snap))


def _co_legislator_mask(scenario: Scenario, name: str | None) -> tuple[np.ndarray | None, str | None]:
    if name is None:
        meta_name = scenario.metadata.get("co_legislator") if scenario.metadata else None
        name = str(meta_name) if meta_name else None
    if name is None:
        return None, None
    names = scenario.actor_names
    if name not in names:
        return None, name
    return np.array([n == name for n in names])[None, :], name


def solve(
    scenario: Scenario,
    co_legislator: str | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    snap: float | None = None,
) -> ModelOutcome:
    """Forecast each issue as the shipped convex combination of the six features (module docstring).

    Args:
        scenario: the scenario; its chair (``scenario.chair`` or an actor flagged ``chair``) is the agenda setter.
        co_legislator: name of the co-legislator actor; default ``scenario.metadata["co_legislator"]`` if any.
        weights: override the shipped weights (feature -> weight, non-negative, summing to 1).
        snap: override the shipped snapping window (in units of the spread of positions; 0 = off).
    """
    batch = batch_from_scenario(scenario)
    mask, name = _co_legislator_mask(scenario, co_legislator)
    feats = stacked_features(batch, mask)
    w = _weight_vector(weights)
    tau = _snap_param(snap)
    blend = stacked_kernel(feats, w)
    out = snap_to_positions(blend, batch.positions, tau)[0]
    notes: dict[str, str] = {}
    raw_setter = _actor_position(batch.positions, batch.chair)[0]
    for j, issue in enumerate(scenario.issue_names):
        missing = []
        if np.isnan(raw_setter[j]):
            missing.append("agenda setter (no chair involved)")
        if mask is None:
            missing.append("co-legislator" + (f" ({name!r} is not an actor)" if name else " (none named)"))
        if np.isnan(batch.reversion[0, j]):
            missing.append("reversion point")
        if np.isnan(out[j]):
            notes[issue] = "no actor takes part in this issue"
        elif missing:
            notes[issue] = "compromise stands in for: " + ", ".join(missing)
    details = {
        "weights": dict(zip(FEATURES, w.tolist(), strict=True)),
        "features": {f: feats[0, :, k].tolist() for k, f in enumerate(FEATURES)},
        "co_legislator": name,
        "blend": blend[0].tolist(),
        "snap": tau,
        "snapped": [bool(v) for v in (out != blend[0]) & ~np.isnan(out)],
    }
    return ModelOutcome(model="stacked", outcome=out, notes=notes, details=details)
