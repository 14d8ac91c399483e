"""Scenario files: the YAML/JSON format, its validation, and tables, turned into :class:`Scenario` objects.

The format is documented in ``docs/negotiation.md`` and by :func:`template_yaml`. Validation uses pydantic v2
for types and unknown keys, then checks ranges and cross-references (positions within the issue's scale,
saliences within the stated ``salience_scale``, actor issue keys that are declared issues). Every problem is
reported with its path, ``actors[3].issues.russia_threat.salience: must be between 0 and 100``, collected into
one :class:`~alliance.errors.BadInput` whose message is a single line (errors joined by ``; ``).

Saliences may be stated on 0-100 or 0-1 (``salience_scale``); the :class:`Scenario` always holds 0-1.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alliance.bundled import Bundled, looks_like_path
from alliance.errors import BadInput, excerpt
from alliance.io import atomic_write, parse_text, read_user_file, validation_lines
from alliance.negotiation.limits import MAX_CAPABILITY, MAX_SCALE, check_scenario, names_text, size_errors
from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario
from alliance.negotiation.tables import NAME_RE, frame_to_dict, scenario_frame
from alliance.negotiation.uncertainty import (
    ActorUncertaintyModel,
    DefaultUncertaintyModel,
    DistributionSpec,
    InputUncertaintyModel,
    ParameterModel,
    check_distribution,
    check_parameters,
)

__all__ = [
    "BUNDLED",
    "SCENARIO_SUFFIXES",
    "list_scenarios",
    "load_scenario",
    "scenario_catalog",
    "scenario_frame",
    "scenario_from_dict",
    "scenario_from_frame",
    "scenario_to_dict",
    "template_yaml",
    "write_template",
]

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".tsv")
_MAX_ERRORS_SHOWN = 5


# ---------------------------------------------------------------------------------------------------------------
# pydantic models of the file format (types and unknown keys; ranges are checked in _check below)
# ---------------------------------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class SourceModel(_Strict):
    id: str
    citation: str
    date: str = ""
    url: str = ""


class RuleModel(_Strict):
    kind: Literal["consensus", "qmv"] = "consensus"
    capability_threshold: float | None = None
    count_threshold: float | None = None


class IssueModel(_Strict):
    name: str
    title: str = ""
    low: float = 0.0
    high: float = 100.0
    reversion: float | None = None
    formulations: dict[str, float] = Field(default_factory=dict)
    description: str = ""
    outcome: float | None = None


class ActorIssueModel(_Strict):
    position: float
    salience: float
    bounds: tuple[float, float] | None = None
    basis: str = ""
    evidence: Literal["statement", "weak", "rule", "assumption"] | None = None
    sources: list[str] = Field(default_factory=list)
    uncertainty: InputUncertaintyModel | None = None


class ActorModel(_Strict):
    name: str
    title: str = ""
    capability: float
    veto: bool = True
    chair: bool = False
    uncertainty: ActorUncertaintyModel | None = None
    issues: dict[str, ActorIssueModel] = Field(default_factory=dict)


class ScenarioModel(_Strict):
    name: str
    title: str = ""
    description: str = ""
    as_of: _dt.date | None = None
    salience_scale: Literal[1, 100] = 100
    rule: RuleModel = Field(default_factory=RuleModel)
    chair: str | None = None
    capability_basis: str = ""
    sources: list[SourceModel] = Field(default_factory=list)
    default_uncertainty: DefaultUncertaintyModel | None = None
    parameters: list[ParameterModel] = Field(default_factory=list)
    issues: list[IssueModel]
    actors: list[ActorModel]


#: Which model describes the mapping found at a path (to list valid keys for an unknown one).
_CHILDREN: dict[type[BaseModel], dict[str, type[BaseModel]]] = {
    ScenarioModel: {
        "rule": RuleModel,
        "sources": SourceModel,
        "issues": IssueModel,
        "actors": ActorModel,
        "default_uncertainty": DefaultUncertaintyModel,
        "parameters": ParameterModel,
    },
    ParameterModel: {"uncertainty": DistributionSpec},
    ActorModel: {"issues": ActorIssueModel, "uncertainty": ActorUncertaintyModel},
    ActorIssueModel: {"uncertainty": InputUncertaintyModel},
    InputUncertaintyModel: {"position": DistributionSpec, "salience": DistributionSpec},
    ActorUncertaintyModel: {"capability": DistributionSpec},
    DefaultUncertaintyModel: {
        **{k: InputUncertaintyModel for k in ("statement", "weak", "rule", "assumption", "default")},
        "capability": DistributionSpec,
    },
}


# ---------------------------------------------------------------------------------------------------------------
# error reporting
# ---------------------------------------------------------------------------------------------------------------
def _model_at(loc: Sequence[str | int]) -> type[BaseModel]:
    """The pydantic model describing the mapping that holds the last element of ``loc``."""
    model: type[BaseModel] = ScenarioModel
    parent: type[BaseModel] | None = None
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        child = _CHILDREN.get(model, {}).get(part)
        if child is not None:
            parent, model = model, child
        elif parent is ActorModel and model is ActorIssueModel:
            continue  # a dict key (issue name) below actor.issues
    return model


def _pydantic_lines(exc: ValidationError) -> list[str]:
    return validation_lines(exc, valid_keys=lambda loc: _model_at(loc).model_fields)


def _raise(lines: list[str], source: str | None) -> None:
    where = f"{source}: " if source else ""
    shown = "; ".join(lines[:_MAX_ERRORS_SHOWN])
    more = f" (and {len(lines) - _MAX_ERRORS_SHOWN} more)" if len(lines) > _MAX_ERRORS_SHOWN else ""
    raise BadInput(f"invalid scenario {where}{shown}{more}")


def _finite(x: float) -> bool:
    return math.isfinite(x)


def _check(m: ScenarioModel) -> list[str]:
    """Range and cross-reference checks the types alone do not express."""
    errs: list[str] = []
    if not NAME_RE.match(m.name):
        errs.append(f"name: {excerpt(m.name)} must be an identifier (letters, digits, _ . -)")
    if m.rule.kind == "qmv" and m.rule.capability_threshold is None and m.rule.count_threshold is None:
        errs.append("rule: qmv needs capability_threshold and/or count_threshold")
    for key in ("capability_threshold", "count_threshold"):
        v = getattr(m.rule, key)
        if v is not None and not 0.0 < v <= 1.0:
            errs.append(f"rule.{key}: must be a share between 0 and 1, got {v}")
    if not m.issues:
        errs.append("issues: at least one issue is required")
    if not m.actors:
        errs.append("actors: at least one actor is required")
    errs += size_errors(len(m.actors), len(m.issues))
    scales: dict[str, tuple[float, float]] = {}
    for k, it in enumerate(m.issues):
        p = f"issues[{k}]"
        if not NAME_RE.match(it.name):
            errs.append(f"{p}.name: {excerpt(it.name)} must be an identifier (letters, digits, _ . -)")
        if it.name in scales:
            errs.append(f"{p}.name: duplicate issue {excerpt(it.name)}")
        if not (_finite(it.low) and _finite(it.high) and it.low < it.high):
            errs.append(f"{p}: low ({_num(it.low)}) must be below high ({_num(it.high)})")
            scales[it.name] = (-math.inf, math.inf)
            continue
        if max(abs(it.low), abs(it.high)) > MAX_SCALE:
            errs.append(f"{p}: the scale's ends must be within +-{MAX_SCALE:g}, got {_num(it.low)} to {_num(it.high)}")
        scales[it.name] = (it.low, it.high)
        rng = f"must be between {_num(it.low)} and {_num(it.high)}"
        for key in ("reversion", "outcome"):
            v = getattr(it, key)
            if v is not None and not it.low <= v <= it.high:
                errs.append(f"{p}.{key}: {rng}, got {_num(v)}")
        for label, v in it.formulations.items():
            if not it.low <= v <= it.high:
                errs.append(f"{p}.formulations.{label}: {rng}, got {_num(v)}")
    errs += _check_uncertainty(m, scales)
    revs = {it.name: it.reversion for it in m.issues}
    errs += check_parameters(m.parameters, scales, [a.name for a in m.actors], revs)
    names: set[str] = set()
    chairs = [a.name for a in m.actors if a.chair]
    for k, a in enumerate(m.actors):
        p = f"actors[{k}]"
        if not a.name.strip():
            errs.append(f"{p}.name: must not be empty")
        if a.name in names:
            errs.append(f"{p}.name: duplicate actor {excerpt(a.name)}")
        names.add(a.name)
        if not (_finite(a.capability) and 0 <= a.capability <= MAX_CAPABILITY):
            errs.append(f"{p}.capability: must be a number between 0 and {MAX_CAPABILITY:g}, got {_num(a.capability)}")
        for issue, ai in a.issues.items():
            q = f"{p}.issues.{issue}"
            if issue not in scales:
                errs.append(f"{q}: unknown issue; valid: {names_text(scales)}")
                continue
            lo, hi = scales[issue]
            rng = f"must be between {_num(lo)} and {_num(hi)}"
            if not lo <= ai.position <= hi:
                errs.append(f"{q}.position: {rng}, got {_num(ai.position)}")
            if not 0 <= ai.salience <= m.salience_scale:
                errs.append(f"{q}.salience: must be between 0 and {m.salience_scale}, got {_num(ai.salience)}")
            if ai.bounds is not None:
                b0, b1 = ai.bounds
                if not (lo <= b0 <= hi and lo <= b1 <= hi):
                    errs.append(f"{q}.bounds: {rng}, got [{_num(b0)}, {_num(b1)}]")
                elif b0 > b1:
                    errs.append(f"{q}.bounds: lower bound {_num(b0)} exceeds upper bound {_num(b1)}")
    if m.chair is not None and m.chair not in names:
        errs.append(f"chair: unknown actor {excerpt(m.chair)}; valid: {names_text(sorted(names))}")
    if len(chairs) > 1:
        errs.append(f"actors: more than one actor has chair: true ({', '.join(chairs)})")
    if chairs and m.chair is not None and chairs[0] != m.chair:
        errs.append(f"chair: {excerpt(m.chair)} but actor {excerpt(chairs[0])} has chair: true")
    return errs


def _num(x: float) -> str:
    return f"{x:g}"


def _check_uncertainty(m: ScenarioModel, scales: Mapping[str, tuple[float, float]]) -> list[str]:
    """Distributions within their input's range, cited sources declared (module docstring of ``uncertainty``)."""
    errs: list[str] = []
    source_ids = {s.id for s in m.sources}
    sal = float(m.salience_scale)
    if m.default_uncertainty is not None:
        du = m.default_uncertainty
        for kind in ("statement", "weak", "rule", "assumption", "default"):
            block = getattr(du, kind)
            if block is not None and block.salience is not None:
                errs += check_distribution(block.salience, f"default_uncertainty.{kind}.salience", 0.0, sal)
            if block is not None and block.position is not None:
                d = block.position
                if d.dist in ("discrete", "triangular") or (d.dist == "uniform" and d.half_width_share is None):
                    errs.append(f"default_uncertainty.{kind}.position: a default must be relative (normal sd_share "
                                "or uniform half_width_share), since issues have different scales")  # fmt: skip
                else:
                    errs += check_distribution(d, f"default_uncertainty.{kind}.position", -math.inf, math.inf)
        if du.capability is not None:
            errs += check_distribution(du.capability, "default_uncertainty.capability", 0.0, math.inf)
    for k, a in enumerate(m.actors):
        if a.uncertainty is not None and a.uncertainty.capability is not None:
            errs += check_distribution(a.uncertainty.capability, f"actors[{k}].uncertainty.capability", 0.0, math.inf)
        for issue, ai in a.issues.items():
            q = f"actors[{k}].issues.{issue}"
            unknown = [sid for sid in ai.sources if sid not in source_ids]
            if unknown:
                errs.append(f"{q}.sources: unknown source(s) {', '.join(unknown)}; declare them under sources")
            if ai.uncertainty is None or issue not in scales:
                continue
            lo, hi = scales[issue]
            if ai.uncertainty.position is not None:
                errs += check_distribution(ai.uncertainty.position, f"{q}.uncertainty.position", lo, hi)
            if ai.uncertainty.salience is not None:
                errs += check_distribution(ai.uncertainty.salience, f"{q}.uncertainty.salience", 0.0, sal)
    return errs


