"""Sweep benchmarks (issue 10), run by hand: ``python benchmarks/sweep.py [--quick] [--write]``.

1. End-to-end throughput per model on hague-2025, one process, in-process executor, store included: runs/s from the
   first chunk to the last stored (wall and CPU), and the whole call (planning, sweep, analysis).
2. A 10^6-run compromise sweep into a store, in a fresh process: peak memory (``resource.getrusage`` max RSS) and
   the store's size.
3. Throughput with 1, 2 and 4 local Dask workers (the machine has 2 cores).
4. Scaling with the number of actors (8 to 256), random scenarios of 4 issues with a default uncertainty.

Figures go to ``docs/data/sweep-benchmarks.json``; ``--write`` also rewrites the marked sections of
docs/benchmarks.md and docs/sweep.md. Nothing here is a test: the suite never times anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data" / "sweep-benchmarks.json"
BEGIN, END = "<!-- sweep-benchmarks:begin -->", "<!-- sweep-benchmarks:end -->"

#: Runs per model for the throughput table (about 5-20 s each on a loaded 2-core machine).
RUNS = {
    "compromise": 200_000, "median": 100_000, "nash": 16_384, "eum": 8_192, "consensus": 100_000,
    "exchange": 4_096, "stacked": 32_768, "procedural": 100_000, "ensemble": 4_096, "choice": 16_384,
    "synthesis": 4_096,
}  # fmt: skip


def timed_sweep(scenario: Any, runs: int, models: str, **kw: Any) -> dict[str, Any]:
    """One sweep into a fresh store file; times from the first progress call (planned) to the last (all stored)."""
    from alliance.sweep import sweep

    marks: list[tuple[int, float, float]] = []

    def tick(done: int, total: int) -> None:
        marks.append((done, time.perf_counter(), time.process_time()))

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "s.duckdb"
        w0, c0 = time.perf_counter(), time.process_time()
        res = sweep(scenario, runs, models=models, store=store, progress=tick, **kw)
        w1, c1 = time.perf_counter(), time.process_time()
        size = store.stat().st_size
    (d0, sw0, sc0), (d1, sw1, sc1) = marks[0], marks[-1]
    n = d1 - d0
    return {
        "runs": n,
        "wall_s": sw1 - sw0,
        "cpu_s": sc1 - sc0,
        "runs_per_s_wall": n / (sw1 - sw0),
        "runs_per_s_cpu": n / (sc1 - sc0),
        "total_wall_s": w1 - w0,
        "total_cpu_s": c1 - c0,
        "analysis_wall_s": w1 - sw1,
        "store_mib": size / 2**20,
        "inputs": int(res.inputs.shape[0]),
    }


def per_model(quick: bool) -> dict[str, Any]:
    from alliance.sweep.evaluate import batch_models

    out = {}
    for m in batch_models():
        runs = RUNS.get(m, 4096) // (8 if quick else 1)
        out[m] = timed_sweep("hague-2025", runs, m, seed=1, chunk_size=min(runs, 8192))
        print(f"{m}: {out[m]['runs_per_s_wall']:,.0f} runs/s wall, {out[m]['runs_per_s_cpu']:,.0f} CPU", flush=True)
    return out


_MILLION = """
import json, resource, sys, time
from alliance.sweep import sweep
t0, c0 = time.perf_counter(), time.process_time()
res = sweep("hague-2025", {runs}, models="compromise", seed=1, store=sys.argv[1], chunk_size=8192)
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({{"runs": res.meta["runs_stored"], "wall_s": t1 - t0, "cpu_s": c1 - c0,
                  "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def million(quick: bool) -> dict[str, Any]:
    runs = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "m.duckdb"
        out = subprocess.run([sys.executable, "-c", _MILLION.format(runs=runs), str(store)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        res = json.loads(out.stdout.strip().splitlines()[-1])
        res["store_mib"] = store.stat().st_size / 2**20
    print(f"{runs:,} compromise runs: {res}", flush=True)
    return res


def dask_table(quick: bool) -> dict[str, Any]:
    runs = 2_048 if quick else 8_192
    out: dict[str, Any] = {"model": "eum", "runs": runs, "chunk_size": 512}
    out["inprocess"] = timed_sweep("hague-2025", runs, "eum", seed=1, chunk_size=512)
    for w in (1, 2, 4):
        out[f"dask_{w}"] = timed_sweep("hague-2025", runs, "eum", seed=1, chunk_size=512, workers=w)
        print(f"dask {w} workers: {out[f'dask_{w}']['runs_per_s_wall']:,.0f} runs/s wall", flush=True)
    return out


def random_scenario(n: int, seed: int = 0) -> Any:
    import numpy as np

    from alliance.negotiation.schema import scenario_from_dict

    rng = np.random.default_rng(seed)
    issues = [{"name": f"i{j}", "low": 0, "high": 100, "reversion": float(rng.uniform(0, 100)),
               "formulations": {"low": 20, "mid": 50, "high": 80}} for j in range(4)]  # fmt: skip
    actors = [{"name": f"a{k}", "capability": float(rng.uniform(1, 100)), "issues": {
        f"i{j}": {"position": float(rng.uniform(0, 100)), "salience": float(rng.uniform(10, 90)), "evidence": "rule"}
        for j in range(4)}} for k in range(n)]  # fmt: skip
    unc = {"rule": {"position": {"dist": "normal", "sd_share": 0.15}, "salience": {"dist": "normal", "sd": 20}},
           "capability": {"dist": "normal", "sd_share": 0.1}}  # fmt: skip
    return scenario_from_dict({"name": f"random-{n}", "issues": issues, "actors": actors, "default_uncertainty": unc})


def scaling(quick: bool) -> dict[str, Any]:
    models = ("compromise", "consensus", "nash", "eum")
    out: dict[str, Any] = {}
    for n in (8, 16, 32, 64, 128, 256):
        sc = random_scenario(n)
        for m in models:
            base = {"compromise": 100_000, "consensus": 40_000, "nash": 8_000, "eum": 4_000}[m]
            runs = max(256, int(base * 32 / max(n, 32) / (max(n, 32) / 32 if m == "eum" else 1)))
            runs //= 4 if quick else 1
            r = timed_sweep(sc, runs, m, seed=1, chunk_size=min(runs, 4096))
            out.setdefault(m, {})[str(n)] = r["runs_per_s_cpu"]
            print(f"n={n} {m}: {r['runs_per_s_cpu']:,.0f} runs/s CPU", flush=True)
    return out


def render(res: dict[str, Any]) -> str:
    """The marked section of docs/benchmarks.md and docs/sweep.md."""
    m = res["machine"]
    lines = [BEGIN, "", f"Measured with `python benchmarks/sweep.py --write` on {m['when']}, commit {m['commit']}, "
             f"{m['cpus']} cores shared with other jobs (load average {m['load']:.1f} at the start); Python "
             f"{m['python']}, NumPy {m['numpy']}, DuckDB {m['duckdb']}. Runs/s count the runs from the first chunk to "
             "the last one stored (evaluation and store); *CPU* is the process's CPU time (all its threads), *wall* "
             "the elapsed time; *call* is the whole `sweep(...)` call, planning and analysis included.", ""]  # fmt: skip
    lines += ["### End-to-end throughput per model (hague-2025, 298 inputs, in-process, store included)", "",
              "| model | runs | runs/s (CPU) | runs/s (wall) | call (wall) | store |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, r in res["per_model"].items():
        lines.append(f"| {name} | {r['runs']:,} | {r['runs_per_s_cpu']:,.0f} | {r['runs_per_s_wall']:,.0f} | "
                     f"{r['total_wall_s']:.1f} s | {r['store_mib']:.0f} MiB |")  # fmt: skip
    eum = res["per_model"].get("eum")
    if eum:
        met = "met" if eum["runs_per_s_cpu"] >= 1000 else "**not met**"
        lines += ["", f"Target: an EUM sweep at >= 1,000 runs/s end to end on one core, store included: "
                  f"{eum['runs_per_s_cpu']:,.0f} runs/s of CPU ({eum['runs_per_s_wall']:,.0f} wall): {met}."]  # fmt: skip
    mil = res["million"]
    lines += ["", "### A 10^6-run compromise sweep into the store", "",
              f"{mil['runs']:,} runs in {mil['wall_s']:.0f} s wall ({mil['cpu_s']:.0f} s CPU, "
              f"{mil['runs'] / mil['cpu_s']:,.0f} runs/s of CPU) including planning and the analysis; peak memory "
              f"(max RSS of the process) **{mil['max_rss_mib']:,.0f} MiB** (target < 1 GiB: "
              f"{'met' if mil['max_rss_mib'] < 1024 else 'not met'}); store {mil['store_mib']:,.0f} MiB on disk."]  # fmt: skip
    if mil.get("note"):
        lines += ["", mil["note"]]
    d = res["dask"]
    lines += ["", f"### Local Dask workers ({d['model']}, {d['runs']:,} runs, chunks of {d['chunk_size']})", "",
              "| executor | runs/s (wall) | call (wall) |", "|---|---:|---:|"]  # fmt: skip
    for key, label in (("inprocess", "in-process"), ("dask_1", "Dask, 1 worker"), ("dask_2", "Dask, 2 workers"),
                       ("dask_4", "Dask, 4 workers")):  # fmt: skip
        r = d[key]
        lines.append(f"| {label} | {r['runs_per_s_wall']:,.0f} | {r['total_wall_s']:.1f} s |")
    lines += ["", "The machine has 2 cores shared with other jobs: 4 workers cannot beat 2; a local cluster costs a few "
              "seconds to start (in *call*)."]  # fmt: skip
    s = res["scaling"]
    ns = list(next(iter(s.values())))
    lines += ["", "### Scaling with the number of actors (random scenarios, 4 issues, runs/s of CPU)", "",
              "| model | " + " | ".join(f"n = {n}" for n in ns) + " |", "|---|" + "---:|" * len(ns)]  # fmt: skip
    for model, row in s.items():
        lines.append(f"| {model} | " + " | ".join(f"{row[n]:,.0f}" for n in ns) + " |")
    lines += ["", END]
    return "\n".join(lines)


def _replace(path: Path, block: str, heading: str) -> None:
    text = path.read_text(encoding="utf-8")
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def machine() -> dict[str, Any]:
    import duckdb
    import numpy as np

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {"when": time.strftime("%Y-%m-%d"), "commit": commit.strip(), "cpus": os.cpu_count(),
            "load": os.getloadavg()[0], "python": platform.python_version(), "numpy": np.__version__,
            "duckdb": duckdb.__version__}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test of this script)")
    ap.add_argument("--write", action="store_true", help="rewrite the sections of docs/benchmarks.md and sweep.md")
    ap.add_argument("--render", action="store_true", help="only rewrite the docs from the saved figures")
    ap.add_argument("--parts", default="per_model,million,dask,scaling",
                    help="which parts to measure (the others are kept from the saved figures)")  # fmt: skip
    args = ap.parse_args()
    parts = {"per_model": per_model, "million": million, "dask": dask_table, "scaling": scaling}
    if args.render:
        res = json.loads(DATA.read_text(encoding="utf-8"))
    else:
        res = json.loads(DATA.read_text(encoding="utf-8")) if DATA.exists() else {}
        res["machine"] = machine()
        for name in args.parts.split(","):
            res[name] = parts[name](args.quick)
            DATA.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")  # saved part by part
    if args.write or args.render:
        block = render(res)
        _replace(ROOT / "docs" / "benchmarks.md", block, "## Sweeps (issue 10; `benchmarks/sweep.py`)")
        _replace(ROOT / "docs" / "sweep.md", block, "## Figures")
    print(render(res))


if __name__ == "__main__":
    main()
