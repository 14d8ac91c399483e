"""Cross-validation of predictive distributions on DEU: conformal baselines, the choice model, the synthesis.

The protocol of specifications ``conformal-v1``, ``choice-v1`` and ``synthesis-v1`` (``backtest/specs``),
fixed before any of them was scored:

* outer K-fold CV grouped by proposal, repeated over seeds; the held-out proposals are only scored;
* in each outer training set an inner 5-fold CV grouped by proposal (seed 100) gives every model's out-of-fold
  forecasts (fitted models refitted, :mod:`.oof`); their residuals are the conformal calibration set for the
  held-out proposals, and the inner out-of-fold distributions (cross-conformal, and the choice model's own)
  choose the synthesis weights (:func:`~.stacking.stack_weights`);
* every model is then refitted on the whole outer training set and forecasts the held-out proposals: its
  conformal distribution; the choice model's own distribution too; the synthesis pools the members' with the
  weights chosen inside.

Per issue the scores (absolute error, CRPS, coverage and width of the 50/80/95% intervals, randomised PIT, log
score over the candidate classes) are averaged over seeds; figures are means over issues with 95% cluster-
bootstrap intervals over proposals, and paired differences against the compromise's conformal distribution.
:func:`ship` runs the same inner procedure on every issue: what ``params/`` holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from alliance.errors import BadInput
from alliance.io import jsonable
from alliance.negotiation.backtest.folds import group_kfold, paired_interval
from alliance.negotiation.backtest.oof import DEUCase, fit_points, oof_points
from alliance.negotiation.backtest.scoring_rules import LEVELS, pit_histogram
from alliance.negotiation.backtest.stacking import stack_weights
from alliance.negotiation.prediction import Predictive, concat, conformal, mixture
from alliance.results import Result, frame_table, meta_text

__all__ = [
    "MEMBERS",
    "DistributionCV",
    "distribution_cv",
    "readable_scores",
    "score_predictives",
    "ship",
    "summary_rows",
]

#: The synthesis members (specification synthesis-v1).
MEMBERS: tuple[str, ...] = ("compromise", "median", "eum", "stacked", "ensemble", "choice")
_INNER_K, _INNER_SEED = 5, 100
_REFERENCE = "compromise"


def _residual_matrix(r: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """``(n, n)`` per row the residuals of the rows in the other inner folds (NaN padding): cross-conformal."""
    other = folds[None, :] != folds[:, None]
    return np.where(other & ~np.isnan(r)[None, :], r[None, :], np.nan)


def _choice_rows(case: DEUCase, rows: np.ndarray, folds: np.ndarray, params: Sequence[Any]) -> Predictive:
    """The choice model's own distribution on ``rows``, each inner fold's rows from that fold's fit."""
    from alliance.negotiation.models.choice import predictive_from_data

    parts = [(np.flatnonzero(folds == f), p) for f, p in enumerate(params)]
    stacked = concat([predictive_from_data(case.choice.take(rows[sel]), p) for sel, p in parts])
    order = np.concatenate([sel for sel, _ in parts])
    return stacked.take(np.argsort(order, kind="stable"))


@dataclass
class _Inner:
    """Out-of-fold forecasts of every model on an outer training set."""

    rows: np.ndarray
    folds: np.ndarray
    points: dict[str, np.ndarray]
    choice_params: list[Any]

    def residuals(self, model: str, y: np.ndarray) -> np.ndarray:
        return np.asarray(y[self.rows] - self.points[model])


def _inner(case: DEUCase, rows: np.ndarray, models: Sequence[str]) -> _Inner:
    points: dict[str, np.ndarray] = {}
    folds = np.zeros(len(rows), dtype=int)
    choice_params: list[Any] = []
    for m in models:
        p, folds, params = oof_points(case, m, rows, _INNER_K, _INNER_SEED)
        points[m] = p
        if m == "choice":
            choice_params = params
    return _Inner(rows, folds, points, choice_params)


def _synthesis_weights(case: DEUCase, inner: _Inner, members: Sequence[str]) -> np.ndarray:
    """Weights chosen on the inner out-of-fold distributions of the training rows (synthesis-v1)."""
    preds = []
    for m in members:
        if m == "choice":
            preds.append(_choice_rows(case, inner.rows, inner.folds, inner.choice_params))
        else:
            r = _residual_matrix(inner.residuals(m, case.y), inner.folds)
            preds.append(conformal(m, inner.points[m], r, case.low[inner.rows], case.high[inner.rows]))
    return stack_weights(preds, case.y[inner.rows])


