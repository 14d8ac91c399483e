"""``alliance sweep``: bad input is one line and exit 2; a sweep, its report and export from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb")


@pytest.mark.parametrize(("args", "message"), [
    (["--runs", "0"], "runs 0: must be at least 1"),
    (["--runs", "-5"], "runs -5: must be at least 1"),
    (["--runs", "10", "--sampler", "halton"], "unknown sampler 'halton'; valid: mc, lhs, sobol"),
    (["--runs", "10", "--model", "oracle"], "unknown model 'oracle'"),
    (["--runs", "10", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "not both"),
    (["--runs", "10", "--workers", "0"], "--workers 0: must be at least 1"),
    (["--runs", "10", "--executor", "mpi"], "unknown executor 'mpi'"),
    (["--runs", "10", "--scheduler", "localhost"], "give an address such as tcp://HOST:PORT"),
    (["--resume"], "--resume needs --store FILE"),
    ([], "give the number of runs"),
])  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(cli: Callable[..., Any], args: list[str], message: str) -> None:
    code, out, err = cli("sweep", "hague-2025", *args)
    assert code == 2, (code, err)
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_scenario_and_missing_store(cli: Callable[..., Any], tmp_path: Path) -> None:
    code, _, err = cli("sweep", "atlantis", "--runs", "5")
    assert code == 2 and "atlantis" in err and err.count("\n") == 1
    code, _, err = cli("sweep", "report", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no sweep store" in err


def test_sweep_report_and_export(cli: Callable[..., Any], tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    code, out, err = cli("sweep", "hague-2025", "--runs", "300", "--model", "compromise,consensus", "--seed", "1",
                         "--store", str(store), "--format", "json")  # fmt: skip
    assert code == 0, err
    first = json.loads(out)
    code, out, err = cli("sweep", "report", str(store), "--format", "json", "--plot", str(tmp_path / "p.png"))
    assert code == 0, err
    again = json.loads(out)
    assert again["models"] == first["models"] and again["synthesis"] == first["synthesis"]
    assert set(again["models"]["consensus"]["flexibility"]["p_formulation"]) >= {"no agreement"}
    assert (tmp_path / "p.png").stat().st_size > 0
    code, out, _ = cli("sweep", "report", str(store), "--format", "csv")
    assert code == 0 and out.startswith("model,issue,formulation,value,p,p_unsignable")
    code, _, err = cli("sweep", "export", str(store), "--output", str(tmp_path / "runs.parquet"))
    assert code == 0 and (tmp_path / "runs.parquet").stat().st_size > 0
    code, _, err = cli("sweep", "export", str(store), "--output", str(tmp_path / "runs.txt"))
    assert code == 2 and "export format 'txt'" in err
    code, _, err = cli("sweep", "hague-2025", "--runs", "300", "--store", str(store))
    assert code == 2 and "already exists" in err


def test_the_help_loads_neither_duckdb_nor_salib_nor_dask() -> None:
    code = (
        "import sys\nfrom alliance.cli import main\ntry:\n    main(['sweep', '--help'])\nexcept SystemExit:\n    pass\n"
        "import alliance.sweep\n"
        "print(sorted(m for m in ('duckdb', 'SALib', 'dask', 'distributed', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
