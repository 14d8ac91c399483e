"""The asymmetric Nash bargaining solution on each issue, faithful to the scenario's decision rule.

Nash (1950), "The bargaining problem", *Econometrica* 18(2); the asymmetric (weighted) form is due to Kalai
(1977), "Nonsymmetric Nash solutions and replications of 2-person bargaining", *Int. J. Game Theory* 6(3).
Applied to EU legislation, with players weighted by salience and by power resources, by Schneider, Finke &
Bailer (2010), "Bargaining power in the European Union: an evaluation of competing game-theoretic models",
*Political Studies* 58(1); by Bailer & Schneider (2006), "Nash versus Schelling? The importance of constraints
in legislative bargaining", in Thomson et al., *The European Union Decides*; and by Achen (2006),
"Institutional realism and bargaining models", ch. 4 of the same book. Details and DEU figures:
docs/negotiation.md.

Common to both rules, per issue: utility is linear loss ``u_i(x) = -|x - x_i|`` (the usual DEU choice);
weights ``w_i`` = capability x salience (normalisation does not change the maximiser); the outcome is
``argmax_x sum_i w_i log(u_i(x) - u_i(d_i))`` over the feasible set, where ``d_i`` is player ``i``'s
disagreement outcome. What the rule changes is who must consent, hence the feasible set and each ``d_i``.

**Consensus (unanimity; the issue-3 specification, unchanged).** Players: the actors with a veto who take part
(all participants if none has one). Every player can secure the reversion point ``d`` by vetoing, so ``d_i = d``
for all, and the feasible set is the points every player weakly prefers to ``d`` (``|x - x_i| <= |d - x_i|``),
intersected with stated bounds: an interval ``[L, U]``. A player sitting on ``d``, or players on both sides of
it, make it the single point ``d`` (noted): unanimity protects the status quo.

**Qualified majority (``rule.kind == "qmv"``).** Players: the voters (every involved actor except the chair,
as in the qmv win-set of :mod:`~alliance.negotiation.models.consensus`). No voter can secure ``d`` alone: a
qualified majority can enact any point of the win-set ``W(d)`` (the points that a qualified majority accepts
over ``d``; computed by :func:`~alliance.negotiation.models.consensus.winset_batch`, so both models share one
definition). Hence

- feasible set: ``W(d)`` (a union of intervals; empty -> deadlock, NaN, noted);
- disagreement: each player's *security level*, the worst outcome the rule lets the others impose on it,
  ``u_i(d_i) = min over y in W(d) + {d} of u_i(y)``, i.e. ``|d_i - x_i| = r_i = max(|d - x_i|, |lo - x_i|,
  |hi - x_i|)`` with ``[lo, hi]`` the hull of ``W(d)``. Taking the players' security (maximin) levels as the
  disagreement point is the classical choice when no player can enforce a status quo of its own (Luce &
  Raiffa 1957, *Games and Decisions*, ch. 6; Nash 1953, "Two-person cooperative games", *Econometrica* 21(1),
  on threat points). An actor whose support every qualified majority needs (a de-facto veto) gets
  ``d_i = d`` exactly, as under unanimity; an outvoted actor's fallback is the worst enactable point, the
  "disagreement unattractive to all" case in which Achen (2006, ch. 4) shows the Nash solution is pulled
  into the interior, towards a weighted centre of the positions, instead of collapsing onto ``d``.

Without stated bounds this reduces to the unanimity definition when the threshold requires every voter (then
``W(d)`` is the unanimity set and every ``r_i = |d - x_i|``); tested.

Why not the alternatives (see docs/negotiation.md): a Nash product over only the actors who gain at ``x``
changes its set of factors with ``x``, so its maximiser depends on the unit of utility (gains on 0-100 vs 0-1
favour larger vs smaller coalitions), which Nash's scale-invariance axiom forbids; Achen's "disagreement far
away" variant (every ``d_i`` at the scale's worst point) ignores both the reference point and the voting rule.
The definition was chosen on these grounds before it was scored on DEU; it has no free parameter.

Exactness: every gain ``g_i(x) = r_i - |x - x_i|`` is concave and non-negative on the hull of the feasible set,
so the log objective is concave there and its derivative ``sum_i -w_i sign(x - x_i) / g_i(x)`` decreasing. We
bisect on the sign of the derivative for 100 halvings (the maximiser to the last bit of a double, no grid).
Under qmv the win-set may have gaps: the unconstrained maximiser ``x*`` on its hull is found first and, by
concavity, the best feasible point is the point of some win-set piece nearest to ``x*`` (on one side or the
other); the objective is evaluated at each piece's point nearest ``x*`` and the best is taken (ties: nearest to
``x*``, then lowest). Without a reversion point the outcome is NaN (noted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, in_chunks, safe_weights
from alliance.negotiation.models.consensus import WinSet, winset_batch
from alliance.negotiation.scenario import DecisionRule, Scenario

__all__ = [
    "QmvNash",
    "feasible_interval",
    "nash_kernel",
    "players",
    "qmv_nash",
    "solve",
    "solve_batch",
]

_ITERATIONS = 100
_TOL = 1e-12


def players(batch: Batch) -> np.ndarray:
    """``(R, A, I)`` True for the consensus players: involved veto actors (all involved if none has a veto)."""
    mask = batch.mask
    vp = mask & batch.veto[:, :, None]
    return np.where(vp.any(axis=1, keepdims=True), vp, mask)


def feasible_interval(batch: Batch, play: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(R, I)`` ends ``L, U`` of the unanimity feasible set (NaN where the reversion point is unknown)."""
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
    positions: np.ndarray,
    w: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    reversion: np.ndarray,
    reach: np.ndarray | None = None,
) -> np.ndarray:
    """Maximise ``sum_i w_i log(r_i - |x - x_i|)`` over ``[lower, upper]`` by bisection.

    Args:
        positions: ``(R, A, I)``, NaN for non-players.
        w: ``(R, A, I)`` weights, zero for non-players.
        lower, upper: ``(R, I)`` the interval (NaN where unknown; ``lower > upper`` means empty).
        reversion: ``(R, I)`` the reversion point ``d``.
        reach: ``(R, A, I)`` each player's distance ``r_i = |d_i - x_i|`` to its disagreement outcome; default
            ``|d - x_i|`` (everyone's disagreement outcome is ``d``, the unanimity case).

    Returns:
        ``(R, I)`` the maximiser; NaN where the interval is empty or unknown.
    """
    play = ~np.isnan(positions) & (w > 0)
    x = np.where(play, positions, 0.0)
    r = np.abs(reversion[:, None, :] - x) if reach is None else np.where(play, reach, 0.0)
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


