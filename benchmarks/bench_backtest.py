"""Time the DEU backtest: loading, scoring every model with 2000 cluster-bootstrap reps, the CVs.

Run by hand: ``python benchmarks/bench_backtest.py``. Prints wall-clock seconds (figures go in docs/backtest.md).
"""

from __future__ import annotations

import time

from alliance.negotiation.backtest import backtest, cross_validate, load_deu


def main() -> None:
    t0 = time.perf_counter()
    scenarios = load_deu("deu-calibration", capability="votes")
    t1 = time.perf_counter()
    res = backtest(scenarios, "all", bootstrap=2000)
    t2 = time.perf_counter()
    cross_validate(scenarios, k=5, seeds=tuple(range(10)))
    t3 = time.perf_counter()
    pop = load_deu("deu-calibration", capability="population")
    t4 = time.perf_counter()
    cross_validate(scenarios, k=5, seeds=(0,), nested=True, capability_sets={"population": pop})
    t5 = time.perf_counter()
    n_models = len(res.table)
    print(f"load 225 issues: {t1 - t0:.2f} s")
    print(f"backtest {n_models} models x {res.info['scored']} issues, 2000 bootstrap reps: {t2 - t1:.2f} s")
    print(f"plain cross-validation of stacked 5 folds x 10 seeds, inner 5 x 2 (550 LP fits): {t3 - t2:.2f} s")
    print(f"nested CV of the design search, 1 outer seed (5 folds x 11 fits x 32 LPs, 5,920 designs): {t5 - t4:.2f} s")


if __name__ == "__main__":
    main()
