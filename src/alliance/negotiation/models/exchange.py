"""The exchange model: equal-gain exchanges of positions between pairs of actors on pairs of issues.

Actors trade support: i gives way on an issue it cares little about in return for j giving way on one that
i cares much about, and both end up better off (Coleman's vote trading, as modelled by Stokman & Van den Bos
1992 and Stokman & Van Oosten 1994; the equal-gain solution of Arregui, Stokman & Thomson 2004, 2006).

Model, per round (all distances on each issue's scale mapped to 0-1, so issues of different units compare):

- The expected outcome of issue ``a`` is the compromise ``O_a = sum_i w_ia x_ia / W_a`` with
  ``w_ia = c_i s_ia`` and ``W_a = sum_i w_ia`` (Stokman & Van Oosten 1994, eq. 1).
- Actor i's loss is ``sum_a s_ia |x_ia - O_a|``. When j shifts its position on ``a`` by ``t``, ``O_a`` moves by
  ``delta_a = t w_ja / W_a``.
- An exchange (i, j, a, b): j moves on ``a`` towards ``x_ia``, i moves on ``b`` towards ``x_jb``. It needs i and
  j on opposite sides of the outcome on both issues, and i to care relatively more about ``a`` and j about
  ``b``: ``s_ia s_jb > s_ib s_ja`` (differing salience ratios). The gains are
  ``G_i = s_ia delta_a - s_ib delta_b`` and ``G_j = s_jb delta_b - s_ja delta_a``.
- Equal gain (Arregui et al. 2006): ``G_i = G_j`` gives ``delta_b / delta_a = (s_ia + s_ja) / (s_ib + s_jb)``
  and ``G = delta_a (s_ia s_jb - s_ib s_ja) / (s_ib + s_jb)``. The exchange is as large as it can be without
  a shift overshooting the other's position (``t <= |x_ia - x_ja|``) and without the outcome passing the
  beneficiary's position (``delta_a <= |x_ia - O_a|``, where the linear gains stop holding).
- Execution rule: candidates are executed in order of gain, highest first; an actor takes part in at most one
  exchange per issue per round (an exchange occupies both its issues for both partners), so every executed
  exchange is valued at the positions the round started from. Then outcomes are recomputed and the next round
  searches again, until no profitable exchange remains or the rounds run out.

The search is vectorised over ordered actor pairs and issue pairs, arrays shaped ``(A, A, I, I)``; only the
executed exchanges are a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance.errors import BadInput
from alliance.negotiation.limits import check_rounds
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, in_chunks
from alliance.negotiation.scenario import Scenario

__all__ = [
    "Candidates",
    "candidates",
    "compromise",
    "exchange_batch",
    "exchange_rounds",
    "find_exchanges",
    "solve",
    "solve_batch",
]

_TOL = 1e-12
_SIDE_TOL = 1e-9  # on the 0-1 scale


def compromise(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean per issue of ``x`` shaped ``(..., A, I)`` with weights ``w`` (0 where absent); NaN if none."""
    mask = ~np.isnan(x)
    ww = np.where(mask, w, 0.0)
    tot = ww.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        num = (ww * np.where(mask, x, 0.0)).sum(axis=-2)
        return np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), np.nan)


@dataclass(frozen=True)
class Candidates:
    """The profitable exchanges of a batch, one entry per candidate ``(run, i, j, a, b)`` with ``i < j``.

    ``gain`` the equal gain of each partner, ``shift_j`` the signed move of j on ``a``, ``shift_i`` that of i on
    ``b`` (0-1 scales); ``outcome`` ``(R, I)`` the compromise the search started from.
    """

    run: np.ndarray
    i: np.ndarray
    j: np.ndarray
    a: np.ndarray
    b: np.ndarray
    gain: np.ndarray
    shift_i: np.ndarray
    shift_j: np.ndarray
    outcome: np.ndarray


