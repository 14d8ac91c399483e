"""The executor interface: a context manager that evaluates chunks of a sweep and yields them as they complete.

A backend implements :meth:`Executor.run`; entering starts its workers, leaving stops them and cancels what is
still queued (a Ctrl-C in the caller leaves no worker behind). Results may arrive in any order: each carries its
chunk id and run range, and the runs' numbers depend only on the seed and the run index
(:mod:`alliance.sweep.samplers`), so every backend stores the same rows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

__all__ = ["Executor", "Task"]

#: A unit of work: ``(chunk id, first run, end run)``.
Task = tuple[int, int, int]


class Executor(ABC):
    """Evaluates sweep chunks (``alliance.sweep.evaluate.evaluate(plan, chunk, lo, hi)``) somewhere.

    Attributes:
        name: the backend (``inprocess``, ``processes``, ``dask``).
        workers: how many chunks can run at once.
    """

    name: str = ""
    workers: int = 1

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:  # noqa: B027 - a backend without workers has nothing to stop
        """Stop the workers and drop queued work (idempotent)."""

    @abstractmethod
    def run(self, plan: Any, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        """Evaluate every task of ``plan``; yield each chunk's result as it completes (any order)."""

    def describe(self) -> str:
        """One line for the store's metadata and the progress bar."""
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"
