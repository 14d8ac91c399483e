"""Dask distributed: a running cluster (``scheduler="tcp://HOST:PORT"``) or a local one (``workers=N``).

Dask is an optional extra (``pip install 'alliance[dask]'``), imported only when this executor is entered. The
plan is scattered to every worker once; chunks are submitted with at most two per worker in flight and gathered
as they complete. A local cluster runs one single-threaded worker process per requested worker (the kernels are
NumPy, so threads would contend for the GIL) and is shut down on exit, Ctrl-C included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from alliance.errors import AllianceError, BadInput
from alliance.sweep.executors.base import Executor, Task

__all__ = ["DaskExecutor"]


class DaskExecutor(Executor):
    """Evaluates chunks on a Dask cluster: an existing one (``scheduler``) or a local one (``workers``)."""

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        if (workers is None) == (scheduler is None):
            raise BadInput("the dask executor needs either --scheduler ADDRESS or --workers N, not both")
        if workers is not None and workers < 1:
            raise BadInput(f"workers {workers}: must be at least 1")
        if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
            raise BadInput(f"--scheduler {scheduler!r}: give an address such as tcp://HOST:PORT")
        self.workers = workers or 1
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise BadInput("the dask executor needs dask: pip install 'alliance[dask]'") from exc
        if self.scheduler is not None:
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except OSError as exc:
                raise AllianceError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        return self

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def describe(self) -> str:
        where = self.scheduler or "local cluster"
        return f"dask ({where}, {self.workers} worker{'s' if self.workers != 1 else ''})"

    def run(self, plan: Any, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        from alliance.sweep.evaluate import evaluate

        if self._client is None:
            self.__enter__()
        client = self._client
        remote_plan = client.scatter(plan, broadcast=True)
        queue = iter(tasks)
        window = 2 * self.workers
        first = [client.submit(evaluate, remote_plan, *t, pure=False) for t in _take(queue, window)]
        if not first:
            return
        running = as_completed(first)
        for fut in running:
            result = fut.result()
            fut.release()
            for t in _take(queue, 1):
                running.add(client.submit(evaluate, remote_plan, *t, pure=False))
            yield result


def _take(it: Iterator[Task], n: int) -> list[Task]:
    out = []
    for _ in range(n):
        t = next(it, None)
        if t is None:
            break
        out.append(t)
    return out
