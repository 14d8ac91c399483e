"""The negotiation scenario: issues, actors and a decision rule, as plain frozen dataclasses.

A scenario is what every negotiation model reads. File formats (YAML/JSON/CSV) and validation live in
:mod:`alliance.negotiation.schema`; the DEU loader in :mod:`alliance.negotiation.backtest` builds scenarios too.

Conventions (shared by every model):
- positions are on each issue's own scale ``[low, high]``;
- saliences are stored on 0-1 (files may state 0-100; the schema converts);
- an actor with no position on an issue (NaN) does not take part in that issue;
- :meth:`Scenario.arrays` gives the NumPy view every model computes on: ``positions`` and ``salience`` shaped
  ``(actors, issues)`` with NaN where not coded, ``capability`` shaped ``(actors,)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = ["Actor", "DecisionRule", "Issue", "Scenario", "ScenarioArrays"]


@dataclass(frozen=True)
class Issue:
    """A contested dimension of the decision, a numeric scale with named formulations.

    Attributes:
        name: identifier (``russia_threat``).
        low, high: ends of the scale.
        reversion: the outcome if there is no agreement (status quo / reference point); None if unknown.
        formulations: named wordings at points of the scale (``{"threats, including Russia": 40.0}``).
        description: what the scale means, in a sentence.
        outcome: the observed outcome, where known (backtests); never an input to a forecast.
        title: display name (``How strongly the declaration names Russia as the threat``).
    """

    name: str
    low: float = 0.0
    high: float = 100.0
    reversion: float | None = None
    formulations: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    outcome: float | None = None
    title: str = ""

    @property
    def span(self) -> float:
        return float(self.high - self.low)

    def nearest_formulation(self, x: float) -> str | None:
        """Label of the named formulation closest to ``x`` (None if the issue has none)."""
        if not self.formulations:
            return None
        return min(self.formulations.items(), key=lambda kv: (abs(kv[1] - x), kv[1]))[0]


@dataclass(frozen=True)
class Actor:
    """A participant: positions, saliences (0-1) and capability; optionally bounds it can accept.

    Attributes:
        name: identifier (``USA``, ``Chair``).
        capability: non-negative weight (votes, spending, GDP...).
        positions: issue name -> ideal point on that issue's scale. Missing = not involved.
        saliences: issue name -> how much the actor cares, 0-1.
        veto: whether the actor's consent is needed under consensus (True for every ally).
        bounds: issue name -> (lowest, highest) outcome the actor can accept; by default any outcome it
            prefers to the reversion point.
        basis: issue name -> one line citing where the position and salience come from.
        chair: the actor proposes under consensus but casts no veto of its own (e.g. the Secretary General).
        title: display name (``United States``).
        evidence: issue name -> what the position rests on: ``statement``, ``weak`` (a low-confidence statement),
            ``rule`` (derived by a rule where no statement exists) or ``assumption``.
        sources: issue name -> ids of the scenario's sources cited for it.
        uncertainty: issue name -> input (``position``, ``salience``) -> distribution (the file's mapping, see
            :mod:`alliance.negotiation.uncertainty`); key ``""`` -> ``{"capability": ...}`` for the capability.
    """

    name: str
    capability: float
    positions: Mapping[str, float]
    saliences: Mapping[str, float]
    veto: bool = True
    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    basis: Mapping[str, str] = field(default_factory=dict)
    chair: bool = False
    title: str = ""
    evidence: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    uncertainty: Mapping[str, Mapping[str, Mapping[str, object]]] = field(default_factory=dict)


@dataclass(frozen=True)
class DecisionRule:
    """How a decision is taken.

    ``consensus``: every actor with a veto must accept. ``qmv``: a weighted qualified majority: the supporters
    must hold at least ``capability_threshold`` of total capability and/or ``count_threshold`` of the actors
    (shares 0-1; a threshold left None is not applied).
    """

    kind: Literal["consensus", "qmv"] = "consensus"
    capability_threshold: float | None = None
    count_threshold: float | None = None


@dataclass(frozen=True)
class ScenarioArrays:
    """NumPy view of a scenario. Shapes: positions/salience ``(A, I)``, capability ``(A,)``, issue vectors ``(I,)``."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    positions: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    veto: np.ndarray
    low: np.ndarray
    high: np.ndarray
    reversion: np.ndarray  # NaN where unknown
    lower_bound: np.ndarray  # (A, I) NaN where the actor stated none
    upper_bound: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """True where the actor takes part in the issue (has a position)."""
        return ~np.isnan(self.positions)


@dataclass(frozen=True)
class Scenario:
    """Issues, actors and a decision rule; the input of every model.

    ``metadata`` carries what the file states for documentation only (``as_of``, ``salience_scale``,
    ``capability_basis``, ``sources``); no model reads it. ``title`` is the display name.
    """

    name: str
    issues: tuple[Issue, ...]
    actors: tuple[Actor, ...]
    rule: DecisionRule = field(default_factory=DecisionRule)
    description: str = ""
    chair: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)
    title: str = ""

    def issue(self, name: str) -> Issue:
        for it in self.issues:
            if it.name == name:
                return it
        raise KeyError(name)

    def actor(self, name: str) -> Actor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)

    @property
    def actor_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.actors)

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.issues)

    def arrays(self) -> ScenarioArrays:
        """The scenario as arrays (see module docstring for conventions)."""
        names = self.issue_names
        n_a, n_i = len(self.actors), len(names)
        pos = np.full((n_a, n_i), np.nan)
        sal = np.full((n_a, n_i), np.nan)
        lo_b = np.full((n_a, n_i), np.nan)
        hi_b = np.full((n_a, n_i), np.nan)
        for a_idx, actor in enumerate(self.actors):
            for i_idx, issue in enumerate(names):
                if issue in actor.positions and actor.positions[issue] is not None:
                    pos[a_idx, i_idx] = float(actor.positions[issue])
                    sal[a_idx, i_idx] = float(actor.saliences.get(issue, 1.0))
                if issue in actor.bounds:
                    lo_b[a_idx, i_idx], hi_b[a_idx, i_idx] = actor.bounds[issue]
        return ScenarioArrays(
            actors=self.actor_names,
            issues=names,
            positions=pos,
            salience=sal,
            capability=np.array([float(a.capability) for a in self.actors]),
            veto=np.array([bool(a.veto and not a.chair) for a in self.actors]),
            low=np.array([float(i.low) for i in self.issues]),
            high=np.array([float(i.high) for i in self.issues]),
            reversion=np.array([np.nan if i.reversion is None else float(i.reversion) for i in self.issues]),
            lower_bound=lo_b,
            upper_bound=hi_b,
        )
