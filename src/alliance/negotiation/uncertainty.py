"""Uncertainty of a scenario's inputs: per-input distributions, defaults by kind of evidence, resolution, quantiles.

A scenario file may attach a distribution to any actor's position or salience on an issue, and to its capability
(the field shape agreed for the sweep issue)::

    actors:
      - name: DEU
        capability: 112.1
        uncertainty: {capability: {dist: normal, sd_share: 0.1}}
        issues:
          spending_target:
            position: 5
            salience: 60
            evidence: statement            # statement | weak | rule | assumption
            sources: [deu-wadephul-2025-05-15]
            uncertainty:
              position: {dist: discrete, values: [5, 3.2], probs: [0.7, 0.3]}
              salience: {dist: normal, sd: 10}
    default_uncertainty:                   # for inputs without their own, by evidence
      statement: {position: {dist: normal, sd_share: 0.05}, salience: {dist: normal, sd: 10}}
      rule: {position: {dist: normal, sd_share: 0.15}, salience: {dist: normal, sd: 20}}
      default: {position: {dist: normal, sd_share: 0.10}, salience: {dist: normal, sd: 15}}
      capability: {dist: normal, sd_share: 0.10}

Distributions (:class:`DistributionSpec`), every one **clipped to the input's range** (positions to the issue's
scale, saliences to ``[0, salience_scale]``, capabilities to ``[0, inf)``):

- ``normal``: centred on the stated value, ``sd`` in the input's units or ``sd_share`` (a share of the issue's
  scale for positions, of the salience scale for saliences, of the stated value for capabilities);
- ``uniform``: ``low``/``high`` in the input's units, or ``half_width_share`` around the stated value;
- ``triangular``: ``low``, ``high`` and ``mode`` (default: the stated value);
- ``discrete``: ``values`` with ``probs`` (summing to 1).

Named global parameters (``parameters:``) vary something no single input holds, each with its own distribution
(absolute units, clipped like the inputs it changes)::

    parameters:
      - name: ukraine_reversion                 # the outcome without agreement on ukraine
        target: reversion
        issues: [ukraine]
        uncertainty: {dist: uniform, low: 25, high: 75}
      - name: us_salience                       # how much the US cares, on every issue, as a factor
        target: salience_factor
        actors: [USA]
        uncertainty: {dist: triangular, low: 0.5, high: 1.5, mode: 1}

``target`` is ``reversion`` (one issue; nominal value: the issue's reversion point), ``position_shift`` (added to the
positions of ``actors`` on ``issues``, in shares of each issue's scale; nominal 0), ``salience_factor`` or
``capability_factor`` (multiplies; nominal 1). ``actors``/``issues`` default to all. ``value`` overrides the
nominal value (what a single forecast uses is always the scenario's own inputs: parameters matter to sweeps only).

Resolution (:func:`resolved_uncertainty`): the input's own ``uncertainty``, else ``default_uncertainty[evidence]``,
else ``default_uncertainty["default"]`` (capabilities: ``default_uncertainty["capability"]``), else none.
:func:`ppf` turns uniform numbers into draws of a resolved row, vectorised (the sweep samplers call it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from alliance.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

    from alliance.negotiation.scenario import Scenario

__all__ = [
    "EVIDENCE",
    "PARAMETER_TARGETS",
    "DefaultUncertaintyModel",
    "ParameterModel",
    "DistributionSpec",
    "check_distribution",
    "describe_uncertainty",
    "check_parameters",
    "ppf",
    "resolved_parameters",
    "resolved_uncertainty",
]

#: Kinds of evidence behind an input (``evidence:`` of an actor's issue entry).
EVIDENCE: tuple[str, ...] = ("statement", "weak", "rule", "assumption")
_INPUTS = ("position", "salience")
#: What a named global parameter (``parameters:``) can vary; see the module docstring.
PARAMETER_TARGETS: tuple[str, ...] = ("reversion", "position_shift", "salience_factor", "capability_factor")


class DistributionSpec(BaseModel):
    """One input's distribution (module docstring): ``dist`` and the parameters that kind needs."""

    model_config = ConfigDict(extra="forbid")

    dist: Literal["normal", "uniform", "triangular", "discrete"]
    sd: float | None = None
    sd_share: float | None = None
    low: float | None = None
    high: float | None = None
    half_width_share: float | None = None
    mode: float | None = None
    values: list[float] | None = None
    probs: list[float] | None = None


