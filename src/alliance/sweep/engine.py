"""``sweep(...)``: draw a scenario's uncertain inputs many times, run the models on every draw, store every run.

The runs are cut into chunks of ``chunk_size`` (chunk ``c`` holds runs ``c * chunk_size`` up to the next chunk);
each chunk is one vectorised ``solve_batch`` call per model (:mod:`alliance.sweep.evaluate`) on an executor
(:mod:`alliance.sweep.executors`) and is written to the store (:mod:`alliance.sweep.store`) as soon as it
completes. A run's numbers depend only on the seed and its index (:mod:`alliance.sweep.samplers`), so the same
seed gives the same store on every executor and chunk size; an interrupted sweep continues with ``resume=True``.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance.errors import BadInput, one_of
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    from alliance.sweep.evaluate import Plan
    from alliance.sweep.result import SweepResult
    from alliance.sweep.store import SweepStore

__all__ = ["DEFAULT_CHUNK", "SOBOL_GROUPS", "sweep"]

#: Runs per chunk unless ``chunk_size`` says otherwise (a few seconds of the slowest models on hague-2025).
DEFAULT_CHUNK = 4096
#: How a Sobol' design groups the inputs: one index per input, or one per actor (its positions, saliences and
#: capability together; a global parameter is its own group).
SOBOL_GROUPS: tuple[str, ...] = ("input", "actor")

Progress = Callable[[int, int], None]


def _models(models: str | Iterable[str] | None) -> list[str]:
    from alliance.negotiation.models import get_model
    from alliance.sweep.evaluate import batch_models

    runnable = batch_models()
    if models is None or (isinstance(models, str) and models.strip().lower() == "all"):
        return runnable
    names = [m.strip() for m in models.split(",")] if isinstance(models, str) else [str(m) for m in models]
    names = [m for m in names if m]
    if not names:
        raise BadInput(f"models: give at least one; valid: {', '.join(runnable)}, all")
    for m in names:
        get_model(m)  # unknown name: one line listing the valid ones
        if m not in runnable:
            raise BadInput(f"model {m!r} has no batch kernel and cannot be swept; valid: {', '.join(runnable)}, all")
    return list(dict.fromkeys(names))


def _plan(scenario: Scenario, runs: int, models: list[str], sampler: str, seed: int | None, sobol_groups: str,
          options: Mapping[str, Any], input_dtype: str) -> Plan:  # fmt: skip
    from alliance.sweep.distributions import sweep_space
    from alliance.sweep.evaluate import Plan, model_options
    from alliance.sweep.samplers import design

    if sobol_groups not in SOBOL_GROUPS:
        raise one_of("sobol grouping", sobol_groups, SOBOL_GROUPS)
    if input_dtype not in ("float32", "float64"):
        raise one_of("input dtype", input_dtype, ("float32", "float64"))
    space = sweep_space(scenario)
    groups = None
    if sampler == "sobol" and sobol_groups == "actor":
        groups = [a if a and kind != "parameter" else name for a, kind, name in
                  zip(space.inputs["actor"], space.inputs["kind"], space.inputs["name"], strict=True)]  # fmt: skip
    d = design(sampler, runs, space.k, seed, group_of=groups)
    return Plan(space, d, tuple(models), model_options(models, options), input_dtype)


def _meta(plan: Plan, scenario_dict: dict[str, Any], chunk: int, sobol_groups: str,
          options: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    import duckdb
    import numpy as np
    import pandas as pd

    import alliance
    from alliance.sweep.store import data_hashes, scenario_hash

    d = plan.design
    sc = plan.space.scenario
    return {
        "scenario_name": sc.name,
        "scenario": scenario_dict,
        "scenario_sha256": scenario_hash(scenario_dict),
        "models": list(plan.models),
        "options": dict(options),
        "model_options": {m: dict(o) for m, o in plan.options.items()},
        "sampler": d.sampler,
        "seed": str(d.seed),
        "runs": d.runs,
        "chunk_size": chunk,
        "sobol_groups": sobol_groups,
        "design": {
            "base": d.base,
            "groups": list(d.groups),
            "group_names": list(d.group_names),
            "lhs_block": d.lhs_block,
            "k": d.k,
        },  # fmt: skip
        "input_dtype": plan.input_dtype,
        "issues": {
            it.name: {
                "low": it.low,
                "high": it.high,
                "reversion": it.reversion,
                "formulations": dict(sorted(it.formulations.items(), key=lambda kv: kv[1])),
            }
            for it in sc.issues
        },  # fmt: skip
        "versions": {
            "alliance": alliance.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "duckdb": duckdb.__version__,
            "python": platform.python_version(),
        },  # fmt: skip
        "data_hashes": {"scenario": scenario_hash(scenario_dict), **data_hashes()},
        "executors": [],
    }


def _resume(path: str | os.PathLike[str], scenario: Scenario | str | os.PathLike[str] | None,
            given: Mapping[str, Any]) -> tuple[SweepStore, Plan]:  # fmt: skip
    """Open a store to finish it; refuse if the scenario or any given setting differs from the store's."""
    from alliance.negotiation.schema import load_scenario, scenario_from_dict, scenario_to_dict
    from alliance.sweep.store import SweepStore, scenario_hash

    if not Path(path).is_file():
        raise BadInput(f"--resume: no store at {str(path)!r} to resume; drop --resume to start one")
    store = SweepStore.open(path, write=True)
    try:
        meta = store.meta()
        if scenario is not None:
            mine = scenario_to_dict(load_scenario(scenario))  # type: ignore[arg-type]
            if scenario_hash(mine) != meta["scenario_sha256"]:
                raise BadInput(
                    f"--resume: store {str(path)!r} holds a sweep of scenario {meta['scenario_name']!r} "
                    f"(sha256 {meta['scenario_sha256'][:12]}), not this one ({mine['name']!r}, sha256 "
                    f"{scenario_hash(mine)[:12]}); resume with the same scenario or start a new store"
                )
        stored = {"runs": meta["runs"], "models": meta["models"], "sampler": meta["sampler"], "seed": meta["seed"],
                  "sobol_groups": meta["sobol_groups"], "options": meta["options"], "chunk_size": meta["chunk_size"]}  # fmt: skip
        for key, value in given.items():
            if value is None:
                continue
            if key == "runs" and meta["sampler"] == "sobol":
                continue  # a Sobol' design rounds the runs down; the stored count is the design's
            if key == "seed":
                value = str(value)
            if value != stored[key]:
                raise BadInput(f"--resume: {key} {value!r} differs from the store's {stored[key]!r}; "
                               "drop the option or start a new store")  # fmt: skip
        sc = scenario_from_dict(meta["scenario"])
        plan = _plan(sc, int(meta["runs"]), list(meta["models"]), meta["sampler"], int(meta["seed"]),
                     meta["sobol_groups"], meta["options"], meta["input_dtype"])  # fmt: skip
    except BaseException:
        store.close()
        raise
    return store, plan


