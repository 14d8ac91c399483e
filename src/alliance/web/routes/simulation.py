"""``/api/simulate`` (a projection to 2035 with its bands; a bundled scenario by name or a posted one),
``/api/simulate/scenarios``, ``/api/simulate/compare`` and ``/api/simulate/compliance``: thin calls of
:mod:`alliance.dynamics` (as ``alliance simulate ...``). Runs per request are capped by the server's limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from alliance.errors import BadInput, one_of

if TYPE_CHECKING:
    from alliance.dynamics import SimScenario

router = APIRouter(tags=["simulation"])

Scenario = Annotated[
    str, Query(description="A bundled simulation scenario (GET /api/simulate/scenarios).", max_length=80)
]
Until = Annotated[int | None, Query(description="Last projected year, 2027-2050.", ge=2027, le=2050)]
Runs = Annotated[int | None, Query(description="Runs (capped by the server's max_sim_runs).", ge=1, le=100_000)]
Seed = Annotated[int | None, Query(description="Random seed.", ge=0, le=2**32 - 1)]
Method = Annotated[
    Literal["model", "persistence", "trend"] | None,
    Query(description="model, persistence or trend (default: the backtest's winner)."),
]


class SimulateBody(BaseModel):
    """A projection request: a bundled scenario's name or a scenario in the file format, with overrides."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | dict[str, Any] = Field(
        description="A bundled simulation scenario name or a scenario in the file format.", examples=["baseline"]
    )
    until: int | None = Field(default=None, ge=2027, le=2050)
    runs: int | None = Field(default=None, ge=1, le=100_000)
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    method: Literal["model", "persistence", "trend"] | None = None


def _bundled(name: str) -> SimScenario:
    from alliance.dynamics import list_scenarios, load_scenario

    names = list_scenarios()
    if name not in names:
        raise one_of("scenario", name, names)
    return load_scenario(name)


def _check_runs(request: Request, runs: int | None, scenario: SimScenario) -> None:
    cap = request.app.state.limits.max_sim_runs
    n = scenario.runs if runs is None else runs
    if n > cap:
        raise BadInput(f"runs {n}: valid: 1 to {cap:,} per request (the server's limit)")


def _project(
    request: Request, sc: SimScenario, until: int | None, runs: int | None, seed: int | None, method: Any
) -> Any:
    from alliance.dynamics import project

    _check_runs(request, runs, sc)
    return project(sc, until, runs, seed, method=method)


def _payload(proj: Any) -> dict[str, Any]:
    data = proj.to_dict()
    keep = ("scenario", "method", "assumptions", "summary", "furthest_behind", "projections")
    return {k: data[k] for k in keep if k in data} | {"meta": proj.meta, "title": proj.title, "source": proj.source}


@router.get("/simulate/scenarios", summary="The bundled simulation scenarios")
def scenarios() -> dict[str, Any]:
    from alliance.dynamics import scenario_catalog
    from alliance.web.payload import table

    return table(scenario_catalog())


@router.get("/simulate", summary="Project every ally's spending (% of GDP) under a scenario, with 5-95% bands")
def simulate(
    request: Request,
    scenario: Scenario = "baseline",
    until: Until = None,
    runs: Runs = None,
    seed: Seed = None,
    method: Method = None,
) -> dict[str, Any]:
    """``alliance simulate --scenario S``: per ally and year p50, p05, p95, mean, P(>= 3.5%); per year the allies
    at 3.5% and the alliance total with bands; the scenario's assumptions."""
    return _payload(_project(request, _bundled(scenario), until, runs, seed, method))


@router.post("/simulate", summary="Project a bundled scenario by name or a posted scenario")
def simulate_posted(body: SimulateBody, request: Request) -> dict[str, Any]:
    from alliance.dynamics.schema import scenario_from_dict

    if isinstance(body.scenario, str):
        sc = _bundled(body.scenario)
    else:
        sc = scenario_from_dict(body.scenario, source="posted scenario")
    return _payload(_project(request, sc, body.until, body.runs, body.seed, body.method))


@router.get("/simulate/compliance", summary="P(each ally reaches a target by 2035), P(all), P(at least k)")
def compliance(
    request: Request,
    scenario: Scenario = "baseline",
    target: Annotated[float, Query(description="% of GDP (3.5: Hague core; 5: total).", gt=0, le=100)] = 3.5,
    by: Annotated[int | None, Query(description="Year checked (default: until).", ge=2027, le=2050)] = None,
    core_related: Annotated[bool, Query(description="Core >= 3.5% and core + related >= target.")] = False,
    related: Annotated[
        float | None,
        Query(description="Related spending assumed for every ally, % of GDP (with core_related).", ge=0, le=1.5),
    ] = None,
    until: Until = None,
    runs: Runs = None,
    seed: Seed = None,
) -> dict[str, Any]:
    from alliance.dynamics import compliance as odds

    proj = _project(request, _bundled(scenario), until, runs, seed, None)
    res = odds(proj, target, by=by, core_related=core_related, related=related)
    return {**res.to_dict(), "title": res.title, "source": res.source}


@router.get("/simulate/compare", summary="The simulation scenarios side by side in 2035")
def compare(
    request: Request,
    scenario: Annotated[
        list[str] | None, Query(description="Scenarios to compare (default: every bundled one).", max_length=10)
    ] = None,
    year: Annotated[int | None, Query(description="Year compared (default: 2035).", ge=2027, le=2050)] = None,
    runs: Runs = None,
    seed: Seed = None,
) -> dict[str, Any]:
    from alliance.dynamics import compare_scenarios, list_scenarios

    names = scenario or list_scenarios()
    scs = [_bundled(n) for n in names]
    for sc in scs:
        _check_runs(request, runs, sc)
    res = compare_scenarios(scs, year=year, runs=runs, seed=seed)
    return {**res.to_dict(), "title": res.title, "source": res.source}
