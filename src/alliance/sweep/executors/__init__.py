"""Where a sweep's chunks run: in this process (the default), a local process pool, or Dask distributed.

:func:`make_executor` picks the backend from the command line's choices: ``--scheduler ADDRESS`` (a running Dask
cluster) or ``--workers N`` (a local Dask cluster of N workers), ``executor="processes"`` for a process pool of N
workers, nothing for in-process. Each backend is one module; Dask is imported only when its executor is entered.
"""

from __future__ import annotations

from alliance.errors import BadInput, one_of
from alliance.sweep.executors.base import Executor, Task

__all__ = ["EXECUTORS", "Executor", "Task", "make_executor"]

EXECUTORS: tuple[str, ...] = ("inprocess", "processes", "dask")


def make_executor(executor: str | None = None, *, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor for the given choices (module docstring).

    Raises:
        BadInput: both ``workers`` and ``scheduler``, an unknown backend, or options the backend does not take.
    """
    if workers is not None and scheduler is not None:
        raise BadInput("give either --scheduler ADDRESS (a running Dask cluster) or --workers N, not both")
    if workers is not None and workers < 1:
        raise BadInput(f"--workers {workers}: must be at least 1")
    kind = executor or ("dask" if workers is not None or scheduler is not None else "inprocess")
    if kind not in EXECUTORS:
        raise one_of("executor", kind, EXECUTORS)
    if kind == "inprocess":
        if workers not in (None, 1) or scheduler is not None:
            raise BadInput("the inprocess executor runs one worker; drop --workers/--scheduler or pick processes/dask")
        from alliance.sweep.executors.inprocess import InProcessExecutor

        return InProcessExecutor()
    if kind == "processes":
        if scheduler is not None:
            raise BadInput("--scheduler is for the dask executor, not processes")
        from alliance.sweep.executors.processes import ProcessExecutor

        return ProcessExecutor(workers or 2)
    from alliance.sweep.executors.dask import DaskExecutor

    return DaskExecutor(workers=workers if scheduler is None else None, scheduler=scheduler)
