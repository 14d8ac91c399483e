"""Forecasts with their reasons: outcome, wording, who blocks, who is pivotal, how cohesive, in plain words.

:func:`forecast` runs one registered model (see :mod:`alliance.negotiation.models`) and explains its outcome;
:func:`forecast_all` runs several. Definitions (documented in ``docs/negotiation.md``):

- **utility** of actor ``i`` relative to the reversion point ``d`` (linear loss, normalised by the scale span
  and weighted by salience): ``s_i (|d - x_i| - |o - x_i|) / span``; positive = better off than without an
  agreement; NaN when the issue has no reversion point;
- **blockers**: actors with a veto who would reject the outcome under the acceptance rule of the consensus
  model: outside their stated bounds where they state bounds (the scenario says what they can accept),
  otherwise worse off than with the reversion point; for a predicted deadlock, the actors the model names as
  causing it;
- **pivotal** actors: those whose removal, or a move of their position by 10% of the scale away from or
  towards the outcome (towards: not past it), changes the predicted result on the issue: the nearest named
  formulation (or, for an issue without formulations, the outcome by more than 1% of the scale), or turns an
  agreement into a deadlock or back. Each variant is re-solved; the models with a NumPy kernel evaluate all
  ``3 x actors`` variants in one batch;
- **cohesion**: ``1 - sum_i w_i |x_i - o| / (span * sum_i w_i)`` with ``w_i`` = capability x salience: 1 when
  every weighted actor sits at the outcome, 0 when the average weight sits a whole scale away (a
  distance-based agreement index in the spirit of Hix, Noury & Roland 2005's agreement index, on positions
  instead of votes).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliance.errors import AllianceError, BadInput
from alliance.io import jsonable
from alliance.negotiation.models import get_model, model_module, model_names
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, batch_from_scenario, safe_weights
from alliance.negotiation.scenario import Actor, Scenario
from alliance.results import Result

__all__ = ["MOVE_SHARE", "Forecast", "forecast", "forecast_all", "option_takers"]

#: Size of the move used to test pivotality, as a share of the issue's scale.
MOVE_SHARE = 0.10
#: Without named formulations, an outcome change larger than this share of the scale counts as a change.
CHANGE_SHARE = 0.01
_TOL = 1e-9
_PERTURBATIONS = ("removal", "move_away", "move_toward")


@dataclass(frozen=True, eq=False)
class Forecast(Result):
    """One model's forecast for a scenario, with reasons per issue.

    Attributes:
        model: registry name of the model.
        scenario: the scenario forecast.
        outcome: ``(issues,)`` predicted points; NaN for a deadlock or where the model cannot forecast.
        formulation: per issue, the named formulation nearest the outcome (None if none or no outcome).
        blockers: per issue, actors (with a veto) worse off than with no agreement or outside their bounds.
        pivotal: per issue, actors whose removal or a 10%-of-scale move changes the predicted result.
        cohesion: ``(issues,)`` capability x salience weighted closeness of the actors to the outcome (0-1).
        explanation: per issue, one or two plain sentences.
        notes: per issue, the model's caveats (why an outcome is NaN, a single-point feasible set...).
        details: the model's own extras (EUM rounds and medians, exchanges, win-sets...).
        actors: one row per actor and issue: position, distance, utility, blocker, pivotal, pivotal_by.
        options: the options the model ran with.
    """

    model: str
    scenario: Scenario
    outcome: np.ndarray
    formulation: tuple[str | None, ...]
    blockers: Mapping[str, tuple[str, ...]]
    pivotal: Mapping[str, tuple[str, ...]]
    cohesion: np.ndarray
    explanation: Mapping[str, str]
    notes: Mapping[str, str]
    details: Mapping[str, Any]
    actors: pd.DataFrame
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def issues(self) -> tuple[str, ...]:
        return self.scenario.issue_names

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: outcome, formulation, reversion, cohesion, blockers, pivotal, note, explanation."""
        rows = []
        for j, it in enumerate(self.scenario.issues):
            rows.append(
                {
                    "model": self.model,
                    "issue": it.name,
                    "outcome": float(self.outcome[j]),
                    "formulation": self.formulation[j],
                    "reversion": math.nan if it.reversion is None else float(it.reversion),
                    "cohesion": float(self.cohesion[j]),
                    "blockers": ", ".join(self.blockers[it.name]),
                    "pivotal": ", ".join(self.pivotal[it.name]),
                    "note": self.notes.get(it.name, ""),
                    "explanation": self.explanation[it.name],
                }
            )
        return pd.DataFrame(rows)

    def actors_frame(self) -> pd.DataFrame:
        """One row per actor and issue (a copy of :attr:`actors`)."""
        return self.actors.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, keyed by issue: outcome, formulation, blockers, pivotal, cohesion, utilities, details."""
        out: dict[str, Any] = {}
        for j, it in enumerate(self.scenario.issues):
            rows = self.actors[self.actors["issue"] == it.name]
            out[it.name] = jsonable(
                {
                    "outcome": float(self.outcome[j]),
                    "formulation": self.formulation[j],
                    "reversion": it.reversion,
                    "blockers": list(self.blockers[it.name]),
                    "pivotal": list(self.pivotal[it.name]),
                    "cohesion": float(self.cohesion[j]),
                    "note": self.notes.get(it.name),
                    "explanation": self.explanation[it.name],
                    "utility": dict(zip(rows["actor"], rows["utility"], strict=True)),
                    "details": _issue_details(self.details, self.issues, j),
                }
            )
        return out

    def __str__(self) -> str:
        lines = [f"{self.model} forecast for {self.scenario.title or self.scenario.name}"]
        for j, issue in enumerate(self.issues):
            o = self.outcome[j]
            head = f"  {issue}: " + ("no agreement" if np.isnan(o) else f"{o:.4g}")
            if self.formulation[j]:
                head += f" -> {self.formulation[j]!r}"
            lines.append(head)
            lines.append(f"    {self.explanation[issue]}")
        return "\n".join(lines)

    def __rich__(self) -> Any:
        from rich.table import Table

        table = Table(title=f"{self.model} forecast: {self.scenario.title or self.scenario.name}", show_lines=True)
        for col, justify in (("issue", "left"), ("outcome", "right"), ("formulation", "left"), ("reasons", "left")):
            table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for j, issue in enumerate(self.issues):
            o = self.outcome[j]
            table.add_row(
                issue, "no agreement" if np.isnan(o) else f"{o:.4g}", self.formulation[j] or "", self.explanation[issue]
            )
        return table

    @property
    def source(self) -> str:
        """The chart's source line: the scenario, whose file names the source of every input."""
        return f"Source: scenario '{self.scenario.name}' (every input's source in its file); model: {self.model}"

    @property
    def title(self) -> str:
        return f"{self.model} forecast: {self.scenario.title or self.scenario.name}"

    @property
    def meta(self) -> dict[str, Any]:
        """The scenario (name, as-of date, decision rule), the model and its options, and what the figures mean."""
        return {
            "scenario": self.scenario.name,
            "as_of": str(self.scenario.metadata.get("as_of", "")) if self.scenario.metadata else "",
            "rule": self.scenario.rule.kind,
            "model": self.model,
            "options": dict(self.options),
            "outcome": "point on each issue's scale; NaN: no agreement or no forecast",
            "cohesion": "capability x salience weighted closeness of the actors to the outcome, 0-1",
        }

    def figure(self, backend: str = "matplotlib") -> Any:
        """Positions on each issue scale (sized by capability x salience), the outcome and the reversion point."""
        from alliance.negotiation.plots import plot_forecasts

        return plot_forecasts({self.model: self}, backend=backend)


