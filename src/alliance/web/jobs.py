"""Background jobs of the HTTP API: long runs (sweeps) started by one request and read by later ones.

A job runs in its own thread, independent of the request that started it, so it survives a client that
disconnects; its progress and result are read with later requests (the result itself lives in a store on disk).
At most ``max_running`` jobs run at once: :meth:`JobManager.start` refuses another with :class:`Busy` (HTTP 429).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Busy", "Job", "JobManager", "Progress"]

#: ``progress(done, total)``: what a job's function calls as it goes.
Progress = Callable[[int, int], None]


class Busy(Exception):
    """Every job slot is taken (HTTP 429)."""


class Cancelled(Exception):
    """Raised inside a job's progress callback once the job is cancelled."""


@dataclass
class Job:
    """One background job: what it runs, where it is, how it ended."""

    id: str
    kind: str
    params: dict[str, Any]
    status: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    result: Any = None
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: id, kind, parameters, status, progress (done, total, fraction), times, error."""
        end = self.finished if self.finished is not None else time.time()
        return {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "fraction": round(self.done / self.total, 4) if self.total else 0.0,
            "elapsed_s": round(end - self.started, 2) if self.started is not None else 0.0,
            "error": self.error,
        }


class JobManager:
    """Start, follow and cancel background jobs; at most ``max_running`` at once."""

    def __init__(self, max_running: int) -> None:
        self.max_running = max_running
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, params: dict[str, Any], fn: Callable[[Job, Progress], Any]) -> Job:
        """Run ``fn(job, progress)`` in a new thread; its return value becomes ``job.result``.

        Raises:
            Busy: ``max_running`` jobs are running already.
        """
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.active)
            if running >= self.max_running:
                raise Busy(
                    f"{running} jobs are running (the limit is {self.max_running}); wait for one to finish or cancel it"
                )
            job = Job(id=uuid.uuid4().hex[:12], kind=kind, params=params)
            self._jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job, fn), name=f"alliance-job-{job.id}", daemon=True)
        thread.start()
        return job

    def _run(self, job: Job, fn: Callable[[Job, Progress], Any]) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)
            if job.cancel_event.is_set():
                raise Cancelled

        job.status, job.started = "running", time.time()
        try:
            job.result = fn(job, progress)
            job.status = "cancelled" if job.cancel_event.is_set() else "done"
        except Cancelled:
            job.status = "cancelled"
        except Exception as exc:  # the job's failure is reported in its state, never raised into the server
            job.status = "failed"
            job.error = " ".join(str(exc).split()) or type(exc).__name__
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """Every job, newest first."""
        return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop (it stops at its next progress report); None if there is no such job."""
        job = self._jobs.get(job_id)
        if job is not None and job.active:
            job.cancel_event.set()
        return job

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the job has ended or ``timeout`` seconds have passed (for tests and scripts)."""
        deadline = time.time() + timeout
        job = self._jobs.get(job_id)
        while job is not None and job.active and time.time() < deadline:
            time.sleep(0.05)
        return job