# ---------------------------------------------------------------------------------------------------------------
# dict <-> Scenario
# ---------------------------------------------------------------------------------------------------------------
def scenario_from_dict(data: Mapping[str, Any], *, source: str | None = None) -> Scenario:
    """Validate a scenario in the file format (a parsed YAML/JSON mapping) and build the :class:`Scenario`.

    Args:
        data: the mapping, as in the file (see :func:`template_yaml`).
        source: where it came from, named in error messages.

    Raises:
        BadInput: one line listing the invalid fields by path.
    """
    if not isinstance(data, Mapping):
        raise BadInput(f"invalid scenario {source + ': ' if source else ''}the top level must be a mapping")
    try:
        m = ScenarioModel.model_validate(dict(data))
    except ValidationError as exc:
        _raise(_pydantic_lines(exc), source)
        raise AssertionError("unreachable") from exc
    errs = _check(m)
    if errs:
        _raise(errs, source)
    scale = float(m.salience_scale)
    chair = m.chair or next((a.name for a in m.actors if a.chair), None)
    issues = tuple(
        Issue(
            name=it.name,
            low=it.low,
            high=it.high,
            reversion=it.reversion,
            formulations=dict(it.formulations),
            description=it.description,
            outcome=it.outcome,
            title=it.title,
        )
        for it in m.issues
    )
    actors = tuple(
        Actor(
            name=a.name,
            capability=a.capability,
            positions={k: v.position for k, v in a.issues.items()},
            saliences={k: v.salience / scale for k, v in a.issues.items()},
            veto=a.veto,
            bounds={k: (v.bounds[0], v.bounds[1]) for k, v in a.issues.items() if v.bounds is not None},
            basis={k: v.basis for k, v in a.issues.items() if v.basis},
            chair=a.chair or a.name == chair,
            title=a.title,
            evidence={k: v.evidence for k, v in a.issues.items() if v.evidence},
            sources={k: tuple(v.sources) for k, v in a.issues.items() if v.sources},
            uncertainty=_uncertainty_of(a),
        )
        for a in m.actors
    )
    metadata: dict[str, object] = {"salience_scale": m.salience_scale}
    if m.as_of is not None:
        metadata["as_of"] = m.as_of.isoformat()
    if m.capability_basis:
        metadata["capability_basis"] = m.capability_basis
    if m.sources:
        metadata["sources"] = [s.model_dump(exclude_defaults=True) for s in m.sources]
    if m.default_uncertainty is not None:
        metadata["default_uncertainty"] = m.default_uncertainty.model_dump(exclude_none=True)
    if m.parameters:
        metadata["parameters"] = [p.model_dump(exclude_none=True, exclude_defaults=True) for p in m.parameters]
    return Scenario(
        name=m.name,
        issues=issues,
        actors=actors,
        rule=DecisionRule(m.rule.kind, m.rule.capability_threshold, m.rule.count_threshold),
        description=m.description,
        chair=chair,
        metadata=metadata,
        title=m.title,
    )


