"""The design space the nested cross-validation selects from: every variant of the stacked model tried on DEU.

A *design* is one forecasting recipe with its free parameters left open: an actor-weight **scheme** (which DEU
capabilities, raised to which power, times salience to which power), a **family** of blends (which features of
:mod:`alliance.negotiation.models.stacked` enter, with weights fitted by least absolute deviations under
``w >= 0, sum w = 1``, or none fitted), and a **snapping** step (window kind and size, target). The space holds
the families the first calibration tried (docs/backtest.md, "What was tried") plus the literature-grounded
additions of the second round:

* schemes: capabilities equal, square-root votes (Penrose), Council votes, population shares; salience
  exponents 0, 0.5, 1, 2 (Achen's power-function compromise ``sum c s^k x / sum c s^k``);
* families: the compromise alone; the procedural agenda-setter model alone (Steunenberg 1994; Crombez 1996;
  Thomson et al. 2006); the reference-point pull (a convex mix of the compromise and ``rp``); the six-feature
  blend of the first release (compromise, weighted median, Commission, EP, ``rp``, midpoint); the nine-feature
  blend that adds the procedural forecast, the mode of the positions and the distance-discounted compromise;
* snapping: none; to the nearest coded position within ``tau`` x the standard deviation (0.1-1), ``r`` x the
  range (0.05-0.5) or a fixed 5-30 points; to the best-supported position within ``tau`` x sd; to the mode if
  it lies within ``tau`` x sd.

Everything that does not depend on outcomes (features, windows, supports) is computed once per scheme for all
issues; the only fitted parameters are the blend weights, refitted on whatever rows the caller allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.backtest.deu import deu_batch, model_batch, rule_thresholds
from alliance.negotiation.scenario import Scenario

__all__ = ["FAMILIES", "SCHEMES", "SNAPS", "DesignSpace", "design_space", "fit_lad_dual"]

#: Actor-weight schemes: name -> (DEU capability set to load, capability exponent, salience exponent).
SCHEMES: dict[str, tuple[str, float, float]] = {
    f"{cap}/s^{k:g}": (load, a, k)
    for cap, load, a in (("equal", "votes", 0.0), ("sqrt-votes", "votes", 0.5), ("votes", "votes", 1.0),
                         ("population", "population", 1.0))
    for k in (0.0, 0.5, 1.0, 2.0)
}  # fmt: skip

#: Blend families: name -> (feature columns of FEATURES, how the weights are obtained).
FAMILIES: dict[str, tuple[tuple[int, ...], str]] = {
    "compromise": ((0,), "fixed"),
    "procedural": ((6,), "fixed"),
    "rp-pull": ((0, 4), "lad"),
    "blend6": ((0, 1, 2, 3, 4, 5), "lad"),
    "blend9": ((0, 1, 2, 3, 4, 5, 6, 7, 8), "lad"),
}

_SD = tuple(float(t) for t in np.round(np.arange(0.10, 1.0001, 0.05), 2))
#: Snapping options: (target, window kind, size); ("none", "", 0) leaves the blend as it is.
SNAPS: tuple[tuple[str, str, float], ...] = (
    ("none", "", 0.0),
    *(("nearest", "sd", t) for t in _SD),
    *(("nearest", "range", float(r)) for r in np.round(np.arange(0.05, 0.5001, 0.05), 2)),
    *(("nearest", "absolute", float(a)) for a in (5, 10, 15, 20, 25, 30)),
    *(("support", "sd", t) for t in _SD),
    *(("mode", "sd", t) for t in _SD),
)


def fit_lad_dual(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Convex least-absolute-deviation weights (``w >= 0, sum w = 1``) from the dual linear programme.

    The primal ``min sum |y - x w|`` (Charnes, Cooper & Ferguson 1955) has the dual
    ``max y'u + t  s.t.  x'u + t <= 0, -1 <= u <= 1``; its ``p`` constraint multipliers are the weights. The dual
    has ``n + 1`` variables and ``p`` constraints, so it solves faster than the primal with ``2n`` slacks.
    """
    from scipy.optimize import linprog

    n, p = x.shape
    if p == 1:
        return np.ones(1)
    a_ub = np.c_[x.T, np.ones(p)]
    res = linprog(
        -np.r_[y, 1.0], A_ub=a_ub, b_ub=np.zeros(p), bounds=[(-1.0, 1.0)] * n + [(None, None)], method="highs"
    )
    if not res.success:  # pragma: no cover - the dual is always feasible and bounded
        raise RuntimeError(f"LAD fit failed: {res.message}")
    w = np.clip(-np.asarray(res.ineqlin.marginals, dtype=float), 0.0, None)
    return np.asarray(w / w.sum()) if w.sum() > 0 else np.full(p, 1.0 / p)


