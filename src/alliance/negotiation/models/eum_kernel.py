"""The NumPy kernel of the expected utility model: one round on many (run, issue) rows at once.

:mod:`alliance.negotiation.models.eum` states the model (Scholz, Calbert & Smith 2011, steps 1-7) and its
options; this module computes a round for a stack of independent rows, each one issue of one run, shaped
``(rows, A)`` for actor vectors and ``(rows, A, A)`` for actor pairs ``[i, j]``. Everything a round needs is
``O(A^2)`` per row in memory and ``O(A^2 log A)`` in time, whatever the options:

- Step 3's numerator ``sum_k w_k max(L[k, j] - L[k, i], 0)`` (``L[k, m]`` voter k's loss at position m: the
  distance, or the distance raised to the voter's risk exponent) only counts the voters closer to ``x_i`` than
  to ``x_j``. Every loss is increasing in the distance, so on a line these are the voters on ``x_i``'s side of
  the midpoint ``(x_i + x_j) / 2``, whatever the exponents. With the voters sorted by position and
  ``P[c, m] = sum of w_k L[k, m] over the c lowest voters``, the numerator for ``x_i < x_j`` is
  ``P[c, j] - P[c, i]`` with ``c`` the number of voters below the midpoint, and for ``x_i > x_j`` it follows
  from ``num[i, j] - num[j, i] = sum_k w_k (L[k, j] - L[k, i])``. A voter on the midpoint counts zero either
  way. This replaces the ``(A, A, A)`` tensor of earlier releases (1 GiB at 512 actors with ``votes="risk"``).
- The global normalisation sums ``|L[k, m] - L[k, l]|`` over every pair of positions for each voter: ``2 sum_m
  d_(m) (2m - n - 1)`` over the voter's sorted losses; the losses are increasing in the distance, so one sort of
  the distances per round serves the linear and the risk votes.
- With the receiver's perspective (the default) both expected utilities that decide whether ``j`` moves towards
  ``i`` use ``j``'s risk exponent and the same distance, so one pair of powers per ordered pair and round
  serves both.

The kernel reproduces the ``(A, A, A)`` formulation of earlier releases to rounding (pinned in the tests against
a copy of it, ``tests/negotiation/reference_eum.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Rules", "run_rows"]

Rules = tuple[str, str, str, str]
"""``(probability, perspective, votes, offers)``; see :func:`alliance.negotiation.models.eum.eum_rounds`."""

_TOL = 1e-12  # tolerance on expected utilities (values are O(1)) and on weighted distance sums
#: Rows are processed in chunks of about this many pair cells (rows x A x A): large enough to amortise NumPy's
#: per-call cost, small enough to keep the working arrays in cache.
CHUNK_CELLS = 1 << 15


def _median(x: np.ndarray, draw: np.ndarray, w: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Step 1: the weighted median (Condorcet winner) per row, midpoint of exact ties; ``draw[k, j] = |x_k - x_j|``."""
    pull = np.einsum("nk,nkj->nj", w, draw)  # D(j) = sum_k w_k |x_k - x_j|
    d_masked = np.where(mask, pull, np.inf)
    best = d_masked.min(axis=-1, keepdims=True)
    tied = mask & (d_masked <= best + _TOL * (1.0 + np.abs(best)))
    with np.errstate(invalid="ignore"):
        return 0.5 * (np.where(tied, x, np.inf).min(axis=-1) + np.where(tied, x, -np.inf).max(axis=-1))