def _uncertainty_of(a: ActorModel) -> dict[str, dict[str, dict[str, Any]]]:
    """The actor's distributions as plain mappings: issue -> input -> spec; ``""`` -> capability."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    if a.uncertainty is not None and a.uncertainty.capability is not None:
        out[""] = {"capability": a.uncertainty.capability.model_dump(exclude_none=True)}
    for issue, ai in a.issues.items():
        if ai.uncertainty is not None:
            per = {k: v.model_dump(exclude_none=True) for k, v in (("position", ai.uncertainty.position),
                                                                 ("salience", ai.uncertainty.salience)) if v is not None}  # fmt: skip
            if per:
                out[issue] = per
    return out


def _clean(x: float) -> float | int:
    """A float as written by a person: 70.00000000000001 -> 70."""
    r = round(float(x), 10)
    return int(r) if r.is_integer() and abs(r) < 1e15 else r


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario in the file format (JSON-able; ``scenario_from_dict`` of it gives the scenario back).

    Saliences are written on the scale recorded in ``metadata['salience_scale']`` (100 if absent).
    """
    scale = int(scenario.metadata.get("salience_scale", 100))  # type: ignore[call-overload]
    scale = scale if scale in (1, 100) else 100
    out: dict[str, Any] = {"name": scenario.name}
    if scenario.title:
        out["title"] = scenario.title
    if scenario.description:
        out["description"] = scenario.description
    if scenario.metadata.get("as_of"):
        out["as_of"] = str(scenario.metadata["as_of"])
    out["salience_scale"] = scale
    rule = scenario.rule
    out["rule"] = {"kind": rule.kind}
    if rule.capability_threshold is not None:
        out["rule"]["capability_threshold"] = rule.capability_threshold
    if rule.count_threshold is not None:
        out["rule"]["count_threshold"] = rule.count_threshold
    if scenario.chair:
        out["chair"] = scenario.chair
    if scenario.metadata.get("capability_basis"):
        out["capability_basis"] = str(scenario.metadata["capability_basis"])
    if scenario.metadata.get("sources"):
        out["sources"] = [dict(s) for s in scenario.metadata["sources"]]  # type: ignore[attr-defined]
    if scenario.metadata.get("default_uncertainty"):
        out["default_uncertainty"] = dict(scenario.metadata["default_uncertainty"])  # type: ignore[call-overload]
    if scenario.metadata.get("parameters"):
        out["parameters"] = [dict(p) for p in scenario.metadata["parameters"]]  # type: ignore[attr-defined]
    issues = []
    for it in scenario.issues:
        d: dict[str, Any] = {"name": it.name}
        if it.title:
            d["title"] = it.title
        d["low"], d["high"] = _clean(it.low), _clean(it.high)
        if it.reversion is not None:
            d["reversion"] = _clean(it.reversion)
        if it.formulations:
            d["formulations"] = {k: _clean(v) for k, v in it.formulations.items()}
        if it.description:
            d["description"] = it.description
        if it.outcome is not None:
            d["outcome"] = _clean(it.outcome)
        issues.append(d)
    out["issues"] = issues
    actors = []
    for a in scenario.actors:
        ad: dict[str, Any] = {"name": a.name}
        if a.title:
            ad["title"] = a.title
        ad["capability"] = _clean(a.capability)
        if not a.veto:
            ad["veto"] = False
        if a.chair and scenario.chair != a.name:
            ad["chair"] = True
        if "" in a.uncertainty:
            ad["uncertainty"] = {k: dict(v) for k, v in a.uncertainty[""].items()}
        per: dict[str, Any] = {}
        for issue in scenario.issue_names:
            pos = a.positions.get(issue)
            if pos is None or (isinstance(pos, float) and math.isnan(pos)):
                continue
            e: dict[str, Any] = {"position": _clean(pos), "salience": _clean(a.saliences.get(issue, 1.0) * scale)}
            if issue in a.bounds:
                e["bounds"] = [_clean(a.bounds[issue][0]), _clean(a.bounds[issue][1])]
            if a.basis.get(issue):
                e["basis"] = a.basis[issue]
            if a.evidence.get(issue):
                e["evidence"] = a.evidence[issue]
            if a.sources.get(issue):
                e["sources"] = list(a.sources[issue])
            if a.uncertainty.get(issue):
                e["uncertainty"] = {k: dict(v) for k, v in a.uncertainty[issue].items()}
            per[issue] = e
        ad["issues"] = per
        actors.append(ad)
    out["actors"] = actors
    return out