def _fit_pull(a: np.ndarray, b: np.ndarray, y: np.ndarray) -> float:
    """``w`` in [0, 1] minimising ``sum |y - (1 - w) a - w b|``: a weighted median of ``(y - a) / (b - a)``."""
    g = b - a
    ok = np.abs(g) > 1e-12
    if not ok.any():
        return 0.0
    r = (y[ok] - a[ok]) / g[ok]
    wt = np.abs(g[ok])
    order = np.argsort(r, kind="stable")
    cum = np.cumsum(wt[order])
    return float(np.clip(r[order][np.searchsorted(cum, 0.5 * cum[-1])], 0.0, 1.0))


@dataclass(frozen=True)
class DesignSpace:
    """Precomputed, outcome-free inputs of every design on the scored issues of one DEU file.

    Attributes:
        schemes: scheme names (rows of the arrays below).
        features: ``(S, n, 9)`` feature forecasts per scheme.
        positions: ``(n, 30)`` coded positions (NaN where not coded).
        support: ``(S, n, 30)`` total actor weight at each actor's position, per scheme.
        windows: ``(n, len(SNAPS))`` snapping half-widths in points (``-inf`` for "none").
        outcome, proposal, procedure, voting_rule: ``(n,)``.
    """

    schemes: tuple[str, ...]
    features: np.ndarray
    positions: np.ndarray
    support: np.ndarray
    windows: np.ndarray
    outcome: np.ndarray
    proposal: np.ndarray
    procedure: np.ndarray
    voting_rule: np.ndarray

    @property
    def n_candidates(self) -> int:
        return len(self.schemes) * len(FAMILIES) * len(SNAPS)

    def table(self) -> list[dict[str, Any]]:
        """:meth:`describe` of every single design, in flat index order."""
        return [self.describe(i) for i in range(self.n_candidates)]

    def ensembles(self) -> dict[str, np.ndarray]:
        """Median ensembles: name -> boolean mask over the single designs whose forecasts' median is the forecast.

        The groups are fixed in advance (not chosen on outcomes): every design; each family, snapping target,
        capability, salience exponent and scheme; each family x snapping target. The median of many snapped
        forecasts tends to land on a coded position that many designs agree on (a vote among the designs).
        """
        t = self.table()
        cols = {key: np.array([d[key] for d in t]) for key in ("family", "snap_target", "capability", "scheme")}
        cols["salience"] = np.array([d["salience_exponent"] for d in t])
        out: dict[str, np.ndarray] = {"median of all": np.ones(len(t), dtype=bool)}
        for key in ("family", "snap_target", "capability", "salience", "scheme"):
            for v in dict.fromkeys(cols[key].tolist()):
                out[f"median of {key}={v}"] = cols[key] == v
        for fam in FAMILIES:
            for tgt in dict.fromkeys(cols["snap_target"].tolist()):
                out[f"median of family={fam}, snap_target={tgt}"] = (cols["family"] == fam) & (
                    cols["snap_target"] == tgt
                )
        return out

    def describe(self, index: int) -> dict[str, Any]:
        """The design of a flat candidate index: scheme, family, snapping."""
        s, f, o = np.unravel_index(index, (len(self.schemes), len(FAMILIES), len(SNAPS)))
        load, a, k = SCHEMES[self.schemes[int(s)]]
        target, kind, size = SNAPS[int(o)]
        return {
            "scheme": self.schemes[int(s)],
            "capability": "equal" if a == 0 else load,
            "capability_exponent": a,
            "salience_exponent": k,
            "family": list(FAMILIES)[int(f)],
            "snap_target": target,
            "snap_kind": kind,
            "snap": size,
        }

    def fit(self, rows: np.ndarray) -> np.ndarray:
        """``(S, F, 9)`` weights of every scheme and family fitted on ``rows`` (fixed families are not fitted)."""
        y = self.outcome[rows]
        out = np.zeros((len(self.schemes), len(FAMILIES), self.features.shape[2]))
        for si in range(len(self.schemes)):
            x = self.features[si, rows]
            for fi, (cols, how) in enumerate(FAMILIES.values()):
                if how == "fixed":
                    out[si, fi, cols[0]] = 1.0
                elif len(cols) == 2:
                    w = _fit_pull(x[:, cols[0]], x[:, cols[1]], y)
                    out[si, fi, list(cols)] = (1.0 - w, w)
                else:
                    out[si, fi, list(cols)] = fit_lad_dual(x[:, list(cols)], y)
        return out

    def predict_all(self, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``(S, F, len(SNAPS), len(rows))`` forecasts of every candidate on ``rows`` with fitted ``weights``."""
        from alliance.negotiation.models.stacked import snap_within

        targets = np.array([t for t, _, _ in SNAPS])
        pos = self.positions[rows][None, None, :, :, None]  # (1, 1, n, A, 1)
        win = self.windows[rows].T  # (O, n)
        out = np.empty((len(self.schemes), len(FAMILIES), len(SNAPS), len(rows)))
        for si in range(len(self.schemes)):
            feats = self.features[si, rows]  # (n, 9)
            blend = np.einsum("nk,fk->fn", feats, weights[si])  # (F, n)
            b = np.broadcast_to(blend[:, None, :], (blend.shape[0], len(SNAPS), len(rows)))
            out[si] = b
            sup = self.support[si, rows][None, None, :, :, None]
            mode = feats[:, 7][None, None, :, None]
            for target in ("nearest", "support", "mode"):
                sel = (targets == target) | ((targets == "none") & (target == "nearest"))
                w_sel = np.where(np.isfinite(win[sel]), win[sel], -1.0)[None, :, :, None]
                res = snap_within(
                    b[:, sel, :, None], pos, w_sel, target, support=sup if target == "support" else None, mode=mode
                )
                out[si, :, sel] = np.moveaxis(res[..., 0], 1, 0)
        return out

    def predict(self, index: int, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Forecasts of candidate ``index`` on ``rows`` (weights as from :meth:`fit`)."""
        s, f, o = np.unravel_index(index, (len(self.schemes), len(FAMILIES), len(SNAPS)))
        return self.predict_all(weights, rows)[s, f, o]


def design_space(
    capability_sets: Mapping[str, Sequence[Scenario]], schemes: Sequence[str] | None = None
) -> DesignSpace:
    """Precompute the design space on the scored issues (outcome known, at least one coded actor).

    Args:
        capability_sets: the same DEU file loaded under each capability scheme the schemes need
            (``{"votes": load_deu(capability="votes"), "population": ...}``); schemes whose set is missing are
            skipped (the ``equal`` schemes use any set, preferring ``votes``).
        schemes: restrict to these scheme names (default all of :data:`SCHEMES` that can be built).
    """
    from alliance.negotiation.models.stacked import _support, power_weights, snap_window, stacked_features

    if not capability_sets:
        raise BadInput("the design space needs at least one loaded DEU file")
    sets = dict(capability_sets)
    any_key = "votes" if "votes" in sets else next(iter(sets))
    names = [s for s in (schemes or SCHEMES) if SCHEMES[s][0] in sets or SCHEMES[s][1] == 0]
    if schemes is not None and (bad := [s for s in schemes if s not in SCHEMES]):
        raise BadInput(f"unknown design scheme(s) {bad}; valid: {', '.join(SCHEMES)}")
    if not names:
        raise BadInput(f"no design scheme can be built from capability sets {sorted(sets)}")
    ref = deu_batch(sets[any_key])
    ok = ref.mask.any(axis=1) & ~np.isnan(ref.outcome)
    feats, sups = [], []
    for name in names:
        load, a, k = SCHEMES[name]
        sc = sets[load] if load in sets else sets[any_key]
        b = deu_batch(sc)
        if not np.array_equal(b.issue, ref.issue):
            raise BadInput("the capability sets of the design space must hold the same issues in the same order")
        mb, colegis = model_batch(b)
        share, by_cap = rule_thresholds(sc)
        feats.append(stacked_features(mb, colegis, share, a, k, by_cap)[ok, 0, :])
        sups.append(_support(mb.positions, power_weights(mb, a, k))[ok, :, 0])
    pos3 = ref.positions[ok][:, :, None]
    win = np.empty((int(ok.sum()), len(SNAPS)))
    for j, (target, kind, size) in enumerate(SNAPS):
        win[:, j] = -np.inf if target == "none" else snap_window(pos3, size, kind)[:, 0]
    return DesignSpace(
        schemes=tuple(names),
        features=np.stack(feats),
        positions=ref.positions[ok],
        support=np.stack(sups),
        windows=win,
        outcome=ref.outcome[ok],
        proposal=ref.proposal[ok],
        procedure=ref.procedure[ok],
        voting_rule=ref.voting_rule[ok],
    )
