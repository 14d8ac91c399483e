"""A local process pool (``concurrent.futures``): one chunk per worker process at a time.

Workers start with the ``spawn`` method through their own context (the global start method is never touched)
and ignore SIGINT, so a Ctrl-C reaches only the caller, which cancels the queue and stops the pool. At most
two chunks per worker are in flight, so memory stays bounded whatever the number of runs.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from alliance.errors import BadInput
from alliance.sweep.executors.base import Executor, Task

__all__ = ["ProcessExecutor"]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor(Executor):
    """Evaluates chunks in ``workers`` local processes."""

    name = "processes"

    def __init__(self, workers: int = 2) -> None:
        if workers < 1:
            raise BadInput(f"workers {workers}: must be at least 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_ignore_sigint)
        return self

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, plan: Any, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        from alliance.sweep.evaluate import evaluate

        if self._pool is None:
            self.__enter__()
        pool = self._pool
        assert pool is not None
        pending: set[Future[dict[str, Any]]] = set()
        queue = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                task = next(queue, None)
                if task is None:
                    exhausted = True
                    break
                pending.add(pool.submit(evaluate, plan, *task))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