# ---------------------------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------------------------
#: The bundled negotiation scenarios (``alliance/negotiation/scenarios/<name>.yaml``).
BUNDLED = Bundled("alliance.negotiation", "scenarios", ".yaml/.yml/.json/.csv/.tsv")


def list_scenarios() -> list[str]:
    """Names of the bundled scenarios (``alliance/negotiation/scenarios/<name>.yaml``)."""
    return BUNDLED.names()


def _catalog_row(name: str) -> dict[str, Any]:
    s = load_scenario(name)
    return {
        "name": name,
        "title": s.title,
        "issues": len(s.issues),
        "actors": len(s.actors),
        "rule": s.rule.kind,
        "chair": s.chair or "",
        "as_of": str(s.metadata.get("as_of", "")),
    }


def scenario_catalog() -> pd.DataFrame:
    """The bundled scenarios: name, title, number of issues and actors, decision rule."""
    return BUNDLED.catalog(_catalog_row, ["name", "title", "issues", "actors", "rule", "chair", "as_of"])


def _load_table(path: Path) -> Scenario:
    import warnings

    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row longer than the header
            df = pd.read_csv(path, sep=sep, index_col=False)
    except pd.errors.ParserWarning:
        raise BadInput(f"invalid scenario table {path}: a row has more fields than the header") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        msg = excerpt(" ".join(str(exc).split()), 200).strip("'")
        raise BadInput(f"{path}: cannot read table: {msg}") from None
    return scenario_from_frame(df, name=path.stem, source=str(path))


