"""Speed of the Nash model under a qualified-majority rule (win-set + security levels + bisection + pieces).

Run by hand: ``python benchmarks/bench_nash_qmv.py``. Prints per-call times of ``nash.solve_batch`` under
consensus and under qmv for batches of R runs of a random 33-actor x 4-issue scenario (fixed seed), and the
time of ``nash.solve`` over every issue of the DEU calibration half (as ``alliance negotiate backtest`` calls it).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from bench_negotiation_models import best_of, random_batch  # noqa: E402  (same folder: run as a script)

from alliance.negotiation.backtest import load_deu  # noqa: E402
from alliance.negotiation.models import nash  # noqa: E402
from alliance.negotiation.scenario import DecisionRule  # noqa: E402

QMV = DecisionRule(kind="qmv", capability_threshold=0.65, count_threshold=0.55)


def main() -> None:
    for runs in (1, 100, 1000):
        b = random_batch(runs)
        print(f"batch of {runs} runs x 33 actors x 4 issues:")
        for name, fn in (
            ("consensus", lambda b=b: nash.solve_batch(b)),
            ("qmv", lambda b=b: nash.solve_batch(b, QMV)),
        ):
            t = best_of(fn, repeat=5 if runs < 1000 else 3)
            print(f"  nash {name:10s} {t * 1e3:9.2f} ms per batch  ({t / runs * 1e6:8.1f} us per run)")
    scenarios = load_deu("deu-calibration", capability="votes")
    t = best_of(lambda: [nash.solve(sc) for sc in scenarios], repeat=3)
    print(
        f"nash.solve on each of the {len(scenarios)} DEU issues: {t * 1e3:.0f} ms ({t / len(scenarios) * 1e3:.2f} ms each)"
    )


if __name__ == "__main__":
    main()
