"""The spending model: threat shocks whose push fades, pledges that pull on the gap, and a fiscal ceiling.

Each ally's defence spending x (% of GDP, NATO core definition) moves once a year (docs/dynamics.md, "The model")::

    x[t+1] = x[t] + H(x[t]) E[t] J[t]    (a negative push acts in full)   threat response, fiscal headroom
                  + rho * m * max_k (L_k - x[t])+ / max(D_k - t, 1)    pull of the pledges in force (step due)
                  + phi * m * (xbar[t] - x[t])                        peer pull: burden share vs GDP share
                  - gamma * x[t] * (g[t+1] - gbar)                    GDP denominator: growth off trend
                  + delta * 100 (g[t] - gbar)                         fiscal room: last year's growth
                  + eps,   eps ~ N(0, sigma)

    E[t] = max(beta_0 + beta_b border + beta_p proximity                exposure: pp/year per unit of impulse
               + beta_s log(GDP share * members) + beta_u presence u[t], 0)
    J1[t] = q J1[t-1] + (F[t] - F[t-1]),   q = 2 ** (-1 / h)              changes of the felt threat, fading
    J[t]  = q J[t-1] + (1 - q) J1[t]                                         threat impulse: builds up, then fades
    F[t] = T[t] (1 + kappa (1 - u[t]))                                       felt threat level
    H(x) = clip((K - x) / (K - N), 0, 1)                                     fiscal headroom

``T[t]`` is the common threat level, an exogenous path: 0 before 2014, 1 from the Crimea annexation (2014, the
unit), ``1 + s`` from the full-scale invasion (2022), plus any scenario shocks; ``u[t]`` is the US commitment
signal (1 = the status quo; a drawdown of a share d of US forces in Europe sets it to 1 - d). A *change* in the
felt threat sets off a yearly push on spending that builds up over the first years, peaks and fades with
half-life ``h`` (a gamma-distributed lag: budgets take years to plan and spend); each shock raises spending by a
finite amount, at most ``E * size / (1 - q)``, and the path levels off. This is the impulse-response
form of partial adjustment to a threat-dependent desired level (Nerlove 1958; Murdoch & Sandler 1984 for the
threat and size drivers), written so that the record identifies it: with no shock, spending stays where it is
(budgets ratchet), instead of drifting towards a desired level the record cannot pin down. How strongly an ally
responds depends on its measured exposure only (no per-ally dummies): a border with Russia or Belarus, closeness
to Moscow, its size (Olson & Zeckhauser 1966: large allies carry more of the common good) and the US forces it
hosts. The headroom ``H`` is the fiscal brake: full below the historical peacetime norm ``N`` (2%, NATO's
guideline since 2006), falling linearly to zero at the ceiling ``K`` (about 6% of GDP: the highest peacetime
levels of large allies in the last decade of the Cold War); cuts are not braked.
``m`` is 1 for members of NATO in year t. ``xbar`` is the GDP-weighted mean of members' spending, i.e.
``x_i / xbar`` is the ally's share of alliance spending over its share of alliance GDP. Pledges
``(L_k, from year, deadline D_k)``: Wales 2% (2014, by 2024), the Hague 3.5% core (2025, by 2035); the pull is
the share ``rho`` of the step that would close the gap evenly by the deadline (after the deadline: the whole
gap), and vanishes above the level. Spending set in year t is the budget for year t+1, so an event in year t
moves spending from year t+1.

Everything is vectorised: state ``x`` is ``(runs, allies)``, parameters ``theta`` are ``(runs, n_params)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

__all__ = ["PARAM_NAMES", "Drivers", "Params", "simulate", "step", "threat_impulse"]

#: Lowest spending the model allows (% of GDP); keeps the size and ratio terms finite.
FLOOR = 0.05
#: Years of the two shocks in the record: Crimea (the threat unit) and the full-scale invasion.
CRIMEA_YEAR = 2014
INVASION_YEAR = 2022
#: Shape of a shock's push: 2 (default) builds up, peaks and fades (gamma lag, the J equation of the module
#: docstring); 1 is largest at once and fades geometrically (J = J1), a sensitivity check (docs/dynamics.md).
IMPULSE_ORDER = 2


@dataclass(frozen=True)
class Params:
    """Model parameters (one set). Units: spending is in % of GDP (pp = percentage points of GDP).

    Attributes:
        threat_common: beta_0, yearly push (pp/year) per unit of threat impulse felt by every ally.
        threat_border: beta_b, added push (pp/year per unit of impulse) for a land border with Russia/Belarus.
        threat_proximity: beta_p, added push (pp/year per unit of impulse) per (1,000 km / distance to Moscow).
        size: beta_s, added push (pp/year per unit of impulse) per unit of log(GDP share x members)
            (Olson-Zeckhauser: large allies carry more).
        us_presence: beta_u, added push (pp/year per unit of impulse) per US servicemember hosted per 1,000
            inhabitants (negative: presence substitutes for own spending).
        threat_halflife: h, years for the push of a threat shock to halve (years, > 0).
        compliance: rho, share of the on-schedule step towards a pledge taken each year (0 = ignore pledges).
        peer: phi, yearly pull towards the alliance's GDP-weighted mean (free-riding: share of spending vs share
            of GDP) (1/year).
        growth_passthrough: gamma, share of an off-trend GDP growth rate that shows up in the ratio in the same
            year (1 = budgets set in money terms do not react within the year).
        fiscal: delta, pp of GDP added next year per percentage point of real growth above the ally's trend.
        norm: N, level (pp) below which a threat push acts in full (fiscal brake starts); preset.
        ceiling: K, level (pp) at which the fiscal headroom reaches zero; preset.
        us_signal: kappa, how much a weaker US commitment amplifies the threat felt (1 = a full withdrawal
            doubles it). Never moves in the record, so it is assumed, not fitted.
        shock_2022: s, the threat added by the 2022 full-scale invasion, in units of the 2014 (Crimea) shock.
        sigma: standard deviation of the yearly spending innovation (pp), from the fit's residuals.
    """

    threat_common: float = 0.05
    threat_border: float = 0.2
    threat_proximity: float = 0.1
    size: float = 0.0
    us_presence: float = 0.0
    threat_halflife: float = 3.0
    compliance: float = 0.2
    peer: float = 0.0
    growth_passthrough: float = 1.0
    fiscal: float = 0.0
    norm: float = 2.0
    ceiling: float = 6.0
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
    "threat_common": ("beta_0", "pp/year per unit of impulse", "threat push felt by every ally"),
    "threat_border": ("beta_b", "pp/year per unit of impulse", "added push: land border with Russia/Belarus"),
    "threat_proximity": ("beta_p", "pp/year per unit of impulse per 1,000 km^-1", "added push: closeness to Moscow"),
    "size": ("beta_s", "pp/year per unit of impulse per log unit", "added push: log(GDP share x members)"),
    "us_presence": ("beta_u", "pp/year per unit of impulse per US servicemember per 1,000", "added push: US forces"),
    "threat_halflife": ("h", "years", "half-life of the push of a threat shock"),
    "compliance": ("rho", "share", "share of the on-schedule step towards a pledge taken"),
    "peer": ("phi", "1/year", "pull towards the alliance GDP-weighted mean (burden share / GDP share)"),
    "growth_passthrough": ("gamma", "share", "off-trend GDP growth passed into the ratio within the year"),
    "fiscal": ("delta", "pp per pp of growth", "fiscal room: last year's growth above trend"),
    "norm": ("N", "pp", "fiscal brake starts: threat pushes act in full below this level (preset)"),
    "ceiling": ("K", "pp", "fiscal ceiling: no threat push at or above this level (preset)"),
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
        held: True for an ally whose share of GDP is held at its starting level (the ``us-exempt`` definition:
            the US keeps its 2026 share), ``(A,)``; None holds nobody.
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
    held: np.ndarray | None = None

    @property
    def n_steps(self) -> int:
        return len(self.years)


def _col(theta: np.ndarray, name: str) -> np.ndarray:
    """One parameter across runs as a ``(R, 1)`` column, to broadcast against ``(R, A)``."""
    return theta[:, _IX[name]][:, None]


def threat_impulse(theta: np.ndarray, d: Drivers) -> np.ndarray:
    """The threat impulse J in every step, ``(S, R)`` (the J1 and J equations of the module docstring).

    Each change of the felt threat level ``F = T (1 + kappa (1 - u))`` enters J1, which decays by the factor
    ``q = 2 ** (-1 / h)`` a year; J smooths J1 with the same factor, so the push of a shock builds up, peaks and
    fades, and its sum over the years equals that of J1, ``change / (1 - q)``. Before the first decision year the
    record has ``u = 1`` and no scenario shocks, so the changes are the 2014 and 2022 shocks only.
    """
    runs = theta.shape[0]
    q = 0.5 ** (1.0 / np.maximum(theta[:, _IX["threat_halflife"]], 1e-6))  # (R,)
    s = theta[:, _IX["shock_2022"]]
    kappa = theta[:, _IX["us_signal"]]
    first = int(d.years[0])
    # the years before the first decision year: u = 1 and no scenario shocks, so F moves only in 2014 and 2022
    pre_years = np.arange(CRIMEA_YEAR, first)
    j1 = np.zeros(runs)
    j2 = np.zeros(runs)
    felt_prev = np.zeros(runs)
    for y in pre_years:
        felt = float(y >= CRIMEA_YEAR) + s * float(y >= INVASION_YEAR)
        j1, j2 = _impulse_update(q, j1, j2, felt - felt_prev)
        felt_prev = np.broadcast_to(felt, (runs,))
    out = np.empty((d.n_steps, runs))
    for k in range(d.n_steps):  # loop over years only
        level = d.crimea[k] + s * d.invasion[k] + d.extra_threat[k]
        felt = level * (1.0 + kappa * (1.0 - d.commitment[k]))
        j1, j2 = _impulse_update(q, j1, j2, felt - felt_prev)
        out[k] = j2 if IMPULSE_ORDER == 2 else j1
        felt_prev = felt
    return out


def _impulse_update(q: np.ndarray, j1: np.ndarray, j2: np.ndarray, change: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One year of the impulse: geometric decay of past changes (j1), and its smoothed second stage (j2)."""
    j1 = q * j1 + change
    j2 = q * j2 + (1.0 - q) * j1
    return j1, j2


