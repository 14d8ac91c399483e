"""Bueno de Mesquita's expected utility model (EUM), as specified by Scholz, Calbert & Smith (2011).

Every actor ``i`` holds a position ``x_i`` on a one-dimensional issue, a capability ``c_i`` and a salience
``s_i``. In each round every actor weighs challenging every other actor; the pairs' expected utilities decide
who gives way (conflict, compromise, capitulation), every actor accepts the best offer made to it (a conflict
before a compromise before a capitulation, and within a type the one that moves it least), and all moves happen
at once. The forecast is the weighted median of the positions after the last round.

References:
    Bueno de Mesquita, B. (1994). "Political forecasting: an expected utility method". In B. Bueno de
    Mesquita & F. N. Stokman (eds.), *European Community Decision Making*, Yale University Press, 71-104.
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). "Unravelling Bueno De Mesquita's group decision
    model". *Journal of Theoretical Politics* 23(4), 510-531; ICAART 2011, 18-30 (steps 1-7 below).

The kernel :func:`eum_rounds` is vectorised over runs, issues, actor pairs ``(i, j)`` and the third actor
``k``; only the rounds are a Python loop (each round depends on the last). Conventions and choices where the
paper leaves room, each documented where it is coded:

- ``R`` (steps 1-2) is ``x_max - x_min``, the range of the actors' *initial* positions on the issue, as the
  paper defines it (in the emissions case it equals the 4-10 scale). It stays fixed over the rounds, so
  utilities are comparable from round to round (positions never leave the initial range, so ``d / R <= 1``).
  The kernel takes ``low``/``high`` to use a scale's length instead. ``R = 0`` (everyone agrees) or fewer than
  two involved actors: nobody moves.
- The weighted median (step 1) is the Condorcet winner among the actors' positions, i.e. the position that
  minimises the capability x salience weighted sum of distances; an exact tie (an even split) gives the
  midpoint of the tied positions, so the result never depends on the actors' order.
- ``medians[:, 0]`` is the median of the initial positions (7.0 in the emissions case); ``medians[:, t]`` the
  median after ``t`` rounds of moves. The published "round 1" median (8.4) is ``medians[:, 1]``.
- Win probability (step 3): ``probability="global"`` (default) divides the supporters' votes by the votes
  over *every* pair of positions, as Scholz et al.'s program does; ``"pairwise"`` divides by the votes on
  this pair only, the literal reading of step 3. With ``"pairwise"`` probabilities sit near 0.5, nearly every
  pair is a conflict that the weaker risk-acceptant side "wins", and the emissions case stays at a median of
  7.0 for every round: it does not reproduce the published 8.4 then 9.9 (see docs/negotiation.md, section "eum").
- Perspective (step 6): ``perspective="receiver"`` (default) lets the actor that would move judge the pair
  with its own risk exponent (Bueno de Mesquita's perceptions: j's view of ``E_i(ij)`` and ``E_j(ji)``);
  ``"own"`` evaluates ``E_i(ij)`` with ``r_i`` and ``E_j(ji)`` with ``r_j``.
- Votes (step 3): ``votes="linear"`` (default) counts each voter's plain distances, as the paper's step 3
  states; ``"risk"`` raises them to the voter's risk exponent, ``(|x_k - x_m| / R)^r_k``, as the authors'
  program does once the exponents are known (step 5).
- Offers (step 6): ``offers="ranked"`` (default) follows the paper's section 6.2 (p. 26): an actor prefers a
  conflict to a compromise to a capitulation and, among offers of the best type, moves the least it can;
  ``"least"`` takes the smallest move over all offers (the one-line statement of step 6 in the issue);
  ``"program"`` is the authors' program, which picks among compromises the lowest weighted position
  ``(|E_j| x_j + |E_i| x_i) / (|E_i| + |E_j|)`` instead of the smallest move. Offers only come from actors that
  expect to gain, ``E_i(ij) > 0``.
- The emissions case (Scholz et al. Table 2, Q = 1): published medians after rounds 1-5 8.4, 9.9, 9.9, 9.9,
  9.9. Defaults: 8.43, 9.62, 9.96, 10.0, 10.0. ``**PROGRAM`` (the authors' program): 8.42, 9.61, 9.96, 9.96,
  9.96, then 7.47, 8.83, 9.67 in rounds 6-8 (published 7.4, 8.8, 9.6) with means within 0.07 of every
  published mean. No reading tried (docs/negotiation.md, section "eum") gives 9.9 after round 2.
- NaN positions mark actors not involved in an issue: they carry no weight, make and receive no offers and
  stay NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alliance.errors import BadInput, one_of
from alliance.io import jsonable
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch
from alliance.negotiation.scenario import Scenario

__all__ = ["eum_rounds", "solve", "solve_batch", "solve_runs", "weighted_median"]

#: Normalisations of the win probability (step 3), see :func:`_win_probability`.
PROBABILITY = ("global", "pairwise")
#: Whose risk exponent evaluates a challenge when the challenged actor decides whether to move (step 6).
PERSPECTIVE = ("receiver", "own")
#: Voters' utilities in step 3: plain distances (the paper) or raised to each voter's risk exponent (the program).
VOTES = ("linear", "risk")
#: Which offer an actor accepts (step 6): the one that moves it least, the same within ranked offer types, or the
#: authors' program's choice; see :func:`_moves`.
OFFERS = ("least", "ranked", "program")
#: The options of Scholz et al.'s own program (see :func:`eum_rounds`): medians 8.42, 9.61, 9.96 on the emissions case.
PROGRAM = {"probability": "global", "perspective": "receiver", "votes": "risk", "offers": "program"}
_TOL = 1e-12  # tolerance on expected utilities (values are O(1)) and on weighted distance sums
#: Runs are processed in chunks of about this many pair cells (runs x issues x A x A): large enough to amortise
#: NumPy's per-call overhead, small enough to stay in cache (measured best at 8-16 runs of 32 x 4).
_CHUNK_PAIRS = 1 << 16
#: Up to this many (i, j, k) cells per call, step 3 uses the direct tensor (see :func:`_win_probability`).
_TENSOR_CELLS = 1 << 18


def weighted_median(x: np.ndarray, w: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """The Condorcet winner among the positions ``x`` (step 1 of Scholz et al. 2011).

    Position ``x_j`` beats ``x_k`` when ``sum_i w_i (|x_i - x_k| - |x_i - x_j|) > 0``; the sum is
    ``D(k) - D(j)`` with ``D(j) = sum_i w_i |x_i - x_j|``, so the winner against every other position is the
    position minimising ``D``: the weighted median. Ties (an exact even split) give the midpoint of the tied
    positions.

    Args:
        x: positions, shape ``(..., actors)``; NaN = not involved.
        w: weights (capability x salience), same shape.
        mask: optional involvement mask; by default the finite positions.

    Returns:
        Shape ``(...)``; NaN where no actor is involved.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if mask is None:
        mask = ~np.isnan(x)
    xf = np.where(mask, x, 0.0)
    wf = np.where(mask, w, 0.0)
    dist = np.abs(xf[..., :, None] - xf[..., None, :])  # [..., i, j] = |x_i - x_j|
    total = np.einsum("...i,...ij->...j", wf, dist)  # D(j)
    total = np.where(mask, total, np.inf)
    best = total.min(axis=-1, keepdims=True)
    tied = mask & (total <= best + _TOL * (1.0 + np.abs(best)))
    lo = np.where(tied, xf, np.inf).min(axis=-1)
    hi = np.where(tied, xf, -np.inf).max(axis=-1)
    with np.errstate(invalid="ignore"):
        out = 0.5 * (lo + hi)
    return np.where(mask.any(axis=-1), out, np.nan)


