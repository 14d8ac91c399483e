"""Throughput and memory of the spending simulation: 10,000 runs x 32 allies x 9 years.

Run by hand: ``python benchmarks/bench_dynamics.py [--runs 10000] [--repeat 5]``. Prints runs per second of the
core simulation (one NumPy batch, loop over years only), of a full projection (parameter draws, simulation,
percentiles) and peak memory (tracemalloc) of the core simulation. The data hold 31 allies with spending series
(Iceland has no armed forces); the core benchmark adds a 32nd column (a copy of Luxembourg) so the batch has
the shape of the whole alliance.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from dataclasses import replace

import numpy as np

from alliance.dynamics.fitting import calibrate
from alliance.dynamics.model import simulate
from alliance.dynamics.panel import load_panel
from alliance.dynamics.projection import load_scenario, project, projection_drivers


def _widen(arr: np.ndarray, col: int) -> np.ndarray:
    """Append a copy of column ``col`` along the ally axis (the last one)."""
    return np.concatenate([arr, arr[..., col : col + 1]], axis=-1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    panel = load_panel()
    scen = load_scenario("us-drawdown").with_overrides(until=2035, runs=args.runs)
    d, _ = projection_drivers(scen, panel)
    lux = panel.index("LUX")
    fields = {f: getattr(d, f) for f in d.__dataclass_fields__}
    for name in ("member", "gdp", "growth_now", "growth_next", "growth_trend", "border", "proximity", "presence"):
        fields[name] = _widen(np.asarray(fields[name]), lux)
    fields["target_applies"] = _widen(np.asarray(d.target_applies), lux)
    d32 = replace(d, **fields)
    allies = d32.border.shape[0]
    rng = np.random.default_rng(0)
    theta = calibrate(2014, 2026).draws(args.runs, rng)
    x0 = _widen(panel.x[panel.row(2026)], lux)
    shocks = rng.standard_normal((d32.n_steps, args.runs, allies))
    simulate(x0, theta[:10], d32, shocks[:, :10])  # warm-up

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        simulate(x0, theta, d32, shocks)
        times.append(time.perf_counter() - t0)
    best = min(times)
    tracemalloc.start()
    simulate(x0, theta, d32, shocks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"core simulate: {args.runs:,} runs x {allies} allies x {d32.n_steps} years")
    print(f"  best of {args.repeat}: {best * 1000:.1f} ms  ->  {args.runs / best:,.0f} runs/s")
    print(
        f"  peak traced memory: {peak / 2**20:.1f} MiB (paths array {(d32.n_steps + 1) * args.runs * allies * 8 / 2**20:.1f} MiB)"
    )

    ptimes = []
    for _ in range(max(1, args.repeat // 2)):
        t0 = time.perf_counter()
        project(scen, runs=args.runs, seed=1).summary()
        ptimes.append(time.perf_counter() - t0)
    pbest = min(ptimes)
    print(f"full projection (draws + simulate + summary), {args.runs:,} runs x {panel.n_allies} allies:")
    print(f"  best of {len(ptimes)}: {pbest * 1000:.1f} ms  ->  {args.runs / pbest:,.0f} runs/s")


if __name__ == "__main__":
    main()
