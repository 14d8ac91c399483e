"""Refit the shipped calibrations of the spending simulation and write them beside the data hash they rest on.

Run by hand (not in tests): ``python tools/fit_dynamics.py [--write]``. Fits the windows of
:data:`alliance.dynamics.fitting.SHIPPED_WINDOWS` (2014-2021 for the backtest, 2014-2026 for projections) on the
embedded data and prints their loss; ``--write`` replaces ``src/alliance/dynamics/params/calibrations.json``
(atomically) with the fits, :func:`~alliance.dynamics.fitting.data_hash` and the date. At run time the package
loads these fits instead of refitting while the hash matches the embedded data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from alliance.dynamics.fitting import SHIPPED_WINDOWS, calibrate, calibration_to_dict, data_hash
from alliance.io import atomic_write

PARAMS = Path(__file__).resolve().parents[1] / "src/alliance/dynamics/params/calibrations.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="write params/calibrations.json")
    args = ap.parse_args()
    out: dict[str, object] = {}
    for method, first, last in SHIPPED_WINDOWS:
        t0 = time.perf_counter()
        cal = calibrate(first, last, method=method, refit=True)
        print(
            f"{method} {first}-{last}: loss {cal.cost_final:.6f} on {cal.n_obs} ally-years ({time.perf_counter() - t0:.1f} s)"
        )
        out[f"{method}:{first}-{last}"] = calibration_to_dict(cal)
    if args.write:
        doc = {
            "what": "fitted calibrations of alliance.dynamics (tools/fit_dynamics.py); refitted when data_hash differs",
            "data_hash": data_hash(),
            "date_fitted": dt.date.today().isoformat(),
            "calibrations": out,
        }
        atomic_write(PARAMS, json.dumps(doc, indent=1) + "\n")
        print(f"written to {PARAMS}")


if __name__ == "__main__":
    main()