def _expected_utility(
    dist: np.ndarray,
    dmu: np.ndarray,
    prob: np.ndarray,
    sal: np.ndarray,
    risk: np.ndarray | float,
    q: float,
) -> np.ndarray:
    """``E_i(ij)`` for every ordered pair (steps 2 and 4 of Scholz et al. 2011).

    Args:
        dist: ``|x_i - x_j| / R``, shape ``(..., A, A)`` indexed ``[i, j]``.
        dmu: ``|x_i - mu| / R``, shape ``(..., A)``.
        prob: ``P_i(ij)``, the probability that i beats j, shape ``(..., A, A)``.
        sal: saliences, shape ``(..., A)``; ``s_j`` weighs the contest.
        risk: risk exponents, broadcastable to ``(..., A, A)``: ``risk[..., :, None]`` evaluates each pair
            with the challenger's own ``r_i``, ``risk[..., None, :]`` with the target's ``r_j`` (the perception
            of the actor who decides whether to move, see :func:`_moves`).
        q: probability that the status quo holds if i does not challenge.
    """
    r = risk
    # Step 2: utilities of i for success, failure and the status quo, on [-2, 2].
    if isinstance(r, float) and r == 1.0:  # risk-neutral (step 5's first pass): no powers needed
        u_s, u_f, u_sq = 2.0 * dist, -2.0 * dist, np.zeros(1)
    else:
        u_s = 2.0 - 4.0 * (0.5 - 0.5 * dist) ** r
        u_f = 2.0 - 4.0 * (0.5 + 0.5 * dist) ** r
        u_sq = 2.0 - 4.0 * 0.5**r
    s_j = sal[..., None, :]
    # Step 4: E_i(ij) = s_j (P U_s + (1-P) U_f) + (1 - s_j) U_s - Q U_sq - (1-Q)(T U_b + (1-T) U_w).
    eu = s_j * (prob * u_s + (1.0 - prob) * u_f) + (1.0 - s_j) * u_s - q * u_sq
    if q != 1.0:
        spread = dmu[..., :, None] + dist
        u_b = 2.0 - 4.0 * np.clip(0.5 - 0.25 * spread, 0.0, None) ** r
        u_w = 2.0 - 4.0 * (0.5 + 0.25 * spread) ** r
        # T = 1 when the median is closer to i than j is: things get better for i without a challenge.
        better = dmu[..., :, None] < dist
        eu = eu - (1.0 - q) * np.where(better, u_b, u_w)
    return eu


