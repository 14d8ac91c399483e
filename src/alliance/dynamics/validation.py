"""Backtest: calibrate on 2014-2021, forecast 2022-2026, score against the record and two baselines.

The forecast starts from observed 2021 spending and uses only what was known at the end of 2021, plus the
2022 invasion as the one new input (a threat shock of preset size, :data:`~.calibrate.PRESET_SHOCK_2022`):

- pledges: Wales (2% by 2024) only (the Hague pledge of 2025 is not an input);
- members: as in 2021 (Finland and Sweden, who joined in 2023-2024, are not treated as members);
- real GDP: grows at each ally's 2014-2021 trend (the growth terms are therefore zero).

Baselines on the same ally-years: persistence (2021 value) and each ally's least-squares linear trend over
2014-2021. Scores are mean absolute errors in percentage points of GDP, per year and per ally.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance.dynamics.drivers import WALES, make_drivers, record_drivers
from alliance.dynamics.fitting import PRESET_SHOCK_2022, Calibration, Method, calibrate
from alliance.dynamics.model import Drivers, simulate, step
from alliance.dynamics.panel import Panel, load_panel
from alliance.errors import BadInput, whole_number
from alliance.io import jsonable
from alliance.results import Result

__all__ = ["BASELINES", "METHODS", "SimulationBacktest", "backtest", "trend_forecast"]

BASELINES = ("persistence", "trend")
METHODS = ("model", *BASELINES)


def trend_forecast(x: np.ndarray, years: np.ndarray, future: np.ndarray) -> np.ndarray:
    """Each column's least-squares line over ``years`` evaluated at ``future``: ``(Y, A) -> (F, A)``."""
    design = np.column_stack([np.ones(len(years)), np.asarray(years, float) - years[-1]])
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    return np.asarray(coef[0] + coef[1] * (np.asarray(future, float) - years[-1])[:, None])


def forecast_drivers(panel: Panel, last: int, until: int) -> Drivers:
    """Drivers of an out-of-sample forecast from ``last`` to ``until`` with only ``last``'s knowledge."""
    years = np.arange(last, until)
    s = len(years)
    g = panel.trend_growth(int(panel.years[0]), last)
    g_now = np.tile(g, (s, 1))
    g_now[0] = panel.growth[panel.row(last)]
    gdp = panel.gdp[panel.row(last)] * (1.0 + g) ** np.arange(s)[:, None]
    member = np.tile(panel.member(np.array([last]))[0], (s, 1))
    return make_drivers(
        panel,
        years,
        gdp=gdp,
        growth_now=g_now,
        growth_next=np.tile(g, (s, 1)),
        growth_trend=g,
        member=member,
        pledges=(WALES,),
    )


def _best(df: pd.DataFrame) -> list[str]:
    """Per row, the method with the lowest MAE (ties go to the simpler method)."""
    order = list(reversed(METHODS))
    scores = df[[f"{m}_mae" for m in order]].to_numpy()
    return [order[i] for i in np.argmin(scores, axis=1)]


