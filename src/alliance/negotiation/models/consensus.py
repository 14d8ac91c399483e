"""The consensus model: the win-set of the reversion point, and the chair's proposal within it.

Tsebelis (2002), *Veto Players: How Political Institutions Work*, ch. 1-2: the win-set ``W(SQ)`` is the set of
outcomes every veto player prefers to the status quo; when it holds nothing but the status quo, policy cannot
change (a predicted deadlock), and an agenda setter picks the point of the win-set it likes best (Romer &
Rosenthal 1978). Definitions used here, per issue:

- each actor's *acceptable interval*: its stated ``bounds`` if given; otherwise the points it weakly prefers to
  the reversion point ``d`` under linear single-peaked preferences, ``|x - x_i| <= |d - x_i|``, i.e.
  ``[x_i - |d - x_i|, x_i + |d - x_i|]``, clipped to the scale;
- ``consensus``: the win-set is the intersection of the veto actors' intervals, ``[max lo_i, min hi_i]``. It is
  empty only when stated bounds exclude each other. Intervals on a line intersect iff every pair does (Helly),
  so the actors with the highest lower end and the lowest upper end form a minimal set whose intervals have
  no common point: they are reported as ``deadlock_by`` (with ties, all actors at that end). Removing one of
  them may still leave a deadlock if others conflict too; the forecast's pivotal analysis says who would.
  If the win-set is the single point ``d`` the status quo holds (noted: veto actors sit on both sides of it);
- ``qmv``: the win-set is the set of points accepted by a qualified majority of the voting actors (all except
  the chair), by capability share and/or by count share (``rule.capability_threshold``/``count_threshold``);
  it is a union of intervals; empty -> deadlock, caused by the actors who reject the best-supported point;
- outcome: the point of the win-set closest to the chair's position (Romer-Rosenthal agenda setter), or, if
  there is no chair or it takes no position on the issue, closest to the compromise (capability x salience
  weighted mean).
Without a reversion point an actor with no stated bounds has no acceptable interval: the issue is NaN, noted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, in_chunks, safe_weights
from alliance.negotiation.models.compromise import compromise_kernel
from alliance.negotiation.scenario import DecisionRule, Scenario

__all__ = ["WinSet", "acceptable_intervals", "solve", "solve_batch", "winset_batch"]

_TOL = 1e-9


def acceptable_intervals(batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    """``(R, A, I)`` ends of each actor's acceptable interval (NaN where unknown or not involved)."""
    x = batch.positions
    d = batch.reversion[:, None, :]
    r = np.abs(d - x)
    lo = np.maximum(x - r, batch.low[None, None, :])
    hi = np.minimum(x + r, batch.high[None, None, :])
    has_b = ~np.isnan(batch.lower_bound) & ~np.isnan(batch.upper_bound)
    lo = np.where(has_b, batch.lower_bound, lo)
    hi = np.where(has_b, batch.upper_bound, hi)
    involved = batch.mask
    return np.where(involved, lo, np.nan), np.where(involved, hi, np.nan)


def _target(batch: Batch) -> np.ndarray:
    """``(R, I)`` the proposer's ideal point: the chair's if it takes part, else the compromise."""
    comp = compromise_kernel(batch.positions, safe_weights(batch, "cs"))
    chair_pos = np.where(batch.chair[:, :, None], batch.positions, np.nan)
    has_chair = (~np.isnan(chair_pos)).any(axis=1)
    chair_x = np.nanmax(np.where(np.isnan(chair_pos), -np.inf, chair_pos), axis=1)
    return np.where(has_chair, chair_x, comp)


@dataclass(frozen=True)
class WinSet:
    """Batch win-sets. ``outcome`` ``(R, I)``; ``lower``/``upper`` the hull of the win-set (NaN if empty or
    unknown); ``known`` where it could be computed; ``empty`` a predicted deadlock; ``blocking`` ``(R, A, I)``
    the actors that make it empty."""

    outcome: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    known: np.ndarray
    empty: np.ndarray
    blocking: np.ndarray
    pieces: np.ndarray  # (R, P, 2, I) qualifying closed segments [lo, hi] (NaN rows unused); consensus: P = 1