def _support(xf: np.ndarray, wf: np.ndarray) -> np.ndarray:
    """``sum_k w_k max(a_k, 0)`` with ``a_k = |x_k - x_j| - |x_k - x_i|`` for every pair, in ``O(A^2 log A)``.

    On a line, ``a_k`` is ``d = |x_i - x_j|`` for the voters at or beyond ``x_i`` (on i's side), falls linearly
    to 0 at the midpoint ``m`` and is negative past it. So with the cumulative weight ``F(t)`` and weighted
    position ``G(t)`` of the voters at or below ``t``, for ``x_i < x_j``::

        sum_k w_k max(a_k, 0) = d F(x_i) + (x_i + x_j) (F(m) - F(x_i)) - 2 (G(m) - G(x_i))

    and the mirror image for ``x_i > x_j``. The integrand is continuous at ``x_i`` and ``m``, so ties between a
    voter and either threshold cannot change the sum. ``F`` and ``G`` at the ``A^2`` midpoints come from one
    ``searchsorted`` over all rows (each row shifted by ``2 row`` on a 0-1 rescaled axis), instead of the
    ``(A, A, A)`` tensor.
    """
    shape = xf.shape
    n_act = shape[-1]
    x2 = xf.reshape(-1, n_act)
    w2 = wf.reshape(-1, n_act)
    n_rows = x2.shape[0]
    lo = x2.min(axis=1, keepdims=True)
    span = x2.max(axis=1, keepdims=True) - lo
    span = np.where(span > 0, span, 1.0)
    u = (x2 - lo) / span  # 0-1 per row; the support is linear in x, so it is rescaled back at the end
    order = np.argsort(u, axis=1, kind="stable")
    us = np.take_along_axis(u, order, axis=1)
    ws = np.take_along_axis(w2, order, axis=1)
    zeros = np.zeros((n_rows, 1))
    f_cum = np.concatenate([zeros, np.cumsum(ws, axis=1)], axis=1)  # f_cum[r, n] = weight of the n lowest
    g_cum = np.concatenate([zeros, np.cumsum(ws * us, axis=1)], axis=1)
    offset = 2.0 * np.arange(n_rows)[:, None]
    keys = (us + offset).ravel()
    base = n_act * np.arange(n_rows)

    def at(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """F and G at thresholds ``t`` shaped ``(rows, ...)`` on the 0-1 axis."""
        flat = t.reshape(n_rows, -1)
        idx = np.searchsorted(keys, (flat + offset).ravel(), side="right").reshape(flat.shape) - base[:, None]
        idx = np.clip(idx, 0, n_act)
        f = np.take_along_axis(f_cum, idx, axis=1).reshape(t.shape)
        g = np.take_along_axis(g_cum, idx, axis=1).reshape(t.shape)
        return f, g

    f_i, g_i = at(u)
    u_i, u_j = u[:, :, None], u[:, None, :]
    f_m, g_m = at(0.5 * (u_i + u_j))
    f_i, g_i = f_i[:, :, None], g_i[:, :, None]
    total = f_cum[:, -1][:, None, None]
    d = np.abs(u_i - u_j)
    below = d * f_i + (u_i + u_j) * (f_m - f_i) - 2.0 * (g_m - g_i)  # x_i < x_j
    above = d * (total - f_i) + 2.0 * (g_i - g_m) - (u_i + u_j) * (f_i - f_m)  # x_i > x_j
    num = np.where(u_i < u_j, below, np.where(u_i > u_j, above, 0.0))
    num = np.maximum(num, 0.0) * span[:, :, None]
    return num.reshape(*shape, n_act)


def _win_probability(
    xf: np.ndarray, wf: np.ndarray, loss: np.ndarray, mask: np.ndarray, probability: str, linear: bool
) -> np.ndarray:
    """``P_i(ij)`` for every ordered pair (step 3 of Scholz et al. 2011).

    Args:
        xf, wf: positions and weights ``c_k s_k`` (0 where not involved), shape ``(..., A)``.
        loss: ``loss[..., k, m]``, voter k's distance to position m: ``|x_k - x_m|`` for linear votes (the
            paper), ``(|x_k - x_m| / R) ** r_k`` with the voter's risk exponent (``votes="risk"``).
        mask: involvement mask, shape ``(..., A)``.
        probability: ``"global"`` or ``"pairwise"`` (below).
        linear: ``loss`` is the plain distance, so the numerator may use the sorted sums of :func:`_support`.

    The numerator is ``sum_k w_k max(a_k, 0)`` with ``a_k = loss[k, j] - loss[k, i]``: the weighted support
    of the actors closer to i than to j. The denominator depends on ``probability``:

    - ``"pairwise"``: ``sum_k w_k |a_k|``, everyone who takes sides in this contest (so
      ``P_i(ij) + P_j(ji) = 1``). Since ``|a| = 2 max(a, 0) - a`` and ``sum_k w_k a_k = L(j) - L(i)`` with
      ``L(m) = sum_k w_k loss[k, m]``, it follows from the numerator.
    - ``"global"``: ``sum_k w_k sum_{l, m} |loss[k, m] - loss[k, l]|``, the votes cast over every ordered
      pair of positions (the normalisation of Scholz et al.'s own program, which reproduces their Table 2).
    """
    n_act = xf.shape[-1]
    if linear:
        # Small problems: the (A, A, A) tensor needs 3 NumPy calls and wins on call overhead; large ones: the
        # O(A^2 log A) cumulative sums win on arithmetic and memory (same sums, see the tests).
        small = xf.size * n_act * n_act <= _TENSOR_CELLS
        num = _support_tensor(xf, wf) if small else _support(xf, wf)
    else:
        num = _support_tensor(xf, wf, loss)
    if probability == "pairwise":
        pull = np.einsum("...k,...km->...m", wf, loss)  # L(m)
        den = 2.0 * num - (pull[..., None, :] - pull[..., :, None])
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > _TOL * (1.0 + np.abs(den)), num / den, 0.5)
    # Global: for each voter k, sum over ordered pairs (l, m) of |loss_km - loss_kl| = 2 sum_{l<m} over the sorted
    # losses d_(1) <= ... <= d_(n): 2 sum_m d_(m) (2m - n - 1) (absent actors are pushed out of the sort).
    n_inv = mask.sum(axis=-1, keepdims=True)
    d_sorted = np.sort(np.where(mask[..., None, :], loss, np.inf), axis=-1)
    d_sorted = np.where(np.isfinite(d_sorted), d_sorted, 0.0)
    rank = np.arange(1, n_act + 1)
    coef = np.where(rank <= n_inv[..., None], 2.0 * rank - n_inv[..., None] - 1.0, 0.0)
    spread = 2.0 * (d_sorted * coef).sum(axis=-1)  # per voter k
    total = (wf * spread).sum(axis=-1)[..., None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0.0, num / total, 0.0)


