"""``/api/scenarios`` (list, get, validate), ``/api/models`` and ``/api/negotiate`` (a bundled scenario by name, or
a posted one): thin calls of :mod:`alliance.negotiation` (as ``alliance negotiate ...``).

Only bundled scenarios are read by name: a name is never taken for a path on the server's disk. A posted scenario
is the file format as JSON (``GET /api/scenarios/{name}`` returns it, ready to edit and post back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from alliance.errors import BadInput, one_of

if TYPE_CHECKING:
    from alliance.negotiation.scenario import Scenario
    from alliance.web.limits import Limits

router = APIRouter(tags=["negotiation"])

ScenarioName = Annotated[str, Path(description="A bundled scenario (GET /api/scenarios).", max_length=80)]


class ScenarioBody(BaseModel):
    """A scenario to validate: the file format (YAML/JSON) as a JSON object."""

    model_config = ConfigDict(extra="forbid")
    scenario: dict[str, Any] = Field(description="The scenario in the file format (see GET /api/scenarios/{name}).")


class NegotiateBody(BaseModel):
    """What to forecast: a bundled scenario's name or a whole scenario, and which models."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | dict[str, Any] = Field(
        description="A bundled scenario name (e.g. hague-2025) or a scenario in the file format.",
        examples=["hague-2025"],
    )
    models: list[str] | None = Field(
        default=None, description="Model names (GET /api/models); default: every available model.", max_length=20
    )
    rounds: int | None = Field(default=None, ge=1, le=50, description="Rounds for the iterating models (eum).")
    pivotal: bool = Field(
        default=True, description="Find the pivotal actors (re-solves the scenario 3 x actors times)."
    )


def _bundled(name: str) -> Scenario:
    from alliance.negotiation.schema import list_scenarios, load_scenario

    names = list_scenarios()
    if name not in names:
        raise one_of("scenario", name, names)
    return load_scenario(name)


def _posted(data: dict[str, Any], limits: Limits) -> Scenario:
    from alliance.negotiation.schema import scenario_from_dict

    sc = scenario_from_dict(data, source="posted scenario")
    if len(sc.actors) > limits.max_actors:
        raise BadInput(f"scenario.actors: {len(sc.actors)} actors; valid: at most {limits.max_actors} per request")
    if len(sc.issues) > limits.max_issues:
        raise BadInput(f"scenario.issues: {len(sc.issues)} issues; valid: at most {limits.max_issues} per request")
    return sc


def _models(names: list[str] | None) -> list[str] | None:
    from alliance.negotiation.models import get_model, model_names

    if names is None or [n.strip().lower() for n in names] == ["all"]:
        return None
    valid = model_names()
    if not names:
        raise BadInput(f"models: empty list; valid: {', '.join(valid)} (or leave it out for all)")
    for name in names:
        if name not in valid:
            try:
                get_model(name)
            except BadInput as exc:
                raise BadInput(f"models: {exc}") from None
    return list(dict.fromkeys(names))


def _summary(sc: Scenario) -> dict[str, Any]:
    return {
        "name": sc.name,
        "title": sc.title,
        "rule": sc.rule.kind,
        "chair": sc.chair,
        "as_of": sc.metadata.get("as_of", "") if sc.metadata else "",
        "actors": len(sc.actors),
        "issues": [
            {"name": it.name, "title": it.title, "low": it.low, "high": it.high, "reversion": it.reversion}
            | {"formulations": dict(it.formulations)}
            for it in sc.issues
        ],
    }


def _forecast(sc: Scenario, body: NegotiateBody) -> dict[str, Any]:
    import pandas as pd

    from alliance.io import frame_records, jsonable
    from alliance.negotiation.forecasting import forecast_all
    from alliance.negotiation.models import UNAVAILABLE

    models = _models(body.models)
    options = {"rounds": body.rounds} if body.rounds is not None else {}
    forecasts = forecast_all(sc, models, pivotal=body.pivotal, **options)
    frame = pd.concat([fc.to_frame() for fc in forecasts.values()], ignore_index=True)
    first = next(iter(forecasts.values()))
    return {
        "scenario": jsonable(_summary(sc)),
        "forecasts": {name: fc.to_dict() for name, fc in forecasts.items()},
        "rows": frame_records(frame),
        "meta": jsonable(first.meta) | {"models": list(forecasts), "not_available": sorted(UNAVAILABLE)},
        "source": first.source.rsplit("; model:", 1)[0],
    }


@router.get("/scenarios", summary="The bundled negotiation scenarios: title, issues, actors, decision rule")
def scenarios() -> dict[str, Any]:
    from alliance.negotiation.schema import scenario_catalog
    from alliance.web.payload import table

    return table(scenario_catalog())


@router.get("/scenarios/{name}", summary="A bundled scenario in the file format (every input with its sources)")
def scenario(name: ScenarioName) -> dict[str, Any]:
    from alliance.negotiation.schema import scenario_to_dict

    return scenario_to_dict(_bundled(name))


@router.post("/scenarios/validate", summary="Validate a scenario in the file format; a 422 names the bad field")
def validate(body: ScenarioBody, request: Request) -> dict[str, Any]:
    sc = _posted(body.scenario, request.app.state.limits)
    return {"valid": True, "scenario": _summary(sc)}


@router.get("/models", summary="The negotiation models: what each computes and its independent test")
def models() -> dict[str, Any]:
    from alliance.negotiation.models.catalog import model_catalog
    from alliance.web.payload import table

    return table(model_catalog())


@router.get("/negotiate/{name}", summary="Forecast a bundled scenario with every model (or those named)")
def negotiate_bundled(
    name: ScenarioName,
    model: Annotated[str, Query(description="Comma-separated model names, or all.", max_length=300)] = "all",
    rounds: Annotated[int | None, Query(description="Rounds for the iterating models (eum).", ge=1, le=50)] = None,
) -> dict[str, Any]:
    """``alliance negotiate NAME --model M``: per model and issue the outcome, nearest wording, blockers, pivotal
    actors, cohesion and reasons; ``model`` is comma-separated names or ``all``."""
    body = NegotiateBody.model_construct(
        scenario=name, models=[m.strip() for m in model.split(",")], rounds=rounds, pivotal=True
    )
    return _forecast(_bundled(name), body)


@router.post("/negotiate", summary="Forecast a bundled scenario by name or a posted scenario")
def negotiate(body: NegotiateBody, request: Request) -> dict[str, Any]:
    """Every model's forecast (or those named) with the synthesis, the blockers and the pivotal allies; post an
    edited copy of ``GET /api/scenarios/{name}`` to see what moving an ally's position or salience changes."""
    sc = _bundled(body.scenario) if isinstance(body.scenario, str) else _posted(body.scenario, request.app.state.limits)
    return _forecast(sc, body)