def _unanimity(batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    """``(R, I)`` the solution and where the feasible set is empty (a deadlock)."""
    play = players(batch)
    w = np.where(play, safe_weights(batch, "cs"), 0.0)
    lower, upper = feasible_interval(batch, play)
    out = nash_kernel(np.where(play, batch.positions, np.nan), w, lower, upper, batch.reversion)
    return out, lower > upper + _TOL


@dataclass(frozen=True)
class QmvNash:
    """Nash bargaining over a qmv win-set, for a batch.

    Attributes:
        outcome: ``(R, I)`` the solution; NaN for a deadlock (empty win-set) or an unknown one.
        winset: the qmv win-set of the reversion point (:class:`~alliance.negotiation.models.consensus.WinSet`).
        reach: ``(R, A, I)`` ``r_i``, each voter's distance to its disagreement outcome (NaN for non-voters).
        voters: ``(R, A, I)`` the players.
    """

    outcome: np.ndarray
    winset: WinSet
    reach: np.ndarray
    voters: np.ndarray


def qmv_nash(batch: Batch, rule: DecisionRule) -> QmvNash:
    """Nash bargaining among the voters over the qmv win-set, disagreement at security levels (module doc)."""
    ws = winset_batch(batch, rule)
    voters = batch.mask & ~batch.chair[:, :, None]
    w = np.where(voters, safe_weights(batch, "cs"), 0.0)
    no_weight = w.sum(axis=1, keepdims=True) <= 0
    w = np.where(no_weight & voters, 1.0, w)  # all voters weightless (only the chair weighs): equal weights
    x = np.where(voters, batch.positions, np.nan)
    ok = ws.known & ~ws.empty & ~np.isnan(batch.reversion)
    lo = np.where(ok, ws.lower, np.nan)
    hi = np.where(ok, ws.upper, np.nan)
    d = batch.reversion
    # security level: the worst point of W(d) + {d}; on a line, one of d and the hull ends of W(d)
    reach = np.fmax(np.abs(d[:, None, :] - x), np.fmax(np.abs(lo[:, None, :] - x), np.abs(hi[:, None, :] - x)))
    x_star = nash_kernel(x, w, lo, hi, d, reach=reach)
    # the best feasible point: a piece's point nearest x* (the objective is concave on the hull)
    seg_lo, seg_hi = ws.pieces[:, :, 0, :], ws.pieces[:, :, 1, :]  # (R, P, I), NaN rows unused
    used = ~np.isnan(seg_lo) & ok[:, None, :]
    cand = np.where(used, np.clip(x_star[:, None, :], seg_lo, seg_hi), np.nan)
    play = voters & (w > 0)
    gain = reach[:, None] - np.abs(cand[:, :, None, :] - x[:, None])  # (R, P, A, I)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(play[:, None], w[:, None] * np.log(np.where(gain > 0, gain, 0.0)), 0.0)
    score = np.where(used, logs.sum(axis=2), -np.inf)
    score = np.where(np.isnan(score), -np.inf, score)
    best = score.max(axis=1, keepdims=True)
    top = used & ((score >= best - 1e-12 * np.maximum(1.0, np.abs(best))) | np.isneginf(best))
    dist = np.where(top, np.abs(cand - x_star[:, None, :]), np.inf)
    near = top & (dist <= dist.min(axis=1, keepdims=True) + _TOL)
    out = np.where(near, cand, np.inf).min(axis=1)
    out = np.where(ok & np.isfinite(out), out, np.nan)
    return QmvNash(out, ws, np.where(voters, reach, np.nan), voters)


@in_chunks(1 << 15)
def solve_batch(batch: Batch) -> BatchOutcome:
    """Asymmetric Nash bargaining solutions ``(R, I)`` of a batch under ``batch.rule`` (module docstring).

    ``no_agreement``: the feasible set is empty (stated bounds exclude each other under consensus, an empty
    qmv win-set under qmv); the outcome is NaN there and where no reversion point is known.
    """
    if batch.rule.kind == "qmv":
        res = qmv_nash(batch, batch.rule)
        return BatchOutcome.of("nash", res.outcome, res.winset.empty & res.winset.known)
    out, empty = _unanimity(batch)
    return BatchOutcome.of("nash", out, empty)


def _merge(pieces: np.ndarray) -> list[list[float]]:
    """Closed segments ``(P, 2)`` (NaN rows unused) -> sorted disjoint ``[lo, hi]`` intervals."""
    segs = sorted((float(a), float(b)) for a, b in pieces if not np.isnan(a))
    out: list[list[float]] = []
    for a, b in segs:
        if out and a <= out[-1][1] + 1e-9:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _solve_qmv(scenario: Scenario, batch: Batch) -> ModelOutcome:
    res = qmv_nash(batch, scenario.rule)
    ws = res.winset
    notes: dict[str, str] = {}
    feasible: dict[str, list[list[float]] | None] = {}
    for j, issue in enumerate(scenario.issue_names):
        d = float(batch.reversion[0, j])
        if not res.voters[0, :, j].any():
            notes[issue] = "no voter takes part in this issue"
            feasible[issue] = None
        elif np.isnan(d):
            notes[issue] = "Nash needs a reversion point (disagreement point); none is given for this issue"
            feasible[issue] = None
        elif not ws.known[0, j]:
            notes[issue] = "the qmv win-set is unknown for this issue"
            feasible[issue] = None
        elif ws.empty[0, j]:
            notes[issue] = "deadlock: no point is accepted by a qualified majority (stated bounds exclude each other)"
            feasible[issue] = []
        else:
            feasible[issue] = _merge(ws.pieces[0, :, :, j])
            lo, hi = float(ws.lower[0, j]), float(ws.upper[0, j])
            if hi - lo <= _TOL * max(1.0, abs(hi)) and abs(lo - d) <= 1e-9:
                notes[issue] = "the qmv win-set is only the reversion point: no qualified majority prefers a change"
    details = {"rule": "qmv", "feasible_set": feasible}
    return ModelOutcome(model="nash", outcome=res.outcome[0], notes=notes, details=details)


def solve(scenario: Scenario) -> ModelOutcome:
    """The asymmetric Nash bargaining solution per issue under the scenario's decision rule (module docstring).

    Details: ``rule`` (``consensus`` or ``qmv``) and ``feasible_set`` per issue: ``[L, U]`` under consensus, a
    list of ``[lo, hi]`` intervals (the qmv win-set) under qmv; ``[]`` when empty, None when unknown.
    """
    batch = batch_from_scenario(scenario)
    if scenario.rule.kind == "qmv":
        return _solve_qmv(scenario, batch)
    play = players(batch)
    lower, upper = feasible_interval(batch, play)
    out = _unanimity(batch)[0][0]
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
    return ModelOutcome(model="nash", outcome=out, notes=notes, details={"rule": "consensus", "feasible_set": feasible})
