"""The compromise model: the capability x salience weighted mean of the positions.

Achen (2006), "Institutional realism and bargaining models", in Thomson, Stokman, Achen & Koenig-Archibugi
(eds.), *The European Union Decides*, ch. 4: the outcome is the mean of the actors' ideal points weighted by
capability x salience, ``x* = sum_i c_i s_i x_i / sum_i c_i s_i``. Despite its simplicity it is among the
most accurate models on the DEU data (Thomson et al. 2006, ch. 10).
"""

from __future__ import annotations

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, safe_weights
from alliance.negotiation.models.batch import weights as raw_weights
from alliance.negotiation.scenario import Scenario

__all__ = ["compromise_kernel", "solve", "solve_batch"]


def compromise_kernel(positions: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean over the actor axis.

    Args:
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        w: ``(R, A, I)`` non-negative weights (ignored where the position is NaN).

    Returns:
        ``(R, I)``; NaN where no actor with positive weight is involved.
    """
    mask = ~np.isnan(positions)
    w = np.where(mask, w, 0.0)
    total = w.sum(axis=1)
    num = (w * np.where(mask, positions, 0.0)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / total
    return np.where(total > 0, out, np.nan)


#: Cells (runs x actors x issues) per pass of the capability x salience path: its temporaries stay in cache.
_CHUNK_CELLS = 1 << 18


def _cs_chunk(pos: np.ndarray, cap: np.ndarray, sal: np.ndarray, out: np.ndarray) -> None:
    """The compromise of one chunk of runs into ``out`` (see :func:`_fast_cs`), the general case: some actors not
    involved (NaN positions) or an issue whose weights are all zero.

    The sums over actors are ``(1, A) @ (A, I)`` products per run (``np.matmul`` over the chunk), several times
    faster than reducing the middle axis of ``(runs, actors, issues)``.
    """
    mask = ~np.isnan(pos)
    x = np.where(mask, pos, 0.0)
    sal_in = sal * mask
    row = cap[:, None, :]
    total = np.matmul(row, sal_in)[:, 0, :]
    num = np.matmul(row, sal_in * x)[:, 0, :]
    empty = ~(total > 0)
    if empty.any():  # the plain mean of the involved actors (NaN where nobody is involved)
        num = np.where(empty, x.sum(axis=1), num)
        total = np.where(empty, mask.sum(axis=1), total)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(num, total, out=out)
    out[~(total > 0)] = np.nan


def _fast_cs(batch: Batch) -> np.ndarray:
    """The capability x salience compromise in a few passes over cache-sized chunks (the sweep's hot path).

    Same result as ``compromise_kernel(positions, safe_weights(batch, "cs"))`` (tested): weights zero where the
    actor is not involved, and an issue whose weights are all zero falls back to the plain mean. A chunk where every
    actor takes part and every issue has weight (the usual sweep) needs no masks: two products with preallocated
    outputs (the same arithmetic as the general case, so the same numbers); a chunk with a NaN position (which makes
    its run's weighted sum NaN) or an issue without weight is recomputed by :func:`_cs_chunk`.
    """
    pos, cap, sal = batch.positions, batch.capability, batch.salience
    n_runs, n_act, n_iss = pos.shape
    out = np.empty((n_runs, n_iss))
    step = max(1, _CHUNK_CELLS // max(1, n_act * n_iss))
    sx = np.empty((min(step, n_runs), n_act, n_iss))
    total = np.empty((min(step, n_runs), 1, n_iss))
    num = np.empty_like(total)
    for lo in range(0, n_runs, step):
        sl = slice(lo, lo + step)
        p, s, c, o = pos[sl], sal[sl], cap[sl, None, :], out[sl]
        n = len(p)
        np.matmul(c, s, out=total[:n])
        np.matmul(c, np.multiply(s, p, out=sx[:n]), out=num[:n])
        # a NaN position (an actor not involved) makes its run's sum NaN: such chunks take the general path
        if not ((total[:n] > 0).all() and np.isfinite(num[:n]).all()):
            _cs_chunk(p, cap[sl], s, o)
            continue
        np.divide(num[:n, 0], total[:n, 0], out=o)
    return out


def solve_batch(batch: Batch, weights: str = "cs") -> BatchOutcome:
    """Compromise outcomes ``(R, I)`` of a batch (see :func:`solve`); the model never deadlocks."""
    # finite sums mean finite inputs (an overflowing sum only sends the batch down the general path)
    finite = np.isfinite(batch.capability.sum()) and np.isfinite(batch.salience.sum())
    if weights == "cs" and finite:
        return BatchOutcome.of("compromise", _fast_cs(batch))
    return BatchOutcome.of("compromise", compromise_kernel(batch.positions, safe_weights(batch, weights)))


def solve(scenario: Scenario, weights: str = "cs") -> ModelOutcome:
    """Achen's compromise: the weighted mean position per issue.

    Args:
        scenario: the scenario.
        weights: ``cs`` capability x salience (Achen 2006), ``s`` salience only, ``c`` capability only,
            ``equal`` the plain mean. If every weight on an issue is zero the plain mean is used (noted).
    """
    batch = batch_from_scenario(scenario)
    out = solve_batch(batch, weights).outcome[0]
    notes: dict[str, str] = {}
    zero = raw_weights(batch, weights)[0].sum(axis=0) <= 0
    for j, issue in enumerate(scenario.issue_names):
        if np.isnan(out[j]):
            notes[issue] = "no actor takes part in this issue"
        elif zero[j]:
            notes[issue] = f"all {weights} weights are zero; the plain mean is used"
    return ModelOutcome(model="compromise", outcome=out, notes=notes, details={"weights": weights})