def sweep(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    runs: int | None = None,
    *,
    models: str | Iterable[str] | None = "all",
    sampler: str = "mc",
    seed: int | None = None,
    store: str | os.PathLike[str] | None = None,
    resume: bool = False,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    sobol_groups: str = "input",
    input_dtype: str = "float32",
    progress: Progress | None = None,
    **options: Any,
) -> SweepResult:
    """Sweep a scenario's uncertainty: ``runs`` draws of its inputs, every model on each, analysed.

    Args:
        scenario: a :class:`Scenario`, a bundled name (``hague-2025``) or a file; with ``resume``, optional (the
            store holds it; given, it must be the same).
        runs: the number of runs (``sobol``: rounded down to a whole design, see :mod:`alliance.sweep.samplers`).
        models: ``"all"`` (every model with a batch kernel), a comma-separated string or a list of names.
        sampler: ``mc`` (default), ``lhs`` or ``sobol``.
        seed: the root seed (default: fresh entropy, recorded in the store and the result).
        store: a DuckDB file to stream runs into (default: in memory, gone after the analysis).
        resume: finish the sweep in ``store`` (same scenario and settings; only the missing chunks run).
        executor: ``inprocess`` (default), ``processes`` or ``dask``; ``workers``/``scheduler`` imply dask.
        workers: worker processes (processes, local Dask cluster).
        scheduler: address of a running Dask scheduler (``tcp://HOST:PORT``).
        chunk_size: runs per chunk (default :data:`DEFAULT_CHUNK`); results do not depend on it.
        sobol_groups: ``input`` (an index per input) or ``actor`` (per actor) for ``sampler="sobol"``.
        input_dtype: precision of the stored inputs (``float32`` default; the exact values follow from the seed).
        progress: called with ``(runs done, runs in total)`` after each chunk.
        **options: model options (``rounds=5`` for eum and exchange...); each model gets those it takes.

    Returns:
        The analysis of the store (:func:`alliance.sweep.report`).

    Raises:
        BadInput: runs < 1, an unknown sampler/model/executor, both ``workers`` and ``scheduler``, an existing store
            without ``resume``, a resume with a different scenario or settings.
    """
    from alliance.negotiation.schema import load_scenario, scenario_to_dict
    from alliance.sweep.analysis import analyse
    from alliance.sweep.executors import make_executor
    from alliance.sweep.store import SweepStore

    if chunk_size is not None and chunk_size < 1:
        raise BadInput(f"chunk size {chunk_size}: must be at least 1")
    if runs is not None and runs < 1:
        raise BadInput(f"runs {runs}: must be at least 1")
    ex = make_executor(executor, workers=workers, scheduler=scheduler)  # checks the flags before any work
    if resume:
        if store is None:
            raise BadInput("--resume needs --store FILE (the store to finish)")
        given = {"runs": runs, "sampler": None if sampler == "mc" else sampler, "seed": seed,
                 "sobol_groups": None if sobol_groups == "input" else sobol_groups, "options": options or None,
                 "chunk_size": chunk_size,
                 "models": None if models in (None, "all") else _models(models)}  # fmt: skip
        st, plan = _resume(store, scenario, given)
    else:
        if scenario is None:
            raise BadInput("give a scenario: a bundled name (alliance negotiate scenarios) or a file")
        if runs is None:
            raise BadInput("give the number of runs (--runs N, N >= 1)")
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(os.fspath(scenario))
        from alliance.sweep.samplers import SAMPLERS

        if sampler not in SAMPLERS:
            raise one_of("sampler", sampler, SAMPLERS)
        plan = _plan(sc, runs, _models(models), sampler, seed, sobol_groups, options, input_dtype)
        chunk = chunk_size or DEFAULT_CHUNK
        meta = _meta(plan, scenario_to_dict(sc), chunk, sobol_groups, options)
        st = SweepStore.create(store, meta, plan.columns(), plan.space.inputs)
    try:
        _run(st, plan, ex, progress)
        return analyse(st)
    finally:
        st.close()


def _run(st: SweepStore, plan: Plan, ex: Any, progress: Progress | None) -> None:
    from alliance.sweep.evaluate import seed_block_length

    meta = st.meta()
    chunk = int(meta["chunk_size"])
    total = plan.design.runs
    done = st.done_chunks()
    tasks = [(c, c * chunk, min(total, (c + 1) * chunk)) for c in range((total + chunk - 1) // chunk) if c not in done]
    finished = total - sum(hi - lo for _, lo, hi in tasks)
    if progress is not None:
        progress(finished, total)
    if not tasks:
        return
    block = seed_block_length(plan.design)
    with ex:
        st.set_meta("executors", [*meta.get("executors", []), ex.describe()])
        for res in ex.run(plan, tasks):
            st.append(res, seed=str(plan.design.seed), executor=ex.describe(), seed_block=block)
            finished += int(res["hi"]) - int(res["lo"])
            if progress is not None:
                progress(finished, total)