@dataclass(frozen=True)
class SimulationBacktest(Result):
    """Out-of-sample forecasts of the spending simulation, in-sample fit and scores against two baselines.

    Arrays are ``(years, allies)``: ``observed``, ``model``, ``persistence``, ``trend`` over the test years;
    ``fitted`` over the fit years (one-step-ahead predictions), ``band`` ``(2, years, allies)`` the 5th and
    95th percentiles of the model forecast across parameter draws and innovations.
    """

    iso3: tuple[str, ...]
    test_years: np.ndarray
    fit_years: np.ndarray
    observed: np.ndarray
    model: np.ndarray
    persistence: np.ndarray
    trend: np.ndarray
    fitted: np.ndarray
    band: np.ndarray
    calibration: Calibration = field(repr=False)
    shock_2022: float = PRESET_SHOCK_2022

    def errors(self, method: str) -> np.ndarray:
        """Absolute errors of a method, ``(years, allies)``."""
        if method not in METHODS:
            raise BadInput(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
        return np.asarray(np.abs(getattr(self, method) - self.observed))

    def mae(self) -> dict[str, float]:
        """Mean absolute error over all test ally-years, per method."""
        return {m: float(self.errors(m).mean()) for m in METHODS}

    def band_coverage(self) -> float:
        """Share of the observed test ally-years inside the model's 5-95% band (nominal 0.90)."""
        inside = (self.observed >= self.band[0]) & (self.observed <= self.band[1])
        return float(inside.mean())

    @property
    def winner(self) -> str:
        """The method with the lowest overall MAE (ties go to the simpler method)."""
        scores = self.mae()
        return min(reversed(METHODS), key=lambda m: scores[m])

    @property
    def model_wins(self) -> bool:
        """True if the model beats both baselines overall (the rule for it to be the projection default)."""
        s = self.mae()
        return s["model"] < s["persistence"] and s["model"] < s["trend"]

    def by_year(self) -> pd.DataFrame:
        """MAE (pp of GDP) per test year: model, persistence, trend and the best of the three."""
        df = pd.DataFrame({"year": self.test_years})
        for m in METHODS:
            df[f"{m}_mae"] = self.errors(m).mean(axis=1)
        df["best"] = _best(df)
        df.attrs["overall"] = self.mae()
        return df

    def by_ally(self) -> pd.DataFrame:
        """MAE (pp of GDP) per ally over the test years, with the 2021 and last observed values."""
        df = pd.DataFrame({"iso3": list(self.iso3)})
        df["observed_start"] = self.persistence[0]
        df["observed_end"] = self.observed[-1]
        df["model_end"] = self.model[-1]
        for m in METHODS:
            df[f"{m}_mae"] = self.errors(m).mean(axis=0)
        df["best"] = _best(df)
        return df

    def series(self) -> pd.DataFrame:
        """Long table for charts: iso3, year, kind (data / fit / forecast / persistence / trend), value."""
        frames = []
        p = load_panel()
        years_all = p.years[(p.years >= self.fit_years[0] - 1) & (p.years <= self.test_years[-1])]
        obs = p.x[[p.row(int(y)) for y in years_all]]
        for kind, yrs, arr in (
            ("data", years_all, obs),
            ("fit", self.fit_years, self.fitted),
            ("forecast", self.test_years, self.model),
            ("forecast_p05", self.test_years, self.band[0]),
            ("forecast_p95", self.test_years, self.band[1]),
            ("persistence", self.test_years, self.persistence),
            ("trend", self.test_years, self.trend),
        ):
            y, a = np.meshgrid(yrs, np.arange(len(self.iso3)), indexing="ij")
            frames.append(
                pd.DataFrame(
                    {"iso3": np.asarray(self.iso3)[a.ravel()], "year": y.ravel(), "kind": kind, "value": arr.ravel()}
                )
            )
        return pd.concat(frames, ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """MAE per test year (see :meth:`by_year`)."""
        return self.by_year()

    @property
    def source(self) -> str:
        return "Source: NATO, Defence Expenditure of NATO Countries, 2026 edition (core definition); model: alliance.dynamics"

    @property
    def title(self) -> str:
        return f"Backtest {self.test_years[0]}-{self.test_years[-1]} (fit {self.calibration.first}-{self.calibration.last})"

    @property
    def meta(self) -> dict[str, Any]:
        """How the forecast was made and what the errors mean."""
        cal = self.calibration
        return {
            "fit_window": f"{cal.first}-{cal.last}",
            "calibration_method": cal.method,
            "test_years": [int(y) for y in self.test_years],
            "shock_2022": self.shock_2022,
            "unit": "mean absolute error, percentage points of GDP",
        }

    def to_dict(self) -> dict[str, Any]:
        """Per-year and per-ally errors, overall MAE, the winner and how the forecast was made."""
        return jsonable(
            {
                **self.meta,
                "overall": self.mae(),
                "winner": self.winner,
                "model_beats_both_baselines": self.model_wins,
                "by_year": self.by_year(),
                "by_ally": self.by_ally(),
            }
        )

    def figure(self, backend: str = "matplotlib") -> Any:
        """Per ally: data, in-sample fit, the out-of-sample forecast with its band, and the two baselines."""
        from alliance.dynamics.plots import backtest_figure

        return backtest_figure(self, backend)


def check_run_options(runs: object, seed: object) -> None:
    """``runs`` within 1..:data:`~alliance.dynamics.schema.MAX_RUNS` and ``seed`` a whole number >= 0."""
    from alliance.dynamics.schema import MAX_RUNS

    whole_number("runs", runs, 1, MAX_RUNS)
    whole_number("seed", seed, 0)


def backtest(
    first: int = 2014,
    last: int = 2021,
    until: int = 2026,
    *,
    method: Method = "one-step",
    shock_2022: float = PRESET_SHOCK_2022,
    runs: int = 500,
    seed: int = 2022,
    halflife_prior: tuple[float, float] | None = None,
    fixed: dict[str, float] | None = None,
    cache: bool = True,
) -> SimulationBacktest:
    """Calibrate on ``first..last``, forecast ``last+1..until`` and score (see the module docstring).

    The default backtest (2014-2021 -> 2022-2026) is memoised, like every calibration with the default data.

    Args:
        first, last: calibration window.
        until: last test year (data run to 2026).
        method: calibration method (``one-step`` or ``multi-step``).
        shock_2022: the 2022 shock in Crimea units (preset; not fitted on the test years).
        runs, seed: parameter draws and innovations for the forecast band.
        halflife_prior: optional Gaussian prior (mean, sd, years) on the threat half-life (sensitivity checks).
        fixed: parameters held at given values instead of fitted (sensitivity checks), e.g. ``{"ceiling": 5.0}``.
        cache: reuse an earlier backtest with the same arguments; pass False after changing a module constant of
            :mod:`.model` (``tools/sensitivity_dynamics.py`` does).
    """
    check_run_options(runs, seed)
    frozen = tuple(sorted((fixed or {}).items()))
    run = _backtest_cached if cache else _backtest_cached.__wrapped__
    return run(first, last, until, method, shock_2022, runs, seed, halflife_prior, frozen, cache)


@functools.cache
def _backtest_cached(
    first: int,
    last: int,
    until: int,
    method: Method,
    shock_2022: float,
    runs: int,
    seed: int,
    halflife_prior: tuple[float, float] | None,
    fixed: tuple[tuple[str, float], ...],
    cache: bool = True,
) -> SimulationBacktest:
    panel = load_panel()
    if not (last < until <= int(panel.years[-1])):
        raise BadInput(f"backtest years {last + 1}-{until}: must end by {int(panel.years[-1])}")
    # with cache=False the calibration is refitted with the backtest (module constants may have changed);
    # otherwise it is the memoised or shipped fit
    cal = calibrate(first, last, method=method, halflife_prior=halflife_prior, fixed=dict(fixed), cache=cache)
    d = forecast_drivers(panel, last, until)
    x0 = panel.x[panel.row(last)]
    theta = cal.params.vector()[None, :]
    theta[0, list(cal.params.to_dict()).index("shock_2022")] = shock_2022
    central = simulate(x0, theta, d)[1:, 0]
    rng = np.random.default_rng(seed)
    draws = cal.draws(runs, rng)
    draws[:, list(cal.params.to_dict()).index("shock_2022")] = shock_2022
    paths = simulate(x0, draws, d, rng.standard_normal((d.n_steps, runs, panel.n_allies)))[1:]
    band = np.percentile(paths, [5, 95], axis=1)
    rec = record_drivers(panel, first, last, pledges=cal.pledges)
    obs_fit = panel.x[panel.row(first) : panel.row(last) + 1]
    fitted = np.stack([step(obs_fit[k][None, :], theta, rec, k)[0] for k in range(rec.n_steps)])
    test_years = np.arange(last + 1, until + 1)
    hist_years = np.arange(first, last + 1)
    return SimulationBacktest(
        iso3=panel.iso3,
        test_years=test_years,
        fit_years=np.arange(first + 1, last + 1),
        observed=panel.x[[panel.row(int(y)) for y in test_years]],
        model=central,
        persistence=np.tile(x0, (len(test_years), 1)),
        trend=trend_forecast(obs_fit, hist_years, test_years),
        fitted=fitted,
        band=band,
        calibration=cal,
        shock_2022=shock_2022,
    )
