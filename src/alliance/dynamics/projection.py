"""Projections of every ally's spending to 2035 (or ``until``) under a scenario, with uncertainty bands.

Parameters come from the calibration on the whole record (2014-2026, which also estimates the size of the 2022
shock); each run draws a parameter set (:meth:`~.fitting.Calibration.draws`) and a path of yearly
innovations, so bands reflect parameter uncertainty and shocks. Projections start from the 2026 figures (NATO
estimates). Real GDP grows at each ally's own 2021-2026 compound rate unless the scenario overrides it; the
alliance total is in USD at constant 2021 prices.

The default method is the model only if it beat both baselines in the backtest
(:attr:`~.validation.SimulationBacktest.model_wins`); otherwise the best baseline (persistence or linear trend,
without bands) is the default and the model stays available with ``method="model"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliance.bundled import Bundled, looks_like_path
from alliance.data.countries import resolve_country
from alliance.dynamics.drivers import HAGUE, make_drivers
from alliance.dynamics.fitting import calibrate
from alliance.dynamics.model import Drivers, simulate
from alliance.dynamics.panel import Panel, load_panel
from alliance.dynamics.schema import SimScenario, scenario_from_file, scenario_from_text
from alliance.dynamics.validation import METHODS, backtest, trend_forecast
from alliance.errors import BadInput, excerpt
from alliance.io import jsonable
from alliance.results import Result

__all__ = [
    "BUNDLED",
    "HAGUE_CORE",
    "Projection",
    "default_method",
    "list_scenarios",
    "load_scenario",
    "project",
    "scenario_catalog",
    "summary",
]

#: The Hague commitment on core defence, % of GDP.
HAGUE_CORE = HAGUE[0]
#: Last year of data; projections start from it.
START = 2026
#: Real GDP trend window for projections (each ally's own recent trend).
GDP_TREND = (2021, 2026)


#: The bundled simulation scenarios (``alliance/dynamics/scenario_files/<name>.yaml``).
BUNDLED = Bundled("alliance.dynamics", "scenario_files", ".yaml/.json")


def list_scenarios() -> list[str]:
    """Names of the bundled simulation scenarios."""
    return BUNDLED.names()


def load_scenario(name_or_path: str | Path | SimScenario) -> SimScenario:
    """A bundled scenario by name (``us-drawdown``) or a ``.yaml``/``.json`` file; errors are one-line BadInput."""
    if isinstance(name_or_path, SimScenario):
        return name_or_path
    if not isinstance(name_or_path, str | Path):
        raise BadInput(
            f"scenario: expected a bundled scenario name, a file path or a SimScenario, got {type(name_or_path).__name__}"
        )
    if looks_like_path(name_or_path):
        return scenario_from_file(str(name_or_path))
    text, suffix = BUNDLED.text(str(name_or_path))
    return scenario_from_text(text, suffix, f"scenario {str(name_or_path)!r}")


def _catalog_row(name: str) -> dict[str, Any]:
    s = load_scenario(name)
    return {
        "name": name,
        "until": s.until,
        "runs": s.runs,
        "threat_shocks": "; ".join(f"{x.size:+g} in {x.year}" for x in s.shocks),
        "us_drawdown": f"{s.us_drawdown_share:.0%} in {s.us_drawdown_year}" if s.us_drawdown_share else "",
        "us_exempt": s.us_exempt,
        "description": s.description,
    }


def scenario_catalog() -> pd.DataFrame:
    """The bundled scenarios: name, description and the main settings."""
    columns = ["name", "until", "runs", "threat_shocks", "us_drawdown", "us_exempt", "description"]
    return BUNDLED.catalog(_catalog_row, columns)


def default_method() -> str:
    """``model`` if it beat both baselines in the backtest, else the best baseline."""
    bt = backtest()
    return "model" if bt.model_wins else bt.winner


def _growth(panel: Panel, override: float | Mapping[str, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """(trend, projected) real GDP growth per ally, fractions."""
    trend = panel.trend_growth(*GDP_TREND)
    if override is None:
        return trend, trend
    if isinstance(override, Mapping):
        g = trend.copy()
        for k, v in override.items():
            g[panel.index(resolve_country(k))] = v / 100.0
        return trend, g
    return trend, np.full_like(trend, float(override) / 100.0)


def _threat_extra(s: SimScenario, years: np.ndarray) -> np.ndarray:
    """Scenario shocks to the threat level in each decision year, ``(S, 1)``."""
    extra = np.zeros(len(years))
    for sh in s.shocks:
        since = years - sh.year
        frac = np.ones(len(years)) if sh.fade_years == 0 else np.clip(1.0 - since / sh.fade_years, 0.0, 1.0)
        extra += np.where(since >= 0, sh.size * frac, 0.0)
    return extra[:, None]


def projection_drivers(s: SimScenario, panel: Panel | None = None) -> tuple[Drivers, np.ndarray]:
    """Drivers of a projection from :data:`START` to ``s.until``, and projected real GDP ``(Y, A)`` for the
    years ``START .. until``."""
    panel = panel or load_panel()
    years = np.arange(START, s.until)
    trend, g = _growth(panel, s.gdp_growth)
    gdp = panel.gdp[panel.row(START)] * (1.0 + g) ** np.arange(len(years) + 1)[:, None]
    g_now = np.tile(g, (len(years), 1))
    g_now[0] = panel.growth[panel.row(START)]
    commitment = np.where(years >= s.us_drawdown_year, 1.0 - s.us_drawdown_share, 1.0)[:, None]
    applies = np.ones(panel.n_allies, bool)
    if s.us_exempt:
        applies[panel.index("USA")] = False
    d = make_drivers(
        panel,
        years,
        gdp=gdp[:-1],
        growth_now=g_now,
        growth_next=np.tile(g, (len(years), 1)),
        growth_trend=trend,
        member=np.ones((len(years), panel.n_allies), bool),
        pledges=s.pledges,
        extra_threat=_threat_extra(s, years),
        commitment=commitment,
        target_applies=applies,
        held=~applies if s.us_exempt else None,
    )
    return d, gdp


@dataclass(frozen=True)
class Projection(Result):
    """Simulated spending paths of a scenario.

    Attributes:
        scenario: the scenario run.
        method: ``model``, ``persistence`` or ``trend``.
        iso3: ally codes.
        years: ``START .. until``.
        paths: spending, % of GDP, ``(years, runs, allies)`` (row 0 = 2026 data).
        gdp: projected real GDP, USD million at constant 2021 prices, ``(years, allies)``.
    """

    scenario: SimScenario
    method: str
    iso3: tuple[str, ...]
    years: np.ndarray
    paths: np.ndarray = field(repr=False)
    gdp: np.ndarray = field(repr=False)

    @property
    def projected(self) -> slice:
        return slice(1, None)

    def to_frame(self) -> pd.DataFrame:
        """One row per ally and projected year: median (p50), 5th and 95th percentiles, mean, and the share of
        runs at or above 3.5% (``meets_3_5_prob``)."""
        p = self.paths[self.projected]
        q = np.percentile(p, [5, 50, 95], axis=1)
        yy, aa = np.meshgrid(self.years[self.projected], np.arange(len(self.iso3)), indexing="ij")
        return pd.DataFrame(
            {
                "iso3": np.asarray(self.iso3)[aa.ravel()],
                "year": yy.ravel(),
                "scenario": self.scenario.name,
                "method": self.method,
                "p50": q[1].ravel(),
                "p05": q[0].ravel(),
                "p95": q[2].ravel(),
                "mean": p.mean(axis=1).ravel(),
                "meets_3_5_prob": (p >= HAGUE_CORE - 1e-9).mean(axis=1).ravel(),
            }
        )

    def counts(self) -> np.ndarray:
        """Allies at or above 3.5% per year and run, ``(years, runs)``."""
        return np.asarray((self.paths >= HAGUE_CORE - 1e-9).sum(axis=2))

    def totals_bn(self) -> np.ndarray:
        """Alliance total, USD billion at constant 2021 prices, ``(years, runs)``."""
        return np.asarray(np.einsum("yra,ya->yr", self.paths, self.gdp) / 100.0 / 1000.0)

    def summary(self) -> pd.DataFrame:
        """Per year: allies meeting 3.5% (median, 5th-95th percentile) and the alliance total in USD billion
        (constant 2021; median and band)."""
        c, t = self.counts(), self.totals_bn()
        cq = np.percentile(c, [5, 50, 95], axis=1)
        tq = np.percentile(t, [5, 50, 95], axis=1)
        return pd.DataFrame(
            {
                "scenario": self.scenario.name,
                "year": self.years,
                "meet_3_5_p50": cq[1],
                "meet_3_5_p05": cq[0],
                "meet_3_5_p95": cq[2],
                "total_usd_bn_p50": tq[1],
                "total_usd_bn_p05": tq[0],
                "total_usd_bn_p95": tq[2],
            }
        )

    def furthest_behind(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` allies with the lowest median spending in the last year, with their gap to 3.5%."""
        last = self.paths[-1]
        med = np.median(last, axis=0)
        order = np.argsort(med)[:n]
        return pd.DataFrame(
            {
                "scenario": self.scenario.name,
                "year": int(self.years[-1]),
                "iso3": [self.iso3[i] for i in order],
                "p50": med[order],
                "gap_to_3_5": HAGUE_CORE - med[order],
                "meets_3_5_prob": (last[:, order] >= HAGUE_CORE - 1e-9).mean(axis=0),
            }
        )

    @property
    def title(self) -> str:
        s = self.scenario
        return f"Scenario {s.name} ({self.method}, {s.runs} runs, seed {s.seed})"

    @property
    def assumptions(self) -> list[str]:
        """What the results rest on: the scenario's own assumptions, then the model's (printed with the results)."""
        out = list(self.scenario.assumptions)
        out.append(
            f"Projections start from NATO's {START} estimates (2026 edition, core definition); real GDP grows at each "
            f"ally's {GDP_TREND[0]}-{GDP_TREND[1]} trend unless the scenario sets it."
        )
        if self.method == "model":
            bt = backtest()
            out.append(
                f"Bands are the 5-95% range of {self.scenario.runs} runs (parameter draws and yearly shocks); in the "
                f"{int(bt.test_years[0])}-{int(bt.test_years[-1])} backtest such bands covered "
                f"{bt.band_coverage():.0%} of outcomes (nominal 90%): read them as too narrow."
            )
        else:
            out.append(f"Method {self.method}: a baseline without bands (every run is the same path).")
        return out

    @property
    def source(self) -> str:
        return (
            "Source: NATO, Defence Expenditure of NATO Countries, 2026 edition (core definition); "
            "projections: alliance.dynamics"
        )

    @property
    def meta(self) -> dict[str, Any]:
        """The scenario, method, runs and seed, and the units of the figures."""
        return {
            "scenario": self.scenario.name,
            "method": self.method,
            "runs": self.scenario.runs,
            "seed": self.scenario.seed,
            "start": int(self.years[0]),
            "until": int(self.years[-1]),
            "unit": "defence spending, % of GDP; totals in USD billion at constant 2021 prices",
            "target": f"{HAGUE_CORE:g}% of GDP (the Hague core commitment)",
            "assumptions": self.assumptions,
        }

    def to_dict(self) -> dict[str, Any]:
        """The scenario, method, per-year summary, the allies furthest behind and every ally-year row."""
        return jsonable(
            {
                "scenario": self.scenario.to_dict(),
                "method": self.method,
                "assumptions": self.assumptions,
                "summary": self.summary(),
                "furthest_behind": self.furthest_behind(),
                "projections": self.to_frame(),
            }
        )

    def figure(self, backend: str = "matplotlib") -> Any:
        """Per ally: the record and the projection's median with its 5-95% band; 3.5% marked."""
        from alliance.dynamics.plots import projection_figure

        return projection_figure(self, backend)