class InputUncertaintyModel(BaseModel):
    """``uncertainty:`` of an actor's issue entry."""

    model_config = ConfigDict(extra="forbid")

    position: DistributionSpec | None = None
    salience: DistributionSpec | None = None


class ActorUncertaintyModel(BaseModel):
    """``uncertainty:`` of an actor (its capability)."""

    model_config = ConfigDict(extra="forbid")

    capability: DistributionSpec | None = None


class DefaultUncertaintyModel(BaseModel):
    """``default_uncertainty:`` of a scenario: per kind of evidence, and for capabilities."""

    model_config = ConfigDict(extra="forbid")

    statement: InputUncertaintyModel | None = None
    weak: InputUncertaintyModel | None = None
    rule: InputUncertaintyModel | None = None
    assumption: InputUncertaintyModel | None = None
    default: InputUncertaintyModel | None = None
    capability: DistributionSpec | None = None


class ParameterModel(BaseModel):
    """One named global parameter of a scenario (``parameters:``; module docstring)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    target: Literal["reversion", "position_shift", "salience_factor", "capability_factor"]
    issues: list[str] = []
    actors: list[str] = []
    value: float | None = None
    uncertainty: DistributionSpec


def check_distribution(d: DistributionSpec, path: str, lo: float, hi: float) -> list[str]:
    """Errors of one distribution whose input lives in ``[lo, hi]`` (one ``path: message`` per problem)."""
    errs: list[str] = []
    rng = f"must be between {lo:g} and {hi:g}"

    def inside(v: float | None) -> bool:
        return v is None or (math.isfinite(v) and lo <= v <= hi)

    if d.dist == "normal":
        given = [k for k in ("sd", "sd_share") if getattr(d, k) is not None]
        if len(given) != 1:
            errs.append(f"{path}: a normal distribution needs exactly one of sd, sd_share")
        elif not (getattr(d, given[0]) > 0 and math.isfinite(getattr(d, given[0]))):
            errs.append(f"{path}.{given[0]}: must be a positive number, got {getattr(d, given[0])}")
    elif d.dist in ("uniform", "triangular"):
        share = d.half_width_share if d.dist == "uniform" else None
        if share is not None:
            if d.low is not None or d.high is not None:
                errs.append(f"{path}: give either low/high or half_width_share, not both")
            elif not share > 0:
                errs.append(f"{path}.half_width_share: must be positive, got {share}")
        elif d.low is None or d.high is None:
            errs.append(f"{path}: a {d.dist} distribution needs low and high")
        elif not (inside(d.low) and inside(d.high)):
            errs.append(f"{path}: low and high {rng}, got [{d.low:g}, {d.high:g}]")
        elif d.low > d.high:
            errs.append(f"{path}: low {d.low:g} exceeds high {d.high:g}")
        elif d.mode is not None and not d.low <= d.mode <= d.high:
            errs.append(f"{path}.mode: must lie between low and high, got {d.mode:g}")
    elif d.dist == "discrete":
        if not d.values or d.probs is None or len(d.values) != len(d.probs):
            errs.append(f"{path}: a discrete distribution needs values and probs of the same length")
        elif any(p < 0 for p in d.probs) or not math.isclose(sum(d.probs), 1.0, abs_tol=1e-6):
            errs.append(f"{path}.probs: must be non-negative and sum to 1, got {d.probs}")
        elif not all(inside(v) for v in d.values):
            errs.append(f"{path}.values: {rng}")
    return errs


def _as_dict(d: DistributionSpec | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    if isinstance(d, DistributionSpec):
        return d.model_dump(exclude_none=True)
    return {k: v for k, v in dict(d).items() if v is not None}


def resolved_uncertainty(scenario: Scenario) -> pd.DataFrame:
    """Every uncertain input of ``scenario`` (a :class:`Scenario`; the public
    :func:`alliance.negotiation.resolved_uncertainty` also takes a bundled name or a file) with its distribution
    in absolute terms (module docstring).

    One row per input: ``actor, issue`` (empty for a capability), ``input`` (position, salience, capability),
    ``value`` (the stated value), ``evidence``, ``origin`` (``own``, ``default:<kind>`` or ``none``), ``dist``
    and its parameters in the input's units (``sd``, ``low``, ``high``, ``mode``, ``values``, ``probs``), and the
    clipping range ``clip_low``, ``clip_high``. Saliences are on the file's salience scale.
    """
    import pandas as pd

    from alliance.negotiation.limits import check_scenario
    from alliance.negotiation.scenario import Scenario

    if not isinstance(scenario, Scenario):  # names and files: alliance.negotiation.schema.resolved_uncertainty
        raise BadInput(f"scenario: expected a Scenario, got {type(scenario).__name__}")
    check_scenario(scenario)
    defaults = scenario.metadata.get("default_uncertainty") or {}
    if not isinstance(defaults, Mapping):
        defaults = {}
    sal_scale = float(scenario.metadata.get("salience_scale", 100))  # type: ignore[arg-type]
    scales = {it.name: (it.low, it.high) for it in scenario.issues}
    rows: list[dict[str, Any]] = []

    def add(actor: str, issue: str, inp: str, value: float, evidence: str, spec: Any, origin: str,
            span: float, clip: tuple[float, float]) -> None:  # fmt: skip
        d = _as_dict(spec)
        row: dict[str, Any] = {"actor": actor, "issue": issue, "input": inp, "value": value, "evidence": evidence}
        if d is None:
            rows.append(row | {"origin": "none", "dist": "none", "clip_low": clip[0], "clip_high": clip[1]})
            return
        row |= {"origin": origin, "dist": d["dist"], "clip_low": clip[0], "clip_high": clip[1]}
        kind = d["dist"]
        if kind == "normal":
            row["sd"] = float(d["sd"]) if "sd" in d else float(d["sd_share"]) * span
        elif kind in ("uniform", "triangular"):
            if "half_width_share" in d:
                hw = float(d["half_width_share"]) * span
                row["low"], row["high"] = value - hw, value + hw
            else:
                row["low"], row["high"] = float(d["low"]), float(d["high"])
            if kind == "triangular":
                row["mode"] = float(d.get("mode", value))
        else:
            row["values"], row["probs"] = [float(v) for v in d["values"]], [float(p) for p in d["probs"]]
        rows.append(row)

    for a in scenario.actors:
        cap_spec = a.uncertainty.get("", {}).get("capability") if a.uncertainty else None
        origin = "own" if cap_spec is not None else "default:capability"
        add(a.name, "", "capability", float(a.capability), "", cap_spec or defaults.get("capability"), origin,
            float(a.capability), (0.0, math.inf))  # fmt: skip
        for issue in scenario.issue_names:
            if issue not in a.positions:
                continue
            ev = a.evidence.get(issue, "")
            own = (a.uncertainty or {}).get(issue, {})
            lo, hi = scales[issue]
            for inp, value, span, clip in (
                ("position", float(a.positions[issue]), hi - lo, (lo, hi)),
                ("salience", float(a.saliences.get(issue, 1.0)) * sal_scale, sal_scale, (0.0, sal_scale)),
            ):
                spec, origin = own.get(inp), "own"
                if spec is None:
                    for key in (ev, "default"):
                        block = defaults.get(key) if key else None
                        if isinstance(block, Mapping) and block.get(inp) is not None:
                            spec, origin = block[inp], f"default:{key}"
                            break
                add(a.name, issue, inp, value, ev, spec, origin, span, clip)
    cols = ["actor", "issue", "input", "value", "evidence", "origin", "dist", "sd", "low", "high", "mode", "values",
            "probs", "clip_low", "clip_high"]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=cols)


def _parameter_frame(p: ParameterModel, scales: Mapping[str, tuple[float, float]],
                     reversions: Mapping[str, float | None]) -> tuple[float, float, tuple[float, float]]:  # fmt: skip
    """``(nominal value, span for relative widths, clipping range)`` of a valid parameter."""
    if p.target == "reversion":
        lo, hi = scales[p.issues[0]]
        rev = reversions.get(p.issues[0])
        value = p.value if p.value is not None else (rev if rev is not None else 0.5 * (lo + hi))
        return float(value), hi - lo, (lo, hi)
    if p.target == "position_shift":
        return float(p.value if p.value is not None else 0.0), 1.0, (-1.0, 1.0)
    return float(p.value if p.value is not None else 1.0), 1.0, (0.0, math.inf)


def check_parameters(params: list[ParameterModel], scales: Mapping[str, tuple[float, float]],
                     actors: list[str], reversions: Mapping[str, float | None]) -> list[str]:  # fmt: skip
    """Errors of a scenario's ``parameters:`` (names, targets, issues, actors, distributions in range)."""
    errs: list[str] = []
    seen: set[str] = set()
    for k, p in enumerate(params):
        q = f"parameters[{k}]"
        if not p.name.replace("_", "a").replace("-", "a").replace(".", "a").isalnum():
            errs.append(f"{q}.name: {p.name!r} must be an identifier (letters, digits, _ . -)")
        if p.name in seen:
            errs.append(f"{q}.name: duplicate parameter {p.name!r}")
        seen.add(p.name)
        bad_i = [i for i in p.issues if i not in scales]
        bad_a = [a for a in p.actors if a not in actors]
        if bad_i:
            errs.append(f"{q}.issues: unknown issue(s) {', '.join(bad_i)}; valid: {', '.join(scales)}")
        if bad_a:
            errs.append(f"{q}.actors: unknown actor(s) {', '.join(bad_a)}; valid: {', '.join(actors)}")
        if bad_i or bad_a:
            continue
        if p.target == "reversion" and (len(p.issues) != 1 or p.actors):
            errs.append(f"{q}: a reversion parameter names exactly one issue and no actors")
            continue
        value, _, (lo, hi) = _parameter_frame(p, scales, reversions)
        if p.target != "reversion" and (p.uncertainty.sd_share is not None or p.uncertainty.half_width_share):
            errs.append(f"{q}.uncertainty: a {p.target} parameter needs absolute widths (sd, low/high)")
            continue
        if not lo <= value <= hi:
            errs.append(f"{q}.value: must be between {lo:g} and {hi:g}, got {value:g}")
        errs += check_distribution(p.uncertainty, f"{q}.uncertainty", lo, hi)
    return errs


