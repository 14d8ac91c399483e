"""The store: identical rows for the same seed on every chunk size and executor, resume after a real SIGKILL,
refusals, self-description, export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from alliance.errors import BadInput
from alliance.sweep import SweepStore, report, sweep

MODELS = "compromise,median,consensus,nash"


def _rows(path: Path) -> pd.DataFrame:
    with SweepStore.open(path) as st:
        return st.query("SELECT * EXCLUDE (chunk) FROM runs ORDER BY run").df()


def test_the_same_seed_gives_the_same_rows_whatever_the_chunk_size(tmp_path: Path) -> None:
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    sweep("hague-2025", 700, models=MODELS, seed=7, store=a, chunk_size=700)
    sweep("hague-2025", 700, models=MODELS, seed=7, store=b, chunk_size=128)
    pd.testing.assert_frame_equal(_rows(a), _rows(b))
    c = tmp_path / "c.duckdb"
    sweep("hague-2025", 700, models=MODELS, seed=8, store=c, chunk_size=700)
    assert not _rows(a).equals(_rows(c))


@pytest.mark.slow
def test_the_process_pool_gives_the_same_rows(tmp_path: Path) -> None:
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    sweep("hague-2025", 600, models=MODELS, seed=3, store=a, chunk_size=600)
    sweep("hague-2025", 600, models=MODELS, seed=3, store=b, chunk_size=100, executor="processes", workers=2)
    pd.testing.assert_frame_equal(_rows(a), _rows(b))


@pytest.mark.slow
def test_a_local_dask_cluster_of_two_workers_gives_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    ra = sweep("hague-2025", 600, models=MODELS, seed=5, store=a, chunk_size=150)
    rb = sweep("hague-2025", 600, models=MODELS, seed=5, store=b, chunk_size=150, workers=2)
    pd.testing.assert_frame_equal(_rows(a), _rows(b))
    assert rb.meta["executors"] == ["dask (local cluster, 2 workers)"]
    pd.testing.assert_frame_equal(ra.formulations, rb.formulations)
    with SweepStore.open(b) as st:  # the two workers both computed chunks
        assert st.query("SELECT count(*) FROM chunks").fetchone()[0] == 4


_KILLABLE = """
import sys
from alliance.sweep import sweep
def tick(done, total):
    print(done, total, flush=True)
