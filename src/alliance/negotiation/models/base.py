"""What every negotiation model returns, and the registry that names them.

A model is a pure function ``solve(scenario, **options) -> ModelOutcome`` (no hidden state). Array-level
kernels that evaluate a batch of runs, shaped ``(runs, actors, issues)``, sit beside it in the same module so
Monte Carlo sweeps and backtests call them directly. :mod:`alliance.negotiation.forecasting` turns a
``ModelOutcome`` into a ``Forecast`` with reasons (blockers, pivotal actors, cohesion, explanation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from alliance.negotiation.scenario import Scenario

__all__ = ["ModelOutcome", "Solver"]


@dataclass(frozen=True)
class ModelOutcome:
    """The raw result of one model on one scenario.

    Attributes:
        model: registry name (``compromise``, ``median``, ``nash``, ``eum``, ``consensus``, ``exchange``...).
        outcome: shape ``(issues,)``, the predicted point per issue in scenario order; NaN where the model
            forecasts no agreement (deadlock) or cannot forecast (reason in ``notes``).
        notes: per issue name, a short reason where the outcome is NaN or needs a caveat.
        details: model-specific extras, JSON-able where possible: ``rounds`` (EUM positions per round,
            shape ``(rounds + 1, actors, issues)``), ``medians`` per round, ``exchanges`` (exchange model),
            ``winset`` per issue as ``[lo, hi]`` intervals (consensus), ``deadlock_by`` actor names...
    """

    model: str
    outcome: np.ndarray
    notes: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)


class Solver(Protocol):
    def __call__(self, scenario: Scenario, **options: Any) -> ModelOutcome: ...


SolverFn = Callable[..., ModelOutcome]
