"""A batch of scenarios as arrays shaped ``(runs, actors, issues)``: the input of every model kernel.

Kernels evaluate many variants of one scenario at once (Monte Carlo draws, backtest cases padded to a common
shape, the leave-one-out and perturbed copies that :mod:`alliance.negotiation.forecasting` uses to find pivotal
actors). Conventions follow :class:`~alliance.negotiation.scenario.ScenarioArrays`: a NaN position means the actor
does not take part in that issue (in that run); saliences are 0-1; a NaN reversion means none is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.scenario import Scenario, ScenarioArrays

__all__ = ["Batch", "WeightKind", "batch_from_arrays", "batch_from_scenario", "weights"]

WeightKind = Literal["cs", "s", "c", "equal"]
_WEIGHT_KINDS = ("cs", "s", "c", "equal")


@dataclass(frozen=True)
class Batch:
    """Arrays of ``R`` runs of a scenario with ``A`` actors and ``I`` issues.

    Attributes:
        positions: ``(R, A, I)`` ideal points; NaN where the actor is not involved.
        salience: ``(R, A, I)`` 0-1.
        capability: ``(R, A)`` non-negative.
        veto: ``(R, A)`` bool, the actor's consent is needed under consensus (False for a chair).
        chair: ``(R, A)`` bool, the actor who proposes (at most one per run).
        low, high: ``(I,)`` the ends of each issue's scale.
        reversion: ``(R, I)`` the outcome without agreement; NaN if unknown.
        lower_bound, upper_bound: ``(R, A, I)`` the range an actor can accept; NaN where not stated.
    """

    positions: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    veto: np.ndarray
    chair: np.ndarray
    low: np.ndarray
    high: np.ndarray
    reversion: np.ndarray
    lower_bound: np.ndarray
    upper_bound: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        r, a, i = self.positions.shape
        return int(r), int(a), int(i)

    @property
    def mask(self) -> np.ndarray:
        """``(R, A, I)`` True where the actor takes part in the issue."""
        return ~np.isnan(self.positions)

    @property
    def span(self) -> np.ndarray:
        return np.asarray(self.high - self.low, dtype=float)

    def take(self, runs: np.ndarray) -> Batch:
        """The sub-batch of the given run indices."""
        return replace(
            self,
            positions=self.positions[runs],
            salience=self.salience[runs],
            capability=self.capability[runs],
            veto=self.veto[runs],
            chair=self.chair[runs],
            reversion=self.reversion[runs],
            lower_bound=self.lower_bound[runs],
            upper_bound=self.upper_bound[runs],
        )


def batch_from_arrays(arr: ScenarioArrays, runs: int = 1, chair: np.ndarray | None = None) -> Batch:
    """Repeat a scenario's arrays ``runs`` times (default: a batch of one)."""
    n_a = len(arr.actors)
    ch = np.zeros(n_a, dtype=bool) if chair is None else np.asarray(chair, dtype=bool)

    def rep(x: np.ndarray) -> np.ndarray:
        return np.repeat(np.asarray(x)[None, ...], runs, axis=0)

    return Batch(
        positions=rep(arr.positions.astype(float)),
        salience=rep(np.where(np.isnan(arr.salience), 0.0, arr.salience)),
        capability=rep(arr.capability.astype(float)),
        veto=rep(arr.veto.astype(bool) & ~ch),
        chair=rep(ch),
        low=np.asarray(arr.low, dtype=float),
        high=np.asarray(arr.high, dtype=float),
        reversion=rep(arr.reversion.astype(float)),
        lower_bound=rep(arr.lower_bound.astype(float)),
        upper_bound=rep(arr.upper_bound.astype(float)),
    )


def chair_mask(scenario: Scenario) -> np.ndarray:
    """``(A,)`` True for the chair: ``scenario.chair`` or an actor flagged ``chair``."""
    return np.array(
        [bool(a.chair or (scenario.chair is not None and a.name == scenario.chair)) for a in scenario.actors]
    )


def batch_from_scenario(scenario: Scenario, runs: int = 1) -> Batch:
    """The scenario as a batch of ``runs`` identical runs."""
    return batch_from_arrays(scenario.arrays(), runs=runs, chair=chair_mask(scenario))


def weights(batch: Batch, kind: str = "cs") -> np.ndarray:
    """``(R, A, I)`` actor weights, zero where the actor is not involved.

    ``cs`` capability x salience (the usual "power x salience" of Bueno de Mesquita and Achen), ``s`` salience,
    ``c`` capability, ``equal`` one per involved actor.
    """
    mask = batch.mask
    if kind == "cs":
        w = batch.capability[:, :, None] * batch.salience
    elif kind == "s":
        w = batch.salience.copy()
    elif kind == "c":
        w = np.broadcast_to(batch.capability[:, :, None], mask.shape).astype(float)
    elif kind == "equal":
        w = np.ones(mask.shape)
    else:
        raise BadInput(f"unknown weights {kind!r}; valid: {', '.join(_WEIGHT_KINDS)}")
    return np.where(mask, np.nan_to_num(w, nan=0.0), 0.0)


def safe_weights(batch: Batch, kind: str = "cs") -> np.ndarray:
    """Like :func:`weights`, but an issue whose weights are all zero falls back to equal weights."""
    w = weights(batch, kind)
    empty = w.sum(axis=1, keepdims=True) <= 0
    return np.where(empty & batch.mask, 1.0, w)
