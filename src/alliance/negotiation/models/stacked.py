"""The stacked procedural compromise: a convex combination of simple forecasts, weights fitted on DEU outcomes.

Each issue's forecast is ``sum_k w_k f_k`` over nine features that exist for any scenario (actor weights
``c^a s^k``: capability to the power ``capability_exponent``, salience to the power ``salience_exponent``;
``a = k = 1`` is Achen's capability x salience, ``k != 1`` his "power function" compromise):

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
``procedural``
    the agenda-setter model (:mod:`alliance.negotiation.models.procedural`): the chair's best proposal that the
    decisive voters (the QMV pivot, or every veto player under unanimity) and a vetoing co-legislator prefer to
    the reversion point (Steunenberg 1994; Crombez 1996; Tsebelis & Garrett 2000).
``mode``
    the position held by the largest total weight of actors (ties: nearest the compromise, then the lower).
``position_weighted``
    a compromise whose weights are divided by the distance to the compromise (plus 5% of the scale): the
    outlying actors count less (one Weiszfeld step from the mean towards the weighted median).

A feature that a scenario lacks (no chair, no co-legislator, no reversion point, or the actor not involved in the
issue) falls back to the compromise, so its weight flows to the compromise: on a NATO scenario with no
co-legislator the model is ``(w_compromise + w_co_legislator) x compromise + w_setter x chair + ...``.

**Snapping.** DEU experts code positions as the discrete alternatives on the table, and the adopted outcome
is usually one of them (69% of the calibration issues end exactly at some coded actor's position). So the blend
may then move to a coded position within a window: ``snap`` x the standard deviation of the positions
(``snap_kind="sd"``), x their range (``"range"``), or ``snap`` points (``"absolute"``). The target is the nearest
position (``snap_target="nearest"``), the best-supported position in the window (``"support"``: the largest total
actor weight), or the mode feature if it is in the window (``"mode"``). ``snap = 0`` switches snapping off.

**Shipped parameters** (``params/stacked.json``, unchanged since the first release): the weights of the
compromise, the Commission and the Parliament fitted by least absolute deviations under ``w >= 0, sum w = 1``
(a linear programme) on the DEU III calibration half with ``capability="votes"``, and snapping to the nearest
position within 0.55 x sd; nothing is refitted at forecast time. That *design* was picked among about 25
variants on the same issues: its plain cross-validated MAE is 21.42, but with the design search inside the loop
(``alliance negotiate backtest deu-calibration --cv 5 --nested --pool singles``) the procedure scores 24.13, no better
than the compromise model. The model kept its place in the registry; the successor chosen honestly is the
``ensemble`` model (:mod:`alliance.negotiation.models.ensemble`), the median of many of these designs. The
options added for the design space (features 7-9, exponents, snap kinds and targets) default to the first
release's behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, co_legislator_mask, in_chunks
from alliance.negotiation.models.shipped import shipped_params
from alliance.negotiation.scenario import Scenario

__all__ = [
    "FEATURES",
    "NearestSnap",
    "SNAP_KINDS",
    "SNAP_TARGETS",
    "load_params",
    "mode_position",
    "power_weights",
    "snap_to_positions",
    "solve",
    "solve_batch",
    "stacked_features",
    "stacked_kernel",
    "weighted_median",
]

#: Feature names, in the order of the weight vector.
FEATURES: tuple[str, ...] = (
    "compromise",
    "weighted_median",
    "agenda_setter",
    "co_legislator",
    "reversion",
    "midpoint",
    "procedural",
    "mode",
    "position_weighted",
)
#: Windows of the snapping step, and what it snaps to (module docstring).
SNAP_KINDS: tuple[str, ...] = ("sd", "range", "absolute")
SNAP_TARGETS: tuple[str, ...] = ("nearest", "support", "mode")


def load_params() -> dict[str, Any]:
    """The shipped parameters: ``weights`` (feature -> weight), ``fitted_on``, ``date_fitted``, ``cv`` figures."""
    return shipped_params("stacked")


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
    if w.shape == (6,):  # the six features of the first release: the new ones get weight 0
        w = np.r_[w, np.zeros(len(FEATURES) - 6)]
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


def power_weights(batch: Batch, capability_exponent: float = 1.0, salience_exponent: float = 1.0) -> np.ndarray:
    """``(R, A, I)`` actor weights ``c^a s^k`` (zero where not involved; equal weights if all are zero).

    ``a = k = 1`` is Achen's capability x salience; other exponents give his "power function" family
    (Achen 2006, in Thomson et al., *The European Union Decides*, ch. 4); ``a = 0.5`` is Penrose's square root.
    """
    mask = batch.mask
    cap = np.power(np.clip(np.nan_to_num(batch.capability), 0.0, None), capability_exponent)[:, :, None]
    sal = np.power(np.clip(np.nan_to_num(batch.salience), 0.0, None), salience_exponent)
    w = np.where(mask, cap * sal, 0.0)
    empty = w.sum(axis=1, keepdims=True) <= 0
    return np.where(empty & mask, 1.0, w)


def _support(positions: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``(..., A, I)`` total weight of the actors standing where each actor stands (0 if not involved).

    Positions within 1e-9 of their sorted neighbour count as one place (coded positions are exact values). Found
    by sorting each issue's positions and summing the weight of each run of equal ones, ``O(A log A)`` instead
    of comparing every pair.
    """
    pt = np.moveaxis(positions, -2, -1)  # (..., I, A)
    wt = np.moveaxis(np.where(np.isnan(positions), 0.0, np.nan_to_num(w)), -2, -1)
    lead, n_act = pt.shape[:-1], pt.shape[-1]
    x = pt.reshape(-1, n_act)
    order = np.argsort(x, axis=1, kind="stable")  # NaN (not involved) last
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(wt.reshape(-1, n_act), order, axis=1)
    with np.errstate(invalid="ignore"):
        new_place = np.ones(xs.shape, dtype=bool)
        new_place[:, 1:] = ~(np.abs(np.diff(xs, axis=1)) < 1e-9)
    place = np.cumsum(new_place, axis=1) - 1 + n_act * np.arange(xs.shape[0])[:, None]  # a global id per place
    totals = np.bincount(place.ravel(), weights=ws.ravel(), minlength=xs.size)
    sup_sorted = totals[place]
    sup = np.empty_like(sup_sorted)
    np.put_along_axis(sup, order, sup_sorted, axis=1)
    sup = np.moveaxis(sup.reshape(*lead, n_act), -1, -2)
    return np.where(np.isnan(positions), 0.0, sup)