# ---------------------------------------------------------------------------------------------------------------
# running models
# ---------------------------------------------------------------------------------------------------------------
def _accepted(solver: Any, options: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """Split options into those the solver takes and those it does not; also list the ones it takes."""
    params = inspect.signature(solver).parameters
    names = [n for n, p in list(params.items())[1:] if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return dict(options), [], names
    ok = {k: v for k, v in options.items() if k in names}
    return ok, [k for k in options if k not in names], names


def option_takers(option: str, models: Iterable[str] | None = None) -> list[str]:
    """The models (of ``models``; default every available one) whose solver takes ``option``, e.g. ``rounds``."""
    names = list(model_names() if models is None else models)
    return [n for n in names if option in _accepted(get_model(n), {option: None})[0]]


def _run(model: str, scenario: Scenario, options: Mapping[str, Any]) -> ModelOutcome:
    solver = get_model(model)
    try:
        res = solver(scenario, **options)
    except AllianceError:
        raise
    except Exception as exc:  # a bug in a model must not surface as a traceback in the CLI
        raise AllianceError(
            f"model {model!r} failed on scenario {scenario.name!r}: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(res, ModelOutcome):
        raise AllianceError(f"model {model!r} returned {type(res).__name__}, not a ModelOutcome")
    return res


def _reference(batch: Batch, outcome: np.ndarray) -> np.ndarray:
    """``(I,)`` the point moves are measured from: the outcome, else the reversion point, else the compromise."""
    x = np.where(batch.mask[0], batch.positions[0], 0.0)
    w = safe_weights(batch, "cs")[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        comp = (w * x).sum(axis=0) / w.sum(axis=0)
    ref = np.where(np.isnan(outcome), batch.reversion[0], outcome)
    return np.where(np.isnan(ref), comp, ref)


def _perturbed_positions(batch: Batch, ref: np.ndarray) -> np.ndarray:
    """``(3A, A, I)`` positions: actor k removed (run k), moved away (A + k), moved towards (2A + k)."""
    pos = batch.positions[0]
    n_a = pos.shape[0]
    step = MOVE_SHARE * batch.span
    direction = np.sign(pos - ref[None, :])
    # an actor sitting on the reference point moves towards the farther end of the scale
    far = np.where(batch.high - ref >= ref - batch.low, 1.0, -1.0)
    direction = np.where(direction == 0, far[None, :], direction)
    away = np.clip(pos + direction * step, batch.low, batch.high)
    toward = pos - np.sign(pos - ref[None, :]) * np.minimum(step, np.abs(pos - ref[None, :]))
    out = np.repeat(pos[None], 3 * n_a, axis=0)
    idx = np.arange(n_a)
    out[idx, idx] = np.nan
    out[n_a + idx, idx] = away
    out[2 * n_a + idx, idx] = toward
    return out


def _variant_scenario(scenario: Scenario, k: int, positions: np.ndarray, removal: bool) -> Scenario:
    actor = scenario.actors[k]
    if removal:
        actors = scenario.actors[:k] + scenario.actors[k + 1 :]
        chair = None if scenario.chair == actor.name else scenario.chair
        return replace(scenario, actors=actors, chair=chair)
    new_pos = {n: float(positions[j]) for j, n in enumerate(scenario.issue_names) if n in actor.positions}
    moved: Actor = replace(actor, positions=new_pos)
    return replace(scenario, actors=scenario.actors[:k] + (moved,) + scenario.actors[k + 1 :])


def _variant_outcomes(model: str, scenario: Scenario, options: Mapping[str, Any], ref: np.ndarray) -> np.ndarray:
    """``(3A, I)`` outcomes of every perturbed variant, in one ``solve_batch`` call.

    A removed actor is an actor with no position on any issue (it takes part in nothing: no weight, no veto,
    no chair or co-legislator role), which is what removing it from the scenario means to every model.
    """
    base = batch_from_scenario(scenario)
    pos = _perturbed_positions(base, ref)
    n_runs = pos.shape[0]
    module = model_module(model)
    runner = getattr(module, "solve_batch", None)
    if runner is not None:
        batch = replace(batch_from_scenario(scenario, runs=n_runs), positions=pos)
        return np.asarray(runner(batch, **options).outcome, dtype=float)
    n_a = len(scenario.actors)
    out = np.full((n_runs, len(scenario.issues)), np.nan)
    for run in range(n_runs):  # a model registered without solve_batch: re-solve each variant (3 x actors solves)
        if n_a == 1 and run < n_a:
            continue  # the only actor removed: nobody takes part, no outcome (NaN)
        variant = _variant_scenario(scenario, run % n_a, pos[run, run % n_a], removal=run < n_a)
        out[run] = _run(model, variant, options).outcome
    return out


def _labels_differ(scenario: Scenario, base: np.ndarray, variants: np.ndarray) -> np.ndarray:
    """``(R, I)`` True where a variant's predicted result differs from the base forecast."""
    diff = np.zeros(variants.shape, dtype=bool)
    for j, it in enumerate(scenario.issues):
        b, v = base[j], variants[:, j]
        status = np.isnan(v) != np.isnan(b)
        if it.formulations:
            lb = it.nearest_formulation(float(b)) if not np.isnan(b) else None
            lv = np.array([it.nearest_formulation(float(x)) if not np.isnan(x) else None for x in v], dtype=object)
            diff[:, j] = status | (lv != lb)
        else:
            with np.errstate(invalid="ignore"):
                moved = np.abs(v - b) > CHANGE_SHARE * it.span
            diff[:, j] = status | (moved & ~np.isnan(v) & ~np.isnan(b))
    return diff


# ---------------------------------------------------------------------------------------------------------------
# building the forecast
# ---------------------------------------------------------------------------------------------------------------
def forecast(
    scenario: Scenario | str | Path, model: str = "compromise", *, pivotal: bool = True, **options: Any
) -> Forecast:
    """Run one model on a scenario and explain the outcome per issue.

    Args:
        scenario: a :class:`Scenario`, a bundled scenario name or a scenario file path.
        model: a registered model name (``alliance.negotiation.models.model_names()``).
        pivotal: find pivotal actors (re-solves the scenario 3 x actors times; cheap for kernel models).
        **options: passed to the model (e.g. ``rounds`` for ``eum``, ``weights`` for ``compromise``).

    Raises:
        BadInput: unknown model, an option the model does not take, an invalid scenario.
    """
    from alliance.negotiation.schema import load_scenario

    sc = load_scenario(scenario)  # a Scenario object is checked like a file (alliance.negotiation.limits)
    solver = get_model(model)
    ok, rejected, valid = _accepted(solver, options)
    if rejected:
        raise BadInput(
            f"model {model!r} does not take option(s) {', '.join(rejected)}; valid: {', '.join(valid) or '(none)'}"
        )
    return _build(model, sc, ok, pivotal)


def forecast_all(
    scenario: Scenario | str | Path, models: Iterable[str] | None = None, *, pivotal: bool = True, **options: Any
) -> dict[str, Forecast]:
    """Run several models (default: every available one); each gets the options it takes, ignoring the rest."""
    from alliance.negotiation.schema import load_scenario

    sc = load_scenario(scenario)  # a Scenario object is checked like a file (alliance.negotiation.limits)
    if isinstance(models, str):
        models = [models]
    names = list(model_names() if models is None else models)
    if not names:
        raise BadInput("models: an empty list; give at least one model name, or None for every available model")
    out: dict[str, Forecast] = {}
    for name in names:
        ok, _, _ = _accepted(get_model(name), options)
        out[name] = _build(name, sc, ok, pivotal)
    return out


def _build(model: str, sc: Scenario, options: Mapping[str, Any], find_pivotal: bool) -> Forecast:
    res = _run(model, sc, options)
    o = np.asarray(res.outcome, dtype=float).reshape(-1)
    if o.shape != (len(sc.issues),):
        raise AllianceError(f"model {model!r} returned {o.shape[0]} outcomes for {len(sc.issues)} issues")
    batch = batch_from_scenario(sc)
    arr_pos = batch.positions[0]
    mask = batch.mask[0]
    sal = batch.salience[0]
    notes = dict(res.notes)
    # An issue nobody takes part in has no forecast, whatever a kernel returns for it (Nash gave 3.9e-30).
    weighted = mask & (np.nan_to_num(sal) * batch.capability[0][:, None] > 0)
    nobody = ~weighted.any(axis=0)
    if nobody.any():
        o = np.where(nobody, np.nan, o)
        for idx in np.flatnonzero(nobody):
            notes[sc.issues[idx].name] = (
                "nobody takes part in this issue: every actor's capability x salience is 0"
                if mask[:, idx].any()
                else "nobody takes part in this issue: no actor has a position on it"
            )
    veto = batch.veto[0][:, None] & mask
    d = batch.reversion[0]
    span = batch.span
    names = sc.actor_names
    issues = sc.issue_names

    dist = np.abs(arr_pos - o[None, :])
    gain = sal * (np.abs(d[None, :] - arr_pos) - dist) / span[None, :]
    with np.errstate(invalid="ignore"):
        worse = gain < -_TOL
        out_lo = o[None, :] < batch.lower_bound[0] - _TOL
        out_hi = o[None, :] > batch.upper_bound[0] + _TOL
    outside = out_lo | out_hi
    # an actor's acceptance rule, as in the consensus model: its stated bounds if any, else "no worse than d"
    has_bounds = ~np.isnan(batch.lower_bound[0]) & ~np.isnan(batch.upper_bound[0])
    rejects = np.where(has_bounds, outside, worse)
    blocking = veto & ~np.isnan(o)[None, :] & rejects
    w = safe_weights(batch, "cs")[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        cohesion = 1.0 - np.nansum(np.where(mask, w * dist, 0.0), axis=0) / (span * w.sum(axis=0))
    cohesion = np.where(np.isnan(o), np.nan, cohesion)

    piv = np.zeros((3, len(names), len(issues)), dtype=bool)
    if find_pivotal and len(names) > 0:
        variants = _variant_outcomes(model, sc, options, _reference(batch, o))
        piv = _labels_differ(sc, o, variants).reshape(3, len(names), len(issues)) & mask[None] & ~nobody[None, None]

    deadlock_by = res.details.get("deadlock_by", {}) if isinstance(res.details, Mapping) else {}
    formulation = tuple(
        None if np.isnan(o[j]) else it.nearest_formulation(float(o[j])) for j, it in enumerate(sc.issues)
    )
    blockers: dict[str, tuple[str, ...]] = {}
    pivotal: dict[str, tuple[str, ...]] = {}
    rows = []
    for j, issue in enumerate(issues):
        if nobody[j]:
            blockers[issue] = ()
        elif np.isnan(o[j]) and isinstance(deadlock_by, Mapping) and deadlock_by.get(issue):
            blockers[issue] = tuple(deadlock_by[issue])
        else:
            blockers[issue] = tuple(names[k] for k in np.flatnonzero(blocking[:, j]))
        pivotal[issue] = tuple(names[k] for k in np.flatnonzero(piv[:, :, j].any(axis=0)))
        for k, actor in enumerate(names):
            if not mask[k, j]:
                continue
            rows.append(
                {
                    "model": model,
                    "issue": issue,
                    "actor": actor,
                    "capability": float(batch.capability[0, k]),
                    "salience": float(sal[k, j]),
                    "position": float(arr_pos[k, j]),
                    "veto": bool(veto[k, j]),
                    "distance": float(dist[k, j]),
                    "utility": float(gain[k, j]),
                    "acceptable": bool(not rejects[k, j]) if not np.isnan(o[j]) else False,
                    "blocker": actor in blockers[issue],
                    "pivotal": bool(piv[:, k, j].any()),
                    "pivotal_by": ", ".join(p for p, hit in zip(_PERTURBATIONS, piv[:, k, j], strict=True) if hit),
                }
            )
    actors_df = pd.DataFrame(
        rows,
        columns=[
            "model",
            "issue",
            "actor",
            "capability",
            "salience",
            "position",
            "veto",
            "distance",
            "utility",
            "acceptable",
            "blocker",
            "pivotal",
            "pivotal_by",
        ],
    )
    explanation = {
        issue: _explain(
            model, sc, j, o[j], formulation[j], blockers[issue], pivotal[issue], cohesion[j], notes, find_pivotal
        )
        for j, issue in enumerate(issues)
    }
    return Forecast(
        model=model,
        scenario=sc,
        outcome=o,
        formulation=formulation,
        blockers=blockers,
        pivotal=pivotal,
        cohesion=cohesion,
        explanation=explanation,
        notes=notes,
        details=dict(res.details),
        actors=actors_df,
        options=dict(options),
    )


def _names(items: tuple[str, ...], limit: int = 6) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def _explain(
    model: str,
    sc: Scenario,
    j: int,
    o: float,
    formulation: str | None,
    blockers: tuple[str, ...],
    pivotal: tuple[str, ...],
    cohesion: float,
    notes: Mapping[str, str],
    find_pivotal: bool,
) -> str:
    it = sc.issues[j]
    note = notes.get(it.name)
    if np.isnan(o):
        text = f"No agreement predicted on {it.name}"
        text += f": {note}." if note else "."
        if blockers:
            text += f" Blocking: {_names(blockers)}."
    else:
        text = f"The {model} model puts {it.name} at {o:.3g} on a {it.low:g}-{it.high:g} scale"
        text += f", nearest wording {formulation!r}." if formulation else "."
        if it.reversion is not None:
            rel = "above" if o > it.reversion + _TOL else "below" if o < it.reversion - _TOL else "at"
            text += f" That is {rel} the reversion point ({it.reversion:g})."
        if blockers:
            text += f" {len(blockers)} actor(s) with a veto would reject it: {_names(blockers)}."
        elif it.reversion is not None:
            text += " Every actor with a veto can accept it."
        text += f" Cohesion {cohesion:.2f}."
        if note:
            text += f" Note: {note}."
    if find_pivotal and (pivotal or not np.isnan(o) or blockers):
        text += f" Pivotal: {_names(pivotal)}." if pivotal else " No single actor is pivotal."
    return text


# ---------------------------------------------------------------------------------------------------------------
# output helpers
# ---------------------------------------------------------------------------------------------------------------
def _issue_details(details: Mapping[str, Any], issues: tuple[str, ...], j: int) -> dict[str, Any]:
    """The part of a model's details that concerns issue ``j``: mappings keyed by issue and numeric arrays or
    nested lists whose last axis is the issue axis (the ``ModelOutcome`` convention) are sliced; anything else
    is passed whole."""
    out: dict[str, Any] = {}
    n = len(issues)
    for key, val in details.items():
        if isinstance(val, Mapping) and all(k in issues for k in val):
            out[key] = val.get(issues[j])
        elif (arr := _numeric_array(val)) is not None and arr.ndim >= 1 and arr.shape[-1] == n:
            out[key] = arr[..., j]
        else:
            out[key] = val
    return out


def _numeric_array(val: Any) -> np.ndarray | None:
    """``val`` as a float array if it is a (nested) list or array of numbers (None -> NaN), else None."""
    if isinstance(val, np.ndarray):
        return val if val.dtype.kind in "fiub" else None
    if not isinstance(val, list | tuple) or not val:
        return None
    try:
        arr = np.asarray(val, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr
