"""Out-of-fold forecasts of every model on DEU: the fitted models refitted on whatever rows a fold allows.

The distributional cross-validation (:mod:`.distributions`) and the shipped conformal residuals need, for any
split of the scored issues into training and test rows, each model's point forecasts on the test rows from a
fit that saw only the training rows. Parameter-free models (compromise, median, nash, eum, consensus, exchange,
procedural) forecast once. The fitted ones are refitted (specification ``conformal-v1``, "fitted models in
folds"):

* ``stacked``: the first release's design, six-feature LAD weights and the snapping window chosen by an inner
  grouped CV (seeds 100-101) on the training rows (:func:`alliance.negotiation.backtest.cv.fit_design`);
* ``ensemble``: the shipped design "median of snap_target=nearest", member weights refitted on the training rows
  (:class:`~alliance.negotiation.backtest.designs.DesignSpace`);
* ``choice``: specification ``choice-v1`` (:func:`alliance.negotiation.models.choice.fit`) on the training rows,
  which also gives its own predictive distribution on the test rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.backtest.deu import deu_batch, model_batch, rule_thresholds
from alliance.negotiation.backtest.folds import group_kfold
from alliance.negotiation.scenario import Scenario

__all__ = ["FITTED", "DEUCase", "deu_case", "fit_points", "oof_points"]

#: Models with parameters fitted on DEU (refitted in every fold).
FITTED: tuple[str, ...] = ("stacked", "ensemble", "choice")
#: The shipped ensemble's design (a candidate name of the design space).
ENSEMBLE_DESIGN = "median of snap_target=nearest"


@dataclass
class DEUCase:
    """The scored DEU issues of one capability setting, with everything the refits need (outcome-free parts
    precomputed once).

    Attributes:
        capability: the load's capability setting.
        y, groups: ``(n,)`` outcomes and proposal ids of the scored issues.
        low, high: ``(n,)`` the scale (0-100).
        issues: ``(n,)`` issue ids.
        fixed: model -> ``(n,)`` forecasts of the parameter-free models (NaN where a model cannot forecast).
        stacked_x, positions: the stacked model's six features and the coded positions.
        space: the design space of the ensemble (built on first use), ``space_index`` its shipped design.
        choice: the choice model's :class:`~alliance.negotiation.models.choice.ChoiceData`.
    """

    capability: str
    y: np.ndarray
    groups: np.ndarray
    low: np.ndarray
    high: np.ndarray
    issues: np.ndarray
    fixed: dict[str, np.ndarray]
    stacked_x: np.ndarray
    positions: np.ndarray
    choice: Any
    space: Any = field(default=None, repr=False)
    space_index: int = -1

    def __len__(self) -> int:
        return len(self.y)


def deu_case(
    scenarios: Sequence[Scenario],
    population: Sequence[Scenario] | None = None,
    models: Sequence[str] | None = None,
) -> DEUCase:
    """Prepare the scored issues of a DEU load for out-of-fold forecasts.

    Args:
        scenarios: the DEU issues under one capability setting (:func:`~.deu.load_deu`).
        population: the same file loaded with ``capability="population"`` (the ensemble's population schemes);
            None leaves the ensemble out.
        models: the registry models to prepare (default: every available one).
    """
    from alliance.negotiation.backtest.cv import _features
    from alliance.negotiation.backtest.forecasts import forecast_matrix
    from alliance.negotiation.models import model_names
    from alliance.negotiation.models.choice import choice_data_from_batch

    b = deu_batch(scenarios)
    ok = b.mask.any(axis=1) & ~np.isnan(b.outcome)
    if not ok.any():
        raise BadInput("no DEU issue has both an outcome and a coded actor")
    names = list(models) if models is not None else [m for m in model_names() if m not in ("synthesis",)]
    fixed_names = [m for m in names if m not in FITTED]
    fm = forecast_matrix(scenarios, fixed_names) if fixed_names else None
    mb, colegis = model_batch(b)
    share, _ = rule_thresholds(scenarios)
    chair = np.asarray(mb.chair, dtype=bool)
    data = choice_data_from_batch(mb, chair, colegis, share)
    case = DEUCase(
        capability=str(scenarios[0].metadata.get("capability", "")),
        y=b.outcome[ok],
        groups=b.proposal[ok].astype(str),
        low=np.zeros(int(ok.sum())),
        high=np.full(int(ok.sum()), 100.0),
        issues=b.issue[ok],
        fixed={m: fm[m].to_numpy()[ok] for m in fixed_names} if fm is not None else {},
        stacked_x=_features(b)[ok],
        positions=b.positions[ok],
        choice=data.take(np.flatnonzero(ok)),
    )
    if "ensemble" in names and population is not None:
        from alliance.negotiation.backtest.designs import design_space
        from alliance.negotiation.backtest.nested import candidate_names

        case.space = design_space({"votes": scenarios, "population": population})
        case.space_index = candidate_names(case.space, "ensembles").index(ENSEMBLE_DESIGN)
    return case


def fit_points(
    case: DEUCase, model: str, train: np.ndarray, test: np.ndarray
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """``(len(test),)`` forecasts of ``model`` on ``test`` rows from a fit on ``train`` rows, and the choice
    model's fitted parameters (None for the others)."""
    if model in case.fixed:
        return case.fixed[model][test], None
    if model == "stacked":
        from alliance.negotiation.backtest.cv import _fit, _snap

        x, y, pos, g = case.stacked_x, case.y, case.positions, case.groups
        w, tau = _fit(x[train], y[train], pos[train], g[train], (100, 101))
        return _snap(x[test] @ w, pos[test], tau), None
    if model == "ensemble":
        if case.space is None:
            raise BadInput("the ensemble needs the population load (deu_case(..., population=...))")
        from alliance.negotiation.backtest.nested import candidate_forecasts

        w = case.space.fit(train)
        return candidate_forecasts(case.space, w, test, "ensembles")[case.space_index], None
    if model == "choice":
        from alliance.negotiation.models.choice import fit, predictive_from_data

        params = fit(case.choice.take(train), case.y[train])
        return predictive_from_data(case.choice.take(test), params).point, params
    raise BadInput(f"model {model!r} was not prepared in this DEU case; prepared: {', '.join(prepared(case))}")


def prepared(case: DEUCase) -> list[str]:
    """The models :func:`fit_points` can forecast for this case."""
    out = list(case.fixed) + ["stacked", "choice"]
    return out + (["ensemble"] if case.space is not None else [])


def oof_points(
    case: DEUCase, model: str, rows: np.ndarray, k: int = 5, seed: int = 100
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any] | None]]:
    """Out-of-fold forecasts on ``rows`` from a k-fold CV grouped by proposal within them.

    Returns the forecasts ``(len(rows),)``, the inner fold of each row, and the choice parameters of every fold.
    """
    rows = np.asarray(rows)
    k_in = min(k, len(np.unique(case.groups[rows])))
    folds = group_kfold(case.groups[rows], k_in, seed)
    out = np.full(len(rows), np.nan)
    params: list[dict[str, Any] | None] = []
    for f in range(k_in):
        tr, te = rows[folds != f], rows[folds == f]
        p, fitted = fit_points(case, model, tr, te)
        out[folds == f] = p
        params.append(fitted)
    return out, folds, params
