"""Bands that mean what they say: conformal widening of the simulation's band from rolling origins in the fit window.

The simulation's 5-95% band (parameter draws and yearly innovations) covered 77% of the 2022-2026 outcomes in
the backtest fitted on 2014-2021: too narrow. Specification ``dynamics-bands-v1`` (fixed before it was scored)
recalibrates it from the fit period alone:

1. **Rolling origins** inside the fit window: for every origin ``o`` from ``first + 3`` to ``last - 1``, calibrate
   on ``first..o`` and forecast ``o+1..last`` exactly as the backtest forecasts (:func:`.validation.backtest`:
   Wales pledge only, members as in ``o``, real GDP at trend, 500 runs).
2. **Normalised conformity score** (Lei et al. 2018, section 5.2): ``z = |y - central| / h`` with ``central`` the
   point-parameter path and ``h`` the half-width of the model's own 5-95% band at that ally-year, pooled over
   origins, horizons and allies.
3. **Conformal quantile**: ``q_L`` = the ``ceil((n + 1) L)``-th smallest ``z``; the level-``L`` band of a forecast
   made from ``last`` is ``central +- q_L h`` (lower end clipped at 0).

:func:`calibrated_backtest` applies it to the 2014-2021 fit's 2022-2026 forecast and reports coverage per level
(overall, per year, and with a cluster-bootstrap interval over allies) beside the raw band's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance.dynamics.validation import SimulationBacktest, backtest
from alliance.errors import MAX_BOOTSTRAP, BadInput, whole_number
from alliance.io import jsonable
from alliance.results import Result

__all__ = ["BAND_LEVELS", "BandCalibration", "band_factors", "calibrated_backtest", "rolling_scores"]

#: Levels of the calibrated bands.
BAND_LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9)
_MIN_SPAN = 3  # a calibration window needs at least three years (fitting._check_window)


def _halfwidth(res: SimulationBacktest) -> np.ndarray:
    return np.asarray((res.band[1] - res.band[0]) / 2.0)


def rolling_scores(
    first: int = 2014,
    last: int = 2021,
    runs: int = 500,
    seed: int = 2022,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Normalised errors ``z = |y - central| / h`` of every rolling-origin forecast inside ``first..last``.

    One row per origin, horizon and ally with an observation: ``origin, year, horizon, iso3, y, central, h, z``.
    """
    origins = list(range(first + _MIN_SPAN, last))
    if not origins:
        raise BadInput(f"window {first}-{last}: rolling origins need at least {_MIN_SPAN + 1} years")
    frames = []
    for k, o in enumerate(origins, start=1):
        res = backtest(first, o, last, runs=runs, seed=seed)
        if progress is not None:
            progress(k, len(origins) + 1)
        h = _halfwidth(res)
        yrs, ally = np.meshgrid(res.test_years, np.arange(len(res.iso3)), indexing="ij")
        df = pd.DataFrame(
            {
                "origin": o,
                "year": yrs.ravel(),
                "horizon": yrs.ravel() - o,
                "iso3": np.asarray(res.iso3)[ally.ravel()],
                "y": res.observed.ravel(),
                "central": res.model.ravel(),
                "h": h.ravel(),
            }
        )
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out = out[out["y"].notna() & out["central"].notna() & (out["h"] > 0)].reset_index(drop=True)
    out["z"] = (out["y"] - out["central"]).abs() / out["h"]
    return out


def band_factors(z: np.ndarray, levels: Sequence[float] = BAND_LEVELS) -> dict[float, float]:
    """``{L: q_L}``: the ``ceil((n + 1) L)``-th smallest score (inf when that rank exceeds ``n``)."""
    from alliance.negotiation.backtest.scoring_rules import conformal_halfwidth

    return {float(lv): conformal_halfwidth(np.asarray(z, dtype=float), lv) for lv in levels}


