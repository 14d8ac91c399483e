"""Cross-validation grouped by proposal, and the fit of the ``stacked`` model's weights.

Issues of one legislative proposal share actors, experts and politics, so they are not independent: a fold
split by issue would let a model learn a proposal from its sibling issues. :func:`group_kfold` therefore assigns
whole proposals to folds (a shuffled round-robin of the proposals, like scikit-learn's ``GroupKFold`` with a
seed). :func:`cross_validate` fits the stacked weights on the training folds only, forecasts the held-out fold,
and repeats over several seeds; the compromise model (no parameters) is scored on the same issues, and the paired
difference gets a cluster-bootstrap interval over proposals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance.errors import MAX_BOOTSTRAP, BadInput, excerpt, whole_number
from alliance.io import jsonable
from alliance.negotiation.backtest.deu import DEUBatch, deu_batch, model_batch
from alliance.negotiation.backtest.folds import group_kfold, paired_interval
from alliance.negotiation.scenario import Scenario
from alliance.results import Result

if TYPE_CHECKING:
    from alliance.negotiation.backtest.nested import NestedCVResult

__all__ = ["CVResult", "cross_validate", "fit_convex_lad", "fit_stacked", "select_snap"]


#: Most repetitions of the K-fold split (``seeds``; ``--cv-seeds``): each is a full cross-validation.
MAX_SEEDS = 100


def fit_convex_lad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights ``w >= 0, sum w = 1`` minimising ``sum |y - x w|`` (least absolute deviations), by linear programming.

    The LP: minimise ``sum e`` subject to ``-e <= y - x w <= e`` (Charnes, Cooper & Ferguson 1955).
    """
    from scipy.optimize import linprog

    n, p = x.shape
    cost = np.r_[np.zeros(p), np.ones(n)]
    eye = np.eye(n)
    a_ub = np.block([[x, -eye], [-x, -eye]])
    b_ub = np.r_[y, -y]
    a_eq = np.r_[np.ones(p), np.zeros(n)][None, :]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=[(0, None)] * (p + n), method="highs")
    if not res.success:  # pragma: no cover - the LP is always feasible and bounded
        raise RuntimeError(f"LAD fit failed: {res.message}")
    w = np.clip(res.x[:p], 0.0, None)
    return np.asarray(w / w.sum())


def _features(batch: DEUBatch) -> np.ndarray:
    from alliance.negotiation.models.stacked import stacked_features

    mb, colegis = model_batch(batch)
    return stacked_features(mb, colegis)[:, 0, :6]  # (issues, 6): the first release's features


def _scored(batch: DEUBatch) -> np.ndarray:
    return batch.mask.any(axis=1) & ~np.isnan(batch.outcome)


#: Grid of snapping windows (units of the spread of positions) searched by :func:`select_snap`.
SNAP_GRID: np.ndarray = np.round(np.arange(0.0, 1.0001, 0.05), 2)


def _snap(blend: np.ndarray, positions: np.ndarray, tau: float) -> np.ndarray:
    from alliance.negotiation.models.stacked import snap_to_positions

    return snap_to_positions(blend[:, None], positions[:, :, None], tau)[:, 0]


def select_snap(
    x: np.ndarray, y: np.ndarray, positions: np.ndarray, groups: np.ndarray, k: int = 5, seeds: Sequence[int] = (0,)
) -> tuple[float, np.ndarray]:
    """The snapping window with the lowest grouped-CV MAE on these issues (weights refitted in every fold).

    Returns the chosen window and the CV MAE of every window in :data:`SNAP_GRID`.
    """
    err = np.zeros(len(SNAP_GRID))
    for s in seeds:
        folds = group_kfold(groups, k, int(s))
        for f in range(k):
            train, test = folds != f, folds == f
            blend = x[test] @ fit_convex_lad(x[train], y[train])
            err += np.array([np.abs(_snap(blend, positions[test], t) - y[test]).sum() for t in SNAP_GRID])
    curve = err / (len(seeds) * len(y))
    return float(SNAP_GRID[int(np.argmin(curve))]), curve


def _fit(
    x: np.ndarray, y: np.ndarray, positions: np.ndarray, groups: np.ndarray, inner_seeds: Sequence[int]
) -> tuple[np.ndarray, float]:
    """Weights (LAD on all given issues) and the snapping window (grouped CV on the same issues)."""
    w = fit_convex_lad(x, y)
    k_inner = min(5, len(np.unique(groups.astype(str))))
    tau, _ = select_snap(x, y, positions, groups, k=k_inner, seeds=inner_seeds)
    return w, tau