def _consensus(batch: Batch, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> WinSet:
    veto = batch.mask & batch.veto[:, :, None]
    unknown = (veto & np.isnan(lo)).any(axis=1)
    big_l = np.where(veto, lo, -np.inf).max(axis=1)
    big_u = np.where(veto, hi, np.inf).min(axis=1)
    big_l = np.maximum(big_l, batch.low[None, :])
    big_u = np.minimum(big_u, batch.high[None, :])
    empty = (big_l > big_u + _TOL) & ~unknown
    known = ~unknown
    blocking = (
        veto & ((np.abs(lo - big_l[:, None, :]) <= _TOL) | (np.abs(hi - big_u[:, None, :]) <= _TOL)) & empty[:, None, :]
    )
    ok = known & ~empty
    out = np.where(ok, np.clip(target, big_l, np.maximum(big_l, big_u)), np.nan)
    wl, wu = np.where(ok, big_l, np.nan), np.where(ok, np.maximum(big_l, big_u), np.nan)
    pieces = np.stack([wl, wu], axis=1)[:, None, :, :]
    return WinSet(out, wl, wu, known, empty, blocking, pieces)


def _qmv(batch: Batch, rule: DecisionRule, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> WinSet:
    voters = batch.mask & ~batch.chair[:, :, None]
    unknown = (voters & np.isnan(lo)).any(axis=1)
    cap = np.where(voters, batch.capability[:, :, None], 0.0)
    cap_total = cap.sum(axis=1)
    n_total = voters.sum(axis=1)
    ct = rule.capability_threshold
    nt = rule.count_threshold
    if ct is None and nt is None:
        nt = 0.5
    # candidate points: every interval end (sorted) and the midpoints between consecutive ends
    ends = np.concatenate([np.where(voters, lo, np.nan), np.where(voters, hi, np.nan)], axis=1)
    ends = np.sort(ends, axis=1)  # NaN last
    mids = 0.5 * (ends[:, :-1, :] + ends[:, 1:, :])

    def qualifies(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pts = p[:, :, None, :]  # (R, P, 1, I)
        acc = voters[:, None, :, :] & (lo[:, None] <= pts + _TOL) & (pts <= hi[:, None] + _TOL)
        c_share = np.where(acc, cap[:, None], 0.0).sum(axis=2) / np.where(cap_total > 0, cap_total, 1.0)[:, None]
        n_share = acc.sum(axis=2) / np.maximum(n_total, 1)[:, None]
        q = ~np.isnan(p)
        if ct is not None:
            q &= c_share >= ct - _TOL
        if nt is not None:
            q &= n_share >= nt - _TOL
        return q, acc

    q_end, acc_end = qualifies(ends)
    q_mid, _ = qualifies(mids)
    seg_lo = np.concatenate([ends, ends[:, :-1]], axis=1)
    seg_hi = np.concatenate([ends, ends[:, 1:]], axis=1)
    q_all = np.concatenate([q_end, q_mid], axis=1)
    seg_lo, seg_hi = np.where(q_all, seg_lo, np.nan), np.where(q_all, seg_hi, np.nan)
    t = target[:, None, :]
    cand = np.clip(t, seg_lo, seg_hi)
    dist = np.where(q_all, np.abs(cand - t), np.inf)
    best = np.argmin(dist, axis=1)[:, None, :]
    out = np.take_along_axis(cand, best, axis=1)[:, 0, :]
    empty = ~q_all.any(axis=1) & ~unknown
    known = ~unknown
    ok = known & ~empty
    out = np.where(ok, out, np.nan)
    wl = np.where(ok, np.nanmin(np.where(q_all, seg_lo, np.inf), axis=1), np.nan)
    wu = np.where(ok, np.nanmax(np.where(q_all, seg_hi, -np.inf), axis=1), np.nan)
    # deadlock: the voters who reject the best-supported interval end
    support = np.where(acc_end, cap[:, None], 0.0).sum(axis=2) + acc_end.sum(axis=2) * 1e-12
    top = np.argmax(np.where(np.isnan(ends), -np.inf, support), axis=1)[:, None, None, :]
    acc_top = np.take_along_axis(
        acc_end, np.broadcast_to(top, (*top.shape[:2], acc_end.shape[2], top.shape[3])), axis=1
    )[:, 0]
    blocking = voters & ~acc_top & empty[:, None, :]
    pieces = np.stack([seg_lo, seg_hi], axis=2)
    return WinSet(out, wl, wu, known, empty, blocking, pieces)


def winset_batch(batch: Batch, rule: DecisionRule | None = None) -> WinSet:
    """Win-sets and chair proposals of a batch under ``rule`` (default: the batch's own rule)."""
    rule = rule or batch.rule
    lo, hi = acceptable_intervals(batch)
    target = _target(batch)
    if rule.kind == "qmv":
        return _qmv(batch, rule, lo, hi, target)
    return _consensus(batch, lo, hi, target)


def _rule(rule: str | None, own: DecisionRule) -> DecisionRule:
    if rule not in (None, "consensus"):
        raise BadInput(f"consensus: unknown rule {rule!r}; valid: consensus (default: the scenario's own rule)")
    return DecisionRule() if rule == "consensus" else own


@in_chunks(1 << 15)
def solve_batch(batch: Batch, rule: str | None = None) -> BatchOutcome:
    """The chair's proposal within the win-set, per run and issue; ``no_agreement`` where the win-set is empty.

    ``rule="consensus"`` forces unanimity of the veto actors (default: ``batch.rule``, the scenario's). The
    outcome is NaN for a deadlock or an unknown win-set (no reversion point).
    """
    ws = winset_batch(batch, _rule(rule, batch.rule))
    return BatchOutcome.of("consensus", ws.outcome, ws.empty)


def _merge(pieces: np.ndarray) -> list[list[float]]:
    """Qualifying closed segments ``(P, 2)`` -> sorted disjoint intervals."""
    segs = sorted((float(a), float(b)) for a, b in pieces if not np.isnan(a))
    out: list[list[float]] = []
    for a, b in segs:
        if out and a <= out[-1][1] + _TOL:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def solve(scenario: Scenario, rule: str | None = None) -> ModelOutcome:
    """The win-set of the reversion point and the chair's proposal within it, per issue.

    Args:
        scenario: the scenario; its ``rule`` (consensus or qmv) applies.
        rule: ``consensus`` to force unanimity of the veto actors on a qmv scenario (default: the scenario's).

    Details: ``winset`` (issue -> list of ``[lo, hi]`` intervals; ``[]`` for a deadlock), ``deadlock_by``
    (issue -> actor names, for deadlocks), ``proposer`` (issue -> the chair's name or ``compromise``).
    """
    dr = _rule(rule, scenario.rule)
    batch = batch_from_scenario(scenario)
    ws = winset_batch(batch, dr)
    names = scenario.actor_names
    chair_pos = np.where(batch.chair[0][:, None], batch.positions[0], np.nan)
    notes: dict[str, str] = {}
    winset: dict[str, list[list[float]] | None] = {}
    deadlock_by: dict[str, list[str]] = {}
    proposer: dict[str, str] = {}
    chair_name = next((names[k] for k in range(len(names)) if batch.chair[0, k]), None)
    for j, issue in enumerate(scenario.issue_names):
        proposer[issue] = chair_name if chair_name and not np.isnan(chair_pos[:, j]).all() else "compromise"
        if not batch.mask[0, :, j].any():
            notes[issue] = "no actor takes part in this issue"
            winset[issue] = None
        elif not ws.known[0, j]:
            notes[issue] = "the win-set needs a reversion point (or bounds for every actor); none is given"
            winset[issue] = None
        elif ws.empty[0, j]:
            blockers = [names[k] for k in np.flatnonzero(ws.blocking[0, :, j])]
            deadlock_by[issue] = blockers
            winset[issue] = []
            notes[issue] = f"deadlock: the win-set is empty ({', '.join(blockers)} accept no common point)"
        else:
            winset[issue] = _merge(ws.pieces[0, :, :, j])
            lo, hi = float(ws.lower[0, j]), float(ws.upper[0, j])
            d = float(batch.reversion[0, j])
            if hi - lo <= _TOL and abs(lo - d) <= _TOL:
                notes[issue] = "the win-set is only the reversion point: the status quo holds"
    details = {"rule": dr.kind, "winset": winset, "deadlock_by": deadlock_by, "proposer": proposer}
    return ModelOutcome(model="consensus", outcome=ws.outcome[0], notes=notes, details=details)
