"""The numba-compiled EUM round (imported only by :mod:`alliance.negotiation.models.eum_numba`, when numba is there).

Formulas and names follow :mod:`alliance.negotiation.models.eum_kernel`; here each row (one issue of one run) is
compacted to its involved actors and every step is a loop over actor pairs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_TOL = 1e-12
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP2_NEG = 2.0 ** -np.arange(0, 1023, dtype=np.float64)  # 2^-k for k = 0..1022


@njit(cache=True, inline="always", error_model="numpy")
def _exp_nonpos(v: float) -> float:
    """``exp(v)`` for ``v <= 0`` within 1 ulp (0 below ``e^-708`` and for ``-inf``), branch-free so that loops
    over it vectorise: Cody-Waite reduction ``v = k ln 2 + r``, a degree-13 Taylor polynomial, ``2^k`` from a table.
    Powers ``B ** r`` of the utilities (``B`` in [0, 1]) are ``exp(r log B)``, with one logarithm per unordered pair.
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
    res = p * _EXP2_NEG[np.int64(-k)]
    return res if v > -708.0 else 0.0


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


@njit(cache=True, error_model="numpy")
def _log_unit(src: np.ndarray, dst: np.ndarray, mant_bits: np.ndarray, expo: np.ndarray, n: int) -> None:
    """``dst[:n] = log(src[:n])`` for ``0 <= src <= 1`` within 1 ulp, ``-inf`` for 0 (and subnormals).

    fdlibm's ``__ieee754_log`` (exponent and mantissa from the bits, ``log(1 + f)`` by its minimax polynomial in
    ``s = f / (2 + f)``) in two branch-free passes that vectorise, where libm's log is a scalar call.
    """
    bits = src[:n].view(np.int64)
    mb = mant_bits[:n]
    for t in range(n):
        bt = bits[t]
        mb[t] = (bt & _MANTISSA) | _ONE_BITS
        expo[t] = np.float64((bt >> 52) - 1023)
    mant = mb.view(np.float64)
    lg1, lg2, lg3, lg4, lg5, lg6, lg7 = _LG
    for t in range(n):
        m = mant[t]
        big = m > _SQRT2
        m = m * 0.5 if big else m
        dk = expo[t] + 1.0 if big else expo[t]
        f = m - 1.0
        hfsq = 0.5 * f * f
        s = f / (2.0 + f)
        z = s * s
        w = z * z
        t1 = w * (lg2 + w * (lg4 + w * lg6))
        t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        res = dk * _LN2_HI - ((hfsq - (s * (hfsq + t2 + t1) + dk * _LN2_LO)) - f)
        dst[t] = res if src[t] >= 2.2250738585072014e-308 else -np.inf


@njit(cache=True, error_model="numpy")
def _status_base(dmu_mover: float, d: float) -> float:
    spread = dmu_mover + d
    if dmu_mover < d:
        return max(0.5 - 0.25 * spread, 0.0)
    return 0.5 + 0.25 * spread


@njit(cache=True, error_model="numpy")
def _median(xs: np.ndarray, ws: np.ndarray, n: int) -> float:
    """Step 1 on the compacted row: the position minimising sum_k w_k |x_k - x_j|, midpoint of exact ties."""
    best = np.inf
    pull = np.empty(n)
    for j in range(n):
        tot = 0.0
        for k in range(n):
            tot += ws[k] * abs(xs[k] - xs[j])
        pull[j] = tot
        if tot < best:
            best = tot
    lo, hi = np.inf, -np.inf
    lim = best + _TOL * (1.0 + abs(best))
    for j in range(n):
        if pull[j] <= lim:
            lo = min(lo, xs[j])
            hi = max(hi, xs[j])
    return 0.5 * (lo + hi)


