"""Speed of the negotiation kernels (compromise, median, Nash, consensus) and of a full forecast with reasons.

Run by hand: ``python benchmarks/bench_negotiation_models.py``. Prints per-call times for a batch of R runs of
a 33-actor x 4-issue scenario (random positions/saliences, fixed seed) and the time of ``forecast()`` on the
bundled hague-2025 scenario (which re-solves 3 x 33 perturbed variants to find pivotal actors).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from alliance.negotiation.forecasting import forecast  # noqa: E402
from alliance.negotiation.models import compromise, consensus, median, nash  # noqa: E402
from alliance.negotiation.models.batch import Batch  # noqa: E402
from alliance.negotiation.scenario import DecisionRule  # noqa: E402
from alliance.negotiation.schema import list_scenarios, load_scenario  # noqa: E402

QMV = DecisionRule(kind="qmv", count_threshold=0.55)


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def random_batch(runs: int, actors: int = 33, issues: int = 4, seed: int = 1) -> Batch:
    rng = np.random.default_rng(seed)
    shape = (runs, actors, issues)
    low, high = np.zeros(issues), np.full(issues, 100.0)
    return Batch(
        positions=rng.uniform(0, 100, shape),
        salience=rng.uniform(0, 1, shape),
        capability=rng.uniform(0, 10, (runs, actors)),
        veto=np.ones((runs, actors), dtype=bool),
        chair=np.zeros((runs, actors), dtype=bool),
        low=low,
        high=high,
        reversion=rng.uniform(0, 100, (runs, issues)),
        lower_bound=np.full(shape, np.nan),
        upper_bound=np.full(shape, np.nan),
    )


def main() -> None:
    for runs in (1, 100, 1000):
        b = random_batch(runs)
        print(f"batch of {runs} runs x 33 actors x 4 issues:")
        for name, fn in (
            ("compromise", lambda b=b: compromise.solve_batch(b)),
            ("median", lambda b=b: median.solve_batch(b)),
            ("nash", lambda b=b: nash.solve_batch(b)),
            ("consensus", lambda b=b: consensus.solve_batch(b)),
            ("qmv", lambda b=b: consensus.solve_batch(replace(b, rule=QMV))),
        ):
            t = best_of(fn, repeat=5 if runs < 1000 else 3)
            print(f"  {name:10s} {t * 1e3:9.2f} ms per batch  ({t / runs * 1e6:8.1f} us per run)")
    if "hague-2025" in list_scenarios():
        sc = load_scenario("hague-2025")
        for model in ("compromise", "median", "nash", "consensus"):
            t = best_of(lambda m=model: forecast(sc, m), repeat=5)
            print(f"forecast(hague-2025, {model!r}) with pivotal analysis: {t * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