def load_scenario(name_or_path: Scenario | str | Path) -> Scenario:
    """Load a bundled scenario by name (``hague-2025``) or a file (.yaml, .yml, .json, .csv, .tsv); a
    :class:`Scenario` object is checked as a file would be (:func:`alliance.negotiation.limits.check_scenario`)
    and returned as is.

    Raises:
        BadInput: unknown name, missing file, unsupported extension, bad syntax or invalid values (one line).
    """
    if isinstance(name_or_path, Scenario):
        check_scenario(name_or_path)
        return name_or_path
    if not isinstance(name_or_path, str | Path):
        raise BadInput(
            f"scenario: expected a Scenario, a bundled scenario name or a file path, got {type(name_or_path).__name__}"
        )
    text = str(name_or_path)
    if not looks_like_path(name_or_path):
        raw, ext = BUNDLED.text(text)
        return _from_text(raw, ext, f"scenario {text!r}")
    raw, suffix = read_user_file(text, "scenario file", SCENARIO_SUFFIXES)
    if suffix in (".csv", ".tsv"):
        return _load_table(Path(text))
    return _from_text(raw, suffix, text)


def _from_text(raw: str, suffix: str, source: str) -> Scenario:
    data = parse_text(raw, suffix, source)
    if data is None:
        raise BadInput(f"invalid scenario {source}: the file is empty")
    return scenario_from_dict(data, source=source)