def candidates(x: np.ndarray, capability: np.ndarray, salience: np.ndarray) -> Candidates:
    """All profitable equal-gain exchanges at positions ``x`` ``(R, A, I)`` on 0-1 scales (module docstring).

    Only the cells that pass the cheap tests (opposite sides on both issues, ``i < j``, ``a != b``) are
    evaluated, so the cost follows the number of possible exchanges rather than ``R A^2 I^2``.
    """
    mask = ~np.isnan(x)
    s = np.where(mask, np.nan_to_num(salience), 0.0)
    w = np.where(mask, np.nan_to_num(capability)[..., :, None] * s, 0.0)
    xf = np.where(mask, x, 0.0)
    big_w = w.sum(axis=-2)
    out = compromise(x, w)
    of = np.nan_to_num(out)
    # -1 / +1 relative to the outcome; 0 on it (within rounding: an exchange capped by the outcome reaching the
    # beneficiary leaves it exactly there) or absent.
    gap = xf - of[..., None, :]
    side = np.where(mask & (np.abs(gap) > _SIDE_TOL), np.sign(gap), 0.0)
    n_act, n_iss = x.shape[-2:]
    opposite = side[:, :, None, :] * side[:, None, :, :] < 0  # (R, A, A, I)
    # (i, j, a, b) and (j, i, b, a) are the same exchange: keep the one with i < j.
    upper = np.triu(np.ones((n_act, n_act), dtype=bool), k=1)[None, :, :, None, None]
    cell = opposite[..., :, None] & opposite[..., None, :] & upper & ~np.eye(n_iss, dtype=bool)
    r, i, j, a, b = np.nonzero(cell)
    x_ia, x_ja, x_ib, x_jb = xf[r, i, a], xf[r, j, a], xf[r, i, b], xf[r, j, b]
    s_ia, s_ja, s_ib, s_jb = s[r, i, a], s[r, j, a], s[r, i, b], s[r, j, b]
    w_ja, w_ib = w[r, j, a], w[r, i, b]
    w_a, w_b = big_w[r, a], big_w[r, b]
    o_a, o_b = of[r, a], of[r, b]
    cross = s_ia * s_jb - s_ib * s_ja  # > 0: i cares relatively more about a, j about b
    ok = (cross > _TOL) & (w_ja > 0) & (w_ib > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_wa, safe_wb = np.where(w_a > 0, w_a, 1.0), np.where(w_b > 0, w_b, 1.0)
        # Largest outcome moves: no overshoot of the other's position, no outcome past the beneficiary.
        da_max = np.minimum(np.abs(x_ia - x_ja) * w_ja / safe_wa, np.abs(x_ia - o_a))
        db_max = np.minimum(np.abs(x_jb - x_ib) * w_ib / safe_wb, np.abs(x_jb - o_b))
        ratio = (s_ia + s_ja) / np.where(s_ib + s_jb > 0, s_ib + s_jb, 1.0)  # delta_b / delta_a, equal gain
        d_a = np.minimum(da_max, db_max / np.where(ratio > 0, ratio, 1.0))
        d_b = ratio * d_a
        gain = d_a * cross / np.where(s_ib + s_jb > 0, s_ib + s_jb, 1.0)
        ok &= gain > _TOL
        shift_j = np.sign(x_ia - x_ja) * d_a * safe_wa / np.where(w_ja > 0, w_ja, 1.0)
        shift_i = np.sign(x_jb - x_ib) * d_b * safe_wb / np.where(w_ib > 0, w_ib, 1.0)
    return Candidates(r[ok], i[ok], j[ok], a[ok], b[ok], gain[ok], shift_i[ok], shift_j[ok], out)


def find_exchanges(x: np.ndarray, capability: np.ndarray, salience: np.ndarray) -> dict[str, np.ndarray]:
    """All profitable equal-gain exchanges at positions ``x`` (on 0-1 scales), as dense arrays.

    Args:
        x: positions ``(A, I)`` or ``(R, A, I)`` on 0-1, NaN where the actor is not involved.
        capability: ``(A,)`` or ``(R, A)``.
        salience: like ``x``, on 0-1.

    Returns:
        Arrays shaped ``([R,] A, A, I, I)`` indexed ``[i, j, a, b]`` with ``i < j`` (i cares more about ``a``, j
        about ``b``; the same exchange read from j's side is not repeated): ``gain`` (equal gain, 0 where no
        exchange), ``shift_j`` (signed move of j on ``a``), ``shift_i`` (signed move of i on ``b``), and
        ``outcome`` ``([R,] I)``. :func:`candidates` gives the same as a list of the profitable cells.
    """
    single = np.ndim(x) == 2
    xb = np.asarray(x, dtype=float)[None] if single else np.asarray(x, dtype=float)
    cb = np.asarray(capability, dtype=float)[None] if single else np.asarray(capability, dtype=float)
    sb = np.asarray(salience, dtype=float)[None] if single else np.asarray(salience, dtype=float)
    found = candidates(xb, cb, sb)
    n_runs, n_act, n_iss = xb.shape
    dense: dict[str, np.ndarray] = {}
    for key in ("gain", "shift_i", "shift_j"):
        arr = np.zeros((n_runs, n_act, n_act, n_iss, n_iss))
        arr[found.run, found.i, found.j, found.a, found.b] = getattr(found, key)
        dense[key] = arr[0] if single else arr
    dense["outcome"] = found.outcome[0] if single else found.outcome
    return dense


def _scale(
    n_iss: int, low: np.ndarray | float | None, high: np.ndarray | float | None
) -> tuple[np.ndarray, np.ndarray]:
    lo = np.broadcast_to(np.asarray(0.0 if low is None else low, dtype=float), (n_iss,))
    span = np.broadcast_to(np.asarray(1.0 if high is None else high, dtype=float), (n_iss,)) - lo
    return lo, np.where(span > 0, span, 1.0)


def exchange_batch(
    positions: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    rounds: int = 5,
    low: np.ndarray | float | None = None,
    high: np.ndarray | float | None = None,
    *,
    record: bool = False,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Run the exchange model on a batch of runs at once.

    Every run follows the module's execution rule on its own; the search is vectorised over runs, actor pairs
    and issue pairs, and the greedy execution is one step per executed exchange for all runs together (a run
    with no profitable exchange left stops changing).

    Args:
        positions: ``(R, A, I)``, NaN where the actor is not involved.
        capability: ``(R, A)``.
        salience: ``(R, A, I)`` on 0-1.
        rounds: maximum rounds of exchanges.
        low, high: issue scale ends (scalar or ``(I,)``); distances are divided by ``high - low``. Default 0-1.
        record: also list the executed exchanges (dicts as in :func:`exchange_rounds`, with the ``run``).

    Returns:
        ``(positions_by_round, exchanges)``: ``(R, rounds_run + 1, A, I)`` on the issues' own scales (rounds
        after the last exchange of every run are not repeated) and the exchanges (empty unless ``record``).
    """
    x = np.asarray(positions, dtype=float)
    c = np.asarray(capability, dtype=float)
    s = np.asarray(salience, dtype=float)
    if x.ndim != 3 or s.shape != x.shape or c.shape != x.shape[:2]:
        raise BadInput(
            "positions and salience must be (runs, actors, issues) and capability (runs, actors), "
            f"got {x.shape}, {s.shape}, {c.shape}"
        )
    rounds = check_rounds(rounds)
    n_runs, n_act, n_iss = x.shape
    lo, span = _scale(n_iss, low, high)
    z = (x - lo) / span
    path = [x.copy()]
    exchanges: list[dict[str, Any]] = []
    runs = np.arange(n_runs)
    for t in range(1, rounds + 1):
        found = candidates(z, c, s)
        if not len(found.gain):
            break
        new = z.copy()
        # The greedy rule (best exchange first, then block its actors on its issues, repeat) is a scan of each
        # run's candidates by decreasing gain (ties: the lower flat index, as an argmax over the dense array
        # would pick), taking those whose four (actor, issue) cells are still free; one step per rank, all runs
        # at once.
        flat = np.ravel_multi_index((found.i, found.j, found.a, found.b), (n_act, n_act, n_iss, n_iss))
        order = np.lexsort((flat, -found.gain, found.run))
        run_of, g_all = found.run[order], found.gain[order]
        i_all, j_all, a_all, b_all = found.i[order], found.j[order], found.a[order], found.b[order]
        si_all, sj_all = found.shift_i[order], found.shift_j[order]
        starts = np.searchsorted(run_of, runs)
        rank = np.arange(len(run_of)) - starts[run_of]
        used = np.zeros((n_runs, n_act, n_iss), dtype=bool)
        by_rank = np.argsort(rank, kind="stable")
        bounds = np.searchsorted(rank[by_rank], np.arange(rank.max() + 2 if len(rank) else 1))
        for step in range(len(bounds) - 1):
            sel = by_rank[bounds[step] : bounds[step + 1]]
            r, i, j, a, b = run_of[sel], i_all[sel], j_all[sel], a_all[sel], b_all[sel]
            free = ~(used[r, i, a] | used[r, i, b] | used[r, j, a] | used[r, j, b])
            r, i, j, a, b, sel = r[free], i[free], j[free], a[free], b[free], sel[free]
            if not len(r):
                continue
            sh_i, sh_j = si_all[sel], sj_all[sel]
            # A full move lands exactly on the partner's position (no rounding residue).
            to_i, to_j = z[r, i, b] + sh_i, z[r, j, a] + sh_j
            new[r, i, b] = np.where(np.abs(to_i - z[r, j, b]) <= 1e-9, z[r, j, b], to_i)
            new[r, j, a] = np.where(np.abs(to_j - z[r, i, a]) <= 1e-9, z[r, i, a], to_j)
            used[r, i, a] = used[r, i, b] = used[r, j, a] = used[r, j, b] = True
            if record:
                for n_ in range(len(r)):
                    exchanges.append(
                        {
                            "run": int(r[n_]),
                            "round": t,
                            "i": int(i[n_]),
                            "j": int(j[n_]),
                            "a": int(a[n_]),
                            "b": int(b[n_]),
                            "shift_i": float(sh_i[n_] * span[b[n_]]),
                            "shift_j": float(sh_j[n_] * span[a[n_]]),
                            "gain": float(g_all[sel[n_]]),
                        }
                    )
        z = new
        path.append(z * span + lo)
    return np.stack(path, axis=1), exchanges


def exchange_rounds(
    positions: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    rounds: int = 5,
    low: np.ndarray | float | None = None,
    high: np.ndarray | float | None = None,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Run the exchange model on one scenario.

    Args:
        positions: ``(A, I)``, NaN where the actor is not involved.
        capability: ``(A,)``.
        salience: ``(A, I)`` on 0-1.
        rounds: maximum rounds of exchanges (stops early when none is profitable).
        low, high: issue scale ends (scalar or ``(I,)``); distances are divided by ``high - low``. Default 0-1.

    Returns:
        ``(positions_by_round, exchanges)``: positions shaped ``(rounds_run + 1, A, I)`` on the issues' own
        scales, and one dict per executed exchange with integer indices ``round`` (1-based), ``i``, ``j``,
        ``a`` (the issue j moves on), ``b`` (the issue i moves on), ``shift_i``, ``shift_j`` (signed, scale
        units) and ``gain`` (equal gain of each partner, salience x share of the scale).
    """
    x = np.asarray(positions, dtype=float)
    c = np.asarray(capability, dtype=float)
    s = np.asarray(salience, dtype=float)
    if x.ndim != 2 or s.shape != x.shape or c.shape != (x.shape[0],):
        raise BadInput(
            f"positions and salience must be (actors, issues) and capability (actors,), got {x.shape}, {s.shape}, {c.shape}"
        )
    path, raw = exchange_batch(x[None], c[None], s[None], rounds, low, high, record=True)
    for e in raw:
        del e["run"]
    return path[0], raw


@in_chunks(1 << 15)
def solve_batch(batch: Batch, rounds: int = 5) -> BatchOutcome:
    """Exchange-model outcomes ``(R, I)`` of a batch: the compromise after the exchanges (never a deadlock)."""
    path, _ = exchange_batch(batch.positions, batch.capability, batch.salience, rounds, batch.low, batch.high)
    w = batch.capability[:, :, None] * np.nan_to_num(batch.salience)
    return BatchOutcome.of("exchange", compromise(path[:, -1], w))


def solve(scenario: Scenario, rounds: int = 5) -> ModelOutcome:
    """Forecast every issue of ``scenario`` with the exchange model.

    The outcome is the compromise (capability x salience weighted mean) after the exchanges. With one issue
    no exchange is possible: the outcome is the compromise, with a note.

    Returns:
        ``ModelOutcome`` with ``details``: ``exchanges`` (dicts with ``round``, ``actor_i``, ``actor_j``,
        ``issue_i_moves_on``, ``issue_j_moves_on``, ``shift_i``, ``shift_j``, ``gain``), ``rounds`` (positions
        per round, per actor, per issue; None where not involved), ``compromise`` (the outcome before any
        exchange) and ``rounds_run``.
    """
    arr = scenario.arrays()
    path, raw = exchange_rounds(arr.positions, arr.capability, arr.salience, rounds, arr.low, arr.high)
    w = arr.capability[:, None] * np.nan_to_num(arr.salience)
    before = compromise(arr.positions, w)
    after = compromise(path[-1], w)
    notes: dict[str, str] = {}
    if len(arr.issues) < 2:
        for name in arr.issues:
            notes[name] = "one issue only: no exchange is possible, the outcome is the compromise"
    elif not raw:
        for name in arr.issues:
            notes[name] = "no profitable exchange (saliences proportional or no opposed pairs): the compromise"
    for i_idx, name in enumerate(arr.issues):
        if np.isnan(after[i_idx]):
            notes[name] = "no actor with weight takes part in this issue"
    exchanges = [
        {
            "round": e["round"],
            "actor_i": arr.actors[e["i"]],
            "actor_j": arr.actors[e["j"]],
            "issue_i_moves_on": arr.issues[e["b"]],
            "issue_j_moves_on": arr.issues[e["a"]],
            "shift_i": e["shift_i"],
            "shift_j": e["shift_j"],
            "gain": e["gain"],
        }
        for e in raw
    ]
    details: dict[str, Any] = {
        "exchanges": exchanges,
        "rounds": np.where(np.isnan(path), np.array(None, dtype=object), path.astype(object)).tolist(),
        "compromise": [None if np.isnan(v) else float(v) for v in before],
        "rounds_run": len(path) - 1,
        "actors": list(arr.actors),
        "issues": list(arr.issues),
    }
    return ModelOutcome(model="exchange", outcome=after, notes=notes, details=details)