def exposure(theta: np.ndarray, d: Drivers, k: int) -> np.ndarray:
    """Exposure E in step k: the push per unit of threat impulse, pp/year, ``(R, A)`` (never negative)."""
    u = d.commitment[k][:, None]  # (R|1, 1)
    mem = d.member[k]
    share = d.gdp[k] / np.sum(d.gdp[k] * mem)
    size = np.log(share * np.count_nonzero(mem))
    e = _col(theta, "threat_common") + _col(theta, "threat_border") * d.border
    e = e + _col(theta, "threat_proximity") * d.proximity + _col(theta, "size") * size
    e = e + _col(theta, "us_presence") * d.presence * u
    return np.asarray(np.maximum(e, 0.0))


def headroom(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Fiscal headroom H(x): 1 below the norm N, 0 at or above the ceiling K, linear in between, ``(R, A)``."""
    norm, ceiling = _col(theta, "norm"), _col(theta, "ceiling")
    return np.asarray(np.clip((ceiling - x) / np.maximum(ceiling - norm, 1e-9), 0.0, 1.0))


def threat_push(x: np.ndarray, theta: np.ndarray, d: Drivers, k: int, impulse: np.ndarray) -> np.ndarray:
    """The threat response H(x) E J of step k, ``(R, A)``, given that step's impulse ``(R,)``.

    A positive push is scaled by the fiscal headroom; a negative one (the threat falls) acts in full.
    """
    push = exposure(theta, d, k) * impulse[:, None]
    return np.asarray(np.where(push > 0, push * headroom(x, theta), push))


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


def step(x: np.ndarray, theta: np.ndarray, d: Drivers, k: int, impulse: np.ndarray | None = None) -> np.ndarray:
    """Deterministic one-year move of spending, ``(R, A) -> (R, A)`` (no innovation).

    Args:
        x: spending in the decision year, % of GDP, ``(R, A)``.
        theta: parameters, ``(R, n_params)`` in :data:`PARAM_NAMES` order.
        d: the drivers.
        k: the step (index into ``d.years``).
        impulse: the threat impulse of step k, ``(R,)``; None computes it (:func:`threat_impulse`).
    """
    if impulse is None:
        impulse = threat_impulse(theta, d)[k]
    mem = d.member[k]
    w = d.gdp[k] * mem
    xbar = (x @ w)[:, None] / np.sum(w)  # GDP-weighted alliance mean, (R, 1)
    off_trend_next = d.growth_next[k] - d.growth_trend
    off_trend_now = d.growth_now[k] - d.growth_trend
    nxt = (
        x
        + threat_push(x, theta, d, k, impulse)
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
    start = x.copy()
    out = np.empty((d.n_steps + 1, runs, x.shape[1]))
    out[0] = x
    sigma = _col(theta, "sigma")
    impulse = threat_impulse(theta, d)
    for k in range(d.n_steps):  # loop over years only; runs and allies are array axes
        x = step(x, theta, d, k, impulse[k])
        if innovations is not None:
            x = np.maximum(x + sigma * innovations[k], FLOOR)
        if d.held is not None:
            x = np.where(d.held, start, x)
        out[k + 1] = x
    return out