class _Sides:
    """Where every voter stands relative to every pair's midpoint, computed once a round (module docstring)."""

    def __init__(self, x: np.ndarray, mask: np.ndarray, draw: np.ndarray) -> None:
        n, a = x.shape
        self.order = np.argsort(x, axis=1, kind="stable")
        xs = np.take_along_axis(x, self.order, axis=1)
        lo = xs[:, :1]
        span = xs[:, -1:] - lo
        span = np.where(span > 0, span, 1.0)
        u = (x - lo) / span  # each row on 0-1, shifted by 2 per row so one searchsorted serves all rows
        offset = 2.0 * np.arange(n)[:, None]
        keys = ((xs - lo) / span + offset).ravel()
        mid = 0.5 * (u[:, :, None] + u[:, None, :]) + offset[:, :, None]
        count = np.searchsorted(keys, mid.ravel(), side="left").reshape(n, a, a) - (a * np.arange(n))[:, None, None]
        # flat index of P[row, count, m] in a (rows, A + 1, A) prefix array, for m = j and m = i
        base = (a + 1) * a * np.arange(n)[:, None, None] + a * count
        idx = np.arange(a)
        self.at_j = (base + idx[None, None, :]).ravel()
        self.at_i = (base + idx[None, :, None]).ravel()
        self.below = x[:, :, None] < x[:, None, :]  # x_i < x_j
        self.above = x[:, :, None] > x[:, None, :]
        # Global normalisation: each voter's distances to the involved positions, sorted (absent ones last).
        self.n_inv = mask.sum(axis=-1)
        self.dist_sorted = np.sort(np.where(mask[:, None, :], draw, np.inf), axis=-1)
        rank = np.arange(1, a + 1)
        n_inv = self.n_inv[:, None, None]
        self.coef = np.where(rank <= n_inv, 2.0 * rank - n_inv - 1.0, 0.0)

    def support(self, loss: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``num[i, j] = sum_k w_k max(loss[k, j] - loss[k, i], 0)`` and ``T[m] = sum_k w_k loss[k, m]``."""
        n, a, _ = loss.shape
        weighted = loss * w[:, :, None]
        prefix = np.zeros((n, a + 1, a))
        np.cumsum(np.take_along_axis(weighted, self.order[:, :, None], axis=1), axis=1, out=prefix[:, 1:])
        flat = prefix.ravel()
        s = (flat[self.at_j] - flat[self.at_i]).reshape(n, a, a)  # voters below the midpoint
        total = prefix[:, -1]  # T(m)
        swing = total[:, None, :] - total[:, :, None]  # T(j) - T(i) = num[i, j] - num[j, i]
        num = np.where(self.below, s, np.where(self.above, swing - s, 0.0))
        return np.maximum(num, 0.0), total

    def spread(self, sorted_loss: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``sum_k w_k sum_{l, m} |loss[k, m] - loss[k, l]|`` per row from each voter's sorted losses."""
        finite = np.where(np.isfinite(sorted_loss), sorted_loss, 0.0)
        per_voter = 2.0 * np.einsum("nkm,nkm->nk", finite, self.coef)
        return np.einsum("nk,nk->n", w, per_voter)


def _probability(
    sides: _Sides, loss: np.ndarray, sorted_loss: np.ndarray, w: np.ndarray, probability: str
) -> np.ndarray:
    """Step 3: ``P_i(ij)``, the supporters' votes ``num[i, j]`` over a normalisation.

    ``"pairwise"``: the votes cast in this contest, ``sum_k w_k |L[k, j] - L[k, i]| = 2 num - (T(j) - T(i))``
    (so ``P_i(ij) + P_j(ji) = 1``; 0.5 when nobody takes sides). ``"global"``: the votes cast over every ordered
    pair of positions, ``sum_k w_k sum_{l, m} |L[k, m] - L[k, l]|`` (Scholz et al.'s program; their Table 2).
    """
    num, total = sides.support(loss, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        if probability == "pairwise":
            den = 2.0 * num - (total[:, None, :] - total[:, :, None])
            return np.where(den > _TOL * (1.0 + np.abs(den)), num / den, 0.5)
        norm = sides.spread(sorted_loss, w)[:, None, None]
        return np.where(norm > 0.0, num / norm, 0.0)


def _utility(
    prob: np.ndarray,
    sal: np.ndarray,
    u_s: np.ndarray,
    u_f: np.ndarray,
    u_sq: np.ndarray | float,
    q: float,
    status: np.ndarray | float,
) -> np.ndarray:
    """Step 4: ``E_i(ij) = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)``.

    Step 2's utilities on [-2, 2] with risk exponent r: ``U_s = 2 - 4 (0.5 - 0.5 d) ** r``, ``U_f = 2 - 4 (0.5 +
    0.5 d) ** r``, ``U_sq = 2 - 4 * 0.5 ** r``; ``status`` is the last bracket (see :func:`_status_base`).
    """
    eu = sal * (prob * u_s + (1.0 - prob) * u_f) + (1.0 - sal) * u_s - q * u_sq
    if q != 1.0:
        eu = eu - (1.0 - q) * status
    return eu


def _status_base(dmu_mover: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """The base of ``U_b`` or ``U_w`` (step 4): T = 1 when the median is closer to the challenger than j is."""
    spread = dmu_mover + dist
    return np.where(dmu_mover < dist, np.clip(0.5 - 0.25 * spread, 0.0, None), 0.5 + 0.25 * spread)


def _risk_exponents(eu1: np.ndarray, pair: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Risk exponents ``r_i`` from security (step 5 of Scholz et al. 2011).

    ``Sec_i = sum_{j != i} E_j(ji)`` (computed with ``r = 1``): how much the others expect to gain by challenging
    i. ``R_i = (2 Sec_i - max Sec - min Sec) / (max Sec - min Sec)`` and ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``,
    in ``[0.5, 2]``; equal security for all gives ``r_i = 1``.
    """
    sec = np.where(pair, eu1, 0.0).sum(axis=-2)
    hi = np.where(mask, sec, -np.inf).max(axis=-1, keepdims=True)
    lo = np.where(mask, sec, np.inf).min(axis=-1, keepdims=True)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(span > _TOL, (2.0 * sec - hi - lo) / span, 0.0)
    rel = np.where(mask, rel, 0.0)
    return np.asarray((1.0 - rel / 3.0) / (1.0 + rel / 3.0))


def _moves(x: np.ndarray, a: np.ndarray, b: np.ndarray, pair: np.ndarray, offers: str) -> np.ndarray:
    """New positions after the offers of one round (steps 6-7 of Scholz et al. 2011).

    For the pair (i, j) with ``a[i, j] = E_i(ij)`` and ``b[i, j] = E_j(ji)``, j is offered:
    - conflict (``a, b > 0``): if ``b < a``, j loses and moves fully to ``x_i``;
    - capitulation (``a > 0 > b``, ``|b| > |a|``): j moves fully to ``x_i``;
    - compromise (``a > 0 > b``, ``|a| > |b|``): j moves towards ``x_i`` by ``(x_i - x_j) |b / a|``;
    - both negative, a tie or a zero: nothing.
    Which offer j accepts depends on ``offers``: ``"least"`` the one that moves it least; ``"ranked"`` (Scholz
    et al. 2011, section 6.2) a conflict before a compromise before a capitulation, then the least move;
    ``"program"`` (the authors' program) ranked, but among compromises the lowest weighted position
    ``(|b| x_j + |a| x_i) / (|a| + |b|)``. Ties go to the lower target, so the actors' order is irrelevant.
    """
    pos_a = a > _TOL
    neg_b = b < -_TOL
    conflict = pos_a & (b > _TOL) & (b < a - _TOL)
    capitulate = pos_a & neg_b & (-b > a + _TOL)
    part = pos_a & neg_b & (a > -b + _TOL)
    x_i = x[:, :, None]
    x_j = x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        target = np.where(conflict | capitulate, x_i, np.where(part, x_j + (x_i - x_j) * np.abs(b / a), np.nan))
    target = np.where(pair, target, np.nan)
    shift = np.abs(target - x_j)
    offered = np.isfinite(shift) & (shift > 0.0)
    if offers == "least":
        cand, key = offered, shift
    else:
        kind = np.where(conflict, 0, np.where(part, 1, 2))
        best_kind = np.where(offered, kind, 3).min(axis=-2, keepdims=True)
        cand = offered & (kind == best_kind)
        if offers == "program":
            with np.errstate(invalid="ignore", divide="ignore"):
                mixed = (np.abs(b) * x_j + np.abs(a) * x_i) / (np.abs(a) + np.abs(b))
            key = np.where(part, mixed, shift)
        else:
            key = shift
    key = np.where(cand, key, np.inf)
    least = key.min(axis=-2, keepdims=True)
    chosen = cand & (key <= least + _TOL * (1.0 + np.abs(least)))
    new = np.where(chosen, target, np.inf).min(axis=-2)
    return np.where(np.isfinite(new), new, x)


def _round(
    x: np.ndarray,
    w: np.ndarray,
    sal: np.ndarray,
    mask: np.ndarray,
    pair: np.ndarray,
    scale: np.ndarray,
    q: float,
    rules: Rules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round on rows shaped ``(n, A)``; returns the new positions, the round's median and risk exponents."""
    probability, perspective, votes, offers = rules
    draw = np.abs(x[:, :, None] - x[:, None, :])
    mu = _median(x, draw, w, mask)
    active = scale > 0.0
    # Divide (not multiply by 1 / R): a pair a whole scale apart must get d = 1 exactly, since (1 - d) ** r
    # with r = 0.5 turns a rounding error of 1e-16 into 1e-8.
    r_safe = np.where(active, scale, 1.0)[:, None]
    dist = np.minimum(draw / r_safe[:, :, None], 1.0)
    dmu = np.minimum(np.abs(x - mu[:, None]) / r_safe, 1.0)
    sides = _Sides(x, mask, draw)
    prob = _probability(sides, draw, sides.dist_sorted, w, probability)
    # Step 5: security with r = 1 (U_s = 2d, U_f = -2d, U_sq = 0), then the risk exponents.
    status1 = 2.0 - 4.0 * _status_base(dmu[:, :, None], dist) if q != 1.0 else 0.0
    eu1 = _utility(prob, sal[:, None, :], 2.0 * dist, -2.0 * dist, 0.0, q, status1)
    risk = _risk_exponents(eu1, pair, mask)
    if votes == "risk":  # each voter k weighs positions by (|x_k - x_m| / R) ** r_k (the authors' program)
        r_k = risk[:, :, None]
        loss = dist**r_k
        sorted_loss = np.minimum(sides.dist_sorted / r_safe[:, :, None], 1.0) ** r_k
        prob = _probability(sides, loss, sorted_loss, w, probability)
    # Powers with the receiver j's exponent: [i, j] -> B ** r_j; their transposes carry r_i.
    r_j = risk[:, None, :]
    u_s = 2.0 - 4.0 * (0.5 - 0.5 * dist) ** r_j
    u_f = 2.0 - 4.0 * (0.5 + 0.5 * dist) ** r_j
    u_sq = 2.0 - 4.0 * 0.5**risk  # (n, A)
    prob_t = np.swapaxes(prob, -1, -2)
    status_b: np.ndarray | float = 0.0
    status_a: np.ndarray | float = 0.0
    if q != 1.0:
        status_b = 2.0 - 4.0 * _status_base(dmu[:, None, :], dist) ** r_j  # E_j(ji): the median seen from j
    # b[i, j] = E_j(ji) with r_j; a[i, j] = E_i(ij) with r_j (receiver) or r_i (own).
    b = _utility(prob_t, sal[:, :, None], u_s, u_f, u_sq[:, None, :], q, status_b)
    if perspective == "own":
        if q != 1.0:
            status_a = 2.0 - 4.0 * _status_base(dmu[:, :, None], dist) ** risk[:, :, None]
        u_s_t, u_f_t = np.swapaxes(u_s, -1, -2), np.swapaxes(u_f, -1, -2)
        a = _utility(prob, sal[:, None, :], u_s_t, u_f_t, u_sq[:, :, None], q, status_a)
    else:
        if q != 1.0:
            status_a = 2.0 - 4.0 * _status_base(dmu[:, :, None], dist) ** r_j
        a = _utility(prob, sal[:, None, :], u_s, u_f, u_sq[:, None, :], q, status_a)
    new = _moves(x, a, b, pair, offers)
    new = np.where(active[:, None] & mask, new, x)
    return new, mu, risk


def run_rows(
    x: np.ndarray,
    w: np.ndarray,
    sal: np.ndarray,
    mask: np.ndarray,
    scale: np.ndarray,
    rounds: int,
    q: float,
    rules: Rules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``rounds`` rounds on rows ``(n, A)`` (0 where absent; ``scale`` ``(n,)``, 0 = nobody moves).

    Returns:
        ``(path, medians, risk)``: positions ``(n, rounds + 1, A)``, the median each round started from
        ``(n, rounds)`` and the risk exponents of the last round ``(n, A)`` (1 where no round was run).
    """
    n, a = x.shape
    path = np.empty((n, rounds + 1, a))
    path[:, 0] = x
    medians = np.empty((n, rounds))
    risk = np.ones_like(x)
    chunk = max(1, CHUNK_CELLS // max(1, a * a))
    eye = np.eye(a, dtype=bool)
    for lo in range(0, n, chunk):
        sl = slice(lo, lo + chunk)
        m = mask[sl]
        pair = m[:, :, None] & m[:, None, :] & ~eye
        xc = x[sl]
        for t in range(rounds):
            xc, medians[sl, t], risk[sl] = _round(xc, w[sl], sal[sl], m, pair, scale[sl], q, rules)
            path[sl, t + 1] = xc
    return path, medians, risk