def template_yaml() -> str:
    """A commented starting scenario file (valid as it stands; edit it): ``alliance/negotiation/template.yaml``."""
    return (resources.files("alliance.negotiation") / "template.yaml").read_text(encoding="utf-8")


def write_template(path: str | Path, *, force: bool = False) -> Path:
    """Write :func:`template_yaml` to ``path`` atomically; refuse to overwrite an existing file unless ``force``.

    Raises:
        BadInput: the file exists (without ``force``) or its folder does not.
    """

    p = Path(path)
    if p.exists() and not force:
        raise BadInput(f"{str(p)!r} already exists; pass force=True to overwrite it")
    if not p.parent.is_dir():
        raise BadInput(f"cannot write {str(p)!r}: folder {str(p.parent)!r} does not exist")
    atomic_write(p, template_yaml())
    return p


def scenario_from_frame(df: pd.DataFrame, *, name: str = "table", source: str | None = None) -> Scenario:
    """Build a scenario from a table (see :func:`alliance.negotiation.tables.frame_to_dict`), validated like a file.

    Raises:
        BadInput: one line naming a missing column, a bad value (by row) or the invalid field.
    """
    return scenario_from_dict(frame_to_dict(df, name=name, source=source), source=source)


def resolved_uncertainty(scenario: Scenario | str | Path) -> pd.DataFrame:
    """Every uncertain input of ``scenario`` (a :class:`Scenario`, a bundled name or a file) with its distribution
    in absolute terms: :func:`alliance.negotiation.uncertainty.resolved_uncertainty` of the loaded scenario.

    Raises:
        BadInput: the scenario cannot be loaded or is invalid (one line).
    """
    from alliance.negotiation import uncertainty

    return uncertainty.resolved_uncertainty(load_scenario(scenario))
