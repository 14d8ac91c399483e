"""Simulation scenario files (YAML or JSON): format, validation, loading.

Same conventions as the negotiation scenarios (:mod:`alliance.negotiation.schema`): ``yaml.safe_load``, pydantic
models with unknown keys forbidden, range checks, and every problem reported with the path of the bad field
(``threat.shocks[1].year: must be between 2026 and 2050, got 2200``), joined into one line of
:class:`~alliance.errors.BadInput` (exit code 2). Example::

    name: us-drawdown
    description: A third of US forces in Europe leave in 2027.
    until: 2035          # last projected year, 2027-2050
    runs: 1000           # parameter draws x innovations, 1-100000
    seed: 2035
    pledges:             # default: Wales 2% (2014, by 2024) and the Hague 3.5% core (2025, by 2035)
      - {level: 3.5, adopted: 2025, deadline: 2035}
    threat:
      shocks: [{year: 2027, size: 1.0, fade_years: 0}]   # Crimea units; fade 0 = permanent
    us_drawdown: {share: 0.3, year: 2027}                # share of US forces in Europe withdrawn
    us_exempt: false     # true: the US is not held to the pledges and keeps its 2026 share of GDP
    assumptions:         # printed with the results: what the scenario assumes that the data do not show
      - The US commitment signal is assumed (kappa uniform 0-1 across runs), never fitted.
    gdp_growth: null     # % per year for every ally, or {ISO3: %}; default each ally's 2021-2026 trend
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alliance.data.countries import resolve_country
from alliance.dynamics.drivers import HAGUE, WALES, Pledge
from alliance.errors import BadInput, whole_number
from alliance.io import parse_text, read_user_file, validation_lines

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MAX_RUNS", "Shock", "SimScenario", "scenario_from_dict", "scenario_from_file"]

#: Projections start after the last year of data (2026) and may run to 2050.
FIRST_YEAR, LAST_YEAR = 2027, 2050
MAX_RUNS = 100_000
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_MAX_SHOWN = 5


@dataclass(frozen=True)
class Shock:
    """A change of the common threat level from ``year`` (Crimea units); fades linearly over ``fade_years``
    (0 = permanent)."""

    year: int
    size: float
    fade_years: int = 0


@dataclass(frozen=True)
class SimScenario:
    """A validated simulation scenario (see the module docstring for the meaning of each field)."""

    name: str
    description: str = ""
    until: int = 2035
    runs: int = 1000
    seed: int = 2035
    pledges: tuple[Pledge, ...] = (WALES, HAGUE)
    shocks: tuple[Shock, ...] = ()
    us_drawdown_share: float = 0.0
    us_drawdown_year: int = 2027
    us_exempt: bool = False
    gdp_growth: float | Mapping[str, float] | None = None
    assumptions: tuple[str, ...] = ()

    def with_overrides(
        self, *, until: int | None = None, runs: int | None = None, seed: int | None = None
    ) -> SimScenario:
        """A copy with command-line overrides, validated with the same rules as a file."""
        if until is not None:
            until = whole_number("until", until, FIRST_YEAR, LAST_YEAR)
        if runs is not None:
            runs = whole_number("runs", runs, 1, MAX_RUNS)
        if seed is not None:
            seed = whole_number("seed", seed, 0)
        return replace(
            self,
            until=self.until if until is None else until,
            runs=self.runs if runs is None else runs,
            seed=self.seed if seed is None else seed,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "until": self.until,
            "runs": self.runs,
            "seed": self.seed,
            "pledges": [{"level": p[0], "adopted": p[1], "deadline": p[2]} for p in self.pledges],
            "threat": {"shocks": [s.__dict__ for s in self.shocks]},
            "us_drawdown": {"share": self.us_drawdown_share, "year": self.us_drawdown_year},
            "us_exempt": self.us_exempt,
            "gdp_growth": dict(self.gdp_growth) if isinstance(self.gdp_growth, Mapping) else self.gdp_growth,
            "assumptions": list(self.assumptions),
        }


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _PledgeModel(_Strict):
    level: float
    adopted: int
    deadline: int


class _ShockModel(_Strict):
    year: int
    size: float
    fade_years: int = 0


class _ThreatModel(_Strict):
    shocks: list[_ShockModel] = Field(default_factory=list)


class _DrawdownModel(_Strict):
    share: float = 0.0
    year: int = 2027


class _ScenarioModel(_Strict):
    name: str
    description: str = ""
    until: int = 2035
    runs: int = 1000
    seed: int = 2035
    pledges: list[_PledgeModel] | None = None
    threat: _ThreatModel = Field(default_factory=_ThreatModel)
    us_drawdown: _DrawdownModel = Field(default_factory=_DrawdownModel)
    us_exempt: bool = False
    gdp_growth: float | dict[str, float] | None = None
    assumptions: list[str] = Field(default_factory=list)


def _pydantic_lines(exc: ValidationError) -> list[str]:
    return validation_lines(exc, ignore_loc=("float", "dict[str,float]"), number_types=("int_", "float_"))


def _between(errs: list[str], path: str, value: float, lo: float, hi: float) -> None:
    if not lo <= value <= hi:
        errs.append(f"{path}: must be between {lo:g} and {hi:g}, got {value:g}")


def _check(m: _ScenarioModel, allies: Sequence[str]) -> list[str]:
    errs: list[str] = []
    if not _NAME_RE.match(m.name):
        errs.append(f"name: {m.name!r} must be letters, digits, '-', '_' or '.'")
    _between(errs, "until", m.until, FIRST_YEAR, LAST_YEAR)
    _between(errs, "runs", m.runs, 1, MAX_RUNS)
    if m.seed < 0:
        errs.append(f"seed: must be a non-negative integer, got {m.seed}")
    for i, p in enumerate(m.pledges or []):
        _between(errs, f"pledges[{i}].level", p.level, 0.0, 10.0)
        _between(errs, f"pledges[{i}].adopted", p.adopted, 2014, LAST_YEAR)
        if p.deadline < p.adopted or p.deadline > 2100:
            errs.append(f"pledges[{i}].deadline: must be between adopted ({p.adopted}) and 2100, got {p.deadline}")
    for i, s in enumerate(m.threat.shocks):
        _between(errs, f"threat.shocks[{i}].year", s.year, FIRST_YEAR - 1, LAST_YEAR)
        _between(errs, f"threat.shocks[{i}].size", s.size, -5.0, 5.0)
        _between(errs, f"threat.shocks[{i}].fade_years", s.fade_years, 0, 50)
    _between(errs, "us_drawdown.share", m.us_drawdown.share, 0.0, 1.0)
    _between(errs, "us_drawdown.year", m.us_drawdown.year, FIRST_YEAR - 1, LAST_YEAR)
    g = m.gdp_growth
    if isinstance(g, dict):
        for k, v in g.items():
            try:
                known = resolve_country(k) in allies
            except BadInput:
                known = False
            if not known:
                errs.append(f"gdp_growth.{k}: unknown ally; valid: {', '.join(allies)}")
            else:
                _between(errs, f"gdp_growth.{k}", v, -10.0, 15.0)
    elif g is not None:
        _between(errs, "gdp_growth", g, -10.0, 15.0)
    return errs


def _raise(lines: list[str], source: str | None) -> None:
    where = f"{source}: " if source else ""
    more = f" (and {len(lines) - _MAX_SHOWN} more)" if len(lines) > _MAX_SHOWN else ""
    raise BadInput(f"invalid simulation scenario {where}{'; '.join(lines[:_MAX_SHOWN])}{more}")


def scenario_from_dict(data: Any, *, source: str | None = None) -> SimScenario:
    """Validate a parsed scenario mapping and build a :class:`SimScenario` (errors: one-line BadInput)."""
    from alliance.dynamics.panel import load_panel

    if not isinstance(data, Mapping):
        _raise([f"(top level): must be a mapping, got {type(data).__name__}"], source)
    try:
        m = _ScenarioModel.model_validate(dict(data))
    except ValidationError as exc:
        _raise(_pydantic_lines(exc), source)
        raise  # pragma: no cover - _raise always raises
    errs = _check(m, load_panel().iso3)
    if errs:
        _raise(errs, source)
    pledges = (WALES, HAGUE) if m.pledges is None else tuple((p.level, p.adopted, p.deadline) for p in m.pledges)
    return SimScenario(
        name=m.name,
        description=m.description,
        until=m.until,
        runs=m.runs,
        seed=m.seed,
        pledges=pledges,
        shocks=tuple(Shock(s.year, s.size, s.fade_years) for s in m.threat.shocks),
        us_drawdown_share=m.us_drawdown.share,
        us_drawdown_year=m.us_drawdown.year,
        us_exempt=m.us_exempt,
        gdp_growth=m.gdp_growth,
        assumptions=tuple(m.assumptions),
    )


def scenario_from_text(text: str, suffix: str, source: str) -> SimScenario:
    """A scenario from YAML or JSON text."""
    data = parse_text(text, suffix, source)
    if data is None:
        raise BadInput(f"invalid simulation scenario {source}: the file is empty")
    return scenario_from_dict(data, source=source)


def scenario_from_file(path: str | Path) -> SimScenario:
    """A scenario from a ``.yaml``, ``.yml`` or ``.json`` file."""
    text, suffix = read_user_file(path, "scenario file", (".yaml", ".yml", ".json"))
    return scenario_from_text(text, suffix, str(path))
