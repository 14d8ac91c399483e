"""``alliance serve``: starts uvicorn on 127.0.0.1 and answers; bad flags exit 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest


def _get(url: str, timeout: float = 30) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - a local URL
        return json.loads(r.read())


@pytest.mark.slow
def test_alliance_serve_answers_the_acceptance_request(port: int) -> None:
    code = "from alliance.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)], stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.time() + 90
        while True:
            try:
                body = _get(f"http://127.0.0.1:{port}/api/spending?year=2024&edition=2024&target=2")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.time() < deadline, "alliance serve did not answer"
                time.sleep(0.3)
        assert body["meta"]["n_meeting"] == sum(r["meets_target"] for r in body["rows"])
        assert body["meta"]["n_meeting"] == 23
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "serving http://127.0.0.1:" in (proc.stderr.read() if proc.stderr else "")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--port", "70000"], "--port 70000"),
        (["--max-jobs", "0"], "--max-jobs 0"),
        (["--store-dir", "/nonexistent/x"], "--store-dir"),
    ],
)
def test_bad_flags_exit_2_with_one_line(cli: Callable[..., tuple[int, str, str]], args: list[str], needle: str) -> None:
    code, out, err = cli("serve", *args)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
