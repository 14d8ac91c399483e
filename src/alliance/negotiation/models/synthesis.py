"""The synthesis: a linear pool of the models' predictive distributions (specification ``synthesis-v1``).

Each member gives a predictive distribution per issue (:mod:`alliance.negotiation.prediction`): ``compromise``,
``median``, ``eum``, ``stacked`` and ``ensemble`` their split-conformal distributions, ``choice`` its own. The
synthesis is ``sum_m w_m F_m`` with the weights shipped in ``params/synthesis.json``: chosen on the DEU
calibration half to minimise the mean CRPS of the pool over out-of-fold distributions (5 folds grouped by
proposal; :mod:`alliance.negotiation.backtest.stacking`). Its forecast is the pool's median.
:func:`synthesis_weights` gives the weights to other code (the sweep synthesis uses them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.shipped import shipped_params
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    from alliance.negotiation.prediction import Predictive

__all__ = ["load_params", "predictive", "solve", "synthesis_weights"]


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


def predictive(scenario: Scenario, weights: Mapping[str, float] | None = None, capability: str = "votes") -> Predictive:
    """The pooled predictive distribution for every issue of ``scenario``.

    Args:
        scenario: the scenario.
        weights: member -> weight (default: :func:`synthesis_weights`); members with weight 0 are not run.
        capability: which shipped weights and conformal residuals to use.
    """
    from alliance.negotiation.models import get_model
    from alliance.negotiation.prediction import mixture
    from alliance.negotiation.prediction import predictive as member_predictive

    w = dict(synthesis_weights(capability) if weights is None else weights)
    for m in w:
        get_model(m)  # an unknown member is one line naming the valid models
    used = [m for m, v in w.items() if v > 0]
    if not used:
        raise BadInput("synthesis weights: at least one member needs a positive weight")
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
