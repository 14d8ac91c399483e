"""The discrete-choice model: which candidate outcome is adopted, or something between them (specification
``choice-v1``, fixed before it was first scored).

Experts code each actor's position as one of the alternatives on the table, and adopted outcomes often sit
exactly on one of them (or stay at the reference point). So the model gives each issue a **mixture**:

* with probability ``1 - pi`` the outcome is one of the **candidates** ``c``: every distinct coded position and
  the reference point (when known); candidate ``c`` is chosen with the conditional-logit probability
  ``softmax(beta . f(c))`` (McFadden 1974) over six features, each on the issue's scale mapped to [0, 1]:

  ``support``
      the salience-weighted share of the voters standing at ``c``, weighted under the voting rule: by capability
      under a qualified majority, one per voter under unanimity or consensus (voters: actors with a veto, other
      than the chair and the co-legislator: the member states in DEU, the allies in a NATO scenario);
  ``closeness``
      ``1 -`` the voters' (same weights) mean distance to ``c``: high near their weighted median;
  ``setter``
      ``1 - |c - setter|``, the agenda setter's position (``metadata["agenda_setter"]``: the Commission in DEU);
  ``colegislator``
      ``1 - |c - co-legislator|`` when the co-legislator (``metadata["co_legislator"]``: the European
      Parliament) holds a veto (codecision), else 0;
  ``compromise_distance``
      ``|c - compromise|``, the distance to Achen's capability x salience weighted mean of all actors;
  ``is_reference``
      1 for the reference point (the status quo), else 0.

  A feature a scenario cannot give (no agenda setter, no co-legislator, no reference point, as in a NATO
  scenario) takes the same neutral value (0) for every candidate, so it drops out of the softmax: the model then
  chooses on support, closeness and the distance to the compromise.

* with probability ``pi`` the outcome lies **between** the candidates: a normal density centred on the
  compromise with standard deviation ``sigma`` (a share of the scale), truncated to the scale.

An outcome within ``tol`` = 0.5% of the scale (0.5 points on DEU's 0-100) of a candidate counts as that
candidate; candidates closer than that are merged. The likelihood is that of the mixture over candidate classes
and the continuous part; the parameters ``beta`` (6), ``logit pi`` and ``log sigma`` are fitted by maximum a
posteriori with weakly informative Gaussian priors (``beta ~ N(0, 5^2)``, ``logit pi ~ N(0, 2^2)``,
``log sigma ~ N(log 0.15, 1)``) with ``scipy.optimize``. The forecast is the **median** of the predictive
distribution (candidates as point masses, the continuous part on a 200-bin grid), so MAE and the distribution
scores (CRPS, intervals, PIT, log score) come from one object.

Shipped parameters (``params/choice.json``) were fitted on all scored issues of the DEU III calibration half with
``capability="votes"``; nothing is refitted at forecast time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, in_chunks
from alliance.negotiation.models.shipped import shipped_params
from alliance.negotiation.models.stacked import _actor_position
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    from alliance.negotiation.prediction import Predictive

__all__ = [
    "FEATURES",
    "PRIORS",
    "ChoiceData",
    "choice_data",
    "choice_data_from_batch",
    "distribution",
    "distribution_batch",
    "fit",
    "load_params",
    "predictive",
    "solve",
    "solve_batch",
]

FEATURES: tuple[str, ...] = ("support", "closeness", "setter", "colegislator", "compromise_distance", "is_reference")
#: Gaussian priors (mean, sd): every beta, logit pi, log sigma (sigma a share of the scale).
PRIORS: dict[str, tuple[float, float]] = {"beta": (0.0, 5.0), "logit_pi": (0.0, 2.0), "log_sigma": (np.log(0.15), 1.0)}
#: Half-width of a candidate's class, as a share of the scale.
TOL_SHARE = 0.005
#: Bins of the continuous part's grid.
GRID_BINS = 200


@dataclass(frozen=True)
class ChoiceData:
    """Everything the model needs per row (issue), outcome-free.

    Attributes:
        candidates: ``(m, C)`` candidate outcomes in the issue's units, ascending, NaN padding.
        features: ``(m, C, 6)`` features of each candidate (:data:`FEATURES`), 0 on padding.
        centre: ``(m,)`` the compromise (centre of the continuous part).
        low, high: ``(m,)`` the scale.
    """

    candidates: np.ndarray
    features: np.ndarray
    centre: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        """``(m, C)`` True for a real candidate."""
        return ~np.isnan(self.candidates)

    @property
    def span(self) -> np.ndarray:
        return np.asarray(self.high - self.low)

    @property
    def tol(self) -> np.ndarray:
        return np.asarray(TOL_SHARE * self.span)

    def take(self, rows: np.ndarray) -> ChoiceData:
        """The sub-data of the given rows."""
        return ChoiceData(
            self.candidates[rows], self.features[rows], self.centre[rows], self.low[rows], self.high[rows]
        )


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, (w * np.nan_to_num(x)).sum(axis=1) / total, np.nan))


def choice_data(
    positions: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    voters: np.ndarray,
    setter: np.ndarray,
    colegislator: np.ndarray,
    reversion: np.ndarray,
    unanimity: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> ChoiceData:
    """Candidates and features of ``m`` issues from ``(m, A)`` actor arrays (NaN position: not involved).

    Args:
        positions, salience (0-1), capability: ``(m, A)``.
        voters: ``(m, A)`` bool, the actors whose support counts (member states, allies).
        setter: ``(m,)`` the agenda setter's position, NaN if none.
        colegislator: ``(m,)`` the position of a co-legislator holding a veto, NaN if none.
        reversion: ``(m,)`` the reference point, NaN if unknown.
        unanimity: ``(m,)`` bool: every voter counts one (else by capability).
        low, high: ``(m,)`` the scale.
    """
    pos = np.asarray(positions, dtype=float)
    m, a = pos.shape
    low = np.broadcast_to(np.asarray(low, dtype=float), (m,)).astype(float)
    high = np.broadcast_to(np.asarray(high, dtype=float), (m,)).astype(float)
    span = high - low
    tol = TOL_SHARE * span
    involved = ~np.isnan(pos)
    sal = np.where(involved, np.nan_to_num(np.asarray(salience, dtype=float)), 0.0)
    cap = np.where(involved, np.nan_to_num(np.asarray(capability, dtype=float)), 0.0)
    rev = np.asarray(reversion, dtype=float).reshape(m)
    # candidates: distinct positions and the reference point, merged within tol, ascending
    raw = np.concatenate([pos, rev[:, None]], axis=1)
    srt = np.sort(np.where(np.isnan(raw), np.inf, raw), axis=1)
    prev = np.concatenate([np.full((m, 1), -np.inf), srt[:, :-1]], axis=1)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(srt) & (srt - prev > tol[:, None])
    order = np.argsort(~keep, axis=1, kind="stable")
    cand = np.where(np.take_along_axis(keep, order, axis=1), np.take_along_axis(srt, order, axis=1), np.nan)
    n_c = max(int(keep.sum(axis=1).max()), 1)
    cand = cand[:, :n_c]
    valid = ~np.isnan(cand)
    u = (cand - low[:, None]) / span[:, None]  # (m, C) on [0, 1]
    up = (pos - low[:, None]) / span[:, None]  # (m, A)
    # voters' weights under the rule: capability x salience (qmv) or salience (unanimity)
    vmask = np.asarray(voters, dtype=bool) & involved
    unan = np.asarray(unanimity, dtype=bool).reshape(m)
    vw = np.where(vmask, np.where(unan[:, None], 1.0, cap) * sal, 0.0)
    empty = vw.sum(axis=1) <= 0
    vw = np.where(empty[:, None] & vmask, 1.0, vw)
    vtot = vw.sum(axis=1)
    dist = np.abs(up[:, None, :] - u[:, :, None])  # (m, C, A)
    with np.errstate(invalid="ignore", divide="ignore"):
        at = np.abs(pos[:, None, :] - cand[:, :, None]) <= tol[:, None, None]
        support = np.where(vtot[:, None] > 0, (at * vw[:, None, :]).sum(axis=2) / vtot[:, None], 0.0)
        closeness = np.where(
            vtot[:, None] > 0, 1.0 - (np.nan_to_num(dist) * vw[:, None, :]).sum(axis=2) / vtot[:, None], 0.0
        )
    us = (np.asarray(setter, dtype=float).reshape(m) - low) / span
    uc = (np.asarray(colegislator, dtype=float).reshape(m) - low) / span
    f_setter = np.where(np.isnan(us)[:, None], 0.0, 1.0 - np.abs(u - us[:, None]))
    f_cl = np.where(np.isnan(uc)[:, None], 0.0, 1.0 - np.abs(u - uc[:, None]))
    cw = cap * sal
    cw = np.where((cw.sum(axis=1, keepdims=True) <= 0) & involved, 1.0, cw)
    centre = _weighted_mean(pos, cw)
    ucomp = (centre - low) / span
    f_comp = np.abs(u - ucomp[:, None])
    f_ref = (np.abs(cand - rev[:, None]) <= tol[:, None]).astype(float)
    feats = np.stack([support, closeness, f_setter, f_cl, f_comp, f_ref], axis=2)
    feats = np.where(valid[:, :, None], np.nan_to_num(feats), 0.0)
    return ChoiceData(candidates=cand, features=feats, centre=centre, low=low, high=high)


def choice_data_from_batch(
    batch: Batch,
    setter: np.ndarray | None = None,
    co_legislator: np.ndarray | None = None,
    threshold: np.ndarray | float = 1.0,
) -> ChoiceData:
    """:func:`choice_data` for a batch ``(R, A, I)``: one row per run and issue (run-major, ``R * I`` rows).

    Args:
        batch: the runs.
        setter: ``(R, A)`` or ``(A,)`` bool marking the agenda setter (None: no setter feature).
        co_legislator: ``(R, A)`` or ``(A,)`` bool marking the co-legislator; it counts only where it holds a veto.
        threshold: ``(R,)`` or scalar share of the voters' weight a proposal needs: 1 means unanimity/consensus.
    """
    r, a, n_i = batch.shape
    cl = np.zeros((r, a), dtype=bool) if co_legislator is None else np.broadcast_to(co_legislator, (r, a))
    st = np.zeros((r, a), dtype=bool) if setter is None else np.broadcast_to(setter, (r, a))
    voters = np.asarray(batch.veto, dtype=bool) & ~np.asarray(batch.chair, dtype=bool) & ~cl  # (R, A)
    cl_pos = _actor_position(batch.positions, cl & np.asarray(batch.veto, dtype=bool))
    st_pos = _actor_position(batch.positions, st)
    unan = np.broadcast_to(np.asarray(threshold, dtype=float) >= 1.0 - 1e-12, (r,))

    def rows(x: np.ndarray) -> np.ndarray:  # (R, A, I) -> (R*I, A)
        return np.moveaxis(x, 2, 1).reshape(r * n_i, a)

    return choice_data(
        positions=rows(batch.positions),
        salience=rows(batch.salience),
        capability=rows(np.broadcast_to(batch.capability[:, :, None], batch.positions.shape)),
        voters=rows(np.broadcast_to(voters[:, :, None], batch.positions.shape)),
        setter=st_pos.reshape(-1),
        colegislator=cl_pos.reshape(-1),
        reversion=np.broadcast_to(batch.reversion, (r, n_i)).reshape(-1),
        unanimity=np.repeat(unan, n_i),
        low=np.tile(batch.low, r),
        high=np.tile(batch.high, r),
    )


# ------------------------------------------------------------------------------------------------ likelihood


def _classes(data: ChoiceData, y: np.ndarray) -> np.ndarray:
    """``(m,)`` index of the candidate each outcome sits on (within tol; the nearest), -1 for "between"."""
    d = np.abs(data.candidates - np.asarray(y, dtype=float)[:, None])
    d = np.where(np.isnan(d), np.inf, d)
    k = np.argmin(d, axis=1)
    return np.where(d[np.arange(len(k)), k] <= data.tol, k, -1)


def _softmax(data: ChoiceData, beta: np.ndarray) -> np.ndarray:
    util = np.where(data.valid, data.features @ beta, -np.inf)
    top = util.max(axis=1, keepdims=True)
    e = np.exp(util - np.where(np.isfinite(top), top, 0.0))
    with np.errstate(invalid="ignore"):  # a row with no candidate (no actor takes part): NaN, not a warning
        return np.asarray(e / e.sum(axis=1, keepdims=True))


def _trunc_normal_logpdf(u: np.ndarray, mu: np.ndarray, sigma: float) -> np.ndarray:
    """Log density on [0, 1] of N(mu, sigma^2) truncated to [0, 1], at u (all on the unit scale)."""
    from scipy.special import ndtr

    z = (u - mu) / sigma
    mass = ndtr((1.0 - mu) / sigma) - ndtr((0.0 - mu) / sigma)
    return np.asarray(-0.5 * z**2 - np.log(sigma * np.sqrt(2.0 * np.pi)) - np.log(np.maximum(mass, 1e-300)))


def _window_mass(data: ChoiceData, sigma: float) -> np.ndarray:
    """``(m, C)`` the continuous part's probability within ``tol`` of each candidate (0 on padding)."""
    from scipy.special import ndtr

    mu = ((data.centre - data.low) / data.span)[:, None]
    lo_u = np.clip((data.candidates - data.low[:, None] - data.tol[:, None]) / data.span[:, None], 0.0, 1.0)
    hi_u = np.clip((data.candidates - data.low[:, None] + data.tol[:, None]) / data.span[:, None], 0.0, 1.0)
    total = ndtr((1.0 - mu) / sigma) - ndtr(-mu / sigma)
    w = (ndtr((hi_u - mu) / sigma) - ndtr((lo_u - mu) / sigma)) / np.maximum(total, 1e-300)
    return np.asarray(np.where(data.valid, np.nan_to_num(w), 0.0))


