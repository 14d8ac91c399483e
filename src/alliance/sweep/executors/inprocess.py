"""The default executor: chunks evaluated one after the other in the calling process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from alliance.sweep.executors.base import Executor, Task

__all__ = ["InProcessExecutor"]


class InProcessExecutor(Executor):
    """Evaluates chunks in this process, in order (no start-up cost; one core)."""

    name = "inprocess"

    def run(self, plan: Any, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        from alliance.sweep.evaluate import evaluate

        for chunk, lo, hi in tasks:
            yield evaluate(plan, chunk, lo, hi)