sweep("hague-2025", {runs}, models="nash,consensus", seed=9, store=sys.argv[1], chunk_size={chunk}, progress=tick)
"""


def test_a_sweep_killed_half_way_resumes_to_exactly_n_runs(tmp_path: Path) -> None:
    runs, chunk = 4000, 200
    path = tmp_path / "killed.duckdb"
    code = textwrap.dedent(_KILLABLE.format(runs=runs, chunk=chunk))
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    done = 0
    deadline = time.time() + 300
    while done < runs // 2 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        done = int(line.split()[0])
    os.kill(proc.pid, signal.SIGKILL)  # a real kill, half-way, no clean-up
    proc.wait()
    assert 0 < done < runs, done
    with SweepStore.open(path) as st:
        partial = st.n_runs()
        assert partial % chunk == 0 and partial < runs  # whole chunks only
    res = sweep(store=path, resume=True)
    assert res.meta["runs_stored"] == runs and res.meta["complete"]
    con = duckdb.connect(str(path), read_only=True)
    n, distinct, lo, hi = con.execute("SELECT count(*), count(DISTINCT run), min(run), max(run) FROM runs").fetchone()
    assert (n, distinct, lo, hi) == (runs, runs, 0, runs - 1)
    assert con.execute("SELECT count(*), count(DISTINCT chunk) FROM chunks").fetchone() == (runs // chunk,) * 2
    con.close()
    fresh = tmp_path / "fresh.duckdb"
    sweep("hague-2025", runs, models="nash,consensus", seed=9, store=fresh, chunk_size=chunk)
    pd.testing.assert_frame_equal(_rows(path), _rows(fresh))  # every run exactly as an uninterrupted sweep


def test_resume_refuses_another_scenario_or_other_settings(tmp_path: Path) -> None:
    from alliance.negotiation.schema import scenario_from_dict

    from .conftest import toy_dict

    path = tmp_path / "s.duckdb"
    sweep("hague-2025", 50, models="compromise", seed=1, store=path)
    with pytest.raises(BadInput, match="holds a sweep of scenario 'hague-2025'"):
        sweep("hague-2025-rules", 50, models="compromise", store=path, resume=True)
    with pytest.raises(BadInput, match="holds a sweep of scenario 'hague-2025'"):
        sweep(scenario_from_dict(toy_dict()), store=path, resume=True)
    with pytest.raises(BadInput, match="seed '2' differs"):
        sweep("hague-2025", store=path, resume=True, seed=2)
    with pytest.raises(BadInput, match="already exists; pass --resume"):
        sweep("hague-2025", 50, models="compromise", store=path)
    res = sweep("hague-2025", store=path, resume=True)  # complete already: nothing to do
    assert res.meta["runs_stored"] == 50


def test_the_store_describes_itself_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    sweep("hague-2025", 64, models="compromise,consensus", seed=2, store=path, chunk_size=32)
    with SweepStore.open(path) as st:
        meta = st.meta()
        assert meta["scenario"]["name"] == "hague-2025" and len(meta["scenario_sha256"]) == 64
        assert meta["versions"]["alliance"] and "params/synthesis.json" in meta["data_hashes"]
        assert meta["models"] == ["compromise", "consensus"] and meta["seed"] == "2"
        chunks = st.query("SELECT chunk, lo, hi, seed, first_seed_block FROM chunks ORDER BY chunk").fetchall()
        assert chunks == [(0, 0, 32, "2", 0), (1, 32, 64, "2", 0)]
        assert st.n_runs() == 64 and "x.USA.spending_target.position" in st.columns()
        pq, csv = st.export(tmp_path / "runs.parquet"), st.export(tmp_path / "runs.csv")
    back = duckdb.connect().execute(f"SELECT * FROM read_parquet('{pq}') ORDER BY run").df()
    pd.testing.assert_frame_equal(back, _rows(path).assign(chunk=back["chunk"])[back.columns])
    assert len(pd.read_csv(csv)) == 64
    again = report(path)  # the report needs nothing but the store
    assert again.meta["scenario_sha256"] == meta["scenario_sha256"]


def test_bad_store_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no sweep store at"):
        report(tmp_path / "none.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(BadInput, match="not a readable sweep store"):
        report(junk)
    with pytest.raises(BadInput, match="export format 'xlsx'"):
        path = tmp_path / "s.duckdb"
        sweep("hague-2025", 10, models="compromise", seed=1, store=path)
        with SweepStore.open(path) as st:
            st.export(tmp_path / "x.xlsx")


def test_ctrl_c_stops_the_command_cleanly_and_the_store_resumes(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    code = "from alliance.cli import main; main()"
    args = ["sweep", "hague-2025", "--runs", "20000", "--model", "nash", "--chunk-size", "200", "--seed", "4",
            "--store", str(path)]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.time() + 300
    wal = Path(f"{path}.wal")

    def size(p: Path) -> int:
        return p.stat().st_size if p.exists() else 0

    while time.time() < deadline and size(path) + size(wal) < 1_500_000 and proc.poll() is None:
        time.sleep(0.1)  # wait for a few chunks (they sit in the write-ahead log until a checkpoint)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err
    with SweepStore.open(path) as st:
        stored = st.n_runs()
    assert 0 < stored < 20000 and stored % 200 == 0  # whole chunks only
    res = sweep(store=path, resume=True)
    assert res.meta["runs_stored"] == 20000
    with SweepStore.open(path) as st:
        assert st.query("SELECT count(DISTINCT run) FROM runs").fetchone()[0] == 20000


@pytest.mark.slow
def test_a_running_dask_scheduler_by_address(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:  # fmt: skip
        a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
        sweep("hague-2025", 300, models=MODELS, seed=6, store=a, chunk_size=100)
        res = sweep(
            "hague-2025", 300, models=MODELS, seed=6, store=b, chunk_size=100, scheduler=cluster.scheduler_address
        )
        assert res.meta["executors"][0].startswith("dask (tcp://")
    pd.testing.assert_frame_equal(_rows(a), _rows(b))
