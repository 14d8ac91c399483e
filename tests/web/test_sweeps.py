"""Sweeps as background jobs: started by POST, followed by GET, read from the store; limits; a job outlives its
client."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance.web import Limits, create_app


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Limits(max_jobs=1, max_sweep_runs=400), store_dir=str(tmp_path_factory.mktemp("sweeps")))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _wait(client: TestClient, job_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.time() + timeout
    while True:
        state = client.get(f"/api/sweeps/{job_id}").json()
        if state["status"] not in ("queued", "running") or time.time() > deadline:
            return state
        time.sleep(0.2)


@pytest.mark.slow
def test_a_sweep_job_runs_and_its_results_are_the_stores_report(sweeps: TestClient) -> None:
    from alliance.sweep import report

    r = sweeps.post(
        "/api/sweeps", json={"scenario": "hague-2025", "runs": 200, "models": ["compromise", "median"], "seed": 3}
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running") and job["results"] is None
    busy = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "runs": 100, "models": ["median"]})
    assert busy.status_code == 429 and "limit is 1" in busy.json()["error"]
    early = sweeps.get(f"/api/sweeps/{job['id']}/results")
    assert early.status_code in (200, 422)  # 422 until the job is done
    done = _wait(sweeps, job["id"])
    assert done["status"] == "done" and done["done"] == done["total"] == 200
    body = sweeps.get(done["results"]).json()
    store = sweeps.app.state.jobs.get(job["id"]).result  # type: ignore[attr-defined]
    lib = report(store).to_dict()
    assert body["models"] == json.loads(json.dumps(lib["models"]))
    for model in ("compromise", "median"):
        for issue, rec in body["models"][model].items():
            assert sum(rec["p_formulation"].values()) == pytest.approx(1.0, abs=1e-6), (model, issue)
    assert body["meta"]["runs_stored"] == 200 and body["source"].startswith("Source:")
    assert [j["id"] for j in sweeps.get("/api/sweeps").json()["jobs"]] == [job["id"]]


def test_sweep_bad_input(sweeps: TestClient) -> None:
    r = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "runs": 401})
    assert r.status_code == 422 and "runs 401" in r.json()["error"]
    r = sweeps.post("/api/sweeps", json={"scenario": "/etc/passwd", "runs": 10})
    assert r.status_code == 422 and "valid: hague-2025" in r.json()["error"]
    r = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "runs": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "runs"]
    r = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "sampler": "dice"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "sampler"]
    r = sweeps.get("/api/sweeps/nosuchjob")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "job_id"]


@pytest.mark.slow
def test_a_failed_sweep_reports_one_line(sweeps: TestClient) -> None:
    r = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "runs": 50, "models": ["oracle"]})
    if r.status_code == 429:  # the other test's job still holds the slot
        time.sleep(5)
        r = sweeps.post("/api/sweeps", json={"scenario": "hague-2025", "runs": 50, "models": ["oracle"]})
    assert r.status_code == 202, r.text
    state = _wait(sweeps, r.json()["id"])
    assert state["status"] == "failed" and "oracle" in state["error"] and "\n" not in state["error"]
    assert sweeps.get(f"/api/sweeps/{state['id']}/results").status_code == 422


@pytest.mark.slow
def test_a_job_survives_the_client_that_started_it(server: str) -> None:
    """Start a sweep with one connection, close it at once, and find the job finished from another."""
    request = urllib.request.Request(
        f"{server}/api/sweeps",
        data=json.dumps({"scenario": "hague-2025", "runs": 300, "models": ["compromise"]}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 - the local test server
        job = json.loads(r.read())
    assert job["status"] in ("queued", "running")
    deadline = time.time() + 600
    while True:
        with urllib.request.urlopen(f"{server}/api/sweeps/{job['id']}", timeout=60) as r:  # noqa: S310
            state = json.loads(r.read())
        if state["status"] != "running" or time.time() > deadline:
            break
        time.sleep(0.3)
    assert state["status"] == "done" and state["done"] == 300
