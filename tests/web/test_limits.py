"""Limits and errors: body size (413), scenario size and runs (422 naming the field), jobs (429), no stack traces."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from alliance.web import Limits, create_app


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app with small limits, and a route that fails unexpectedly (to check nothing leaks)."""
    app = create_app(
        Limits(max_body_bytes=2_000, max_actors=3, max_sim_runs=50), store_dir=str(tmp_path_factory.mktemp("s"))
    )

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /home/user/file.py line 3")

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_a_body_over_the_limit_is_413_before_any_parsing(small: TestClient) -> None:
    body = json.dumps({"scenario": "x" * 5_000})
    r = small.post("/api/negotiate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "2,000 bytes" in r.json()["error"]


def test_a_chunked_body_over_the_limit_is_413_too(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    r = small.post("/api/negotiate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_body_under_the_limit_passes_through_intact(small: TestClient) -> None:
    r = small.post("/api/negotiate", json={"scenario": "nowhere", "models": ["median"]})
    assert r.status_code == 422 and "nowhere" in r.json()["error"]


def test_a_scenario_with_too_many_actors_is_422_naming_the_field(client: TestClient, small: TestClient) -> None:
    template = {
        "name": "tiny",
        "issues": [{"name": "level", "low": 0, "high": 10}],
        "actors": [
            {"name": f"A{i}", "capability": 1, "issues": {"level": {"position": i, "salience": 0.5}}} for i in range(4)
        ],
    }
    r = small.post("/api/scenarios/validate", json={"scenario": template})
    assert r.status_code == 422 and r.json()["error"].startswith("scenario.actors: 4 actors")
    r = client.post("/api/scenarios/validate", json={"scenario": template})
    assert r.status_code == 200, r.text


def test_runs_over_the_limit_are_422(small: TestClient) -> None:
    r = small.get("/api/simulate", params={"runs": 51})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "runs"]
    r = small.get("/api/simulate", params={"runs": 50, "until": 2028})
    assert r.status_code == 200


def test_an_unexpected_failure_is_a_500_without_a_stack_trace(small: TestClient) -> None:
    r = small.get("/api/boom")
    assert r.status_code == 500
    assert "internal error" in r.json()["error"]
    assert "secret" not in r.text and "Traceback" not in r.text and "file.py" not in r.text


def test_health_reports_the_limits(small: TestClient) -> None:
    assert small.get("/api/health").json()["limits"]["max_body_bytes"] == 2_000


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_concurrent_requests_are_answered(client: TestClient) -> None:
    codes: list[int] = []

    def get() -> None:
        codes.append(client.get("/api/spending", params={"year": 2025}).status_code)

    threads = [threading.Thread(target=get) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 6