def _support_tensor(xf: np.ndarray, wf: np.ndarray, loss: np.ndarray | None = None) -> np.ndarray:
    """The same sum as :func:`_support` through the ``(A, A, A)`` tensor and a matrix product over ``k``.

    With ``loss`` (``loss[..., k, m]``, voter k's distance to position m, not necessarily symmetric), ``a_k`` is
    ``loss[k, j] - loss[k, i]`` instead of ``|x_k - x_j| - |x_k - x_i|``.
    """
    if loss is None:
        loss = np.abs(xf[..., :, None] - xf[..., None, :])
    by_pos = np.swapaxes(loss, -1, -2)  # [..., m, k] = loss of voter k at position m
    a = by_pos[..., None, :, :] - by_pos[..., :, None, :]  # a[..., i, j, k] = loss[k, j] - loss[k, i]
    np.maximum(a, 0.0, out=a)
    return np.asarray(np.matmul(a, wf[..., None, :, None])[..., 0])


def _risk_exponents(eu1: np.ndarray, pair: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Risk exponents ``r_i`` from security (step 5 of Scholz et al. 2011).

    ``Sec_i = sum_{j != i} E_j(ji)`` (computed with ``r = 1``): how much the others expect to gain by
    challenging i. ``R_i = (2 Sec_i - max Sec - min Sec) / (max Sec - min Sec)`` and
    ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``, so ``r_i`` lies in ``[0.5, 2]``. Equal security for all gives
    ``r_i = 1``.
    """
    sec = np.where(pair, eu1, 0.0).sum(axis=-2)  # sum over challengers j of E_j(ji) = eu1[j, i]
    hi = np.where(mask, sec, -np.inf).max(axis=-1, keepdims=True)
    lo = np.where(mask, sec, np.inf).min(axis=-1, keepdims=True)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(span > _TOL, (2.0 * sec - hi - lo) / span, 0.0)
    rel = np.where(mask, rel, 0.0)
    return (1.0 - rel / 3.0) / (1.0 + rel / 3.0)


def _moves(xf: np.ndarray, a: np.ndarray, b: np.ndarray, pair: np.ndarray, offers: str) -> np.ndarray:
    """New positions after the offers of one round (steps 6-7 of Scholz et al. 2011).

    For the pair (i, j) with ``a[i, j] = E_i(ij)`` and ``b[i, j] = E_j(ji)``, j is offered:
    - conflict (``a, b > 0``): if ``b < a``, j loses and moves fully to ``x_i``;
    - capitulation (``a > 0 > b``, ``|b| > |a|``): j moves fully to ``x_i``;
    - compromise (``a > 0 > b``, ``|a| > |b|``): j moves towards ``x_i`` by ``(x_i - x_j) |b / a|``;
    - both negative, a tie or a zero: nothing.
    Offers to i come from the same rules on the transposed pair. Which offer j accepts depends on ``offers``:

    - ``"least"`` (step 6 as the issue states it): among all the offers that would move it, the one that moves
      it least.
    - ``"ranked"`` (Scholz et al. 2011, section 6.2, p. 26): offer types are ranked, a conflict before a
      compromise before a capitulation; within the best type, the offer that moves it least.
    - ``"program"`` (Scholz et al.'s program): ranked types as in ``"ranked"``, but among compromises the one
      with the lowest weighted position ``(|b| x_j + |a| x_i) / (|a| + |b|)`` (not the smallest move).

    Ties go to the lower target, so the actors' order is irrelevant. All moves happen at once.
    """
    pos_a = a > _TOL
    neg_b = b < -_TOL
    conflict = pos_a & (b > _TOL) & (b < a - _TOL)
    capitulate = pos_a & neg_b & (-b > a + _TOL)
    part = pos_a & neg_b & (a > -b + _TOL)
    x_i = xf[..., :, None]
    x_j = xf[..., None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        target = np.where(conflict | capitulate, x_i, np.where(part, x_j + (x_i - x_j) * np.abs(b / a), np.nan))
    target = np.where(pair, target, np.nan)
    shift = np.abs(target - x_j)
    offered = np.isfinite(shift) & (shift > 0.0)
    if offers == "least":
        cand, key = offered, shift
    else:
        kind = np.where(conflict, 0, np.where(part, 1, 2))  # rank of the offer type
        best_kind = np.where(offered, kind, 3).min(axis=-2, keepdims=True)
        cand = offered & (kind == best_kind)
        with np.errstate(invalid="ignore", divide="ignore"):
            mixed = (np.abs(b) * x_j + np.abs(a) * x_i) / (np.abs(a) + np.abs(b))
        key = np.where(part, mixed, shift) if offers == "program" else shift
    key = np.where(cand, key, np.inf)
    least = key.min(axis=-2, keepdims=True)
    chosen = cand & (key <= least + _TOL * (1.0 + np.abs(least)))
    new = np.where(chosen, target, np.inf).min(axis=-2)
    return np.where(np.isfinite(new), new, xf)


def _round(
    xf: np.ndarray,
    wf: np.ndarray,
    sal: np.ndarray,
    mask: np.ndarray,
    scale: np.ndarray,
    q: float,
    rules: tuple[str, str, str, str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round on arrays shaped ``(..., A)`` (issues folded into the leading axes).

    ``rules`` is ``(probability, perspective, votes, offers)``. Returns the new positions, the median the round
    started from and the risk exponents of the round.
    """
    probability, perspective, votes, offers = rules
    dist_raw = np.abs(xf[..., :, None] - xf[..., None, :])  # [i, j] = |x_i - x_j|
    pull = np.einsum("...k,...kj->...j", wf, dist_raw)  # D(j) = sum_k w_k |x_k - x_j|
    # Step 1: weighted median = Condorcet winner = argmin D over involved positions (midpoint of ties).
    d_masked = np.where(mask, pull, np.inf)
    best = d_masked.min(axis=-1, keepdims=True)
    tied = mask & (d_masked <= best + _TOL * (1.0 + np.abs(best)))
    mu = 0.5 * (np.where(tied, xf, np.inf).min(axis=-1) + np.where(tied, xf, -np.inf).max(axis=-1))
    pair = mask[..., :, None] & mask[..., None, :] & ~np.eye(xf.shape[-1], dtype=bool)
    active = scale > 0.0  # R = 0: everyone agrees, nobody moves
    r_safe = np.where(active, scale, 1.0)[..., None]
    dist = np.minimum(dist_raw / r_safe[..., None], 1.0)
    dmu = np.minimum(np.abs(xf - mu[..., None]) / r_safe, 1.0)
    prob = _win_probability(xf, wf, dist_raw, mask, probability, linear=True)
    # Step 5: security with r = 1, then risk exponents, then expected utilities with them.
    eu1 = _expected_utility(dist, dmu, prob, sal, 1.0, q)
    risk = _risk_exponents(eu1, pair, mask)
    if votes == "risk":
        # The authors' program: each voter k weighs the contest with its own risk exponent, (|x_k - x_m| / R)^r_k.
        prob = _win_probability(xf, wf, dist ** risk[..., :, None], mask, probability, linear=False)
    eu_own = _expected_utility(dist, dmu, prob, sal, risk[..., :, None], q)  # E_i(ij) with r_i
    b = np.swapaxes(eu_own, -1, -2)  # b[i, j] = E_j(ji) with r_j
    # "receiver": j judges i's challenge E_i(ij) with its own risk attitude r_j; "own": with i's r_i.
    a = eu_own if perspective == "own" else _expected_utility(dist, dmu, prob, sal, risk[..., None, :], q)
    new = _moves(xf, a, b, pair, offers)
    new = np.where(active[..., None] & mask, new, xf)
    return new, mu, risk


def _as_batch(
    positions: np.ndarray, capability: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(positions, dtype=float)
    s = np.asarray(salience, dtype=float)
    c = np.asarray(capability, dtype=float)
    if x.ndim != 3:
        raise BadInput(f"positions must have shape (runs, actors, issues), got {x.shape}")
    if s.shape != x.shape:
        raise BadInput(f"salience shape {s.shape} must equal positions shape {x.shape}")
    if c.ndim == 2:
        c = c[:, :, None]
    if c.ndim != 3 or c.shape[:2] != x.shape[:2] or c.shape[2] not in (1, x.shape[2]):
        raise BadInput(f"capability must have shape (runs, actors) or (runs, actors, issues), got {c.shape}")
    return x, np.broadcast_to(c, x.shape), s


def eum_rounds(
    positions: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    rounds: int,
    q: float = 1.0,
    low: np.ndarray | float | None = None,
    high: np.ndarray | float | None = None,
    *,
    probability: str = "global",
    perspective: str = "receiver",
    votes: str = "linear",
    offers: str = "ranked",
    return_risk: bool = False,
) -> tuple[np.ndarray, ...]:
    """Run the expected utility model for a batch of runs.

    Args:
        positions: shape ``(runs, actors, issues)``; NaN = the actor is not involved in the issue.
        capability: shape ``(runs, actors)`` or ``(runs, actors, issues)``.
        salience: shape ``(runs, actors, issues)``, on 0-1.
        rounds: number of rounds of offers (>= 0).
        q: probability ``Q`` that the status quo holds if i does not challenge j (Scholz et al. use 1.0).
        low, high: ends of each issue's scale (scalars or shape ``(issues,)``); ``R = high - low``. If not
            given, ``R`` is the range of the initial positions per run and issue.
        probability: normalisation of the win probability (step 3), ``"global"`` or ``"pairwise"``.
        perspective: whose risk exponent judges a challenge (step 6), ``"receiver"`` or ``"own"``.
        votes: ``"linear"`` (the paper's step 3) or ``"risk"`` (each voter's distances raised to its risk
            exponent, as the authors' program does after step 5).
        offers: ``"least"`` (step 6: accept the offer that moves you least), ``"ranked"`` (conflicts before
            compromises before capitulations, then the least move: the paper's section 6.2) or ``"program"``
            (the authors' program: ranked, but compromises chosen by the lowest weighted position).
            ``**PROGRAM`` selects all four options of the authors' program.
        return_risk: also return the risk exponents ``r_i`` of the last round, shape ``(runs, actors, issues)``.

    Returns:
        ``(positions_by_round, medians, means)`` shaped ``(runs, rounds + 1, actors, issues)``,
        ``(runs, rounds + 1, issues)`` and ``(runs, rounds + 1, issues)``; index 0 is the initial state. The
        median is step 1's weighted median; the mean is the capability x salience weighted mean. With
        ``return_risk`` a fourth array, the risk exponents of the last round (1 where no round was run).
    """
    if rounds < 0:
        raise BadInput(f"rounds must be >= 0, got {rounds}")
    if not 0.0 <= q <= 1.0:
        raise BadInput(f"q must be between 0 and 1, got {q}")
    if probability not in PROBABILITY:
        raise one_of("probability normalisation", probability, PROBABILITY)
    if perspective not in PERSPECTIVE:
        raise one_of("perspective", perspective, PERSPECTIVE)
    if votes not in VOTES:
        raise one_of("votes", votes, VOTES)
    if offers not in OFFERS:
        raise one_of("offers", offers, OFFERS)
    rules = (probability, perspective, votes, offers)
    x, c, s = _as_batch(positions, capability, salience)
    n_runs, n_act, n_iss = x.shape
    # Work on (runs, issues, actors): actors last, so pair arrays are (runs, issues, A, A).
    xt = np.moveaxis(x, 2, 1)
    mask = ~np.isnan(xt)
    xf = np.where(mask, xt, 0.0)
    sf = np.where(mask, np.nan_to_num(np.moveaxis(s, 2, 1)), 0.0)
    wf = np.where(mask, np.nan_to_num(np.moveaxis(c, 2, 1)) * sf, 0.0)
    if low is not None and high is not None:
        span = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
        scale = np.broadcast_to(np.broadcast_to(span, (n_iss,)), (n_runs, n_iss)).copy()
    else:
        hi = np.where(mask, xf, -np.inf).max(axis=-1)
        lo = np.where(mask, xf, np.inf).min(axis=-1)
        scale = np.where(mask.any(axis=-1), hi - lo, 0.0)
    # Fewer than two actors on an issue: nothing to negotiate.
    scale = np.where(mask.sum(axis=-1) >= 2, scale, 0.0)

    path = np.empty((n_runs, rounds + 1, n_iss, n_act))
    medians = np.empty((n_runs, rounds + 1, n_iss))
    risk = np.ones_like(xf)
    path[:, 0] = xf
    chunk = max(1, _CHUNK_PAIRS // max(1, n_iss * n_act * n_act))
    for lo_run in range(0, n_runs, chunk):
        sl = slice(lo_run, lo_run + chunk)
        xc = xf[sl]
        for t in range(rounds):
            xc, medians[sl, t], risk[sl] = _round(xc, wf[sl], sf[sl], mask[sl], scale[sl], q, rules)
            path[sl, t + 1] = xc
    medians[:, rounds] = weighted_median(path[:, rounds], wf, mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.einsum("nia,ntia->nti", wf, path) / wf.sum(axis=-1)[:, None, :]
    path = np.where(mask[:, None], path, np.nan)
    medians = np.where(mask.any(axis=-1)[:, None], medians, np.nan)
    out = (np.moveaxis(path, 3, 2), medians, means)
    if return_risk:
        return (*out, np.where(mask, risk, np.nan).swapaxes(1, 2))
    return out


def solve(
    scenario: Scenario,
    rounds: int = 10,
    q: float = 1.0,
    *,
    probability: str = "global",
    perspective: str = "receiver",
    votes: str = "linear",
    offers: str = "ranked",
) -> ModelOutcome:
    """Forecast every issue of ``scenario`` with the expected utility model.

    Issues are independent (one-dimensional bargaining per issue, as in Bueno de Mesquita 1994); ``R`` is the
    range of the initial positions on each issue. The outcome is the weighted median after the last round ("the forecast is
    the median", Scholz et al. 2011, step 7).

    Args:
        scenario: the negotiation (saliences on 0-1).
        rounds: rounds of offers, >= 0.
        q: status-quo probability ``Q`` (Scholz et al. report ``Q = 1.0``).
        probability: normalisation of the win probability, ``"global"`` (default) or ``"pairwise"``.
        perspective: whose risk exponent judges a challenge, ``"receiver"`` (default) or ``"own"``.
        votes: voters' utilities in step 3, ``"linear"`` (default, the paper) or ``"risk"`` (the program).
        offers: which offer an actor accepts, ``"least"`` (default), ``"ranked"`` or ``"program"``.

    Returns:
        ``ModelOutcome`` with ``details``: ``rounds`` (per round, per actor, per issue positions; None where the
        actor is not involved), ``medians`` and ``means`` (per round, per issue), ``risk`` (per actor, per
        issue, the ``r_i`` of the last round), ``q``, ``probability``, ``perspective``, ``votes``, ``offers``,
        ``actors``, ``issues``.
    """
    arr = scenario.arrays()
    path, medians, means, risk = eum_rounds(
        arr.positions[None],
        arr.capability[None],
        arr.salience[None],
        rounds,
        q=q,
        probability=probability,
        perspective=perspective,
        votes=votes,
        offers=offers,
        return_risk=True,
    )
    notes: dict[str, str] = {}
    counts = arr.mask.sum(axis=0)
    for i_idx, name in enumerate(arr.issues):
        if counts[i_idx] == 0:
            notes[name] = "no actor takes part in this issue"
        elif counts[i_idx] == 1:
            notes[name] = "only one actor takes part: its position is the outcome"
    details: dict[str, Any] = {
        "actors": list(arr.actors),
        "issues": list(arr.issues),
        "rounds": jsonable(path[0]),
        "medians": jsonable(medians[0]),
        "means": jsonable(means[0]),
        "risk": jsonable(risk[0]),
        "q": float(q),
        "probability": probability,
        "perspective": perspective,
        "votes": votes,
        "offers": offers,
    }
    return ModelOutcome(model="eum", outcome=medians[0, -1].copy(), notes=notes, details=details)


def solve_batch(
    batch: Batch,
    rounds: int = 10,
    q: float = 1.0,
    *,
    probability: str = "global",
    perspective: str = "receiver",
    votes: str = "linear",
    offers: str = "ranked",
) -> np.ndarray:
    """``(R, I)`` final-round medians of every run of a batch (see :func:`solve`)."""
    _, medians, _ = eum_rounds(
        batch.positions,
        batch.capability,
        batch.salience,
        rounds,
        q=q,
        probability=probability,
        perspective=perspective,
        votes=votes,
        offers=offers,
    )
    return np.asarray(medians[:, -1])


def solve_runs(scenario: Scenario, batch: Batch, *args: Any, **options: Any) -> np.ndarray:
    """``(R, I)`` outcomes of perturbed runs of ``scenario`` (used to find pivotal actors); the options are those
    of :func:`solve_batch`."""
    return solve_batch(batch, *args, **options)
