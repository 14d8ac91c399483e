"""A batch of scenarios as arrays shaped ``(runs, actors, issues)``, and what every model's batch kernel returns.

Kernels evaluate many variants of one scenario at once (Monte Carlo draws, backtest cases padded to a common
shape, the leave-one-out and perturbed copies that :mod:`alliance.negotiation.forecasting` uses to find pivotal
actors). Conventions follow :class:`~alliance.negotiation.scenario.ScenarioArrays`: a NaN position means the actor
does not take part in that issue (in that run); saliences are 0-1; a NaN reversion means none is known.

Every registered model has the same batch entry point, ``solve_batch(batch, **options) -> BatchOutcome``: the
options are those of the model's ``solve`` (``weights``, ``rounds``...), the decision rule, the co-legislator and
the alternative capabilities travel in the :class:`Batch`, and the result holds the outcome per run and issue and a
no-agreement mask (all False for the models that cannot predict a deadlock)::

    from alliance.negotiation.models import model_module
    from alliance.negotiation.models.batch import batch_from_scenario

    batch = batch_from_scenario(scenario, runs=10_000)          # then perturb batch.positions, .salience...
    res = model_module("eum").solve_batch(batch, rounds=10)     # res.outcome (runs, issues), res.no_agreement
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.scenario import DecisionRule, Scenario, ScenarioArrays

__all__ = [
    "Batch",
    "BatchOutcome",
    "WeightKind",
    "batch_from_arrays",
    "batch_from_scenario",
    "co_legislator_mask",
    "in_chunks",
    "rule_threshold",
    "weights",
]

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
        actors: the actors' names (lets a model option name an actor, e.g. ``co_legislator="ep"``); may be empty.
        rule: the decision rule of every run (consensus or qmv; the ``nash`` and ``consensus`` models).
        co_legislator: ``(R, A)`` bool, a second institutional actor (the EP in DEU scenarios), or None.
        agenda_setter: ``(R, A)`` bool, the actor named ``metadata["agenda_setter"]`` (the choice model's setter
            feature), or None.
        threshold: ``(R,)`` share of the voters' weight a proposal needs (procedural feature), or None for the
            rule's (:func:`rule_threshold`).
        by_capability: the voters of the procedural feature are weighed by capability (else counted); None for
            the rule's.
        capability_sets: alternative capabilities ``(R, A)`` by name (``population``; the ensemble's schemes).
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
    actors: tuple[str, ...] = ()
    rule: DecisionRule = field(default_factory=DecisionRule)
    co_legislator: np.ndarray | None = None
    agenda_setter: np.ndarray | None = None
    threshold: np.ndarray | None = None
    by_capability: bool | None = None
    capability_sets: Mapping[str, np.ndarray] = field(default_factory=dict)

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

    def procedure(self) -> tuple[np.ndarray, bool]:
        """``(R,)`` the share a proposal needs and whether voters weigh by capability (from the rule by default)."""
        share, by_cap = rule_threshold(self.rule)
        thr = np.full(self.shape[0], share) if self.threshold is None else np.asarray(self.threshold, dtype=float)
        return thr, by_cap if self.by_capability is None else bool(self.by_capability)

    def take(self, runs: np.ndarray | slice) -> Batch:
        """The sub-batch of the given run indices (or slice of runs)."""
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
            co_legislator=None if self.co_legislator is None else self.co_legislator[runs],
            agenda_setter=None if self.agenda_setter is None else self.agenda_setter[runs],
            threshold=None if self.threshold is None else self.threshold[runs],
            capability_sets={k: v[runs] for k, v in self.capability_sets.items()},
        )


@dataclass(frozen=True)
class BatchOutcome:
    """What every model's ``solve_batch`` returns.

    Attributes:
        model: registry name.
        outcome: ``(R, I)`` the forecast per run and issue; NaN where the model forecasts no agreement or cannot
            forecast (no reversion point, nobody involved...).
        no_agreement: ``(R, I)`` bool, True where the model predicts a deadlock (an empty win-set or feasible
            set: ``consensus`` and ``nash``); all False for the models that always reach an outcome.
    """

    model: str
    outcome: np.ndarray
    no_agreement: np.ndarray

    @classmethod
    def of(cls, model: str, outcome: np.ndarray, no_agreement: np.ndarray | None = None) -> BatchOutcome:
        """Wrap an ``(R, I)`` outcome (no deadlock mask: all False)."""
        out = np.asarray(outcome, dtype=float)
        mask = np.zeros(out.shape, dtype=bool) if no_agreement is None else np.asarray(no_agreement, dtype=bool)
        return cls(model, out, mask)


SolveBatch = TypeVar("SolveBatch", bound=Callable[..., BatchOutcome])


def in_chunks(cells: int) -> Callable[[SolveBatch], SolveBatch]:
    """Decorate a model's ``solve_batch`` to run over chunks of about ``cells`` (run, actor, issue) cells.

    Each run is solved on its own, so the results are those of one call; NumPy kernels whose temporaries span the
    whole batch run several times faster when a chunk's arrays stay in the processor's cache (and memory stays
    bounded for any batch size). The signature is the wrapped function's (``inspect.signature`` follows it).
    """

    def wrap(fn: SolveBatch) -> SolveBatch:
        @functools.wraps(fn)
        def solve(batch: Batch, *args: Any, **options: Any) -> BatchOutcome:
            n_runs, n_act, n_iss = batch.shape
            step = max(1, cells // max(1, n_act * n_iss))
            if n_runs <= step:
                return fn(batch, *args, **options)
            parts = [fn(batch.take(slice(lo, lo + step)), *args, **options) for lo in range(0, n_runs, step)]
            return BatchOutcome(
                parts[0].model,
                np.concatenate([p.outcome for p in parts]),
                np.concatenate([p.no_agreement for p in parts]),
            )

        return solve  # type: ignore[return-value]

    return wrap


def rule_threshold(rule: DecisionRule) -> tuple[float, bool]:
    """The share of the voters' weight a proposal needs, and whether that weight is capability (else a count).

    Consensus is unanimity (share 1). A QMV rule uses its capability threshold (a double-majority rule keeps
    only the capability part, the binding one on DEU issues); a QMV rule with only a count threshold counts voters.
    """
    if rule.kind != "qmv":
        return 1.0, False
    if rule.capability_threshold is not None:
        return float(rule.capability_threshold), True
    return float(rule.count_threshold if rule.count_threshold is not None else 0.5), False


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
    """The scenario as a batch of ``runs`` identical runs, with its rule, co-legislator and capability sets.

    The co-legislator is ``scenario.metadata["co_legislator"]`` (if it names an actor); capability sets come
    from ``scenario.metadata["capability_sets"]`` (set name -> actor -> capability; missing actors keep their own).
    """
    base = batch_from_arrays(scenario.arrays(), runs=runs, chair=chair_mask(scenario))
    names = scenario.actor_names
    meta = scenario.metadata or {}

    def named(key: str) -> np.ndarray | None:
        who = meta.get(key)
        if not who or str(who) not in names:
            return None
        return np.repeat(np.array([n == str(who) for n in names])[None, :], runs, axis=0)

    sets: dict[str, np.ndarray] = {}
    raw = meta.get("capability_sets")
    if isinstance(raw, Mapping):
        own = {a.name: a.capability for a in scenario.actors}
        for set_name, caps in raw.items():
            if isinstance(caps, Mapping):
                row = np.array([float(caps.get(n, own[n])) for n in names])
                sets[str(set_name)] = np.repeat(row[None, :], runs, axis=0)
    return replace(
        base,
        actors=names,
        rule=scenario.rule,
        co_legislator=named("co_legislator"),
        agenda_setter=named("agenda_setter"),
        capability_sets=sets,
    )


def co_legislator_mask(batch: Batch, name: str | None) -> np.ndarray | None:
    """``(R, A)`` the co-legislator named by a model option, else the batch's own (None if there is none).

    A name that is not one of ``batch.actors`` gives no co-legislator (the models then note the gap).
    """
    if name is None:
        return batch.co_legislator
    mask = np.array([a == name for a in batch.actors], dtype=bool)
    if not mask.any():
        return None
    return np.repeat(mask[None, :], batch.shape[0], axis=0)


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