def resolved_parameters(scenario: Scenario) -> pd.DataFrame:
    """The scenario's named global parameters (``metadata["parameters"]``) with their distributions resolved.

    One row per parameter: ``name``, ``target``, ``issues`` and ``actors`` (lists; empty = all), ``description``,
    ``value`` (nominal), ``dist`` and its parameters as in :func:`resolved_uncertainty`, ``clip_low``/``clip_high``.
    """
    import pandas as pd

    raw = scenario.metadata.get("parameters") or []
    scales = {it.name: (it.low, it.high) for it in scenario.issues}
    revs = {it.name: it.reversion for it in scenario.issues}
    rows = []
    for item in raw if isinstance(raw, list) else []:
        p = ParameterModel.model_validate(item)
        value, span, clip = _parameter_frame(p, scales, revs)
        d = p.uncertainty.model_dump(exclude_none=True)
        row: dict[str, Any] = {"name": p.name, "target": p.target, "issues": list(p.issues) or list(scales),
                               "actors": list(p.actors) or list(scenario.actor_names), "description": p.description,
                               "value": value, "dist": d["dist"], "clip_low": clip[0], "clip_high": clip[1]}  # fmt: skip
        if d["dist"] == "normal":
            row["sd"] = float(d["sd"]) if "sd" in d else float(d["sd_share"]) * span
        elif d["dist"] in ("uniform", "triangular"):
            hw = float(d.get("half_width_share", 0.0)) * span
            row["low"], row["high"] = (value - hw, value + hw) if "half_width_share" in d else (d["low"], d["high"])
            if d["dist"] == "triangular":
                row["mode"] = float(d.get("mode", value))
        else:
            row["values"], row["probs"] = [float(v) for v in d["values"]], [float(x) for x in d["probs"]]
        rows.append(row)
    cols = ["name", "target", "issues", "actors", "description", "value", "dist", "sd", "low", "high", "mode",
            "values", "probs", "clip_low", "clip_high"]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=cols)


