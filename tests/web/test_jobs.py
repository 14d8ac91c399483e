"""Background jobs: run in their own thread, report progress, end cleanly, are limited in number (429)."""

from __future__ import annotations

import threading

import pytest

from alliance.web.jobs import Busy, Job, JobManager, Progress


def _counting(n: int, gate: threading.Event | None = None):  # noqa: ANN202 - a test helper
    def run(job: Job, progress: Progress) -> int:
        for i in range(n):
            if gate is not None:
                gate.wait(5)
            progress(i + 1, n)
        return n * 10

    return run


def test_a_job_runs_to_the_end_in_its_own_thread() -> None:
    jobs = JobManager(max_running=2)
    job = jobs.start("count", {"n": 5}, _counting(5))
    done = jobs.wait(job.id, timeout=10)
    assert done is not None and done.status == "done" and done.result == 50
    state = done.to_dict()
    assert (state["done"], state["total"], state["fraction"]) == (5, 5, 1.0)


def test_more_jobs_than_the_limit_are_refused_until_one_ends() -> None:
    jobs = JobManager(max_running=1)
    gate = threading.Event()
    first = jobs.start("count", {}, _counting(3, gate))
    with pytest.raises(Busy, match="limit is 1"):
        jobs.start("count", {}, _counting(1))
    gate.set()
    jobs.wait(first.id, timeout=10)
    second = jobs.start("count", {}, _counting(1))
    assert jobs.wait(second.id, timeout=10).status == "done"  # type: ignore[union-attr]


def test_a_cancelled_job_stops_at_its_next_progress_report() -> None:
    jobs = JobManager(max_running=1)
    gate = threading.Event()
    job = jobs.start("count", {}, _counting(100, gate))
    jobs.cancel(job.id)
    gate.set()
    ended = jobs.wait(job.id, timeout=10)
    assert ended is not None and ended.status == "cancelled" and ended.done < 100


def test_a_failing_job_reports_one_line_and_frees_its_slot() -> None:
    jobs = JobManager(max_running=1)

    def fail(job: Job, progress: Progress) -> None:
        raise ValueError("disk\nfull")

    job = jobs.start("fail", {}, fail)
    ended = jobs.wait(job.id, timeout=10)
    assert ended is not None and ended.status == "failed" and ended.error == "disk full"
    assert jobs.start("count", {}, _counting(1)).status in ("queued", "running", "done")
    assert [j.kind for j in jobs.list()][-1] == "fail"