def fit(data: ChoiceData, y: np.ndarray, priors: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """MAP estimates of ``beta``, ``pi`` and ``sigma`` on the rows with an outcome (module docstring).

    An outcome within ``tol`` of candidate ``k`` has likelihood ``(1 - pi) p_k + pi W_k`` (``W_k`` the continuous
    part's mass within ``tol`` of it: the class probability, so the fit and the log score use the same classes);
    any other outcome ``pi g(y)``. Start: the separable approximation (``W = 0``: the candidate rows inform
    ``beta``, the count of the others ``pi`` and their positions ``sigma``); then the joint log posterior is
    maximised with L-BFGS from there.
    """
    from scipy.optimize import minimize, minimize_scalar

    pr = dict(PRIORS if priors is None else priors)
    y = np.asarray(y, dtype=float)
    ok = ~np.isnan(y)
    d, yy = data.take(np.flatnonzero(ok)), y[ok]
    if len(yy) == 0:
        raise BadInput("the choice model needs at least one issue with an outcome to fit")
    k = _classes(d, yy)
    on = k >= 0
    x_on = d.take(np.flatnonzero(on))
    k_on = k[on]
    rows = np.arange(len(k_on))
    chosen = x_on.features[rows, k_on]  # (n_on, F)
    b_mu, b_sd = pr["beta"]
    a_mu, a_sd = pr["logit_pi"]
    s_mu, s_sd = pr["log_sigma"]
    off = d.take(np.flatnonzero(~on))
    u_off = (yy[~on] - off.low) / off.span
    mu_off = (off.centre - off.low) / off.span
    n_between, n_total = int((~on).sum()), len(yy)

    def neg_beta(beta: np.ndarray) -> tuple[float, np.ndarray]:
        p = _softmax(x_on, beta)
        ll = np.log(np.maximum(p[rows, k_on], 1e-300)).sum()
        grad = (chosen - (p[:, :, None] * x_on.features).sum(axis=1)).sum(axis=0)
        lp = -0.5 * np.sum((beta - b_mu) ** 2) / b_sd**2
        return float(-(ll + lp)), -(grad - (beta - b_mu) / b_sd**2)

    def neg_alpha(alpha: float) -> float:
        log_pi, log_1mpi = -np.logaddexp(0.0, -alpha), -np.logaddexp(0.0, alpha)
        return -(n_between * log_pi + (n_total - n_between) * log_1mpi - 0.5 * ((alpha - a_mu) / a_sd) ** 2)

    def neg_sigma(log_s: float) -> float:
        ll = _trunc_normal_logpdf(u_off, mu_off, float(np.exp(log_s))).sum() if len(u_off) else 0.0
        return float(-(ll - 0.5 * ((log_s - s_mu) / s_sd) ** 2))

    beta0 = np.asarray(minimize(neg_beta, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B").x)
    alpha0 = float(minimize_scalar(neg_alpha, bounds=(-12.0, 12.0), method="bounded").x)
    log_s0 = float(minimize_scalar(neg_sigma, bounds=(np.log(1e-3), np.log(5.0)), method="bounded").x)
    n_f = len(FEATURES)

    def neg_joint(theta: np.ndarray) -> float:
        beta, alpha, log_s = theta[:n_f], theta[n_f], theta[n_f + 1]
        sigma = float(np.exp(log_s))
        log_pi, log_1mpi = -np.logaddexp(0.0, -alpha), -np.logaddexp(0.0, alpha)
        p = _softmax(x_on, beta)[rows, k_on]
        w = _window_mass(x_on, sigma)[rows, k_on]
        with np.errstate(divide="ignore"):
            ll_on = np.logaddexp(log_1mpi + np.log(np.maximum(p, 1e-300)), log_pi + np.log(w)).sum()
        ll_off = n_between * log_pi + (_trunc_normal_logpdf(u_off, mu_off, sigma).sum() if len(u_off) else 0.0)
        lp = (
            -0.5 * np.sum((beta - b_mu) ** 2) / b_sd**2
            - 0.5 * ((alpha - a_mu) / a_sd) ** 2
            - 0.5 * ((log_s - s_mu) / s_sd) ** 2
        )
        return float(-(ll_on + ll_off + lp))

    bounds = [(None, None)] * n_f + [(-12.0, 12.0), (np.log(1e-3), np.log(5.0))]
    res = minimize(neg_joint, np.r_[beta0, alpha0, log_s0], method="L-BFGS-B", bounds=bounds)
    beta, alpha, log_sigma = np.asarray(res.x[:n_f]), float(res.x[n_f]), float(res.x[n_f + 1])
    return {
        "coefficients": {f: float(b) for f, b in zip(FEATURES, beta, strict=True)},
        "pi": float(1.0 / (1.0 + np.exp(-alpha))),
        "sigma": float(np.exp(log_sigma)),
        "n": n_total,
        "n_on_candidate": n_total - n_between,
        "converged": bool(res.success),
        "log_posterior": float(-res.fun),
        "priors": {key: [float(v) for v in val] for key, val in pr.items()},
    }


def load_params() -> dict[str, Any]:
    """The shipped parameters: ``coefficients`` (feature -> beta), ``pi``, ``sigma``, the fit and CV figures."""
    return shipped_params("choice")


def _beta(params: Mapping[str, Any]) -> np.ndarray:
    coef = params["coefficients"]
    unknown = set(coef) - set(FEATURES)
    if unknown:
        raise BadInput(f"unknown choice feature(s) {sorted(unknown)}; valid: {', '.join(FEATURES)}")
    return np.array([float(coef.get(f, 0.0)) for f in FEATURES])


def distribution(
    data: ChoiceData, params: Mapping[str, Any] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Atoms of the predictive distribution: ``values``, ``weights`` ``(m, C + GRID_BINS)``, and the candidate
    class masses ``(m, C)`` and "between" mass ``(m,)`` (the continuous part's mass within ``tol`` of a candidate
    is counted in that candidate's class)."""
    from scipy.special import ndtr

    p = load_params() if params is None else params
    beta, pi, sigma = _beta(p), float(p["pi"]), float(p["sigma"])
    if not (0.0 <= pi <= 1.0 and sigma > 0):
        raise BadInput(f"choice parameters: pi must be in [0, 1] and sigma > 0, got pi={pi}, sigma={sigma}")
    prob = np.where(data.valid, _softmax(data, beta), 0.0)
    edges = np.linspace(0.0, 1.0, GRID_BINS + 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    mu = ((data.centre - data.low) / data.span)[:, None]
    cdf = ndtr((edges[None, :] - mu) / sigma)
    bins = np.diff(cdf, axis=1)
    bins = bins / np.maximum(bins.sum(axis=1, keepdims=True), 1e-300)
    grid = data.low[:, None] + mid[None, :] * data.span[:, None]
    values = np.concatenate([data.candidates, grid], axis=1)
    weights = np.concatenate([(1.0 - pi) * prob, pi * bins], axis=1)
    # class masses: the candidate's point mass plus the continuous mass within tol of it
    cmass = np.where(data.valid, (1.0 - pi) * prob + pi * _window_mass(data, sigma), np.nan)
    between = 1.0 - np.nansum(cmass, axis=1)
    return values, weights, cmass, between


def predictive_from_data(
    data: ChoiceData,
    params: Mapping[str, Any] | None = None,
    issues: Sequence[str] | np.ndarray | None = None,
    levels: Sequence[float] | None = None,
) -> Predictive:
    """The model's own :class:`~alliance.negotiation.prediction.Predictive` for every row of ``data``."""
    from alliance.negotiation.backtest.scoring_rules import LEVELS, central_interval, quantiles
    from alliance.negotiation.prediction import Predictive

    values, weights, cmass, between = distribution(data, params)
    point = quantiles(values, weights, 0.5)[:, 0]
    lv = LEVELS if levels is None else tuple(levels)
    return Predictive(
        model="choice",
        kind="choice",
        values=values,
        weights=weights,
        point=point,
        low=data.low,
        high=data.high,
        intervals={float(x): central_interval(values, weights, x) for x in lv},
        issues=np.asarray(issues if issues is not None else np.arange(len(point)).astype(str), dtype=object),
        candidates=data.candidates,
        candidate_mass=cmass,
        between_mass=between,
        tol=data.tol,
        info={"specification": "choice-v1"},
    )


def _scenario_masks(scenario: Scenario) -> tuple[np.ndarray | None, np.ndarray | None, float]:
    """Setter and co-legislator masks from the scenario's metadata, and the rule's threshold (1 = unanimity)."""
    from alliance.negotiation.models.procedural import rule_threshold

    names = scenario.actor_names

    def mask(key: str) -> np.ndarray | None:
        who = scenario.metadata.get(key)
        if not who or str(who) not in names:
            return None
        return np.array([n == str(who) for n in names])

    share, _ = rule_threshold(scenario)
    return mask("agenda_setter"), mask("co_legislator"), share


def _data(scenario: Scenario) -> ChoiceData:
    setter, colegis, share = _scenario_masks(scenario)
    return choice_data_from_batch(batch_from_scenario(scenario), setter, colegis, share)


def predictive(scenario: Scenario, params: Mapping[str, Any] | None = None) -> Predictive:
    """The model's predictive distribution for every issue of ``scenario`` (shipped parameters by default)."""
    return predictive_from_data(_data(scenario), params, issues=list(scenario.issue_names))


@in_chunks(1 << 13)
def solve_batch(batch: Batch, params: Mapping[str, Any] | None = None) -> BatchOutcome:
    """Forecasts ``(R, I)`` of a batch, the predictive medians (the model never predicts a deadlock).

    The setter and co-legislator features come from ``batch.agenda_setter`` and ``batch.co_legislator``
    (``batch_from_scenario`` reads ``metadata["agenda_setter"]`` and ``["co_legislator"]``, as :func:`solve`
    does), the unanimity feature from the batch's rule (``batch.procedure()``).
    """
    from alliance.negotiation.backtest.scoring_rules import quantiles

    values, weights = distribution_batch(batch, params)
    r, _, n_i = batch.shape
    return BatchOutcome.of("choice", np.asarray(quantiles(values, weights, 0.5)[:, 0].reshape(r, n_i)))


def distribution_batch(batch: Batch, params: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The atoms ``(values, weights)`` of the predictive distribution of every run and issue of a batch, one row
    per ``(run, issue)`` in that order (run-major), as :func:`distribution`; features as in :func:`solve_batch`."""
    threshold, _ = batch.procedure()
    data = choice_data_from_batch(batch, batch.agenda_setter, batch.co_legislator, threshold)
    values, weights, _, _ = distribution(data, params)
    return values, weights


def solve(scenario: Scenario, params: Mapping[str, Any] | None = None) -> ModelOutcome:
    """The median of the discrete-choice predictive distribution, per issue (module docstring).

    Args:
        scenario: the scenario. ``metadata["agenda_setter"]`` and ``metadata["co_legislator"]`` name the setter and
            the co-legislator (DEU scenarios set both); without them those features are neutral.
        params: parameters (default: the shipped ``params/choice.json``).
    """
    pred = predictive(scenario, params)
    setter, colegis, share = _scenario_masks(scenario)
    neutral = [name for name, m in (("setter", setter), ("colegislator", colegis)) if m is None]
    notes: dict[str, str] = {}
    for j, issue in enumerate(scenario.issue_names):
        if np.isnan(pred.point[j]):
            notes[issue] = "no actor takes part in this issue"
        elif neutral:
            notes[issue] = f"neutral feature(s): {', '.join(neutral)} (no such actor named in the scenario)"
    details = {
        "candidates": {issue: [float(c) for c in pred.candidates[j] if not np.isnan(c)]  # type: ignore[index]
                       for j, issue in enumerate(scenario.issue_names)},
        "p_between": {issue: float(pred.between_mass[j]) for j, issue in enumerate(scenario.issue_names)},  # type: ignore[index]
        "unanimity": share >= 1.0,
    }  # fmt: skip
    return ModelOutcome(model="choice", outcome=pred.point, notes=notes, details=details)
