"""``/api/sweeps``: uncertainty sweeps as background jobs (``alliance sweep``), read back from their stores.

``POST /api/sweeps`` starts :func:`alliance.sweep.sweep` on a bundled scenario in a background thread (202 with the
job); ``GET /api/sweeps/{id}`` is its progress; ``GET /api/sweeps/{id}/results`` is :func:`alliance.sweep.report` on
the job's DuckDB store once it has finished; ``DELETE /api/sweeps/{id}`` cancels it (the store stays consistent and
resumable). Runs per sweep and jobs running at once are limited (422 / 429). A job does not depend on the request
that started it: a client that disconnects does not stop it.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from alliance.errors import BadInput, one_of
from alliance.web.jobs import Job, Progress

router = APIRouter(tags=["sweeps"])

JobId = Annotated[str, Path(description="A job id from POST /api/sweeps.", max_length=40)]
#: Runs per chunk in a web job: small enough that progress moves every second or two.
CHUNK = 100


class SweepBody(BaseModel):
    """A sweep to start: a bundled scenario, how many runs, which models, which sampler, the seed."""

    model_config = ConfigDict(extra="forbid")
    scenario: str = Field(description="A bundled negotiation scenario (GET /api/scenarios).", examples=["hague-2025"])
    runs: int = Field(default=500, ge=1, le=1_000_000, description="Runs (capped by the server's max_sweep_runs).")
    models: list[str] | None = Field(default=None, max_length=20, description="Model names; default: all.")
    sampler: Literal["mc", "lhs", "sobol"] = "mc"
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)


def _job(request: Request, job_id: str) -> Job:
    job = request.app.state.jobs.get(job_id)
    if job is None or job.kind != "sweep":
        raise BadInput(f"unknown sweep job {job_id!r}; valid: the ids listed by GET /api/sweeps")
    return job


def _state(job: Job) -> dict[str, Any]:
    return job.to_dict() | {"results": f"/api/sweeps/{job.id}/results" if job.status == "done" else None}


@router.post("/sweeps", status_code=202, summary="Start a sweep of a bundled scenario as a background job")
def start(body: SweepBody, request: Request) -> JSONResponse:
    """``alliance sweep NAME --runs N --model M --sampler S --seed X`` in a background thread; returns the job (202).
    Poll ``GET /api/sweeps/{id}``; read ``GET /api/sweeps/{id}/results`` once its status is ``done``."""
    from alliance.negotiation.schema import list_scenarios

    limits = request.app.state.limits
    names = list_scenarios()
    if body.scenario not in names:
        raise one_of("scenario", body.scenario, names)
    if body.runs > limits.max_sweep_runs:
        raise BadInput(f"runs {body.runs}: valid: 1 to {limits.max_sweep_runs} per sweep (the server's limit)")
    try:
        import duckdb  # noqa: F401 - the store needs it; say so before starting a job
    except ImportError:
        raise BadInput("sweeps need the sweep extra (duckdb): pip install -e '.[sweep]'") from None
    models = ",".join(body.models) if body.models else "all"
    params = {
        "scenario": body.scenario,
        "runs": body.runs,
        "models": models,
        "sampler": body.sampler,
        "seed": body.seed,
    }

    def run(job: Job, progress: Progress) -> str:
        from alliance.sweep import sweep

        store = os.path.join(request.app.state.store_dir, f"sweep-{job.id}.duckdb")
        job.params["store"] = os.path.basename(store)
        job.total = body.runs
        sweep(
            body.scenario,
            body.runs,
            models=models,
            sampler=body.sampler,
            seed=body.seed,
            store=store,
            chunk_size=CHUNK,
            progress=progress,
        )
        return store

    job = request.app.state.jobs.start("sweep", params, run)
    return JSONResponse(_state(job), status_code=202)


@router.get("/sweeps", summary="The sweep jobs, newest first, with their progress")
def jobs(request: Request) -> dict[str, Any]:
    return {"jobs": [_state(j) for j in request.app.state.jobs.list() if j.kind == "sweep"]}


@router.get("/sweeps/{job_id}", summary="A sweep job's progress: status, runs done of the total, error")
def progress(job_id: JobId, request: Request) -> dict[str, Any]:
    return _state(_job(request, job_id))


@router.get("/sweeps/{job_id}/results", summary="A finished sweep's analysis, read from its store")
def results(job_id: JobId, request: Request) -> dict[str, Any]:
    """:func:`alliance.sweep.report` on the job's store: per model and issue P(each wording), P(no agreement),
    quantiles and histogram; the cross-model synthesis per issue."""
    from alliance.sweep import report

    job = _job(request, job_id)
    if job.status != "done":
        raise BadInput(f"sweep job {job_id!r} is {job.status}; valid: results of a job whose status is done")
    res = report(job.result)
    return res.to_dict() | {"title": res.title, "source": res.source}


@router.delete("/sweeps/{job_id}", summary="Cancel a sweep job (it stops after the chunk it is running)")
def cancel(job_id: JobId, request: Request) -> dict[str, Any]:
    job = _job(request, job_id)
    request.app.state.jobs.cancel(job.id)
    return _state(job)