def _test_predictives(
    case: DEUCase, train: np.ndarray, test: np.ndarray, models: Sequence[str], inner: _Inner
) -> tuple[dict[str, Predictive], dict[str, Predictive]]:
    """Conformal distributions of every model on ``test`` (fitted on ``train``) and the own ones (choice)."""
    conf: dict[str, Predictive] = {}
    own: dict[str, Predictive] = {}
    for m in models:
        point, params = fit_points(case, m, train, test)
        r = inner.residuals(m, case.y)
        conf[m] = conformal(m, point, r[~np.isnan(r)], case.low[test], case.high[test], issues=case.issues[test])
        if m == "choice" and params is not None:
            from alliance.negotiation.models.choice import predictive_from_data

            own[m] = predictive_from_data(case.choice.take(test), params, issues=case.issues[test])
    return conf, own


def score_predictives(pred: Predictive, y: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-issue scores of a distribution: ``ae``, ``crps``, ``cover{L}``, ``width{L}``, ``pit``, ``log``."""
    out = {"ae": np.abs(pred.point - y), "crps": pred.crps(y), "pit": pred.pit(y, rng), "log": pred.log_score(y)}
    for lv in LEVELS:
        out[f"cover{int(lv * 100)}"] = pred.cover(lv, y)
        out[f"width{int(lv * 100)}"] = np.where(np.isnan(pred.point), np.nan, pred.width(lv))
    return out


@dataclass(frozen=True)
class DistributionCV(Result):
    """Cross-validated distributional scores of every model (conformal), the choice model (own) and the synthesis.

    Attributes:
        table: one row per forecaster (``model``, ``distribution``): n, MAE, CRPS, coverage and width of the
            50/80/95% intervals with 95% cluster-bootstrap intervals, the PIT histogram's largest relative
            deviation, the log score, and paired differences against the compromise's conformal distribution.
        pit: forecaster -> PIT histogram (counts over 10 bins, pooled over seeds).
        weights: the synthesis weights chosen in every outer fold (one row per seed and fold).
        scores: forecaster -> score name -> ``(seeds, n)`` per-issue scores.
        info: settings (capability, folds, seeds, bootstrap, specification ids).
    """

    table: pd.DataFrame
    pit: dict[str, dict[str, Any]]
    weights: pd.DataFrame
    scores: dict[str, dict[str, np.ndarray]] = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per forecaster (see :attr:`table`)."""
        return self.table.copy()

    @property
    def title(self) -> str:
        return (
            f"Distributional CV (calibration half, capability {self.info['capability']}): {self.info['folds']} folds "
            f"by proposal x {len(self.info['seeds'])} seed(s), {self.info['n']} issues"
        )

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.info)

    def compact_frame(self) -> pd.DataFrame:
        """The headline columns for reading: MAE, CRPS with intervals, 80% coverage and width, PIT, log score."""
        return readable_scores(self.table)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield frame_table(self.compact_frame(), title=self.title, caption=meta_text(self.meta))

    def to_dict(self) -> dict[str, Any]:
        """Settings, one record per forecaster, the PIT histograms and the synthesis weights per fold."""
        return jsonable({"info": self.info, "models": self.table, "pit": self.pit, "weights": self.weights})


def readable_scores(t: pd.DataFrame) -> pd.DataFrame:
    """A distributional score table (:func:`summary_rows`) for reading: MAE, CRPS with its interval and paired
    difference against the compromise, coverage of the 50/80/95% intervals, the 80% width, PIT, log score. A model
    marked ``*`` was designed (in part) on the calibration half: its figures there are optimistic."""

    def ci(v: float, a: float, b: float, signed: bool = False) -> str:
        if np.isnan(v):
            return ""
        return f"{v:+.2f} [{a:+.2f}, {b:+.2f}]" if signed else f"{v:.2f} [{a:.2f}, {b:.2f}]"

    crps = [ci(v, a, b) for v, a, b in zip(t.crps, t.crps_lo, t.crps_hi, strict=True)]
    diff = [ci(v, a, b, True) for v, a, b in zip(t.crps_diff, t.crps_diff_lo, t.crps_diff_hi, strict=True)]
    cover = [f"{a:.0%}/{b:.0%}/{c:.0%}" for a, b, c in zip(t.cover50, t.cover80, t.cover95, strict=True)]
    inside = t["search_inside_loop"] if "search_inside_loop" in t else pd.Series(True, index=t.index)
    return pd.DataFrame(
        {
            "model": [m if ok else f"{m} *" for m, ok in zip(t["model"], inside, strict=True)],
            "distribution": t["distribution"],
            "n": t["n"],
            "MAE": t["mae"].round(2),
            "CRPS [95% CI]": crps,
            "CRPS vs compromise [95% CI]": diff,
            "cover 50/80/95": cover,
            "width 80": t["width80"].round(1),
            "PIT dev": t["pit_max_rel_dev"].round(2),
            "log score": t["log_score"].round(3),
        }
    )