def project(
    scenario: str | Path | SimScenario = "baseline",
    until: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
    *,
    method: str | None = None,
) -> Projection:
    """Simulate a scenario (bundled name, file or :class:`SimScenario`); overrides validated like a file.

    Args:
        scenario: ``baseline``, ``us-drawdown``, ``threat-low``, ``threat-high``, ``us-exempt`` or a file.
        until: last projected year (2027-2050).
        runs: parameter draws x innovation paths.
        seed: random seed (same seed, same draws: scenarios are compared on common random numbers).
        method: ``model``, ``persistence`` or ``trend``; default :func:`default_method`.
    """
    s = load_scenario(scenario).with_overrides(until=until, runs=runs, seed=seed)
    method = default_method() if method is None else method
    if method not in METHODS:
        raise BadInput(f"unknown projection method {excerpt(method)}; valid: {', '.join(METHODS)}")
    panel = load_panel()
    d, gdp = projection_drivers(s, panel)
    x0 = panel.x[panel.row(START)]
    years = np.arange(START, s.until + 1)
    if method == "model":
        rng = np.random.default_rng(s.seed)
        theta = calibrate(2014, START).draws(s.runs, rng)
        shocks = rng.standard_normal((d.n_steps, s.runs, panel.n_allies))
        paths = simulate(x0, theta, d, shocks)
    else:
        hist = panel.x[: panel.row(START) + 1]
        point = (
            np.tile(x0, (len(years), 1))
            if method == "persistence"
            else trend_forecast(hist, panel.years[: len(hist)], years)
        )
        point[0] = x0
        paths = np.broadcast_to(np.maximum(point, 0.0)[:, None, :], (len(years), s.runs, panel.n_allies)).copy()
    return Projection(scenario=s, method=method, iso3=panel.iso3, years=years, paths=paths, gdp=gdp)


