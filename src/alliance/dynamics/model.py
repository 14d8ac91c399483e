"""The spending model: each ally moves its defence spending (% of GDP) part of the way to a desired level.

Partial adjustment (the standard form of defence-demand models since Murdoch & Sandler 1984; Nerlove 1958)::

    x[t+1] = x[t] + a (x*[t] - x[t])                                  adjustment to the desired level
                  + rho * m * max_k (L_k - x[t])+ / max(D_k - t, 1)    pull of the pledges in force (step due)
                  + phi * m * (xbar[t] - x[t])                        peer pull: burden share vs GDP share
                  - gamma * x[t] * (g[t+1] - gbar)                    GDP denominator: growth off trend
                  + delta * 100 (g[t] - gbar)                         fiscal room: last year's growth
                  + eps,   eps ~ N(0, sigma)

    x*[t] = c + T[t] (1 + kappa (1 - u[t])) (beta_b border + beta_p proximity)   threat exposure
              + beta_s log(GDP share * members)                                  Olson-Zeckhauser size
              + beta_u presence * u[t]                                           US forces hosted

``T[t]`` is the common threat level, an exogenous path: 0 before 2014, 1 from the Crimea annexation (2014, the
unit), ``1 + s`` from the full-scale invasion (2022), plus any scenario shocks; ``u[t]`` is the US commitment
signal (1 = the status quo; a drawdown of a share d of US forces in Europe sets it to 1 - d). ``m`` is 1 for
members of NATO in year t. ``xbar`` is the GDP-weighted mean of members' spending, i.e. ``x_i / xbar`` is the
ally's share of alliance spending over its share of alliance GDP. Pledges ``(L_k, from year, deadline D_k)``:
Wales 2% (2014, by 2024), the Hague 3.5% core (2025, by 2035); the pull is the share ``rho`` of the step that
would close the gap evenly by the deadline (after the deadline: the whole gap). Spending set in year t is the
budget for year t+1, so an event in year t moves spending from year t+1.

Everything is vectorised: state ``x`` is ``(runs, allies)``, parameters ``theta`` are ``(runs, n_params)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

__all__ = ["PARAM_NAMES", "Drivers", "Params", "simulate", "step"]

#: Lowest spending the model allows (% of GDP); keeps the size and ratio terms finite.
FLOOR = 0.05


@dataclass(frozen=True)
class Params:
    """Model parameters (one set). Units: spending is in % of GDP (pp = percentage points of GDP).

    Attributes:
        adjust: a, the share of the gap to the desired level closed each year (1/year, 0-1).
        base: c, desired spending with no threat exposure, no US presence and average size (pp).
        threat_border: beta_b, desired pp added per unit of threat for a land border with Russia/Belarus.
        threat_proximity: beta_p, desired pp added per unit of threat per (1,000 km / distance to Moscow).
        size: beta_s, desired pp per unit of log(GDP share x members) (Olson-Zeckhauser: large allies carry more).
        us_presence: beta_u, desired pp per US servicemember hosted per 1,000 inhabitants (negative:
            presence substitutes for own spending).
        compliance: rho, share of the on-schedule step towards a pledge taken each year (0 = ignore pledges).
        peer: phi, yearly pull towards the alliance's GDP-weighted mean (free-riding: share of spending vs share
            of GDP) (1/year).
        growth_passthrough: gamma, share of an off-trend GDP growth rate that shows up in the ratio in the same
            year (1 = budgets set in money terms do not react within the year).
        fiscal: delta, pp of GDP added next year per percentage point of real growth above the ally's trend.
        us_signal: kappa, how much a weaker US commitment amplifies the threat felt by exposed allies
            (1 = a full withdrawal doubles it). Never moves in the record, so it is assumed, not fitted.
        shock_2022: s, the threat added by the 2022 full-scale invasion, in units of the 2014 (Crimea) shock.
        sigma: standard deviation of the yearly spending innovation (pp), from the fit's residuals.
    """

    adjust: float = 0.3
    base: float = 1.2
    threat_border: float = 0.5
    threat_proximity: float = 0.3
    size: float = 0.1
    us_presence: float = 0.0
    compliance: float = 0.2
    peer: float = 0.0
    growth_passthrough: float = 1.0
    fiscal: float = 0.0
    us_signal: float = 0.5
    shock_2022: float = 1.0
    sigma: float = 0.15

    def vector(self) -> np.ndarray:
        """The parameters as a vector in :data:`PARAM_NAMES` order."""
        return np.array([getattr(self, n) for n in PARAM_NAMES], dtype=float)

    @classmethod
    def from_vector(cls, v: np.ndarray) -> Params:
        """Parameters from a vector in :data:`PARAM_NAMES` order."""
        return cls(**{n: float(v[i]) for i, n in enumerate(PARAM_NAMES)})

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


#: Parameter order in ``theta`` arrays.
PARAM_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Params))
_IX = {n: i for i, n in enumerate(PARAM_NAMES)}

#: Symbol, unit and one-line meaning of each parameter (for docs and tables).
PARAM_INFO: dict[str, tuple[str, str, str]] = {
    "adjust": ("a", "1/year", "share of the gap to the desired level closed each year"),
    "base": ("c", "pp", "desired spending with no threat exposure, no US presence, average size"),
    "threat_border": ("beta_b", "pp per threat unit", "land border with Russia/Belarus"),
    "threat_proximity": ("beta_p", "pp per threat unit per 1,000 km^-1", "closeness to Moscow"),
    "size": ("beta_s", "pp per log unit", "log(GDP share x members): Olson-Zeckhauser"),
    "us_presence": ("beta_u", "pp per US servicemember per 1,000 inhabitants", "US forces hosted"),
    "compliance": ("rho", "share", "share of the on-schedule step towards a pledge taken"),
    "peer": ("phi", "1/year", "pull towards the alliance GDP-weighted mean (burden share / GDP share)"),
    "growth_passthrough": ("gamma", "share", "off-trend GDP growth passed into the ratio within the year"),
    "fiscal": ("delta", "pp per pp of growth", "fiscal room: last year's growth above trend"),
    "us_signal": ("kappa", "share", "threat amplification by a weaker US commitment (assumed)"),
    "shock_2022": ("s", "Crimea units", "threat added by the 2022 invasion"),
    "sigma": ("sigma", "pp", "sd of the yearly spending innovation"),
}


@dataclass(frozen=True)
class Drivers:
    """Exogenous inputs of a simulation over decision years ``years[0] .. years[S-1]``.

    Step k moves spending from year ``years[k]`` to ``years[k] + 1``. Year-indexed arrays have ``S`` rows; a
    trailing axis of size ``runs`` or 1 (broadcast) where the input may differ across runs.

    Attributes:
        years: decision years ``(S,)``.
        crimea: 1.0 from 2014 (the threat unit), ``(S,)``.
        invasion: 1.0 from 2022 (scaled by the ``shock_2022`` parameter), ``(S,)``.
        extra_threat: scenario shocks to the threat level, ``(S, R or 1)``.
        commitment: US commitment signal u (1 = status quo), ``(S, R or 1)``.
        member: ally is a NATO member in the decision year, ``(S, A)``.
        gdp: real GDP used for shares and weights, ``(S, A)``.
        growth_now: real GDP growth in the decision year (fraction), ``(S, A)``.
        growth_next: real GDP growth in the budget year (fraction), ``(S, A)``.
        growth_trend: each ally's trend growth (fraction), ``(A,)``.
        border, proximity, presence: exposure and US presence, ``(A,)`` (see :class:`~.panel.Panel`).
        pledge_level, pledge_start, pledge_deadline: the spending pledges, ``(K,)``.
        target_applies: False for an ally exempt from the pledges, ``(A,)``.
    """

    years: np.ndarray
    crimea: np.ndarray
    invasion: np.ndarray
    extra_threat: np.ndarray
    commitment: np.ndarray
    member: np.ndarray
    gdp: np.ndarray
    growth_now: np.ndarray
    growth_next: np.ndarray
    growth_trend: np.ndarray
    border: np.ndarray
    proximity: np.ndarray
    presence: np.ndarray
    pledge_level: np.ndarray
    pledge_start: np.ndarray
    pledge_deadline: np.ndarray
    target_applies: np.ndarray

    @property
    def n_steps(self) -> int:
        return len(self.years)


def _col(theta: np.ndarray, name: str) -> np.ndarray:
    """One parameter across runs as a ``(R, 1)`` column, to broadcast against ``(R, A)``."""
    return theta[:, _IX[name]][:, None]


def threat_level(theta: np.ndarray, d: Drivers, k: int) -> np.ndarray:
    """Common threat level T in step k, per run, ``(R, 1)``."""
    return d.crimea[k] + _col(theta, "shock_2022") * d.invasion[k] + d.extra_threat[k][:, None]


def desired(x: np.ndarray, theta: np.ndarray, d: Drivers, k: int) -> np.ndarray:
    """Desired spending x* in step k, ``(R, A)`` (the module docstring's second equation)."""
    u = d.commitment[k][:, None]  # (R|1, 1)
    exposure = _col(theta, "threat_border") * d.border + _col(theta, "threat_proximity") * d.proximity
    felt = threat_level(theta, d, k) * (1.0 + _col(theta, "us_signal") * (1.0 - u))
    mem = d.member[k]
    share = d.gdp[k] / np.sum(d.gdp[k] * mem)
    size = np.log(share * np.count_nonzero(mem))
    out = (
        _col(theta, "base") + felt * exposure + _col(theta, "size") * size + _col(theta, "us_presence") * d.presence * u
    )
    return np.broadcast_to(out, x.shape)


def pledge_step(x: np.ndarray, d: Drivers, k: int) -> np.ndarray:
    """The step each ally would take to meet the pledges in force on schedule, ``(R, A)``.

    For each pledge adopted by year t: the gap to its level spread evenly over the years left to its deadline
    (the whole gap once the deadline has passed); the largest such step over the pledges in force.
    """
    t = d.years[k]
    live = d.pledge_start <= t
    if not np.any(live):
        return np.zeros_like(x)
    due = np.zeros_like(x)
    for level, deadline in zip(d.pledge_level[live], d.pledge_deadline[live], strict=True):  # a few pledges
        np.maximum(due, np.maximum(level - x, 0.0) / max(int(deadline) - int(t), 1), out=due)
    return np.asarray(due * (d.member[k] & d.target_applies))


def step(x: np.ndarray, theta: np.ndarray, d: Drivers, k: int) -> np.ndarray:
    """Deterministic one-year move of spending, ``(R, A) -> (R, A)`` (no innovation).

    Args:
        x: spending in the decision year, % of GDP, ``(R, A)``.
        theta: parameters, ``(R, n_params)`` in :data:`PARAM_NAMES` order.
        d: the drivers.
        k: the step (index into ``d.years``).
    """
    mem = d.member[k]
    w = d.gdp[k] * mem
    xbar = (x @ w)[:, None] / np.sum(w)  # GDP-weighted alliance mean, (R, 1)
    off_trend_next = d.growth_next[k] - d.growth_trend
    off_trend_now = d.growth_now[k] - d.growth_trend
    nxt = (
        x
        + _col(theta, "adjust") * (desired(x, theta, d, k) - x)
        + _col(theta, "compliance") * pledge_step(x, d, k)
        + _col(theta, "peer") * mem * (xbar - x)
        - _col(theta, "growth_passthrough") * x * off_trend_next
        + _col(theta, "fiscal") * 100.0 * off_trend_now
    )
    return np.maximum(nxt, FLOOR)


def simulate(x0: np.ndarray, theta: np.ndarray, d: Drivers, innovations: np.ndarray | None = None) -> np.ndarray:
    """Run the model over all steps of ``d``.

    Args:
        x0: spending in the first decision year, ``(R, A)`` or ``(A,)`` (broadcast to every run).
        theta: parameters, ``(R, n_params)``.
        d: the drivers.
        innovations: standard-normal draws ``(S, R, A)``, scaled by each run's ``sigma``; None for the
            deterministic path.

    Returns:
        Spending path ``(S + 1, R, A)``: row 0 is ``x0``, row k+1 the year ``d.years[k] + 1``.
    """
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    runs = theta.shape[0]
    x = np.broadcast_to(np.asarray(x0, dtype=float), (runs, d.border.shape[0])).copy()
    out = np.empty((d.n_steps + 1, runs, x.shape[1]))
    out[0] = x
    sigma = _col(theta, "sigma")
    for k in range(d.n_steps):  # loop over years only; runs and allies are array axes
        x = step(x, theta, d, k)
        if innovations is not None:
            x = np.maximum(x + sigma * innovations[k], FLOOR)
        out[k + 1] = x
    return out