def mode_position(positions: np.ndarray, w: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """``(R, I)`` the position with the largest total weight; ties go to the one nearest ``centre``, then the lower.

    Args:
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        w: ``(R, A, I)`` non-negative weights.
        centre: ``(R, I)`` tie-breaker (the compromise).
    """
    sup = _support(positions, w)
    best = sup.max(axis=-2, keepdims=True)
    top = ~np.isnan(positions) & (sup >= best - 1e-12 * np.maximum(best, 1.0)) & (best > 0)
    dist = np.where(top, np.abs(positions - centre[..., None, :]), np.inf)
    near = top & (dist <= dist.min(axis=-2, keepdims=True) + 1e-9)
    out = np.where(near, positions, np.inf).min(axis=-2)
    return np.where(np.isfinite(out), out, np.nan)


def stacked_features(
    batch: Batch,
    co_legislator: np.ndarray | None = None,
    threshold: np.ndarray | float = 1.0,
    capability_exponent: float = 1.0,
    salience_exponent: float = 1.0,
    by_capability: bool = True,
) -> np.ndarray:
    """``(R, I, 9)`` feature forecasts in :data:`FEATURES` order, missing ones replaced by the compromise.

    Args:
        batch: the runs (``batch.chair`` marks the agenda setter, ``batch.veto`` the voters).
        co_legislator: ``(R, A)`` bool marking the co-legislator, or None for none.
        threshold: ``(R,)`` or scalar share of the voters' weight the procedural feature's proposal needs.
        capability_exponent, salience_exponent: the actor weights ``c^a s^k`` (:func:`power_weights`).
        by_capability: the procedural feature weighs voters by capability (else counts them).
    """
    from alliance.negotiation.models.compromise import compromise_kernel
    from alliance.negotiation.models.procedural import procedural_kernel

    w = power_weights(batch, capability_exponent, salience_exponent)
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
    proc = procedural_kernel(batch, threshold, co_legislator, by_capability=by_capability)
    mode = mode_position(batch.positions, w, comp)
    # Distance-discounted weights: one Weiszfeld step from the weighted mean (h = 5% of the scale).
    h = 0.05 * np.broadcast_to(batch.high - batch.low, comp.shape)
    pw = w / (np.abs(np.nan_to_num(batch.positions) - np.nan_to_num(comp)[:, None, :]) + h[:, None, :])
    posw = compromise_kernel(batch.positions, pw)
    feats = np.stack([comp, wmed, setter, colegis, rev, mid, proc, mode, posw], axis=-1)
    feats = np.where(np.isnan(feats), comp[..., None], feats)
    return feats


def stacked_kernel(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(R, I)`` blended forecasts from ``(R, I, F)`` features and a weight vector (NaN where the compromise is)."""
    return np.asarray(features @ weights)


def _nanstd(positions: np.ndarray, axis: int) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanstd(positions, axis=axis))


def snap_window(positions: np.ndarray, snap: float, kind: str = "sd") -> np.ndarray:
    """``(..., I)`` half-width of the snapping window in points: ``snap`` x the standard deviation or the range of
    the involved positions (axis -2), or ``snap`` points (``kind="absolute"``)."""
    if kind == "sd":
        return snap * _nanstd(positions, axis=-2)
    if kind == "range":
        with np.errstate(invalid="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return snap * (np.nanmax(positions, axis=-2) - np.nanmin(positions, axis=-2))
    if kind == "absolute":
        return np.full(positions.shape[:-2] + positions.shape[-1:], float(snap))
    raise BadInput(f"stacked snap_kind {kind!r}; valid: {', '.join(SNAP_KINDS)}")


#: Tolerance at the window's edge (points), so rounding in the blend never decides whether a forecast snaps.
_EDGE = 1e-7


def snap_within(
    blend: np.ndarray,
    positions: np.ndarray,
    window: np.ndarray,
    target: str = "nearest",
    support: np.ndarray | None = None,
    mode: np.ndarray | None = None,
) -> np.ndarray:
    """Move each forecast to a coded position within ``window`` points of it (module docstring, "Snapping").

    Shapes broadcast: ``blend`` and ``window`` ``(..., I)``, ``positions`` and ``support`` ``(..., A, I)``. Ties
    go to the nearer, then the lower position, so actor order never matters.

    Args:
        target: ``nearest``; ``support`` (the largest ``support`` in the window); ``mode`` (``mode`` if within).
    """
    if target == "mode":
        if mode is None:
            raise BadInput("snap_target 'mode' needs the mode positions")
        ok = np.abs(mode - blend) <= window + _EDGE
        return np.where(ok & ~np.isnan(mode), mode, blend)
    mask = ~np.isnan(positions)
    dist = np.where(mask, np.abs(positions - blend[..., None, :]), np.inf)
    inside = dist <= window[..., None, :] + _EDGE
    if target == "support":
        if support is None:
            raise BadInput("snap_target 'support' needs the actors' support")
        sup = np.where(inside, support, -np.inf)
        inside = inside & (sup >= sup.max(axis=-2, keepdims=True) - 1e-12)
    elif target != "nearest":
        raise BadInput(f"stacked snap_target {target!r}; valid: {', '.join(SNAP_TARGETS)}")
    dist = np.where(inside, dist, np.inf)
    best = dist.min(axis=-2)
    tie = inside & (dist <= best[..., None, :] + 1e-9)
    chosen = np.where(tie, positions, np.inf).min(axis=-2)
    return np.where(np.isfinite(best), chosen, blend)


class NearestSnap:
    """Snapping to the nearest position (``snap_target="nearest"``) under many windows, the search done once.

    Equal to :func:`snap_within` with ``target="nearest"`` for every window (tested): the nearest positions, the
    lowest of the ties (within 1e-9) and the farthest tie are found once; a window that cuts through the ties
    (rare) falls back to :func:`snap_within` on the whole array.
    """

    def __init__(self, blend: np.ndarray, positions: np.ndarray) -> None:
        with np.errstate(invalid="ignore"):
            dist = np.abs(positions - blend[..., None, :])
        dist = np.where(np.isnan(dist), np.inf, dist)
        self.best = dist.min(axis=-2)
        tie = dist <= self.best[..., None, :] + 1e-9
        self.tie_low = np.where(tie, positions, np.inf).min(axis=-2)
        self.tie_far = np.where(tie, dist, -np.inf).max(axis=-2)
        self.blend, self.positions = blend, positions

    def within(self, window: np.ndarray) -> np.ndarray:
        """The forecasts snapped within ``window`` points (shape of the blend, broadcast)."""
        edge = window + _EDGE
        ok = self.best <= edge
        out = np.where(ok, self.tie_low, self.blend)
        cut = ok & (self.tie_far > edge)
        if cut.any():
            out = np.where(cut, snap_within(self.blend, self.positions, window), out)
        return out


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
    return snap_within(blend, positions, snap_window(positions, tau, "sd"))


def _design(
    snap: float | None, snap_kind: str | None, snap_target: str | None, cap_exp: float | None, sal_exp: float | None
) -> dict[str, Any]:
    p = load_params()
    d: dict[str, Any] = {
        "snap": float(p.get("snap", 0.0)) if snap is None else float(snap),
        "snap_kind": str(p.get("snap_kind", "sd")) if snap_kind is None else snap_kind,
        "snap_target": str(p.get("snap_target", "nearest")) if snap_target is None else snap_target,
        "capability_exponent": float(p.get("capability_exponent", 1.0)) if cap_exp is None else float(cap_exp),
        "salience_exponent": float(p.get("salience_exponent", 1.0)) if sal_exp is None else float(sal_exp),
    }
    if not (d["snap"] >= 0 and np.isfinite(d["snap"])):
        raise BadInput(f"stacked snap {snap!r}: must be a non-negative number (0 switches snapping off)")
    if d["snap_kind"] not in SNAP_KINDS:
        raise BadInput(f"stacked snap_kind {d['snap_kind']!r}; valid: {', '.join(SNAP_KINDS)}")
    if d["snap_target"] not in SNAP_TARGETS:
        raise BadInput(f"stacked snap_target {d['snap_target']!r}; valid: {', '.join(SNAP_TARGETS)}")
    for key in ("capability_exponent", "salience_exponent"):
        if not (0 <= d[key] <= 4):
            raise BadInput(f"stacked {key} {d[key]!r}: must be between 0 and 4")
    return d


def _apply(
    batch: Batch,
    co_legislator: np.ndarray | None,
    threshold: np.ndarray | float,
    by_capability: bool,
    w: np.ndarray,
    d: Mapping[str, Any],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, blend and snapped forecast of a batch under design ``d``."""
    feats = stacked_features(
        batch, co_legislator, threshold, d["capability_exponent"], d["salience_exponent"], by_capability
    )
    blend = stacked_kernel(feats, w)
    if d["snap"] <= 0:
        return feats, blend, blend
    aw = power_weights(batch, d["capability_exponent"], d["salience_exponent"])
    window = snap_window(batch.positions, d["snap"], d["snap_kind"])
    sup = _support(batch.positions, aw) if d["snap_target"] == "support" else None
    out = snap_within(blend, batch.positions, window, d["snap_target"], support=sup, mode=feats[..., 7])
    return feats, blend, out


@in_chunks(1 << 15)
def solve_batch(
    batch: Batch,
    co_legislator: str | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    snap: float | None = None,
    snap_kind: str | None = None,
    snap_target: str | None = None,
    capability_exponent: float | None = None,
    salience_exponent: float | None = None,
) -> BatchOutcome:
    """Stacked forecasts ``(R, I)`` of a batch, with the options of :func:`solve`; the model never deadlocks.

    The procedural feature's rule is ``batch.procedure()``; the co-legislator ``co_legislator`` (an actor name)
    or ``batch.co_legislator``.
    """
    d = _design(snap, snap_kind, snap_target, capability_exponent, salience_exponent)
    threshold, by_cap = batch.procedure()
    mask = co_legislator_mask(batch, co_legislator)
    return BatchOutcome.of("stacked", _apply(batch, mask, threshold, by_cap, _weight_vector(weights), d)[2])


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
    snap_kind: str | None = None,
    snap_target: str | None = None,
    capability_exponent: float | None = None,
    salience_exponent: float | None = None,
) -> ModelOutcome:
    """Forecast each issue as the shipped convex combination of the features, then snap (module docstring).

    Args:
        scenario: the scenario; its chair (``scenario.chair`` or an actor flagged ``chair``) is the agenda setter,
            its decision rule sets the procedural feature's pivot.
        co_legislator: name of the co-legislator actor; default ``scenario.metadata["co_legislator"]`` if any.
        weights: override the shipped weights (feature -> weight, non-negative, summing to 1).
        snap, snap_kind, snap_target: override the shipped snapping step (``snap=0`` switches it off).
        capability_exponent, salience_exponent: override the shipped exponents of the actor weights.
    """
    from alliance.negotiation.models.procedural import rule_threshold

    batch = batch_from_scenario(scenario)
    mask, name = _co_legislator_mask(scenario, co_legislator)
    w = _weight_vector(weights)
    d = _design(snap, snap_kind, snap_target, capability_exponent, salience_exponent)
    share, by_cap = rule_threshold(scenario)
    feats, blend, out = _apply(batch, mask, share, by_cap, w, d)
    out = out[0]
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
        **d,
        "snapped": [bool(v) for v in (out != blend[0]) & ~np.isnan(out)],
    }
    return ModelOutcome(model="stacked", outcome=out, notes=notes, details=details)