def ppf(row: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    """Draws of one resolved input (a row of :func:`resolved_uncertainty`) at uniform numbers ``u``, clipped.

    Normal: ``value + sd * Phi^-1(u)``; uniform: ``low + u (high - low)``; triangular: the inverse CDF; discrete:
    the value whose cumulative probability first reaches ``u``; ``none``: the stated value.
    """
    from scipy.special import ndtri

    u = np.asarray(u, dtype=float)
    kind, value = row["dist"], float(row["value"])
    if kind == "normal":
        x = value + float(row["sd"]) * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
    elif kind == "uniform":
        x = float(row["low"]) + u * (float(row["high"]) - float(row["low"]))
    elif kind == "triangular":
        a, b, c = float(row["low"]), float(row["high"]), float(row["mode"])
        if b <= a:
            x = np.full_like(u, a)
        else:
            f = (c - a) / (b - a)
            x = np.where(u < f, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
    elif kind == "discrete":
        vals, probs = np.asarray(row["values"], dtype=float), np.cumsum(np.asarray(row["probs"], dtype=float))
        x = vals[np.minimum(np.searchsorted(probs, u, side="right"), len(vals) - 1)]
    elif kind == "none":
        x = np.full_like(u, value)
    else:
        raise BadInput(f"unknown distribution {kind!r}; valid: normal, uniform, triangular, discrete")
    return np.asarray(np.clip(x, float(row["clip_low"]), float(row["clip_high"])))


def _short(row: Mapping[str, Any]) -> str:
    kind = row["dist"]
    if kind == "normal":
        return f"normal sd {row['sd']:.3g}"
    if kind == "uniform":
        return f"uniform [{row['low']:.3g}, {row['high']:.3g}]"
    if kind == "triangular":
        return f"triangular [{row['low']:.3g}, {row['mode']:.3g}, {row['high']:.3g}]"
    if kind == "discrete":
        return "discrete " + ", ".join(f"{v:g}: {p:g}" for v, p in zip(row["values"], row["probs"], strict=True))
    return "none"


def describe_uncertainty(scenario: Scenario, frame: pd.DataFrame) -> list[str]:
    """For each row (actor, issue) of a scenario frame, its position and salience distributions in a few words."""
    res = resolved_uncertainty(scenario)
    res = res[res["input"] != "capability"]
    text = {(r["actor"], r["issue"], r["input"]): _short(r) for r in res.to_dict(orient="records")}
    return [
        f"position {text.get((a, i, 'position'), 'none')}; salience {text.get((a, i, 'salience'), 'none')}"
        for a, i in zip(frame["actor"], frame["issue"], strict=True)
    ]
