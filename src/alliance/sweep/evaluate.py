"""One chunk of a sweep: draw its runs' inputs, solve every model on them in one batch call, classify the outcomes.

:class:`Plan` is everything a worker needs (picklable: it travels to process-pool and Dask workers once per chunk);
:func:`evaluate` turns a run range into columns, one entry per stored column (see :mod:`alliance.sweep.store`):

- ``run``, ``chunk``, ``seed_block``: the run index, the chunk that computed it, the seed block it drew from;
- ``x.<input>``: every varied input (``USA.spending_target.position``...);
- per model and issue ``<model>.<issue>.outcome`` (NaN: no agreement or no forecast), ``.deadlock`` (the model
  predicts no agreement), ``.formulation`` (index of the named formulation nearest the outcome, as
  ``Issue.nearest_formulation`` picks it; -1 without an outcome or formulations) and ``.unsignable`` (an actor with
  a veto would reject the outcome: outside its stated bounds where it states bounds, else worse off than with the
  reversion point, the acceptance rule of the consensus model and of ``alliance negotiate``'s blockers).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.batch import Batch
from alliance.sweep.distributions import SweepSpace
from alliance.sweep.samplers import SEED_BLOCK, Design, uniforms

__all__ = ["OUTPUTS", "Plan", "batch_models", "evaluate", "model_options"]

#: The columns stored per model and issue.
OUTPUTS: tuple[str, ...] = ("outcome", "deadlock", "formulation", "unsignable")
_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Plan:
    """A sweep's fixed part: the space of inputs, the design, the models and their options."""

    space: SweepSpace
    design: Design
    models: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    input_dtype: str = "float32"

    @property
    def issues(self) -> tuple[str, ...]:
        return self.space.scenario.issue_names

    def columns(self) -> list[tuple[str, str]]:
        """``(name, SQL type)`` of every stored column, in order."""
        cols = [("run", "BIGINT"), ("chunk", "INTEGER"), ("seed_block", "INTEGER")]
        kind = "FLOAT" if self.input_dtype == "float32" else "DOUBLE"
        cols += [(f"x.{n}", kind) for n in self.space.names]
        types = {"outcome": "DOUBLE", "deadlock": "BOOLEAN", "formulation": "SMALLINT", "unsignable": "BOOLEAN"}
        cols += [(f"{m}.{i}.{o}", types[o]) for m in self.models for i in self.issues for o in OUTPUTS]
        return cols


def batch_models() -> list[str]:
    """The registered models with a batch kernel (``solve_batch``), in registry order: the ones a sweep can run."""
    from alliance.negotiation.models import model_module, model_names

    return [m for m in model_names() if getattr(model_module(m), "solve_batch", None) is not None]


def model_options(models: list[str], options: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per model the options its ``solve_batch`` takes (``rounds`` goes to the EUM and exchange models only).

    Raises:
        BadInput: an option no chosen model takes.
    """
    from alliance.negotiation.models import model_module

    out: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for m in models:
        params = inspect.signature(model_module(m).solve_batch).parameters  # type: ignore[union-attr]
        names = [n for n in list(params)[1:]]
        out[m] = {k: v for k, v in options.items() if k in names}
        used |= set(out[m])
    unused = [k for k in options if k not in used]
    if unused:
        raise BadInput(f"option(s) {', '.join(unused)} taken by none of the models {', '.join(models)}")
    return out


def _formulation_index(outcome: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index (into ``values``, sorted ascending) of the formulation nearest each outcome; ties to the lower one."""
    if values.size == 0:
        return np.full(outcome.shape, -1, dtype=np.int16)
    dist = np.abs(np.nan_to_num(outcome, nan=0.0)[..., None] - values)
    idx = np.argmin(dist, axis=-1).astype(np.int16)  # argmin keeps the first (lowest) of ties
    return np.where(np.isnan(outcome), np.int16(-1), idx)


def unsignable(batch: Batch, outcome: np.ndarray) -> np.ndarray:
    """``(R, I)`` True where an actor with a veto would reject the outcome (module docstring); False for NaN."""
    return rejecting(batch, outcome).any(axis=1) & ~np.isnan(outcome)


def rejecting(batch: Batch, outcome: np.ndarray) -> np.ndarray:
    """``(R, A, I)`` True where actor ``a`` holds a veto and would reject the outcome ``(R, I)``."""
    x = batch.positions
    o = outcome[:, None, :]
    d = batch.reversion[:, None, :]
    with np.errstate(invalid="ignore"):
        gain = batch.salience * (np.abs(d - x) - np.abs(o - x)) / batch.span
        worse = gain < -_TOL
        outside = (o < batch.lower_bound - _TOL) | (o > batch.upper_bound + _TOL)
    has_b = ~np.isnan(batch.lower_bound) & ~np.isnan(batch.upper_bound)
    rejects = np.where(has_b, outside, worse)
    veto = batch.veto[:, :, None] & batch.mask
    return veto & rejects & ~np.isnan(o)


def formulation_values(plan: Plan) -> list[np.ndarray]:
    """Per issue the named formulations' points, sorted ascending (the order of the stored indices)."""
    return [np.array(sorted(it.formulations.values()), dtype=float) for it in plan.space.scenario.issues]


def seed_block_length(d: Design) -> int:
    """Runs per seed block: ``SEED_BLOCK`` (mc), the Latin hypercube's block (lhs), a base row's runs (sobol)."""
    return {"mc": SEED_BLOCK, "lhs": d.lhs_block}.get(d.sampler, d.n_groups + 2)


def evaluate(plan: Plan, chunk: int, lo: int, hi: int) -> dict[str, Any]:
    """Runs ``lo .. hi - 1``: ``{"chunk", "lo", "hi", "seconds", "columns": {name: array}}`` (module docstring)."""
    from alliance.negotiation.models import model_module

    start = time.perf_counter()
    values = plan.space.values(uniforms(plan.design, lo, hi))
    batch = plan.space.batch(values)
    runs = np.arange(lo, hi, dtype=np.int64)
    cols: dict[str, np.ndarray] = {
        "run": runs,
        "chunk": np.full(hi - lo, chunk, dtype=np.int32),
        "seed_block": (runs // seed_block_length(plan.design)).astype(np.int32),
    }
    vals = values.astype(plan.input_dtype)
    for k, name in enumerate(plan.space.names):
        cols[f"x.{name}"] = vals[:, k]
    forms = formulation_values(plan)
    for m in plan.models:
        res = model_module(m).solve_batch(batch, **plan.options.get(m, {}))  # type: ignore[union-attr]
        out = np.asarray(res.outcome, dtype=float)
        dead = np.asarray(res.no_agreement, dtype=bool)
        uns = unsignable(batch, out)
        for j, issue in enumerate(plan.issues):
            cols[f"{m}.{issue}.outcome"] = out[:, j]
            cols[f"{m}.{issue}.deadlock"] = dead[:, j]
            cols[f"{m}.{issue}.formulation"] = _formulation_index(out[:, j], forms[j])
            cols[f"{m}.{issue}.unsignable"] = uns[:, j]
    return {"chunk": chunk, "lo": lo, "hi": hi, "seconds": time.perf_counter() - start, "columns": cols}
