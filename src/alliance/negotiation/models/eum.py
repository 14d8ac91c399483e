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

The kernel :func:`eum_rounds` is vectorised over runs, issues and actor pairs ``(i, j)``; only the rounds are a
Python loop (each round depends on the last). A round costs ``O(A^2 log A)`` time and ``O(A^2)`` memory per
issue for every option (:mod:`alliance.negotiation.models.eum_kernel`). Conventions and choices where the paper
leaves room, each documented where it is coded:

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

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from alliance.errors import BadInput, one_of, real_number
from alliance.io import jsonable
from alliance.negotiation.limits import check_rounds
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome
from alliance.negotiation.models.eum_kernel import run_rows
from alliance.negotiation.scenario import Scenario

__all__ = ["ENGINES", "PROGRAM", "eum_rounds", "solve", "solve_batch", "weighted_median"]

#: Normalisations of the win probability (step 3), see :mod:`~alliance.negotiation.models.eum_kernel`.
PROBABILITY = ("global", "pairwise")
#: Whose risk exponent evaluates a challenge when the challenged actor decides whether to move (step 6).
PERSPECTIVE = ("receiver", "own")
#: Voters' utilities in step 3: plain distances (the paper) or raised to each voter's risk exponent (the program).
VOTES = ("linear", "risk")
#: Which offer an actor accepts (step 6): the one that moves it least, the same within ranked offer types, or the
#: authors' program's choice; see :mod:`~alliance.negotiation.models.eum_kernel`.
OFFERS = ("least", "ranked", "program")
#: The options of Scholz et al.'s own program (see :func:`eum_rounds`): medians 8.42, 9.61, 9.96 on the emissions case.
PROGRAM = {"probability": "global", "perspective": "receiver", "votes": "risk", "offers": "program"}
#: Kernels of :func:`eum_rounds`: the compiled one when numba is installed ("auto"), or either explicitly.
ENGINES = ("auto", "numpy", "numba")
_TOL = 1e-12  # tolerance on expected utilities (values are O(1)) and on weighted distance sums


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


#: With ``engine="auto"``, the compiled kernel is used once numba is loaded in the process, or for a call of at
#: least this many (row, round, actor pair) cells: loading numba and the cached kernel costs about 0.6 s of CPU,
#: which the compiled kernel (about 25 ns a cell against 150 ns for NumPy) earns back from about 5e6 cells
#: (measured, docs/benchmarks.md). A hague-2025 forecast with its pivotal analysis is 4.4e6 cells, so it loads
#: numba; ``negotiate --model all`` (the EUM and the synthesis, each with its variants) then runs it twice.
AUTO_NUMBA_CELLS = 4_000_000


def _engine(name: str | None, cells: int = 0) -> Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The row kernel for ``engine`` (see :func:`eum_rounds`) and a call of ``cells`` (row, round, pair) cells."""
    from alliance.negotiation.models import eum_numba

    name = name or os.environ.get("ALLIANCE_EUM_ENGINE") or "auto"
    if name not in ENGINES:
        raise one_of("EUM engine", name, ENGINES)
    if name == "numba" and not eum_numba.available():
        raise BadInput("EUM engine 'numba' needs numba: pip install 'alliance[fast]' (or use engine='numpy')")
    if name == "numpy" or not eum_numba.available():
        return run_rows
    if name == "numba" or eum_numba.loaded() or cells >= AUTO_NUMBA_CELLS:
        return eum_numba.run_rows
    return run_rows


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
    engine: str | None = None,
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
        engine: ``"numba"`` (the compiled kernel, ``pip install 'alliance[fast]'``), ``"numpy"`` or ``"auto"``
            (numba when installed and the call is large enough to pay for loading it, see
            :data:`AUTO_NUMBA_CELLS`, or once it is loaded); default: the ``ALLIANCE_EUM_ENGINE`` environment
            variable, else ``"auto"``. Both give the same results (to 1e-9, pinned in the tests).

    Returns:
        ``(positions_by_round, medians, means)`` shaped ``(runs, rounds + 1, actors, issues)``,
        ``(runs, rounds + 1, issues)`` and ``(runs, rounds + 1, issues)``; index 0 is the initial state. The
        median is step 1's weighted median; the mean is the capability x salience weighted mean. With
        ``return_risk`` a fourth array, the risk exponents of the last round (1 where no round was run).
    """
    rounds = check_rounds(rounds)
    real_number("q", q, 0.0, 1.0)
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
    if n_act == 0:  # nobody left (e.g. the only actor removed to test whether it is pivotal): no forecast
        nan = np.full((n_runs, rounds + 1, n_iss), np.nan)
        empty = (np.full((n_runs, rounds + 1, 0, n_iss), np.nan), nan, nan.copy())
        return (*empty, np.full((n_runs, 0, n_iss), np.nan)) if return_risk else empty
    # Work on rows (runs x issues) of actors: each issue of each run is negotiated on its own.
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

    n_rows = n_runs * n_iss
    rows_path, rows_med, rows_risk = _engine(engine, n_runs * n_iss * rounds * n_act * n_act)(
        xf.reshape(n_rows, n_act),
        wf.reshape(n_rows, n_act),
        sf.reshape(n_rows, n_act),
        mask.reshape(n_rows, n_act),
        scale.reshape(n_rows),
        rounds,
        q,
        rules,
    )
    path = rows_path.reshape(n_runs, n_iss, rounds + 1, n_act).transpose(0, 2, 1, 3)  # (runs, T + 1, I, A)
    medians = np.empty((n_runs, rounds + 1, n_iss))
    medians[:, :rounds] = rows_med.reshape(n_runs, n_iss, rounds).transpose(0, 2, 1)
    risk = rows_risk.reshape(n_runs, n_iss, n_act)
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
) -> BatchOutcome:
    """Final-round medians ``(R, I)`` of every run of a batch (see :func:`solve`); the model never deadlocks."""
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
    return BatchOutcome.of("eum", medians[:, -1])