#: The registry specification of each model's point forecast (parameter-free models: their own file).
_SPEC_OF: dict[str, str] = {
    "stacked": "stacked-v1",
    "ensemble": "ensemble-v1",
    "choice": "choice-v1",
    "exchange": "compromise",  # the compromise on one-issue scenarios (its specification file says so)
}


def _honesty(model: str) -> dict[str, Any]:
    """The model's specification id and whether every choice behind it was inside the loop or fixed before scoring.

    The synthesis chooses its weights inside the loop, but two of its members (stacked, ensemble) were designed on
    the calibration half, so it is not counted as wholly inside.
    """
    from alliance.negotiation.backtest.registry import list_specs, load_spec

    if model == "synthesis":
        return {"spec": "synthesis-v1", "search_inside_loop": False}
    sid = _SPEC_OF.get(model, model)
    if sid not in list_specs():
        return {"spec": "", "search_inside_loop": False}
    return {"spec": sid, "search_inside_loop": bool(load_spec(sid).search_inside_loop)}


def _seed_mean(arr: np.ndarray) -> np.ndarray:
    """``(n,)`` mean over seeds (axis 0), NaN for an issue with no score in any seed (without a warning)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(arr, axis=0))


def summary_rows(
    scores: dict[str, dict[str, np.ndarray]], groups: np.ndarray, bootstrap: int, seed: int
) -> pd.DataFrame:
    ref = scores.get(f"{_REFERENCE}|conformal")
    rows = []
    for key, sc in scores.items():
        model, dist = key.split("|")
        per = {name: _seed_mean(arr) for name, arr in sc.items()}
        ok = ~np.isnan(per["crps"])
        g = groups[ok]
        row: dict[str, Any] = {"model": model, "distribution": dist, "n": int(ok.sum())} | _honesty(model)
        for name in (
            "ae",
            "crps",
            *(f"cover{int(lv * 100)}" for lv in LEVELS),
            *(f"width{int(lv * 100)}" for lv in LEVELS),
        ):
            col = "mae" if name == "ae" else name
            row[col] = float(per[name][ok].mean())
            if name in ("ae", "crps", "cover80", "width80"):
                lo, hi = paired_interval(per[name][ok], g, bootstrap, seed) if bootstrap else (np.nan, np.nan)
                row[f"{col}_lo"], row[f"{col}_hi"] = lo, hi
        row["log_score"] = float(np.nanmean(per["log"][ok])) if not np.all(np.isnan(per["log"])) else np.nan
        pit = sc["pit"][~np.isnan(sc["pit"])]
        row["pit_max_rel_dev"] = pit_histogram(pit)["max_rel_dev"]
        for name, col in (("crps", "crps_diff"), ("ae", "mae_diff"), ("width80", "width80_diff")):
            if ref is None:
                continue
            base = _seed_mean(ref[name])
            both = ok & ~np.isnan(base)
            d = per[name][both] - base[both]
            row[col] = float(d.mean())
            lo, hi = paired_interval(d, groups[both], bootstrap, seed) if bootstrap else (np.nan, np.nan)
            row[f"{col}_lo"], row[f"{col}_hi"] = lo, hi
        rows.append(row)
    return pd.DataFrame(rows)


def distribution_cv(
    case: DEUCase,
    models: Sequence[str],
    *,
    k: int = 5,
    seeds: Sequence[int] = tuple(range(10)),
    synthesis: bool = True,
    bootstrap: int = 2000,
    seed: int = 20261127,
    pit_seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> DistributionCV:
    """The cross-validation of the module docstring on a prepared DEU case (:func:`~.oof.deu_case`).

    Args:
        case: the scored issues of one capability setting.
        models: the models to score (their conformal distributions; the choice model's own too).
        k, seeds: outer folds grouped by proposal and the seeds of their repetitions.
        synthesis: also score the synthesis (needs every member of :data:`MEMBERS` in ``models``).
        bootstrap, seed: cluster-bootstrap replicates over proposals and their seed.
        pit_seed: seed of the PIT randomisation.
        progress: called as ``progress(done, total)`` after each outer fold.
    """
    if not seeds:
        raise BadInput("distributional CV needs at least one seed")
    if synthesis and (missing := [m for m in MEMBERS if m not in models]):
        raise BadInput(f"the synthesis needs its members {', '.join(MEMBERS)}; missing: {', '.join(missing)}")
    n = len(case)
    rng = np.random.default_rng(pit_seed)
    scores: dict[str, dict[str, np.ndarray]] = {}
    weight_rows = []
    total, done = len(seeds) * k, 0

    def put(key: str, si: int, test: np.ndarray, values: dict[str, np.ndarray]) -> None:
        slot = scores.setdefault(key, {})
        for name, v in values.items():
            arr = slot.setdefault(name, np.full((len(seeds), n), np.nan))
            arr[si, test] = v

    for si, s in enumerate(seeds):
        folds = group_kfold(case.groups, k, int(s))
        for f in range(k):
            train, test = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
            inner = _inner(case, train, models)
            conf, own = _test_predictives(case, train, test, models, inner)
            y = case.y[test]
            for m, p in conf.items():
                put(f"{m}|conformal", si, test, score_predictives(p, y, rng))
            for m, p in own.items():
                put(f"{m}|own", si, test, score_predictives(p, y, rng))
            if synthesis:
                w = _synthesis_weights(case, inner, MEMBERS)
                parts = [own[m] if m == "choice" else conf[m] for m in MEMBERS]
                syn = mixture(parts, w, candidates=case.choice.candidates[test], tol=case.choice.tol[test])
                put("synthesis|synthesis", si, test, score_predictives(syn, y, rng))
                weight_rows.append({"seed": int(s), "fold": f, **dict(zip(MEMBERS, np.round(w, 4), strict=True))})
            done += 1
            if progress is not None:
                progress(done, total)
    table = summary_rows(scores, case.groups, bootstrap, seed)
    pit = {key: pit_histogram(sc["pit"].ravel()) for key, sc in scores.items()}
    info = {
        "capability": case.capability,
        "n": n,
        "proposals": int(len(np.unique(case.groups))),
        "folds": k,
        "seeds": [int(s) for s in seeds],
        "inner": f"{_INNER_K} folds by proposal, seed {_INNER_SEED}",
        "levels": list(LEVELS),
        "bootstrap": bootstrap,
        "bootstrap_seed": seed,
        "pit_seed": pit_seed,
        "specifications": ["conformal-v1", "choice-v1"] + (["synthesis-v1"] if synthesis else []),
        "search_inside_loop": True,
        "date": date.today().isoformat(),
        "note": "calibration half only; the project scores shipped models on the held-out half",
    }
    return DistributionCV(table=table, pit=pit, weights=pd.DataFrame(weight_rows), scores=scores, info=info)


def ship(case: DEUCase, models: Sequence[str], synthesis: bool = True) -> dict[str, Any]:
    """What ``params/`` ships for one capability setting: every model's out-of-fold residuals on all scored issues
    (fitted models refitted in a 5-fold CV by proposal, seed 100), the choice model fitted on all of them, and the
    synthesis weights chosen by the inner procedure on all of them."""
    rows = np.arange(len(case))
    inner = _inner(case, rows, models)
    residuals = {
        m: [round(float(v), 6) if not np.isnan(v) else None for v in inner.residuals(m, case.y)] for m in models
    }
    out: dict[str, Any] = {"residuals": residuals, "n": len(case), "capability": case.capability}
    if "choice" in models:
        from alliance.negotiation.models.choice import fit

        out["choice"] = fit(case.choice, case.y)
    if synthesis:
        out["synthesis_weights"] = dict(zip(MEMBERS, _synthesis_weights(case, inner, MEMBERS).tolist(), strict=True))
    return out
