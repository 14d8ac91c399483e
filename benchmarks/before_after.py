"""Before and after, interleaved in one run: the commands of issue 9 and the compromise batch, with this checkout's
code and with the code of an earlier commit (default: 9059bb6, before the third round).

Run by hand (never in tests): ``python benchmarks/before_after.py [--before COMMIT] [--repeat N] [--write]``.
The earlier commit's ``src/`` is extracted with ``git archive`` into a temporary folder and put first on
``PYTHONPATH``; both sides run in the same virtual environment, alternately, so the machine's load (shared, it
moves CPU times by tens of percent) falls on both alike. CPU time (user + system) of each fresh process; medians.
``--write`` stores the figures in docs/data/benchmarks-before-after.json, which benchmarks_doc renders into
docs/benchmarks.md (``python benchmarks/run.py --render``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from alliance.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "data" / "benchmarks-before-after.json"

COMMANDS = [
    ["--help"],
    ["negotiate", "hague-2025", "--model", "all"],
    ["simulate", "--until", "2035"],
    ["brief"],
    ["backtest", "deu-calibration", "--model", "compromise"],
]

_COMPROMISE = """
import sys, time, statistics
import numpy as np
from dataclasses import replace
from alliance.negotiation.schema import load_scenario
from alliance.negotiation.models import compromise
from alliance.negotiation.models.batch import batch_from_scenario
b = batch_from_scenario(load_scenario("hague-2025"), runs=200_000)
rng = np.random.default_rng(20250624)
pos = np.clip(b.positions + rng.normal(0.0, 0.05, b.positions.shape) * b.span, b.low, b.high)
sal = np.clip(b.salience * rng.uniform(0.8, 1.2, b.salience.shape), 0.0, 1.0)
cap = b.capability * rng.uniform(0.8, 1.2, b.capability.shape)
b = replace(b, positions=pos, salience=sal, capability=cap)
compromise.solve_batch(b)
times = []
for _ in range(7):
    c0 = time.process_time()
    compromise.solve_batch(b)
    times.append(time.process_time() - c0)
print(200_000 / statistics.median(times))
"""


def _cpu(cmd: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _extract(commit: str, into: Path) -> Path:
    archive = into / "src.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default="9059bb6", help="the earlier commit (default 9059bb6)")
    ap.add_argument("--repeat", type=int, default=7, help="runs of each command on each side (default 7)")
    ap.add_argument("--write", action="store_true", help=f"store the figures in {RESULTS.relative_to(ROOT)}")
    args = ap.parse_args()
    now = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    entry = "from alliance.cli import main; main()"
    with tempfile.TemporaryDirectory() as tmp:
        old_src = _extract(args.before, Path(tmp))
        sides = {
            "now": dict(os.environ),
            "before": {**os.environ, "PYTHONPATH": f"{old_src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"},
        }
        for env in sides.values():  # warm: page cache, numba's on-disk cache of each tree's kernel
            _cpu([sys.executable, "-c", entry, "negotiate", "hague-2025", "--model", "eum"], env)
        rows: list[dict[str, Any]] = []
        base = {s: [_cpu([sys.executable, "-c", "pass"], env) for _ in range(args.repeat)] for s, env in sides.items()}
        for command in COMMANDS:
            times: dict[str, list[float]] = {"now": [], "before": []}
            for _ in range(args.repeat):
                for side, env in sides.items():
                    times[side].append(_cpu([sys.executable, "-c", entry, *command], env))
            row = {
                "command": "alliance " + " ".join(command),
                "before": statistics.median(times["before"]),
                "now": statistics.median(times["now"]),
            }
            rows.append(row)
            print(f"  {row['command']:55s} before {row['before']:.3f} s   now {row['now']:.3f} s CPU", flush=True)
        rates: dict[str, list[float]] = {"now": [], "before": []}
        for _ in range(3):
            for side, env in sides.items():
                out = subprocess.run([sys.executable, "-c", _COMPROMISE], env=env, capture_output=True, text=True)
                rates[side].append(float(out.stdout.strip().splitlines()[-1]))
        comp = {side: statistics.median(r) for side, r in rates.items()}
        print(f"  compromise batch of 200,000: before {comp['before']:,.0f}   now {comp['now']:,.0f} runs/s")
    res = {
        "before_commit": args.before,
        "now_commit": now.stdout.strip(),
        "repeat": args.repeat,
        "python_c_pass": {side: statistics.median(t) for side, t in base.items()},
        "commands": rows,
        "compromise_runs_per_s": comp,
        "load_average": os.getloadavg()[0],
    }
    if args.write:
        atomic_write(RESULTS, json.dumps(res, indent=1) + "\n")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