def fit_stacked(scenarios: Sequence[Scenario], snap_seeds: Sequence[int] = tuple(range(10))) -> dict[str, Any]:
    """Fit the stacked model on all scored issues of ``scenarios`` (what ``params/stacked.json`` ships).

    Returns ``{"weights": {feature: w}, "snap": tau, "snap_curve": {tau: cv_mae}}``; the window is chosen by
    5-fold grouped CV repeated over ``snap_seeds``.
    """
    from alliance.negotiation.models.stacked import FEATURES

    features6 = FEATURES[:6]  # the first release's six features

    b = deu_batch(scenarios)
    ok = _scored(b)
    x, y, pos, groups = _features(b)[ok], b.outcome[ok], b.positions[ok], b.proposal[ok]
    w = fit_convex_lad(x, y)
    tau, curve = select_snap(x, y, pos, groups, k=5, seeds=snap_seeds)
    return {
        "weights": {f: round(float(v), 4) for f, v in zip(features6, w, strict=True)},
        "snap": tau,
        "snap_curve": {f"{t:.2f}": round(float(c), 3) for t, c in zip(SNAP_GRID, curve, strict=True)},
    }


@dataclass(frozen=True)
class CVResult(Result):
    """Cross-validated accuracy of the stacked model against the compromise model on the same folds.

    Attributes:
        per_seed: one row per seed: ``seed, mae_stacked, mae_compromise, difference``.
        summary: the headline figures (means over seeds, the paired interval, n, folds, seeds).
        fold_weights: the weights fitted in every training fold (seed, fold, one column per feature).
    """

    per_seed: pd.DataFrame
    summary: dict[str, Any]
    fold_weights: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per seed (see :attr:`per_seed`)."""
        return self.per_seed.copy()

    @property
    def title(self) -> str:
        return f"Cross-validation of the stacked model, {self.summary['folds']} folds by proposal"

    @property
    def meta(self) -> dict[str, Any]:
        """Folds, seeds, capability and the bootstrap that the figures rest on."""
        keys = ("n", "proposals", "folds", "seeds", "inner_seeds", "capability", "bootstrap", "bootstrap_seed")
        return {k: self.summary[k] for k in keys} | {"unit": "mean absolute error, 0-100 scale"}

    def summary_frame(self) -> pd.DataFrame:
        """The headline as a table: one row per figure (``figure, value``), MAEs and the paired difference."""
        sm = self.summary
        lo, hi = sm["difference_ci95"]
        sd = sm["mae_stacked_cv_sd_over_seeds"]
        rows = [
            ("MAE stacked (CV)", f"{sm['mae_stacked_cv']:.3f} (sd over seeds {sd:.3f})"),
            ("MAE blend only (CV)", f"{sm['mae_blend_only_cv']:.3f}"),
            ("MAE compromise", f"{sm['mae_compromise']:.3f}"),
            ("difference [95% CI]", f"{sm['difference']:+.3f} [{lo:+.3f}, {hi:+.3f}]"),
            ("reduction %", f"{sm['relative_reduction_pct']:.2f}"),
            ("issues / proposals", f"{sm['n']} / {sm['proposals']}"),
        ]
        return pd.DataFrame(rows, columns=["figure", "value"])

    def to_dict(self) -> dict[str, Any]:
        """The summary, the per-seed rows and the weights fitted in every fold."""
        return jsonable({"summary": self.summary, "per_seed": self.per_seed, "fold_weights": self.fold_weights})


def cross_validate(
    scenarios: Sequence[Scenario],
    k: int = 5,
    seeds: Sequence[int] = tuple(range(10)),
    bootstrap: int = 2000,
    seed: int = 20261127,
    inner_seeds: Sequence[int] = (100, 101),
    nested: bool = False,
    pool: str = "ensembles",
    capability_sets: Mapping[str, Sequence[Scenario]] | None = None,
    design: str | None = None,
) -> CVResult | NestedCVResult:
    """K-fold cross-validation grouped by proposal, repeated over ``seeds``; no fit sees its test fold.

    With ``nested=True`` the *design* is selected inside the loop too (:func:`~alliance.negotiation.backtest.nested.nested_cv`): an
    inner grouped CV on each outer training set picks among the candidates of ``pool`` (``singles``: every
    design of :mod:`alliance.negotiation.backtest.designs`; ``ensembles``: median ensembles of fixed groups of designs;
    ``both``) and fits them; the result is a :class:`~alliance.negotiation.backtest.nested.NestedCVResult`. The design space
    needs the file loaded with ``capability="votes"`` (``scenarios`` or ``capability_sets["votes"]``); the
    population schemes are used when ``capability_sets["population"]`` is given. ``design`` (with ``nested=True``)
    skips the selection and cross-validates that one candidate of the design space (plain CV of a fixed design).

    Without it (the first release's figure), the design is fixed (the six-feature blend plus snapping to the
    nearest position within ``tau`` x sd) and only its parameters are fitted inside the folds:

    For each seed and outer fold, on the training folds only: fit the blend weights (:func:`fit_convex_lad`) and
    choose the snapping window by an inner grouped CV (``inner_seeds``); then forecast the held-out proposals.
    The blend without snapping and the compromise model (capability x salience mean, no parameters) are scored
    on the same issues. The paired difference (stacked - compromise) of the per-issue absolute errors, averaged
    over seeds, gets a 95% cluster-bootstrap interval resampling proposals.
    """
    from alliance.negotiation.models.stacked import FEATURES

    if isinstance(seeds, str) or not isinstance(seeds, Sequence) or not seeds:
        raise BadInput(
            f"seeds {excerpt(seeds)}: cross-validation needs at least one seed (a list of whole numbers >= 0)"
        )
    if len(seeds) > MAX_SEEDS:
        raise BadInput(f"seeds: {len(seeds):,} repetitions; the limit is {MAX_SEEDS} (10 is the default)")
    for s in seeds:
        whole_number("seed in seeds", s, 0)
    whole_number("k", k, 2)
    whole_number("bootstrap", bootstrap, 0, MAX_BOOTSTRAP)
    whole_number("seed", seed, 0)
    if nested:
        from alliance.negotiation.backtest.nested import nested_cv

        return nested_cv(
            scenarios,
            k=k,
            seeds=seeds,
            pool=pool,
            design=design,
            capability_sets=capability_sets,
            inner_seeds=inner_seeds,
            bootstrap=bootstrap,
            seed=seed,
        )
    b = deu_batch(scenarios)
    ok = _scored(b)
    x = _features(b)[ok]
    y = b.outcome[ok]
    pos = b.positions[ok]
    groups = b.proposal[ok]
    comp_err = np.abs(x[:, 0] - y)
    rows, wrows = [], []
    err_sum = np.zeros(len(y))
    for s in seeds:
        folds = group_kfold(groups, k, int(s))
        pred = np.empty(len(y))
        blend = np.empty(len(y))
        for f in range(k):
            train, test = folds != f, folds == f
            w, tau = _fit(x[train], y[train], pos[train], groups[train], inner_seeds)
            blend[test] = x[test] @ w
            pred[test] = _snap(blend[test], pos[test], tau)
            wrows.append(
                {"seed": int(s), "fold": f, **dict(zip(FEATURES[:6], w.round(4).tolist(), strict=True)), "snap": tau}
            )
        err = np.abs(pred - y)
        err_sum += err
        rows.append(
            {
                "seed": int(s),
                "mae_stacked": float(err.mean()),
                "mae_blend_only": float(np.abs(blend - y).mean()),
                "mae_compromise": float(comp_err.mean()),
                "difference": float(err.mean() - comp_err.mean()),
            }
        )
    per_seed = pd.DataFrame(rows)
    diff = err_sum / len(seeds) - comp_err
    mae_s = float(per_seed["mae_stacked"].mean())
    mae_c = float(comp_err.mean())
    sd = float(per_seed["mae_stacked"].std(ddof=1)) if len(seeds) > 1 else 0.0
    summary = {
        "n": int(len(y)),
        "proposals": int(len(np.unique(groups.astype(str)))),
        "folds": k,
        "seeds": [int(s) for s in seeds],
        "inner_seeds": [int(s) for s in inner_seeds],
        "capability": str(scenarios[0].metadata.get("capability", "")) if scenarios else "",
        "mae_stacked_cv": round(mae_s, 3),
        "mae_stacked_cv_sd_over_seeds": round(sd, 3),
        "mae_blend_only_cv": round(float(per_seed["mae_blend_only"].mean()), 3),
        "mae_compromise": round(mae_c, 3),
        "difference": round(mae_s - mae_c, 3),
        "difference_ci95": paired_interval(diff, groups, bootstrap, seed),
        "relative_reduction_pct": round(100.0 * (mae_c - mae_s) / mae_c, 2),
        "bootstrap": bootstrap,
        "bootstrap_seed": seed,
        "date": date.today().isoformat(),
    }
    return CVResult(per_seed=per_seed, summary=summary, fold_weights=pd.DataFrame(wrows))
