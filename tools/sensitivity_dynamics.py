"""Sensitivity of the spending simulation to its presets and specification: backtest MAE and 2035 medians.

Run by hand: ``python tools/sensitivity_dynamics.py`` (about a minute). For each variant it refits the model
on 2014-2021 (backtest) and on 2014-2026 (projections) with some parameters held fixed, and prints the backtest
MAE of the model (2022-2026, pp of GDP; persistence 0.598 and trend 0.490 on the same ally-years), the fitted
half-life and 2022 shock of the whole-record fit, the baseline 2035 medians of selected allies and the median
number of allies at or above 3.5% in 2035 (1,000 runs, seed 2035, as ``alliance simulate``). The figures are
recorded in docs/dynamics.md ("Sensitivity"); none of them was used to choose the defaults except where the
docs say so.
"""

from __future__ import annotations

import numpy as np

import alliance.dynamics.model as model
from alliance.dynamics.fitting import Calibration, Method, calibrate
from alliance.dynamics.panel import load_panel
from alliance.dynamics.projection import HAGUE_CORE, START, load_scenario, projection_drivers
from alliance.dynamics.validation import backtest

SELECTED = ("POL", "LTU", "EST", "LVA", "USA", "DEU", "ESP")


def baseline_2035(cal: Calibration) -> tuple[np.ndarray, float]:
    """Medians of every ally in 2035 and the median count at or above 3.5%, baseline scenario, with ``cal``."""
    panel = load_panel()
    s = load_scenario("baseline")
    d, _ = projection_drivers(s, panel)
    rng = np.random.default_rng(s.seed)
    theta = cal.draws(s.runs, rng)
    shocks = rng.standard_normal((d.n_steps, s.runs, panel.n_allies))
    paths = model.simulate(panel.x[panel.row(START)], theta, d, shocks)
    count = float(np.median((paths[-1] >= HAGUE_CORE - 1e-9).sum(axis=1)))
    return np.median(paths[-1], axis=0), count


def variant(
    label: str,
    fixed: dict[str, float] | None = None,
    *,
    method: Method = "one-step",
    shock_2022: float | None = None,
    order: int = 2,
) -> None:
    """Print one row: backtest MAE, whole-record half-life and shock, 2035 medians (skipped for shock presets)."""
    model.IMPULSE_ORDER = order
    try:
        extra = {} if shock_2022 is None else {"shock_2022": shock_2022}
        bt = backtest(method=method, fixed=fixed, runs=50, cache=False, **extra)  # type: ignore[arg-type]
        line = f"{label:<22} backtest {bt.mae()['model']:.3f}  h(2014-21) {bt.calibration.params.threat_halflife:5.2f}"
        if shock_2022 is None:
            cal = calibrate(2014, 2026, method=method, fixed=fixed, cache=False)
            med, count = baseline_2035(cal)
            panel = load_panel()
            meds = " ".join(f"{i} {med[panel.index(i)]:.2f}" for i in SELECTED)
            line += f"  h {cal.params.threat_halflife:5.2f}  s {cal.params.shock_2022:5.2f}  {meds}  >=3.5: {count:.0f}"
        print(line, flush=True)
    finally:
        model.IMPULSE_ORDER = 2


def main() -> None:
    variant("default")
    variant("impulse order 1", order=1)
    variant("ceiling K = 5", {"ceiling": 5.0})
    variant("ceiling K = 7", {"ceiling": 7.0})
    variant("no ceiling (K = 100)", {"ceiling": 100.0})
    variant("norm N = 0", {"norm": 0.0})
    variant("norm N = 3.5", {"norm": 3.5})
    variant("multi-step fit", method="multi-step")
    for h in (1.0, 2.0, 4.0, 8.0):
        variant(f"half-life fixed {h:g}", {"threat_halflife": h})
    for s in (0.0, 0.5, 2.0, 3.0):
        variant(f"2022 shock preset {s:g}", shock_2022=s)


if __name__ == "__main__":
    main()