def _scenario_list(scenarios: str | Path | SimScenario | Sequence[str | Path | SimScenario] | None) -> list[Any]:
    """One scenario (a name, a path or a :class:`SimScenario`) or several; None: every bundled scenario."""
    if scenarios is None:
        return list(list_scenarios())
    if isinstance(scenarios, str | Path | SimScenario):
        return [scenarios]
    if not isinstance(scenarios, Sequence):
        raise BadInput(f"scenarios: expected a scenario or a list of them, got {type(scenarios).__name__}")
    if not scenarios:
        raise BadInput("scenarios: an empty list; give at least one scenario, or None for every bundled one")
    return list(scenarios)


def summary(
    scenarios: str | Path | SimScenario | Sequence[str | Path | SimScenario] | None = None,
    until: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
    *,
    method: str | None = None,
) -> pd.DataFrame:
    """Per scenario and year: allies meeting 3.5% and the alliance total (median and band).

    Args:
        scenarios: one scenario (``"baseline"``, a file or a :class:`SimScenario`) or a list of them; default: every
            bundled scenario.

    Returns:
        One row per scenario and year. The allies furthest behind in the last year are in
        ``attrs["furthest_behind"]`` as plain records, so results of several calls concatenate with ``pd.concat``.
    """
    frames, behind = [], []
    for sc in _scenario_list(scenarios):
        p = project(sc, until, runs, seed, method=method)
        frames.append(p.summary())
        behind.append(p.furthest_behind())
    out = pd.concat(frames, ignore_index=True)
    out.attrs["furthest_behind"] = jsonable(pd.concat(behind, ignore_index=True))
    return out
