"""``alliance serve``: the HTTP API and the dashboard under uvicorn (a thin call of :func:`alliance.web.create_app`).

FastAPI and uvicorn are the ``[web]`` extra; they are imported only when the command runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from alliance.errors import AllianceError, BadInput

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default 127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port, 1-65535 (0: any free port).")] = 8000,
    store_dir: Annotated[
        Path | None,
        typer.Option(
            "--store-dir", help="Folder for the stores of background sweep jobs (default: a new temp folder)."
        ),
    ] = None,
    max_jobs: Annotated[int, typer.Option("--max-jobs", help="Background jobs running at once, 1-16.")] = 2,
    max_sim_runs: Annotated[int, typer.Option("--max-sim-runs", help="Runs per simulation request, 1-100000.")] = 5000,
) -> None:
    """Serve the HTTP API (/api/..., spec at /openapi.json) and the dashboard (/) until Ctrl-C."""
    if not 0 <= port <= 65535:
        raise BadInput(f"--port {port}: valid: 0-65535")
    if not 1 <= max_jobs <= 16:
        raise BadInput(f"--max-jobs {max_jobs}: valid: 1-16")
    if not 1 <= max_sim_runs <= 100_000:
        raise BadInput(f"--max-sim-runs {max_sim_runs}: valid: 1-100000")
    if store_dir is not None and not store_dir.is_dir():
        raise BadInput(f"--store-dir {str(store_dir)!r} is not a folder; valid: an existing folder")
    try:
        import uvicorn

        from alliance.web import Limits, create_app
    except ImportError as exc:
        raise AllianceError(
            f"alliance serve needs the web extra ({exc.name} is missing): pip install -e '.[web]'"
        ) from None
    if host not in _LOOPBACK:
        print(f"alliance: note: binding {host}: the API is reachable from other machines", file=sys.stderr)
    app = create_app(
        Limits(max_jobs=max_jobs, max_sim_runs=max_sim_runs), store_dir=str(store_dir) if store_dir else None
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"alliance: serving http://{shown}:{port}/ (API: /api, spec: /openapi.json); Ctrl-C stops", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
