"""Uniform numbers for every run of a sweep: Monte Carlo, Latin hypercube, and Saltelli's Sobol' design (SALib).

Reproducibility does not depend on how runs are split into chunks or where they are evaluated: run ``r`` always
gets the same numbers for a given seed. The seed stream is cut into fixed **seed blocks** of :data:`SEED_BLOCK`
runs; block ``b`` draws from ``numpy.random.SeedSequence(seed, spawn_key=(b,))`` (the ``b``-th child of
``SeedSequence(seed)``), so a chunk of runs ``[lo, hi)`` regenerates exactly the blocks it overlaps.

- ``mc``: independent uniforms, one row per run.
- ``lhs``: a Latin hypercube per seed block (McKay, Beckman & Conover 1979): within each block of ``n`` runs every
  input has exactly one draw in each of the ``n`` equal strata. Blocks are ``min(runs, SEED_BLOCK)`` long, the
  last one possibly shorter (then stratified over its own length).
- ``sobol``: Saltelli's (2002) scheme without second-order terms, as ``SALib.sample.sobol.sample`` lays it out: a
  scrambled Sobol' sequence of dimension ``2D`` (``scipy.stats.qmc.Sobol``, the generator SALib uses) gives base
  rows ``A_i | B_i``; each base row ``i`` expands to ``D + 2`` runs ``A_i, AB_i^1 ... AB_i^D, B_i`` (``AB^j``: A
  with group ``j``'s columns from B). ``D`` is the number of inputs, or of groups (``groups="actor"``: one group
  per actor). The base count is the largest power of two with ``N (D + 2) <= runs``. Rows are generated for any
  range of runs (``fast_forward``), never the whole matrix; the test suite checks they equal SALib's.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alliance.errors import BadInput, one_of

__all__ = ["SAMPLERS", "SEED_BLOCK", "Design", "design", "uniforms"]

SAMPLERS: tuple[str, ...] = ("mc", "lhs", "sobol")
#: Runs per seed block (module docstring); fixed, so results never depend on chunking.
SEED_BLOCK = 1024
_SOBOL_KEY = 2**31 - 1  # spawn key of the Sobol' scrambling (distinct from every block index)


@dataclass(frozen=True)
class Design:
    """What generates the numbers of every run.

    Attributes:
        sampler: ``mc``, ``lhs`` or ``sobol``.
        seed: the root entropy of ``SeedSequence`` (an int; recorded in the store).
        runs: the number of runs (for ``sobol`` rounded down to ``base * (groups + 2)``).
        k: the number of inputs.
        groups: per input the index of its Sobol' group (``sobol`` only; ``range(k)`` for one group per input).
        group_names: the Sobol' groups' names.
        base: ``sobol``: the number of base rows ``N``.
        lhs_block: ``lhs``: the length of a Latin hypercube block.
    """

    sampler: str
    seed: int
    runs: int
    k: int
    groups: tuple[int, ...] = ()
    group_names: tuple[str, ...] = ()
    base: int = 0
    lhs_block: int = SEED_BLOCK

    @property
    def n_groups(self) -> int:
        return len(self.group_names)

    def block_seed(self, block: int) -> np.random.SeedSequence:
        """The seed sequence of seed block ``block``: the ``block``-th child of ``SeedSequence(seed)``."""
        return np.random.SeedSequence(self.seed, spawn_key=(int(block),))

    def sobol_seed(self) -> int:
        """The integer seed of the Sobol' scrambling (pass it to ``SALib.sample.sobol.sample(seed=...)``)."""
        return int(np.random.SeedSequence(self.seed, spawn_key=(_SOBOL_KEY,)).generate_state(1)[0])


