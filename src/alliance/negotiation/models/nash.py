"""The asymmetric Nash bargaining solution on each issue, with the reversion point as disagreement point.

Nash (1950), "The bargaining problem", *Econometrica* 18(2); the asymmetric (weighted) form is due to Kalai
(1977), "Nonsymmetric Nash solutions and replications of 2-person bargaining", *Int. J. Game Theory* 6(3).
Applied to EU legislation by Schneider, Finke & Bailer (2010), "Bargaining power in the European Union: an
evaluation of competing game-theoretic models", *Political Studies* 58(1), and in Thomson et al. (2006) ch. 5.

Definition used here, per issue:
- players: the actors with a veto who take part in the issue (all participants if none has a veto);
- utility: linear loss ``u_i(x) = -|x - x_i|`` (the usual DEU choice; quadratic loss would pull the solution
  towards the mean); disagreement ``d`` = the issue's reversion point;
- feasible set: points every player weakly prefers to ``d`` (``|x - x_i| <= |d - x_i|``) and, where an actor
  states bounds, within them; on one dimension an interval ``[L, U]``;
- weights ``w_i`` = capability x salience (normalisation does not change the maximiser);
- outcome: ``argmax_x sum_i w_i log(u_i(x) - u_i(d))`` over ``[L, U]``.

Exactness: each gain ``g_i(x) = |d - x_i| - |x - x_i|`` is concave and positive inside ``[L, U]``, so the log
objective is strictly concave there and its derivative ``sum_i -w_i sign(x - x_i) / g_i(x)`` is decreasing. We
bisect on the sign of the derivative for 100 halvings of the interval, which pins the maximiser to the last
bit of a double (no grid). If the feasible set is a single point (the reversion point lies between the
players' ideal points, or a player sits on it), the solution is that point, noted; an empty feasible set
(bounds that exclude each other) gives NaN, noted.
"""

from __future__ import annotations

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, batch_from_scenario, safe_weights
from alliance.negotiation.scenario import Scenario

__all__ = ["feasible_interval", "nash_kernel", "players", "solve", "solve_batch"]

_ITERATIONS = 100
_TOL = 1e-12


def players(batch: Batch) -> np.ndarray:
    """``(R, A, I)`` True for the bargaining players: involved veto actors (all involved if none has a veto)."""
    mask = batch.mask
    vp = mask & batch.veto[:, :, None]
    return np.where(vp.any(axis=1, keepdims=True), vp, mask)


def feasible_interval(batch: Batch, play: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(R, I)`` ends ``L, U`` of the individually rational set (NaN where the reversion point is unknown)."""
    x = batch.positions
    d = batch.reversion[:, None, :]
    r = np.abs(d - x)
    lo = np.where(play, x - r, -np.inf)
    hi = np.where(play, x + r, np.inf)
    lo = np.fmax(lo, np.where(play, batch.lower_bound, -np.inf))  # fmax ignores NaN (no bound stated)
    hi = np.fmin(hi, np.where(play, batch.upper_bound, np.inf))
    big_l = np.maximum(lo.max(axis=1), batch.low[None, :])
    big_u = np.minimum(hi.min(axis=1), batch.high[None, :])
    unknown = np.isnan(batch.reversion)
    return np.where(unknown, np.nan, big_l), np.where(unknown, np.nan, big_u)


def nash_kernel(
    positions: np.ndarray, w: np.ndarray, lower: np.ndarray, upper: np.ndarray, reversion: np.ndarray
) -> np.ndarray:
    """Maximise ``sum_i w_i log(|d - x_i| - |x - x_i|)`` over ``[lower, upper]`` by bisection.

    Args:
        positions: ``(R, A, I)``, NaN for non-players.
        w: ``(R, A, I)`` weights, zero for non-players.
        lower, upper: ``(R, I)`` the feasible interval (NaN where unknown; ``lower > upper`` means empty).
        reversion: ``(R, I)`` the disagreement point.

    Returns:
        ``(R, I)`` the maximiser; NaN where the feasible set is empty or unknown.
    """
    play = ~np.isnan(positions) & (w > 0)
    x = np.where(play, positions, 0.0)
    r = np.abs(reversion[:, None, :] - x)
    a, b = lower.copy(), upper.copy()
    ok = np.isfinite(a) & np.isfinite(b) & (a <= b + _TOL)
    a, b = np.where(ok, a, 0.0), np.where(ok, np.maximum(a, b), 0.0)
    for _ in range(_ITERATIONS):
        mid = 0.5 * (a + b)
        m = mid[:, None, :]
        g = r - np.abs(m - x)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(play & (g > 0), -w * np.sign(m - x) / g, 0.0)
        # a player with g <= 0 at mid (only at an end of [a, b]) pushes inwards, towards its ideal point
        push = np.where(play & (g <= 0), np.sign(x - m), 0.0).sum(axis=1)
        slope = np.where(push > 0, np.inf, np.where(push < 0, -np.inf, terms.sum(axis=1)))
        up = slope > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
    return np.where(ok, 0.5 * (a + b), np.nan)


def solve_batch(batch: Batch) -> np.ndarray:
    """``(R, I)`` asymmetric Nash bargaining solutions of a batch (see module docstring)."""
    play = players(batch)
    w = np.where(play, safe_weights(batch, "cs"), 0.0)
    lower, upper = feasible_interval(batch, play)
    return nash_kernel(np.where(play, batch.positions, np.nan), w, lower, upper, batch.reversion)


def solve(scenario: Scenario) -> ModelOutcome:
    """The asymmetric Nash bargaining solution per issue (Nash 1950; Kalai 1977), reversion as disagreement."""
    batch = batch_from_scenario(scenario)
    play = players(batch)
    lower, upper = feasible_interval(batch, play)
    out = solve_batch(batch)[0]
    notes: dict[str, str] = {}
    feasible: dict[str, list[float] | None] = {}
    for j, issue in enumerate(scenario.issue_names):
        lo, hi = float(lower[0, j]), float(upper[0, j])
        if not play[0, :, j].any():
            notes[issue] = "no actor takes part in this issue"
            feasible[issue] = None
        elif np.isnan(batch.reversion[0, j]):
            notes[issue] = "Nash needs a reversion point (disagreement point); none is given for this issue"
            feasible[issue] = None
        elif lo > hi + _TOL:
            notes[issue] = "feasible set empty: no point is within every player's bounds and preferred to reversion"
            feasible[issue] = []
        else:
            feasible[issue] = [lo, hi]
            if hi - lo <= _TOL * max(1.0, abs(hi)):
                notes[issue] = (
                    f"feasible set is a single point ({lo:g}): no other outcome is at least as good as the "
                    "reversion point for every player"
                )
    return ModelOutcome(model="nash", outcome=out, notes=notes, details={"feasible_set": feasible})


def solve_runs(scenario: Scenario, batch: Batch) -> np.ndarray:
    """``(R, I)`` outcomes of perturbed runs of ``scenario`` (used to find pivotal actors)."""
    return solve_batch(batch)
