"""The synthesis: a linear pool of the models' predictive distributions (specification ``synthesis-v1``).

Each member gives a predictive distribution per issue (:mod:`alliance.negotiation.prediction`): ``compromise``,
``median``, ``eum``, ``stacked`` and ``ensemble`` their split-conformal distributions, ``choice`` its own. The
synthesis is ``sum_m w_m F_m`` with the weights shipped in ``params/synthesis.json``: chosen on the DEU
calibration half to minimise the mean CRPS of the pool over out-of-fold distributions (5 folds grouped by
proposal; :mod:`alliance.negotiation.backtest.stacking`). Its forecast is the pool's median.
:func:`synthesis_weights` gives the weights to other code (the sweep synthesis uses them); :func:`solve_batch`
pools the members' batch kernels, so a batch of runs costs one batch call per member (the pivotal analysis).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome
from alliance.negotiation.models.shipped import shipped_params
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    from alliance.negotiation.prediction import Predictive

__all__ = ["load_params", "predictive", "solve", "solve_batch", "synthesis_weights"]


def load_params() -> dict[str, Any]:
    """The shipped synthesis: ``members``, ``weights`` (capability votes), ``weights_by_capability``, CV figures."""
    return shipped_params("synthesis")


def synthesis_weights(capability: str = "votes") -> dict[str, float]:
    """The stacking weights of the synthesis members (non-negative, summing to one), as shipped.

    Args:
        capability: the DEU capability setting the weights were chosen under: ``votes`` (the default, and the
            one for scenarios whose capabilities measure power, such as NATO's defence spending), ``equal`` or
            ``population``.

    Raises:
        BadInput: an unknown capability setting.
    """
    by_cap = load_params()["weights_by_capability"]
    if capability not in by_cap:
        raise BadInput(f"no synthesis weights for capability {capability!r}; valid: {', '.join(by_cap)}")
    return {str(m): float(w) for m, w in by_cap[capability].items()}


def _members(weights: Mapping[str, float] | None, capability: str) -> tuple[dict[str, float], list[str]]:
    """The weights (shipped by default) and the members with a positive weight, checked."""
    from alliance.negotiation.models import get_model

    w = dict(synthesis_weights(capability) if weights is None else weights)
    for m in w:
        get_model(m)  # an unknown member is one line naming the valid models
    used = [m for m, v in w.items() if v > 0]
    if not used:
        raise BadInput("synthesis weights: at least one member needs a positive weight")
    return w, used


def predictive(scenario: Scenario, weights: Mapping[str, float] | None = None, capability: str = "votes") -> Predictive:
    """The pooled predictive distribution for every issue of ``scenario``.

    Args:
        scenario: the scenario.
        weights: member -> weight (default: :func:`synthesis_weights`); members with weight 0 are not run.
        capability: which shipped weights and conformal residuals to use.
    """
    from alliance.negotiation.prediction import mixture
    from alliance.negotiation.prediction import predictive as member_predictive

    w, used = _members(weights, capability)
    total = sum(w[m] for m in used)
    parts = [member_predictive(scenario, m, capability=capability) for m in used]
    choice = next((p for p in parts if p.candidates is not None), None)
    if choice is None:
        from alliance.negotiation.models.choice import predictive as choice_predictive

        choice = choice_predictive(scenario)
    return mixture(
        parts,
        np.array([w[m] / total for m in used]),
        candidates=choice.candidates,
        tol=choice.tol,
    )


def solve(scenario: Scenario, weights: Mapping[str, float] | None = None) -> ModelOutcome:
    """The median of the pooled distribution, per issue (module docstring)."""
    pred = predictive(scenario, weights)
    notes = {
        issue: "no member forecasts this issue"
        for j, issue in enumerate(scenario.issue_names)
        if np.isnan(pred.point[j])
    }
    lo, hi = pred.intervals[0.8]
    details = {
        "weights": dict(zip(pred.info["members"], pred.info["weights"], strict=True)),
        "interval80": {issue: [float(lo[j]), float(hi[j])] for j, issue in enumerate(scenario.issue_names)},
    }  # fmt: skip
    return ModelOutcome(model="synthesis", outcome=pred.point, notes=notes, details=details)


def solve_batch(batch: Batch, weights: Mapping[str, float] | None = None) -> BatchOutcome:
    """The pool's median ``(R, I)`` for every run of a batch, equal to :func:`solve` run by run.

    Each member runs once on the whole batch: ``choice`` gives its own distribution
    (:func:`~alliance.negotiation.models.choice.distribution_batch`), the others their ``solve_batch`` outcome
    with the shipped conformal residuals around it; the atoms are pooled with the weights as in
    :func:`~alliance.negotiation.prediction.mixture`. A run where no member forecasts an issue stays NaN
    (no deadlock is predicted: the mask is all False).

    Args:
        batch: the runs.
        weights: member -> weight (default: :func:`synthesis_weights`); members with weight 0 are not run.
    """
    from alliance.negotiation.backtest.scoring_rules import quantiles
    from alliance.negotiation.models import model_module
    from alliance.negotiation.prediction import conformal_atoms, conformal_residuals, pool_atoms

    capability = "votes"  # as solve: the weights and residuals for capabilities that measure power
    w, used = _members(weights, capability)
    total = sum(w[m] for m in used)
    r, _, n_i = batch.shape
    low, high = np.tile(batch.low, r).astype(float), np.tile(batch.high, r).astype(float)
    parts = []
    for m in used:
        module = model_module(m)
        own = getattr(module, "distribution_batch", None)
        runner = getattr(module, "solve_batch", None)
        if own is not None:  # the model's own distribution (choice); its point is that distribution's median
            values, atoms = own(batch)
            point = quantiles(values, atoms, 0.5)[:, 0]
        else:
            if runner is None:
                raise BadInput(f"synthesis member {m!r} has no batch kernel")
            point = np.asarray(runner(batch).outcome, dtype=np.float64).reshape(-1)
            values, atoms = conformal_atoms(point, conformal_residuals(m, capability), low, high)
        parts.append((values, atoms, point))
    values, atoms = pool_atoms(parts, np.array([w[m] / total for m in used]))
    return BatchOutcome.of("synthesis", quantiles(values, atoms, 0.5)[:, 0].reshape(r, n_i))
