"""The weighted median: the position a capability x salience weighted majority prefers to any other.

Black (1948), "On the rationale of group decision-making", *Journal of Political Economy* 56(1): with
single-peaked preferences on one dimension the median ideal point beats every other point in pairwise majority
votes. With weights (capability x salience) the same holds for the weighted median: a point ``m`` such that the
actors at or below ``m`` and the actors at or above ``m`` each hold at least half of the total weight. On several
issues the model is applied issue by issue (the "issue-by-issue median", Kramer 1972; Shepsle 1979), which is
how it is used on the DEU data (Thomson et al. 2006, ch. 3).

Ties: when some prefix of the sorted positions holds exactly half of the weight, every point between the two
middle positions is a weighted median; we return the midpoint of that interval, so the answer does not depend
on actor order and mirrors correctly when the scale is reversed.
"""

from __future__ import annotations

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, in_chunks, safe_weights
from alliance.negotiation.scenario import Scenario

__all__ = ["median_kernel", "solve", "solve_batch"]

_REL_TOL = 1e-9  # relative tolerance on "exactly half the weight" (sums depend on summation order)


def median_kernel(positions: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median over the actor axis.

    Args:
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        w: ``(R, A, I)`` non-negative weights.

    Returns:
        ``(R, I)``: the midpoint of the interval of weighted medians; NaN where the total weight is zero.
    """
    mask = ~np.isnan(positions)
    x = np.where(mask, positions, np.inf)  # sorts non-involved actors last
    w = np.where(mask, w, 0.0)
    # The order among tied positions cannot change which position the half weight falls on, so the faster
    # unstable sort will do.
    order = np.argsort(x, axis=1)
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(ws, axis=1)
    total = cum[:, -1:, :]
    half, tol = total / 2.0, _REL_TOL * total
    lo_idx = np.argmax(cum >= half - tol, axis=1)[:, None, :]  # first position with >= half at or below it
    hi_idx = np.argmax(cum > half + tol, axis=1)[:, None, :]  # first position with > half at or below it
    x_lo = np.take_along_axis(xs, lo_idx, axis=1)[:, 0, :]
    x_hi = np.take_along_axis(xs, hi_idx, axis=1)[:, 0, :]
    with np.errstate(invalid="ignore"):
        out = (x_lo + x_hi) / 2.0
    return np.where((total[:, 0, :] > 0) & np.isfinite(out), out, np.nan)


@in_chunks(1 << 15)
def solve_batch(batch: Batch, weights: str = "cs") -> BatchOutcome:
    """Weighted medians ``(R, I)`` of a batch (see :func:`solve`); the model never deadlocks."""
    return BatchOutcome.of("median", median_kernel(batch.positions, safe_weights(batch, weights)))


def solve(scenario: Scenario, weights: str = "cs") -> ModelOutcome:
    """The capability x salience weighted median per issue (Black 1948).

    Args:
        scenario: the scenario.
        weights: ``cs`` (default), ``s``, ``c`` or ``equal`` (the plain median); all-zero weights fall back to equal.
    """
    batch = batch_from_scenario(scenario)
    out = solve_batch(batch, weights).outcome[0]
    notes = {n: "no actor takes part in this issue" for j, n in enumerate(scenario.issue_names) if np.isnan(out[j])}
    return ModelOutcome(model="median", outcome=out, notes=notes, details={"weights": weights})