@dataclass(frozen=True)
class BandCalibration(Result):
    """Coverage of the raw and the calibrated bands of the backtest forecast (specification dynamics-bands-v1).

    Attributes:
        factors: level -> ``q_L`` (multiples of the raw band's half-width).
        coverage: one row per band (``raw 90%``, ``calibrated 50/80/90%``): coverage overall with its 95%
            cluster-bootstrap interval over allies, mean width (pp of GDP), and coverage per test year.
        scores: the rolling-origin scores the factors come from.
        info: windows, origins, runs, seed, n scores.
    """

    factors: dict[float, float]
    coverage: pd.DataFrame
    scores: pd.DataFrame = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per band (see :attr:`coverage`)."""
        return self.coverage.copy()

    @property
    def title(self) -> str:
        return f"Band coverage {self.info['test']} (fit {self.info['fit']}; factors from rolling origins inside it)"

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.info)

    def to_dict(self) -> dict[str, Any]:
        """Factors, the coverage table and the settings (the scores stay out)."""
        return jsonable({"info": self.info, "factors": self.factors, "coverage": self.coverage})


def _coverage_row(
    name: str, lo: np.ndarray, hi: np.ndarray, y: np.ndarray, years: np.ndarray, reps: int, seed: int
) -> dict[str, Any]:
    ok = ~np.isnan(y)
    inside = ((lo <= y) & (y <= hi)).astype(float)
    per_ally_n = ok.sum(axis=0).astype(float)
    per_ally_in = np.where(ok, inside, 0.0).sum(axis=0)
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, y.shape[1], size=(reps, y.shape[1]))
    boot = per_ally_in[draw].sum(axis=1) / per_ally_n[draw].sum(axis=1)
    row: dict[str, Any] = {
        "band": name,
        "coverage": float(inside[ok].mean()),
        "coverage_lo": float(np.quantile(boot, 0.025)),
        "coverage_hi": float(np.quantile(boot, 0.975)),
        "mean_width": float((hi - lo)[ok].mean()),
        "n": int(ok.sum()),
    }
    for j, yr in enumerate(years):
        row[str(int(yr))] = float(inside[j][ok[j]].mean())
    return row


def calibrated_backtest(
    first: int = 2014,
    last: int = 2021,
    until: int = 2026,
    runs: int = 500,
    seed: int = 2022,
    bootstrap: int = 2000,
    bootstrap_seed: int = 20261127,
    progress: Callable[[int, int], None] | None = None,
) -> BandCalibration:
    """Calibrate the band factors on rolling origins inside ``first..last``, apply them to the forecast of
    ``last+1..until`` from the ``first..last`` fit, and report coverage (module docstring)."""
    from alliance.dynamics.validation import check_run_options

    check_run_options(runs, seed)
    whole_number("bootstrap", bootstrap, 0, MAX_BOOTSTRAP)
    whole_number("bootstrap_seed", bootstrap_seed, 0)
    scores = rolling_scores(first, last, runs, seed, progress)
    factors = band_factors(scores["z"].to_numpy())
    res = backtest(first, last, until, runs=runs, seed=seed)
    if progress is not None:
        n_origins = scores["origin"].nunique()
        progress(n_origins + 1, n_origins + 1)
    h = _halfwidth(res)
    y = res.observed
    rows = [_coverage_row("raw 90% (5-95%)", res.band[0], res.band[1], y, res.test_years, bootstrap, bootstrap_seed)]
    for lv, q in factors.items():
        lo = np.clip(res.model - q * h, 0.0, None)
        hi = res.model + q * h
        rows.append(_coverage_row(f"calibrated {int(lv * 100)}%", lo, hi, y, res.test_years, bootstrap, bootstrap_seed))
    info = {
        "fit": f"{first}-{last}",
        "test": f"{last + 1}-{until}",
        "origins": sorted(int(o) for o in scores["origin"].unique()),
        "n_scores": len(scores),
        "runs": runs,
        "seed": seed,
        "bootstrap": bootstrap,
        "bootstrap_seed": bootstrap_seed,
        "specification": "dynamics-bands-v1",
        "unit": "coverage share; width in pp of GDP",
    }
    return BandCalibration(factors=factors, coverage=pd.DataFrame(rows), scores=scores, info=info)