@njit(cache=True, error_model="numpy")
def _sides(xs: np.ndarray, n: int, order: np.ndarray, count: np.ndarray, merged: np.ndarray) -> None:
    """Voters sorted by position (``order``); ``count[p, q]`` voters strictly below the midpoint of the p-th and
    q-th lowest (p < q); ``merged[k]`` the others' indices by distance from voter k (self first)."""
    order[:n] = np.argsort(xs[:n], kind="mergesort")
    for p in range(n):
        c = p
        yp = xs[order[p]]
        for qq in range(p + 1, n):
            mid = 0.5 * (yp + xs[order[qq]])
            while c < n and xs[order[c]] < mid:
                c += 1
            count[p, qq] = c
    for p in range(n):
        k = order[p]
        merged[k, 0] = k
        lo, hi = p - 1, p + 1
        for m in range(1, n):
            if hi >= n or (lo >= 0 and xs[k] - xs[order[lo]] <= xs[order[hi]] - xs[k]):
                merged[k, m] = order[lo]
                lo -= 1
            else:
                merged[k, m] = order[hi]
                hi += 1


@njit(cache=True, error_model="numpy")
def _probability(
    xs: np.ndarray,
    loss: np.ndarray,
    ws: np.ndarray,
    n: int,
    order: np.ndarray,
    count: np.ndarray,
    merged: np.ndarray,
    glob: bool,
    prefix: np.ndarray,
    prob: np.ndarray,
) -> None:
    """Step 3 for every ordered pair from ``loss[k, m]`` (increasing in the distance for every voter k)."""
    for m in range(n):
        prefix[0, m] = 0.0
    for c in range(n):
        k = order[c]
        for m in range(n):
            prefix[c + 1, m] = prefix[c, m] + ws[k] * loss[k, m]
    norm = 0.0
    if glob:
        for k in range(n):
            tot = 0.0
            for r in range(n):
                tot += loss[k, merged[k, r]] * (2.0 * (r + 1) - n - 1.0)
            norm += ws[k] * (2.0 * tot)
    for p in range(n):
        i = order[p]
        prob[i, i] = 0.0
        for qq in range(p + 1, n):
            j = order[qq]
            if xs[i] == xs[j]:  # the same position: nobody votes for either
                nij = 0.0
                nji = 0.0
            else:
                c = count[p, qq]
                nij = prefix[c, j] - prefix[c, i]  # voters below the midpoint side with the lower actor i
                nji = nij + prefix[n, i] - prefix[n, j]
                nij = max(nij, 0.0)
                nji = max(nji, 0.0)
            if glob:
                prob[i, j] = nij / norm if norm > 0.0 else 0.0
                prob[j, i] = nji / norm if norm > 0.0 else 0.0
            else:
                den = 2.0 * nij - (prefix[n, j] - prefix[n, i])
                prob[i, j] = nij / den if den > _TOL * (1.0 + abs(den)) else 0.5
                den = 2.0 * nji - (prefix[n, i] - prefix[n, j])
                prob[j, i] = nji / den if den > _TOL * (1.0 + abs(den)) else 0.5


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
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
    n_rows, n_act = x.shape
    idx = np.empty(n_act, np.int64)
    xs = np.empty(n_act)
    ws = np.empty(n_act)
    ss = np.empty(n_act)
    new = np.empty(n_act)
    dmu = np.empty(n_act)
    r = np.empty(n_act)
    usq = np.empty(n_act)
    order = np.empty(n_act, np.int64)
    count = np.zeros((n_act, n_act), np.int64)
    merged = np.empty((n_act, n_act), np.int64)
    draw = np.empty((n_act, n_act))
    dist = np.empty((n_act, n_act))
    loss = np.empty((n_act, n_act))
    prob = np.empty((n_act, n_act))
    prefix = np.empty((n_act + 1, n_act))
    a = np.empty((n_act, n_act))
    b = np.empty((n_act, n_act))
    prob_t = np.empty((n_act, n_act))
    sec = np.empty(n_act)
    kinds = np.empty((n_act, n_act), np.int64)
    keys = np.empty((n_act, n_act))
    targets = np.empty((n_act, n_act))
    best_kind = np.empty(n_act, np.int64)
    best_key = np.empty(n_act)
    base1 = np.empty(n_act * n_act)
    base2 = np.empty(n_act * n_act)
    log1 = np.empty(n_act * n_act)
    log2 = np.empty(n_act * n_act)
    mant_bits = np.empty(n_act * n_act, np.int64)
    expo = np.empty(n_act * n_act)
    p1 = np.empty((n_act, n_act))
    p2 = np.empty((n_act, n_act))
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
        active = scale[row] > 0.0
        rs = scale[row] if active else 1.0
        for t in range(rounds):
            mu = _median(xs, ws, n) if n > 0 else np.nan
            medians[row, t] = mu
            for i in range(n):
                dmu[i] = min(abs(xs[i] - mu) / rs, 1.0)
                for j in range(n):
                    dr = abs(xs[i] - xs[j])
                    draw[i, j] = dr
                    dist[i, j] = min(dr / rs, 1.0)
            _sides(xs, n, order, count, merged)
            _probability(xs, draw, ws, n, order, count, merged, glob, prefix, prob)
            # Step 5: security with r = 1, then the risk exponents. sec[i] sums E_j(ji) over j in order; the loops
            # run over whole rows (no branch on i == j, the diagonal term is masked) so that they vectorise.
            for i in range(n):
                sec[i] = 0.0
            for j in range(n):
                for i in range(n):
                    d = dist[j, i]
                    pji = prob[j, i]
                    eu = ss[i] * (pji * (2.0 * d) + (1.0 - pji) * (-2.0 * d)) + (1.0 - ss[i]) * (2.0 * d)
                    eu = eu - q * 0.0
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
            if risk_votes:
                for k in range(n):
                    for m in range(n):
                        base1[k * n + m] = dist[k, m]
                _log_unit(base1, log1, mant_bits, expo, n * n)
                for k in range(n):
                    rk = r[k]
                    for m in range(n):
                        loss[k, m] = _exp_nonpos(rk * log1[k * n + m])
                _probability(xs, loss, ws, n, order, count, merged, glob, prefix, prob)
            # Powers (0.5 -+ 0.5 d) ** r_j of the receiver j; p1[j, i] and p2[j, i] carry r_i.
            for i in range(n):
                for j in range(n):
                    base1[i * n + j] = 0.5 - 0.5 * dist[i, j]
                    base2[i * n + j] = 0.5 + 0.5 * dist[i, j]
            _log_unit(base1, log1, mant_bits, expo, n * n)
            _log_unit(base2, log2, mant_bits, expo, n * n)
            for i in range(n):
                for j in range(n):
                    p1[i, j] = _exp_nonpos(r[j] * log1[i * n + j])
                    p2[i, j] = _exp_nonpos(r[j] * log2[i * n + j])
            for i in range(n):
                for j in range(n):
                    prob_t[i, j] = prob[j, i]
            # Expected utilities with the receiver j's exponent (a: E_i(ij), b: E_j(ji)); "own": a with r_i.
            if q == 1.0 and not own:  # the default: plain arithmetic over whole rows, which vectorises
                for i in range(n):
                    si = ss[i]
                    for j in range(n):
                        u_s = 2.0 - 4.0 * p1[i, j]
                        u_f = 2.0 - 4.0 * p2[i, j]
                        pji = prob_t[i, j]
                        pij = prob[i, j]
                        b[i, j] = si * (pji * u_s + (1.0 - pji) * u_f) + (1.0 - si) * u_s - usq[j]
                        a[i, j] = ss[j] * (pij * u_s + (1.0 - pij) * u_f) + (1.0 - ss[j]) * u_s - usq[j]
            else:
                _utilities_general(dist, dmu, p1, p2, prob, prob_t, ss, r, usq, q, own, n, a, b)
            _offers(xs, a, b, n, offers, kinds, keys, targets, best_kind, best_key, new)
            if active:
                for j in range(n):
                    xs[j] = new[j]
            for k in range(n_act):
                path[row, t + 1, k] = x[row, k]
            for j in range(n):
                path[row, t + 1, idx[j]] = xs[j]
        for j in range(n):
            risk_out[row, idx[j]] = r[j] if rounds > 0 else 1.0
