"""Uncertainty sweeps: forecasts as probabilities, at scale (issue 10).

``sweep(scenario, runs, ...)`` draws the scenario's uncertain inputs (:mod:`alliance.sweep.distributions`) with a
sampler (:mod:`alliance.sweep.samplers`: mc, lhs, sobol), evaluates every model on whole chunks of runs in one
vectorised call (:mod:`alliance.sweep.evaluate`) on an executor (:mod:`alliance.sweep.executors`: in-process,
process pool, Dask), streams every run into a DuckDB store (:mod:`alliance.sweep.store`) and returns its analysis
(:mod:`alliance.sweep.analysis`). ``report(store)`` analyses any store again. Both return a :class:`SweepResult`.
DuckDB and SALib come with ``pip install 'alliance[sweep]'``, Dask with ``'alliance[dask]'``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "DEFAULT_CHUNK",
    "EXECUTORS",
    "SAMPLERS",
    "SweepResult",
    "SweepSpace",
    "SweepStore",
    "report",
    "sweep",
    "sweep_space",
]

_LAZY = {
    "sweep": "alliance.sweep.engine",
    "DEFAULT_CHUNK": "alliance.sweep.engine",
    "report": "alliance.sweep.analysis",
    "SweepResult": "alliance.sweep.result",
    "SweepStore": "alliance.sweep.store",
    "SweepSpace": "alliance.sweep.distributions",
    "sweep_space": "alliance.sweep.distributions",
    "SAMPLERS": "alliance.sweep.samplers",
    "EXECUTORS": "alliance.sweep.executors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'alliance.sweep' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
