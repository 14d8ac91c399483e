"""Refit the shipped distribution parameters on the DEU calibration half (specifications conformal-v1, choice-v1,
synthesis-v1).

Run by hand (not in tests): ``python tools/fit_distributions.py [--write] [--cv-json CAP=FILE ...]``. For each
capability setting (equal, votes, population) it computes every model's out-of-fold residuals on the 220 scored
issues (fitted models refitted in a 5-fold CV grouped by proposal, seed 100), fits the choice model on all of them
(the shipped fit uses capability votes) and chooses the synthesis weights by the inner procedure. ``--write``
replaces ``params/conformal.json``, ``params/choice.json`` and ``params/synthesis.json`` atomically, recording the
distributional-CV figures of ``--cv-json`` (the JSON of
``alliance negotiate backtest deu-calibration --cv 5 --scores --capability CAP --format json``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
import warnings
from datetime import date
from pathlib import Path
from typing import Any

from alliance.io import atomic_write
from alliance.negotiation.backtest import load_deu
from alliance.negotiation.backtest.distributions import MEMBERS, ship
from alliance.negotiation.backtest.oof import deu_case

PARAMS = Path(__file__).resolve().parents[1] / "src/alliance/negotiation/models/params"
MODELS = ["compromise", "median", "nash", "eum", "consensus", "exchange", "stacked", "procedural", "ensemble", "choice"]
CAPABILITIES = ("equal", "votes", "population")
SOURCE = "DEU III calibration half (deu3_calibration.tsv, 220 scored issues, 84 proposals)"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return ""


def _cv_summary(path: Path, models: tuple[str, ...]) -> dict[str, Any]:
    """The info and the rows of ``models`` (and the compromise reference) of a distributional-CV JSON."""
    data = json.loads(path.read_text())
    keep = ("model", "distribution", "n", "mae", "crps", "crps_lo", "crps_hi", "cover50", "cover80", "cover95",
            "width50", "width80", "width95", "crps_diff", "crps_diff_lo", "crps_diff_hi", "mae_diff", "mae_diff_lo",
            "mae_diff_hi", "width80_diff", "log_score", "pit_max_rel_dev")  # fmt: skip
    rows = [{k: r.get(k) for k in keep} for r in data["models"] if r["model"] in (*models, "compromise")]
    return {"info": data["info"], "models": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="write params/conformal.json, choice.json, synthesis.json")
    ap.add_argument("--cv-json", nargs="*", default=[], help="CAP=FILE: distributional-CV JSON to record")
    args = ap.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    files = dict(item.split("=", 1) for item in args.cv_json)
    pop = load_deu(capability="population")
    shipped: dict[str, dict[str, Any]] = {}
    for cap in CAPABILITIES:
        t0 = time.process_time()
        sc = pop if cap == "population" else load_deu(capability=cap)
        shipped[cap] = ship(deu_case(sc, pop, MODELS), MODELS)
        w = shipped[cap]["synthesis_weights"]
        print(
            f"{cap}: weights {', '.join(f'{m} {v:.3f}' for m, v in w.items())} ({time.process_time() - t0:.1f} s CPU)"
        )
    fit = shipped["votes"]["choice"]
    print("choice (votes):", {k: round(v, 3) for k, v in fit["coefficients"].items()}, "pi", round(fit["pi"], 3),
          "sigma", round(fit["sigma"], 3))  # fmt: skip
    if not args.write:
        return
    today, commit = date.today().isoformat(), _commit()
    conformal = {
        "specification": "conformal-v1",
        "fitted_on": SOURCE,
        "residuals_are": "signed y - point on the 0-100 scale, out-of-fold (fitted models refitted in 5 folds by proposal, seed 100); null where the model cannot forecast",
        "issues": [str(i) for i in deu_case(load_deu(capability="votes"), None, ["compromise"]).issues],
        "residuals": {cap: shipped[cap]["residuals"] for cap in CAPABILITIES},
        "date_fitted": today,
        "commit": commit,
    }  # fmt: skip
    choice = {
        "model": "choice",
        "specification": "choice-v1",
        **fit,
        "fitted_on": f"{SOURCE}, capability votes",
        "fits_by_capability": {cap: shipped[cap]["choice"] for cap in CAPABILITIES},
        "cv": {c: _cv_summary(Path(f), ("choice",)) for c, f in files.items()},
        "date_fitted": today,
        "commit": commit,
    }
    synthesis = {
        "model": "synthesis",
        "specification": "synthesis-v1",
        "members": list(MEMBERS),
        "weights": shipped["votes"]["synthesis_weights"],
        "weights_by_capability": {cap: shipped[cap]["synthesis_weights"] for cap in CAPABILITIES},
        "fitted_on": f"{SOURCE}; weights minimise the mean CRPS of the pool over inner out-of-fold distributions (5 folds by proposal, seed 100)",
        "cv": {c: _cv_summary(Path(f), ("synthesis",)) for c, f in files.items()},
        "date_fitted": today,
        "commit": commit,
    }  # fmt: skip
    for name, payload in (("conformal", conformal), ("choice", choice), ("synthesis", synthesis)):
        atomic_write(PARAMS / f"{name}.json", json.dumps(payload, indent=1) + "\n")
        print(f"wrote {PARAMS / f'{name}.json'}")


if __name__ == "__main__":
    main()
