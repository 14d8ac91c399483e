"""The numba-compiled EUM round (imported only by :mod:`alliance.negotiation.models.eum_numba`, when numba is there).

Formulas and names follow :mod:`alliance.negotiation.models.eum_kernel`. Here each row (one issue of one run) is
compacted to its involved actors and kept **sorted by position** (an insertion sort each round: positions move
little, so it costs about ``A`` steps), so that every step is a pass over contiguous memory without index
arrays: the voters below a pair's midpoint are a prefix of the actors, the prefix sums of step 3 are over rows
in order, and each voter's distances come out sorted by merging its left and right neighbours. The powers of
step 2 are ``exp(r log B)`` with branch-free polynomials that vectorise (one logarithm per unordered pair: the
distances are symmetric). The whole batch is one compiled call; every buffer is ``O(A^2)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

_TOL = 1e-12
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_SQRT2 = 1.4142135623730951
_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
_MANTISSA = np.int64(0x000FFFFFFFFFFFFF)
_ONE_BITS = np.int64(0x3FF0000000000000)
_BIAS = np.int64(1023)
#: Only FMA contraction (one rounding instead of two, never less accurate): no reassociation, so the Cody-Waite
#: and fdlibm steps keep their error compensation, and no assumptions about infinities or NaNs.
_FM = {"contract"}


def _bitcast(source: Any, target: Any) -> Any:
    """A numba intrinsic reinterpreting the bits of a ``source`` value as a ``target`` (an LLVM bit cast: it
    vectorises, where an array view per value would not)."""

    def typer(typingctx: Any, x: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], context.get_value_type(target))

        return target(source), codegen

    typer.__name__ = typer.__qualname__ = f"bitcast_{source}_to_{target}"
    return intrinsic(typer)


#: The IEEE 754 bits of a float64 as an int64, and back.
_bits: Any = _bitcast(types.float64, types.int64)
_float: Any = _bitcast(types.int64, types.float64)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FM)
def _exp_nonpos(v: float) -> float:
    """``exp(v)`` for ``v <= 0`` within 1 ulp (0 below ``e^-708`` and for ``-inf``), branch-free so that loops
    over it vectorise: Cody-Waite reduction ``v = k ln 2 + r``, a degree-13 Taylor polynomial on
    ``|r| <= ln 2 / 2``, and ``2^k`` built from its exponent bits. Powers ``B ** r`` of the utilities (``B`` in
    [0, 1]) are ``exp(r log B)``.
    """
    c = v if v > -708.0 else -708.0
    k = math.floor(c * _LOG2E + 0.5)
    r = (c - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    res = p * _float((np.int64(k) + _BIAS) << 52)
    return res if v > -708.0 else 0.0


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FM)
def _log_unit(x: float) -> float:
    """``log(x)`` for ``0 <= x <= 1`` within 1 ulp, ``-inf`` for 0 (and subnormals), branch-free.

    fdlibm's ``__ieee754_log``: exponent and mantissa from the bits, ``log(1 + f)`` by its minimax polynomial in
    ``s = f / (2 + f)``.
    """
    bt = _bits(x)
    m = _float((bt & _MANTISSA) | _ONE_BITS)
    expo = np.float64((bt >> 52) - 1023)
    big = m > _SQRT2
    m = m * 0.5 if big else m
    dk = expo + 1.0 if big else expo
    f = m - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG[1] + w * (_LG[3] + w * _LG[5]))
    t2 = z * (_LG[0] + w * (_LG[2] + w * (_LG[4] + w * _LG[6])))
    res = dk * _LN2_HI - ((hfsq - (s * (hfsq + t2 + t1) + dk * _LN2_LO)) - f)
    return res if x >= 2.2250738585072014e-308 else -np.inf


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _status_base(dmu_mover: float, d: float) -> float:
    spread = dmu_mover + d
    if dmu_mover < d:
        return max(0.5 - 0.25 * spread, 0.0)
    return 0.5 + 0.25 * spread


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _sort_row(xs: np.ndarray, ws: np.ndarray, ss: np.ndarray, idx: np.ndarray, n: int) -> None:
    """Stable insertion sort of the row by position, carrying weights, saliences and actor indices along."""
    for p in range(1, n):
        xv = xs[p]
        if xs[p - 1] <= xv:
            continue
        wv, sv, iv = ws[p], ss[p], idx[p]
        q = p - 1
        while q >= 0 and xs[q] > xv:
            xs[q + 1] = xs[q]
            ws[q + 1] = ws[q]
            ss[q + 1] = ss[q]
            idx[q + 1] = idx[q]
            q -= 1
        xs[q + 1] = xv
        ws[q + 1] = wv
        ss[q + 1] = sv
        idx[q + 1] = iv


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _median(xs: np.ndarray, pull: np.ndarray, n: int) -> float:
    """Step 1: the position minimising ``pull[j] = sum_k w_k |x_k - x_j|``, midpoint of exact ties."""
    best = np.inf
    for j in range(n):
        best = min(best, pull[j])
    lo, hi = np.inf, -np.inf
    lim = best + _TOL * (1.0 + abs(best))
    for j in range(n):
        if pull[j] <= lim:
            lo = min(lo, xs[j])
            hi = max(hi, xs[j])
    return 0.5 * (lo + hi)


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _sides(xs: np.ndarray, n: int, count: np.ndarray, coef: np.ndarray) -> None:
    """On the sorted row: ``count[p, q]`` (p < q) the voters strictly below the midpoint of ``x_p`` and ``x_q``;
    ``coef[k, m] = 2 rank - n - 1`` with ``rank`` (1 = self) the place of ``x_m`` among voter k's distances, so
    that ``sum_m L[k, m] coef[k, m]`` is half of ``sum_{l, m} |L[k, m] - L[k, l]|`` (the global normalisation)."""
    for p in range(n):
        c = p
        yp = xs[p]
        for q in range(p + 1, n):
            mid = 0.5 * (yp + xs[q])
            while c < n and xs[c] < mid:
                c += 1
            count[p, q] = c
    for k in range(n):
        xk = xs[k]
        coef[k, k] = 1.0 - n
        lo, hi = k - 1, k + 1
        for m in range(1, n):
            if hi >= n or (lo >= 0 and xk - xs[lo] <= xs[hi] - xk):
                coef[k, lo] = 2.0 * (m + 1) - n - 1.0
                lo -= 1
            else:
                coef[k, hi] = 2.0 * (m + 1) - n - 1.0
                hi += 1


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _prefix(loss: np.ndarray, ws: np.ndarray, n: int, prefix: np.ndarray) -> None:
    """``prefix[c, m] = sum of w_k loss[k, m]`` over the ``c`` lowest voters (the row is sorted)."""
    for m in range(n):
        prefix[0, m] = 0.0
    for c in range(n):
        wc = ws[c]
        for m in range(n):
            prefix[c + 1, m] = prefix[c, m] + wc * loss[c, m]


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _probability(
    xs: np.ndarray,
    loss: np.ndarray,
    ws: np.ndarray,
    n: int,
    count: np.ndarray,
    coef: np.ndarray,
    glob: bool,
    prefix: np.ndarray,
    prob: np.ndarray,
    prob_t: np.ndarray,
) -> None:
    """Step 3 for every ordered pair from ``loss[k, m]`` (increasing in the distance for every voter k), with
    ``prefix`` already filled from ``loss`` (:func:`_prefix`); ``prob_t`` is the transpose of ``prob``."""
    norm = 0.0
    if glob:
        for k in range(n):
            t0 = t1 = t2 = t3 = 0.0  # four partial sums: the reduction is not one long dependency chain
            m = 0
            while m + 4 <= n:
                t0 += loss[k, m] * coef[k, m]
                t1 += loss[k, m + 1] * coef[k, m + 1]
                t2 += loss[k, m + 2] * coef[k, m + 2]
                t3 += loss[k, m + 3] * coef[k, m + 3]
                m += 4
            while m < n:
                t0 += loss[k, m] * coef[k, m]
                m += 1
            norm += ws[k] * (2.0 * ((t0 + t1) + (t2 + t3)))
    # The supporters' votes num[i, j] for every ordered pair (the lower actor p first), then the normalisation
    # as whole-matrix passes.
    for p in range(n):
        prob[p, p] = 0.0
        xp = xs[p]
        tot_p = prefix[n, p]
        for q in range(p + 1, n):
            c = count[p, q]
            nij = prefix[c, q] - prefix[c, p]  # voters below the midpoint side with the lower actor p
            nji = nij + tot_p - prefix[n, q]
            same = xp == xs[q]  # the same position: nobody votes for either
            prob[p, q] = 0.0 if same else max(nij, 0.0)
            prob[q, p] = 0.0 if same else max(nji, 0.0)
    tot = prefix[n]
    if glob:
        inv = 1.0 / norm if norm > 0.0 else 0.0
        for i in range(n):
            for j in range(n):
                prob[i, j] = prob[i, j] * inv
    else:
        for i in range(n):
            ti = tot[i]
            for j in range(n):
                num = prob[i, j]
                den = 2.0 * num - (tot[j] - ti)
                prob[i, j] = num / den if den > _TOL * (1.0 + abs(den)) else 0.5
            prob[i, i] = 0.0
    for i in range(n):
        for j in range(n):
            prob_t[i, j] = prob[j, i]


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _offers(
    xs: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    n: int,
    offers: int,
    kinds: np.ndarray,
    keys: np.ndarray,
    targets: np.ndarray,
    best_kind: np.ndarray,
    best_key: np.ndarray,
    new: np.ndarray,
) -> None:
    """Steps 6-7: the offer each receiver j accepts, in three passes over the pairs that vectorise (rows i,
    columns j): each pair's offer type, key and target with the best type per j; the best key of that type;
    the lowest target among the offers within tolerance of it. Rules as in ``eum_kernel._moves``."""
    for j in range(n):
        best_kind[j] = 3
        best_key[j] = np.inf
        new[j] = np.inf
    for i in range(n):
        xi = xs[i]
        for j in range(n):
            aa = a[i, j]
            bb = b[i, j]
            xj = xs[j]
            pos = aa > _TOL
            conflict = pos & (bb > _TOL) & (bb < aa - _TOL)
            capitulate = pos & (bb < -_TOL) & (-bb > aa + _TOL)
            part = pos & (bb < -_TOL) & (aa > -bb + _TOL)
            full = conflict | capitulate
            target = xi if full else xj + (xi - xj) * abs(bb / aa)
            shift = abs(target - xj)
            offered = (full | part) & (shift > 0.0) & (i != j)
            kind = 0 if (conflict | (offers == 0)) else (1 if part else 2)
            key = (abs(bb) * xj + abs(aa) * xi) / (abs(aa) + abs(bb)) if (offers == 2) & part else shift
            kind = kind if offered else 3
            kinds[i, j] = kind
            keys[i, j] = key
            targets[i, j] = target
            best_kind[j] = min(best_kind[j], kind)
    for i in range(n):
        for j in range(n):
            if kinds[i, j] == best_kind[j] and kinds[i, j] < 3:
                best_key[j] = min(best_key[j], keys[i, j])
    for j in range(n):
        best_key[j] = best_key[j] + _TOL * (1.0 + abs(best_key[j]))
    for i in range(n):
        for j in range(n):
            if kinds[i, j] == best_kind[j] and kinds[i, j] < 3 and keys[i, j] <= best_key[j]:
                new[j] = min(new[j], targets[i, j])
    for j in range(n):
        if not math.isfinite(new[j]):
            new[j] = xs[j]


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _utilities_general(
    dist: np.ndarray,
    dmu: np.ndarray,
    p1: np.ndarray,
    p2: np.ndarray,
    prob: np.ndarray,
    prob_t: np.ndarray,
    ss: np.ndarray,
    r: np.ndarray,
    usq: np.ndarray,
    q: float,
    own: bool,
    n: int,
    a: np.ndarray,
    b: np.ndarray,
) -> None:
    """Step 4 for every ordered pair with ``Q < 1`` or the ``"own"`` perspective (see ``eum_kernel._round``)."""
    for i in range(n):
        for j in range(n):
            d = dist[i, j]
            u_s = 2.0 - 4.0 * p1[i, j]
            u_f = 2.0 - 4.0 * p2[i, j]
            pji = prob_t[i, j]
            bb = ss[i] * (pji * u_s + (1.0 - pji) * u_f) + (1.0 - ss[i]) * u_s - q * usq[j]
            if q != 1.0:
                bb = bb - (1.0 - q) * (2.0 - 4.0 * _status_base(dmu[j], d) ** r[j])
            b[i, j] = bb
            pij = prob[i, j]
            if own:
                u_s = 2.0 - 4.0 * p1[j, i]
                u_f = 2.0 - 4.0 * p2[j, i]
                aa = ss[j] * (pij * u_s + (1.0 - pij) * u_f) + (1.0 - ss[j]) * u_s - q * usq[i]
                if q != 1.0:
                    aa = aa - (1.0 - q) * (2.0 - 4.0 * _status_base(dmu[i], d) ** r[i])
            else:
                aa = ss[j] * (pij * u_s + (1.0 - pij) * u_f) + (1.0 - ss[j]) * u_s - q * usq[j]
                if q != 1.0:
                    aa = aa - (1.0 - q) * (2.0 - 4.0 * _status_base(dmu[i], d) ** r[j])
            a[i, j] = aa


@njit(cache=True, error_model="numpy", fastmath=_FM)
def rows(
    x: np.ndarray,
    w: np.ndarray,
    sal: np.ndarray,
    mask: np.ndarray,
    scale: np.ndarray,
    rounds: int,
    q: float,
    glob: bool,
    own: bool,
    risk_votes: bool,
    offers: int,
    path: np.ndarray,
    medians: np.ndarray,
    risk_out: np.ndarray,
) -> None:
    """Every round of every row (see ``eum_numba.run_rows``) in one call; pair buffers are reused across rows."""
    n_rows, n_act = x.shape
    aa = n_act * n_act
    idx = np.empty(n_act, np.int64)
    xs = np.empty(n_act)
    ws = np.empty(n_act)
    ss = np.empty(n_act)
    new = np.empty(n_act)
    dmu = np.empty(n_act)
    r = np.empty(n_act)
    usq = np.empty(n_act)
    sec = np.empty(n_act)
    best_kind = np.empty(n_act, np.int64)
    best_key = np.empty(n_act)
    count_buf = np.zeros(aa, np.int64)
    kinds_buf = np.empty(aa, np.int64)
    prefix_buf = np.empty(aa + n_act)
    # (n, n) pair matrices, carved from one buffer per row so that each is contiguous for the row's n actors
    pair_buf = np.empty((12, aa))
    for row in range(n_rows):
        n = 0
        for k in range(n_act):
            path[row, 0, k] = x[row, k]
            if mask[row, k]:
                idx[n] = k
                xs[n] = x[row, k]
                ws[n] = w[row, k]
                ss[n] = sal[row, k]
                n += 1
        nn = n * n
        count = count_buf[:nn].reshape((n, n))
        kinds = kinds_buf[:nn].reshape((n, n))
        prefix = prefix_buf[: nn + n].reshape((n + 1, n))
        coef = pair_buf[0, :nn].reshape((n, n))
        draw = pair_buf[1, :nn].reshape((n, n))
        dist = pair_buf[2, :nn].reshape((n, n))
        loss = pair_buf[3, :nn].reshape((n, n))
        prob = pair_buf[4, :nn].reshape((n, n))
        prob_t = pair_buf[5, :nn].reshape((n, n))
        a = pair_buf[6, :nn].reshape((n, n))
        b = pair_buf[7, :nn].reshape((n, n))
        keys = pair_buf[8, :nn].reshape((n, n))
        targets = pair_buf[9, :nn].reshape((n, n))
        p1 = pair_buf[10, :nn].reshape((n, n))
        p2 = pair_buf[11, :nn].reshape((n, n))
        active = scale[row] > 0.0
        rs = scale[row] if active else 1.0
        for t in range(rounds):
            if t > 0 and not active:  # nobody moves: every round repeats the first
                medians[row, t] = medians[row, 0]
                for k in range(n_act):
                    path[row, t + 1, k] = path[row, t, k]
                continue
            _sort_row(xs, ws, ss, idx, n)
            for i in range(n):
                xi = xs[i]
                for j in range(n):
                    dr = abs(xi - xs[j])
                    draw[i, j] = dr
                    dist[i, j] = min(dr / rs, 1.0)
            _prefix(draw, ws, n, prefix)
            mu = _median(xs, prefix[n], n) if n > 0 else np.nan
            medians[row, t] = mu
            for i in range(n):
                dmu[i] = min(abs(xs[i] - mu) / rs, 1.0)
            _sides(xs, n, count, coef)
            _probability(xs, draw, ws, n, count, coef, glob, prefix, prob, prob_t)
            # Step 5: security with r = 1, then the risk exponents. sec[i] sums E_j(ji) over j in order; the loops
            # run over whole rows (no branch on i == j, the diagonal term is masked) so that they vectorise.
            for i in range(n):
                sec[i] = 0.0
            for j in range(n):
                for i in range(n):
                    d = dist[j, i]
                    pji = prob[j, i]
                    eu = ss[i] * (pji * (2.0 * d) + (1.0 - pji) * (-2.0 * d)) + (1.0 - ss[i]) * (2.0 * d)
                    if q != 1.0:
                        eu = eu - (1.0 - q) * (2.0 - 4.0 * _status_base(dmu[j], d))
                    sec[i] += eu if i != j else 0.0
            hi, lo = -np.inf, np.inf
            for i in range(n):
                hi = max(hi, sec[i])
                lo = min(lo, sec[i])
            span = hi - lo
            for i in range(n):
                rel = (2.0 * sec[i] - hi - lo) / span if span > _TOL else 0.0
                r[i] = (1.0 - rel / 3.0) / (1.0 + rel / 3.0)
                usq[i] = 2.0 - 4.0 * 0.5 ** r[i]
            if risk_votes:  # loss[k, m] = d_km ** r_k, the voter's exponent
                for k in range(n):
                    rk = r[k]
                    for m in range(n):
                        loss[k, m] = _exp_nonpos(rk * _log_unit(dist[k, m]))
                _prefix(loss, ws, n, prefix)
                _probability(xs, loss, ws, n, count, coef, glob, prefix, prob, prob_t)
            # Step 4 with the powers (0.5 -+ 0.5 d) ** r_j of the receiver j (a: E_i(ij), b: E_j(ji)).
            if q == 1.0 and not own:  # the default: one fused pass over whole rows, which vectorises
                for i in range(n):
                    si = ss[i]
                    for j in range(n):
                        d = dist[i, j]
                        rj = r[j]
                        u_s = 2.0 - 4.0 * _exp_nonpos(rj * _log_unit(0.5 - 0.5 * d))
                        u_f = 2.0 - 4.0 * _exp_nonpos(rj * _log_unit(0.5 + 0.5 * d))
                        pji = prob_t[i, j]
                        pij = prob[i, j]
                        b[i, j] = si * (pji * u_s + (1.0 - pji) * u_f) + (1.0 - si) * u_s - usq[j]
                        a[i, j] = ss[j] * (pij * u_s + (1.0 - pij) * u_f) + (1.0 - ss[j]) * u_s - usq[j]
            else:  # p1[j, i] and p2[j, i] carry r_i ("own" evaluates E_i(ij) with r_i)
                for i in range(n):
                    for j in range(n):
                        d = dist[i, j]
                        rj = r[j]
                        p1[i, j] = _exp_nonpos(rj * _log_unit(0.5 - 0.5 * d))
                        p2[i, j] = _exp_nonpos(rj * _log_unit(0.5 + 0.5 * d))
                _utilities_general(dist, dmu, p1, p2, prob, prob_t, ss, r, usq, q, own, n, a, b)
            _offers(xs, a, b, n, offers, kinds, keys, targets, best_kind, best_key, new)
            if active:
                for j in range(n):
                    xs[j] = new[j]
            for k in range(n_act):
                path[row, t + 1, k] = x[row, k]
            for j in range(n):
                path[row, t + 1, idx[j]] = xs[j]
        if rounds > 0:
            for j in range(n):
                risk_out[row, idx[j]] = r[j]
