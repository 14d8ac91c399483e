"""Refit the shipped ``ensemble`` model: run the nested procedure's selection on the whole calibration half.

Run by hand (not in tests): ``python tools/fit_ensemble.py [--write]``. Prints the selected ensemble, the
five best candidates of the inner CV and the time taken; ``--write`` replaces
``src/alliance/negotiation/models/params/ensemble.json`` (atomically), adding the nested-CV figures passed in
``--cv-json`` (the output of ``alliance negotiate backtest deu-calibration --cv 5 --nested --format json``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from alliance.io import atomic_write
from alliance.negotiation.backtest import load_deu
from alliance.negotiation.backtest.designs import design_space
from alliance.negotiation.backtest.nested import ensemble_params, fit_selected

PARAMS = Path(__file__).resolve().parents[1] / "src/alliance/negotiation/models/params/ensemble.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="write params/ensemble.json")
    ap.add_argument("--cv-json", type=Path, help="nested-CV JSON output to record in the parameters")
    args = ap.parse_args()
    t0 = time.perf_counter()
    space = design_space({c: load_deu(capability=c) for c in ("votes", "population")})
    fit = fit_selected(space, pool="ensembles")
    print(
        f"selected: {fit['selected']['design']}  inner CV MAE {fit['inner_cv_mae']}  in-sample {fit['in_sample_mae']}"
    )
    for name, mae in fit["top5"].items():
        print(f"  {mae:7.3f}  {name}")
    print(f"fit in {time.perf_counter() - t0:.1f} s")
    if args.write:
        params = ensemble_params(space, fit)
        if args.cv_json:
            params["nested_cv"] = json.loads(args.cv_json.read_text())["summary"]
        atomic_write(PARAMS, json.dumps(params, indent=1) + "\n")
        print(f"wrote {PARAMS}")


if __name__ == "__main__":
    main()
