"""Speed of every negotiation model (single run and batch), how it scales with the actors, and CLI latency.

Run by hand (never in tests): ``python benchmarks/run.py [--quick] [--write] [--reference-memory]``. Prints

- for every model, the CPU time of one run (``solve_batch`` on a batch of one) and the runs per second of a
  batch of perturbed copies of hague-2025 (33 actors x 4 issues; the EUM with 10 rounds), with the batch size
  and the gain of the batch over single runs; the EUM with each engine and the ``PROGRAM`` preset;
- the EUM's memory peak at 512 actors for every reading (tracemalloc), and the numba engine's start-up cost;
- the time per run for n = 8 ... 256 actors (4 issues) per model and the fitted growth exponent;
- the CPU time of the commands of issue 9's table, each the median of repeated runs in fresh processes and as
  a ratio to a bare ``python -c pass`` measured in the same run;
- the EUM's time per round on the emissions case and on 20 actors (the comparison with the public port,
  docs/negotiation.md; the port's own times were measured in a scratch copy, not here).

All in-process figures are CPU time (``time.process_time``) of one thread, medians of repeats, so that other
jobs on the shared machine distort them less than wall-clock time; ``--write`` replaces docs/benchmarks.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from alliance.io import atomic_write  # noqa: E402
from alliance.negotiation.models import eum, eum_numba, model_module, model_names  # noqa: E402
from alliance.negotiation.models.batch import Batch, batch_from_scenario  # noqa: E402
from alliance.negotiation.schema import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
#: The figures of the last ``--write`` run (``--render`` rewrites the page from them).
RESULTS = ROOT / "docs" / "data" / "benchmarks.json"
#: Batch sizes of the throughput figures (a batch that takes about a second or less on one core).
BATCH = {
    "compromise": 200_000,
    "median": 50_000,
    "nash": 2_000,
    "eum": 1_000,
    "consensus": 20_000,
    "exchange": 1_000,
    "stacked": 5_000,
    "procedural": 100_000,
    "ensemble": 500,
    "choice": 20_000,
    "synthesis": 1_000,
}


def batched_models() -> list[str]:
    """The registered models with a batch kernel (every one since ``synthesis.solve_batch``)."""
    return [n for n in model_names() if hasattr(model_module(n), "solve_batch")]


SIZES = (8, 16, 32, 64, 128, 256)
#: The commands of issue 9's table.
COMMANDS = (
    ("alliance --help", ["--help"]),
    ("alliance negotiate hague-2025 --model all", ["negotiate", "hague-2025", "--model", "all", "--format", "json"]),
    ("alliance simulate --until 2035", ["simulate", "--until", "2035"]),
    ("alliance brief", ["brief"]),
    ("alliance backtest deu-calibration --model compromise", ["backtest", "deu-calibration", "--model", "compromise"]),
)


def cpu_median(fn: Callable[[], object], repeat: int, warm: bool = True) -> float:
    """Median CPU seconds of ``repeat`` calls (after one warm-up call)."""
    if warm:
        fn()
    times = []
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        times.append(time.process_time() - c0)
    return statistics.median(times)


def perturbed(batch: Batch, rng: np.random.Generator) -> Batch:
    """Perturbed copies of a scenario (positions +- 5% of the scale, saliences and capabilities jittered)."""
    span = batch.span
    pos = np.clip(batch.positions + rng.normal(0.0, 0.05, batch.positions.shape) * span, batch.low, batch.high)
    sal = np.clip(batch.salience * rng.uniform(0.8, 1.2, batch.salience.shape), 0.0, 1.0)
    cap = batch.capability * rng.uniform(0.8, 1.2, batch.capability.shape)
    return replace(batch, positions=pos, salience=sal, capability=cap)


def random_batch(runs: int, actors: int, issues: int, rng: np.random.Generator) -> Batch:
    """Random scenarios: positions, saliences, capabilities, reversion points; the first actor chairs."""
    shape = (runs, actors, issues)
    chair = np.zeros((runs, actors), dtype=bool)
    chair[:, 0] = True
    return Batch(
        positions=rng.uniform(0.0, 100.0, shape),
        salience=rng.uniform(0.05, 1.0, shape),
        capability=rng.uniform(0.1, 10.0, (runs, actors)),
        veto=~chair,
        chair=chair,
        low=np.zeros(issues),
        high=np.full(issues, 100.0),
        reversion=rng.uniform(0.0, 100.0, (runs, issues)),
        lower_bound=np.full(shape, np.nan),
        upper_bound=np.full(shape, np.nan),
        actors=tuple(f"a{k}" for k in range(actors)),
    )


def engines() -> list[str]:
    return ["numpy", "numba"] if eum_numba.available() else ["numpy"]


def model_rows(quick: bool) -> list[dict[str, Any]]:
    """Single-run CPU time and batch throughput of every model on perturbed hague-2025 runs."""
    sc = load_scenario("hague-2025")
    rng = np.random.default_rng(20250624)
    rows = []
    variants: list[tuple[str, str, dict[str, Any]]] = []
    for name in batched_models():
        if name == "eum":
            variants += [("eum", f"eum, {e} engine", {"engine": e}) for e in engines()]
            variants += [("eum", f"eum PROGRAM, {e} engine", {"engine": e, **eum.PROGRAM}) for e in engines()]
        else:
            variants.append((name, name, {}))
    for name, label, opts in variants:
        mod = model_module(name)
        engine = opts.pop("engine", None)
        old = os.environ.get("ALLIANCE_EUM_ENGINE")
        if engine:
            os.environ["ALLIANCE_EUM_ENGINE"] = engine
        try:
            size = BATCH.get(name, 1_000) // (10 if quick else 1)
            one = perturbed(batch_from_scenario(sc, runs=1), rng)
            many = perturbed(batch_from_scenario(sc, runs=size), rng)
            single = cpu_median(lambda m=mod, b=one, o=opts: m.solve_batch(b, **o), 5 if quick else 15)
            whole = cpu_median(lambda m=mod, b=many, o=opts: m.solve_batch(b, **o), 1 if quick else 3)
        finally:
            if old is None:
                os.environ.pop("ALLIANCE_EUM_ENGINE", None)
            else:
                os.environ["ALLIANCE_EUM_ENGINE"] = old
        rate = size / whole
        rows.append(
            {"model": label, "single_ms": single * 1e3, "batch": size, "runs_per_s": rate, "gain": rate * single}
        )
        print(
            f"  {label:28s} single {single * 1e3:9.3f} ms   batch of {size:>7,}: {rate:>12,.0f} runs/s  ({rate * single:6.1f}x)"
        )
    return rows


def scaling_rows(quick: bool) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """CPU seconds per run for n actors (4 issues) per model, and the growth exponent fitted on n >= 32."""
    rng = np.random.default_rng(7)
    sizes = SIZES[:4] if quick else SIZES
    table: list[dict[str, Any]] = []
    exponents: dict[str, float] = {}
    names = [n for n in batched_models() if n != "eum"] + [f"eum ({e})" for e in engines()]
    for label in names:
        name = label.split(" ")[0]
        mod = model_module(name)
        engine = label[label.find("(") + 1 : -1] if "(" in label else None
        if engine:
            os.environ["ALLIANCE_EUM_ENGINE"] = engine
        row: dict[str, Any] = {"model": label}
        for n in sizes:
            probe = random_batch(2, n, 4, rng)
            t2 = cpu_median(lambda m=mod, b=probe: m.solve_batch(b), 1)
            runs = int(np.clip(0.25 / max(t2 / 2, 1e-7), 2, 4096))
            batch = random_batch(runs, n, 4, rng)
            row[n] = cpu_median(lambda m=mod, b=batch: m.solve_batch(b), 1 if quick else 3, warm=False) / runs
        fit = [n for n in sizes if n >= 32]
        exponents[label] = float(np.polyfit(np.log(fit), np.log([row[n] for n in fit]), 1)[0])
        table.append(row)
        print(
            f"  {label:14s} "
            + " ".join(f"{row[n] * 1e3:10.4f}" for n in sizes)
            + f"  ms/run, exponent {exponents[label]:.2f}"
        )
        os.environ.pop("ALLIANCE_EUM_ENGINE", None)
    return table, exponents


def memory_rows(reference: bool) -> list[dict[str, Any]]:
    """tracemalloc peak of one EUM round at 512 actors (1 issue) for each reading and engine."""
    rng = np.random.default_rng(3)
    n = 512
    x, c, s = rng.uniform(0, 100, (1, n, 1)), rng.uniform(0.1, 1, (1, n)), rng.uniform(0.1, 1, (1, n, 1))
    readings = {
        "defaults": {},
        "PROGRAM": dict(eum.PROGRAM),
        "pairwise": {"probability": "pairwise"},
        "own": {"perspective": "own"},
        "q = 0.5": {"q": 0.5},
    }
    rows = []
    for label, opts in readings.items():
        for engine in engines():
            eum.eum_rounds(x[:, :4], c[:, :4], s[:, :4], 1, engine=engine, **opts)  # load the kernel first
            tracemalloc.start()
            c0 = time.process_time()
            eum.eum_rounds(x, c, s, 1, engine=engine, **opts)
            secs = time.process_time() - c0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append({"reading": label, "engine": engine, "peak_mib": peak / 2**20, "seconds": secs})
            print(
                f"  {label:10s} {engine:6s} peak {peak / 2**20:8.1f} MiB ({peak / n**2:5.0f} bytes per actor pair), {secs:.2f} s"
            )
    if reference:
        sys.path.insert(0, str(ROOT / "tests" / "negotiation"))
        import reference_eum  # the (A, A, A) kernel before issue 9 (test-only)

        tracemalloc.start()
        c0 = time.process_time()
        reference_eum.eum_rounds(x, c, s, 1, **eum.PROGRAM)
        secs = time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"reading": "PROGRAM", "engine": "before issue 9", "peak_mib": peak / 2**20, "seconds": secs})
        print(f"  PROGRAM before issue 9 (A, A, A tensor): peak {peak / 2**20:.0f} MiB, {secs:.2f} s")
    return rows


def child_cpu(cmd: list[str]) -> tuple[float, float]:
    """CPU (user + system) and wall seconds of one run of ``cmd`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def cli_rows(repeat: int) -> list[dict[str, Any]]:
    """Median CPU and wall seconds of each command and of ``python -c pass``, and the ratios."""
    exe = shutil.which("alliance") or ""
    base_cmd = [sys.executable, "-c", "pass"]
    runs = {"python -c pass": [child_cpu(base_cmd) for _ in range(repeat)]}
    for label, args in COMMANDS:
        cmd = [exe, *args] if exe else [sys.executable, "-c", "from alliance.cli import main; main()", *args]
        child_cpu(cmd)  # warm the file cache
        runs[label] = [child_cpu(cmd) for _ in range(repeat)]
    base = statistics.median(c for c, _ in runs["python -c pass"])
    base_wall = statistics.median(w for _, w in runs["python -c pass"])
    rows = []
    for label, vals in runs.items():
        cpu = statistics.median(c for c, _ in vals)
        wall = statistics.median(w for _, w in vals)
        rows.append({"command": label, "cpu": cpu, "wall": wall, "ratio": cpu / base, "wall_ratio": wall / base_wall})
        print(f"  {label:55s} CPU {cpu:6.2f} s ({cpu / base:5.1f}x)  wall {wall:6.2f} s")
    return rows


def numba_start() -> dict[str, float]:
    """CPU seconds of the first numba EUM call in a fresh process: with the on-disk cache, and compiling."""
    if not eum_numba.available():
        return {}
    code = (
        "import time, numpy as np; from alliance.negotiation.models import eum;"
        "x = np.ones((1, 3, 1)); c0 = time.process_time();"
        "eum.eum_rounds(x, np.ones((1, 3)), x, 1, engine='numba'); print(time.process_time() - c0)"
    )
    out: dict[str, float] = {}
    cached = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cached = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out["cached"] = float(cached.stdout.split()[-1])
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": tmp}
        cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    out["compile"] = float(cold.stdout.split()[-1])
    print(
        f"  numba engine, first call in a fresh process: {out['cached']:.2f} s with the on-disk cache, {out['compile']:.1f} s compiling"
    )
    return out


def port_rows() -> list[dict[str, Any]]:
    """Our EUM's CPU seconds per round (PROGRAM, one run) on the emissions case and on 20 random actors."""
    import pandas as pd

    em = pd.read_csv(ROOT / "src" / "alliance" / "data" / "tables" / "bdm1994_emissions.csv")
    rng = np.random.default_rng(7)
    cases = {
        "emissions case (10 actors)": (
            em["position"].to_numpy(float)[None, :, None],
            em["capability"].to_numpy(float)[None],
            em["salience"].to_numpy(float)[None, :, None],
        ),
        "20 random actors": (
            rng.uniform(0, 100, (1, 20, 1)),
            rng.uniform(0.05, 1, (1, 20)),
            rng.uniform(0.05, 1, (1, 20, 1)),
        ),
    }
    rows = []
    for label, (x, c, s) in cases.items():
        for engine in engines():
            per_round = (
                cpu_median(lambda x=x, c=c, s=s, e=engine: eum.eum_rounds(x, c, s, 10, engine=e, **eum.PROGRAM), 30)
                / 10
            )
            rows.append({"case": label, "engine": engine, "seconds_per_round": per_round})
            print(f"  {label:28s} {engine:6s} {per_round * 1e3:8.4f} ms per round")
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    numba = importlib.util.find_spec("numba")
    nb = "not installed"
    if numba is not None:
        import numba as _nb

        nb = _nb.__version__
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores shared with other jobs (load average {os.getloadavg()[0]:.1f} at the end); "
        f"CPython {platform.python_version()}, NumPy {np.__version__}, numba {nb}; commit {commit or '?'}; "
        f"{dt.date.today().isoformat()}"
    )


def _int_keys(d: dict[str, Any]) -> dict[Any, Any]:
    """JSON object keys back to ints where they were (the scaling table's actor counts)."""
    return {int(k) if k.isdigit() else k: v for k, v in d.items()}


def render(res: dict[str, Any]) -> str:
    from benchmarks_doc import render_doc  # same folder: run as a script

    return render_doc(res)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller batches, fewer sizes and repeats (a smoke run)")
    ap.add_argument("--write", action="store_true", help="replace docs/benchmarks.md with the figures")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command (default 5)")
    ap.add_argument("--reference-memory", action="store_true", help="also the pre-issue-9 kernel at 512 actors")
    ap.add_argument("--render", action="store_true", help="only rewrite docs/benchmarks.md from the last figures")
    args = ap.parse_args()
    if args.render:
        atomic_write(DOC, render(json.loads(RESULTS.read_text(encoding="utf-8"), object_hook=_int_keys)))
        print(f"written to {DOC}")
        return
    res: dict[str, Any] = {}
    print("models on perturbed hague-2025 runs (33 actors x 4 issues), CPU time:")
    res["models"] = model_rows(args.quick)
    print("EUM memory, one round at 512 actors:")
    res["memory"] = memory_rows(args.reference_memory)
    print("numba start-up:")
    res["numba"] = numba_start()
    print("scaling, CPU ms per run (4 issues; n = " + ", ".join(map(str, SIZES)) + "):")
    res["scaling"], res["exponents"] = scaling_rows(args.quick)
    print("EUM per round, for the comparison with the public port:")
    res["port"] = port_rows()
    print("commands (fresh processes):")
    res["cli"] = cli_rows(2 if args.quick else args.repeat)
    res["machine"] = machine()
    res["quick"] = args.quick
    print(res["machine"])
    if args.write:
        atomic_write(RESULTS, json.dumps(res, indent=1) + "\n")
        atomic_write(DOC, render(res))
        print(f"written to {DOC} and {RESULTS}")


if __name__ == "__main__":
    main()
