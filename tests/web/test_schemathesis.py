"""schemathesis against the spec the server serves: generated requests (valid and not) never get a 5xx.

The server runs under uvicorn on a free port with small run limits (so generated simulations stay quick); every
operation gets at most 20 generated examples."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from alliance.web import Limits, create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(
        Limits(max_sim_runs=100, max_actors=8, max_sweep_runs=50), store_dir=str(tmp_path_factory.mktemp("st"))
    )
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


#: The spec, built in-process at collection time; the test checks the server serves the same document.
SPEC = create_app().openapi()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
CASES = [(label, GenerationMode.POSITIVE) for label in OPERATIONS] + [
    (label, GenerationMode.NEGATIVE) for label, op in OPERATIONS.items() if op.query or op.path_parameters or op.body
]


def test_the_server_serves_the_spec_the_cases_come_from(small_server: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{small_server}/openapi.json", timeout=30) as r:  # noqa: S310 - a local URL
        assert json.loads(r.read()) == json.loads(json.dumps(SPEC))
    assert len(OPERATIONS) >= 25


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{m.value} {label}" for label, m in CASES])
def test_no_generated_request_gets_a_server_error(label: str, mode: GenerationMode, small_server: str) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(OPERATIONS[label].as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=small_server, timeout=300)
        case.validate_response(response, checks=[not_a_server_error])
        assert "Traceback" not in response.text

    run()