def design(
    sampler: str,
    runs: int,
    k: int,
    seed: int | None = None,
    *,
    group_of: Sequence[str] | None = None,
) -> Design:
    """The design of a sweep of ``runs`` runs over ``k`` inputs.

    Args:
        sampler: ``mc``, ``lhs`` or ``sobol``.
        runs: the number of runs wanted (``sobol``: an upper bound, see the module docstring).
        k: the number of inputs.
        seed: the root seed (default: fresh entropy, recorded in the design).
        group_of: ``sobol``: per input the name of its group (default: each input its own group).

    Raises:
        BadInput: an unknown sampler, ``runs < 1``, no input, or too few runs for a Sobol' design.
    """
    if sampler not in SAMPLERS:
        raise one_of("sampler", sampler, SAMPLERS)
    if runs < 1:
        raise BadInput(f"runs {runs}: must be at least 1")
    if k < 1:
        raise BadInput("the scenario has no uncertain input to sweep (declare distributions or default_uncertainty)")
    root = int(np.random.SeedSequence().entropy if seed is None else seed)  # type: ignore[arg-type]
    if root < 0:
        raise BadInput(f"seed {root}: must be a non-negative integer")
    if sampler == "mc":
        return Design("mc", root, runs, k)
    if sampler == "lhs":
        return Design("lhs", root, runs, k, lhs_block=min(runs, SEED_BLOCK))
    names = list(group_of) if group_of is not None else [str(j) for j in range(k)]
    if len(names) != k:
        raise BadInput(f"group_of has {len(names)} entries for {k} inputs")
    order = list(dict.fromkeys(names))
    groups = tuple(order.index(n) for n in names)
    per = len(order) + 2
    if runs < 2 * per:
        raise BadInput(
            f"runs {runs}: a Sobol' sweep of {len(order)} inputs or groups needs at least {2 * per} runs "
            f"(base rows x {per}); more give tighter intervals"
        )
    base = 1 << int(np.floor(np.log2(runs // per)))
    return Design("sobol", root, base * per, k, groups, tuple(order), base)


def uniforms(d: Design, lo: int, hi: int) -> np.ndarray:
    """``(hi - lo, k)`` uniform numbers of runs ``lo .. hi - 1`` of design ``d``."""
    if not 0 <= lo <= hi <= d.runs:
        raise BadInput(f"runs [{lo}, {hi}) outside the design's 0-{d.runs}")
    if hi == lo:
        return np.empty((0, d.k))
    if d.sampler == "sobol":
        return _saltelli(d, lo, hi)
    block = d.lhs_block if d.sampler == "lhs" else SEED_BLOCK
    first, last = lo // block, (hi - 1) // block
    parts = [_block(d, b, block) for b in range(first, last + 1)]
    rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return rows[lo - first * block : hi - first * block]


def _block(d: Design, b: int, block: int) -> np.ndarray:
    rng = np.random.default_rng(d.block_seed(b))
    n = min(block, d.runs - b * block)
    if d.sampler == "mc":
        return rng.random((n, d.k))
    strata = rng.permuted(np.tile(np.arange(n), (d.k, 1)), axis=1).T  # (n, k): each column a permutation of 0..n-1
    return (strata + rng.random((n, d.k))) / n


def _saltelli(d: Design, lo: int, hi: int) -> np.ndarray:
    from scipy.stats import qmc

    per = d.n_groups + 2
    i0, i1 = lo // per, (hi - 1) // per + 1
    gen = qmc.Sobol(d=2 * d.k, scramble=True, seed=d.sobol_seed())
    if i0:
        gen.fast_forward(i0)
    with warnings.catch_warnings():  # a chunk's slice of the sequence need not be a power of two long
        warnings.simplefilter("ignore", UserWarning)
        base = gen.random(i1 - i0)  # (n_base, 2k)
    a, b = base[:, : d.k], base[:, d.k :]
    rows = np.arange(lo, hi)
    i, which = rows // per - i0, rows % per  # which: 0 = A, 1..G = AB^g, G + 1 = B
    out = a[i].copy()
    group = np.asarray(d.groups)
    swap = (which[:, None] - 1 == group[None, :]) | (which[:, None] == per - 1)
    out[swap] = b[i][swap]
    return out
