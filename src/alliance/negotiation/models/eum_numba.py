"""A compiled EUM kernel (numba, optional): the same round as :mod:`~alliance.negotiation.models.eum_kernel`.

Installed with ``pip install 'alliance[fast]'``; without numba :func:`available` is False and
:func:`alliance.negotiation.models.eum.eum_rounds` uses the NumPy kernel. The functions are compiled on first
use and cached on disk (``cache=True``), so only the first call after an install pays the compilation.

The whole batch is one compiled call (no per-run Python work). Per row (one issue of one run) and round, the work
is ``O(A^2)`` in time and memory: the row is kept sorted by position (an insertion sort, about ``A`` steps once
positions settle), so the voters below every pair's midpoint are a prefix of the actors (step 3's numerator from
prefix sums over them, as in the NumPy kernel), each voter's distances come out sorted by merging its left and
right neighbours (the global normalisation), the powers of step 2 are fused with step 4 in one pass that
vectorises (branch-free ``exp`` and ``log`` within 1 ulp, FMA contraction only), and offers are chosen in one pass
per receiver. The arithmetic of every quantity is the NumPy kernel's where rounding could be amplified (a pair a
whole scale apart has ``d = 1`` exactly), so both kernels agree to 1e-9 (pinned in the tests).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

__all__ = ["available", "loaded", "run_rows"]

_TOL = 1e-12
_OFFERS = {"least": 0, "ranked": 1, "program": 2}


def available() -> bool:
    """True when numba is installed (the ``fast`` extra)."""
    return importlib.util.find_spec("numba") is not None


_compiled: Any = None


def loaded() -> bool:
    """True once the compiled kernel is loaded in this process (later calls cost nothing to start)."""
    return _compiled is not None


def _kernel() -> Any:
    """The compiled row kernel (compiled, or loaded from numba's on-disk cache, on first use)."""
    global _compiled
    if _compiled is None:
        _import_numba_without_scipy_linalg()
        from alliance.negotiation.models import _eum_jit

        _compiled = _eum_jit.rows
    return _compiled


def _import_numba_without_scipy_linalg() -> None:
    """Import numba's NumPy support without the ~0.2-0.3 s of CPU of importing ``scipy.linalg``.

    ``numba.np.arraymath`` checks at import whether a BLAS is there (for ``np.dot``) by importing
    ``scipy.linalg.cython_blas``, which loads all of ``scipy.linalg``; our kernel uses no BLAS. The check is made to
    fail for the duration of that import only, and its answer then set to what it would have been (scipy is one of
    our dependencies, so the BLAS is there): numba code that uses ``np.dot`` later still compiles against it, and
    imports ``scipy.linalg`` when it does (``numba.np.linalg.ensure_blas``). Nothing is done once numba's NumPy
    support is loaded.
    """
    import sys

    if "numba.np.arraymath" in sys.modules:
        return
    key = "scipy.linalg.cython_blas"
    blocked = key not in sys.modules
    if blocked:
        sys.modules[key] = None  # type: ignore[assignment]  # an import of it now fails at once
    try:
        import numba.np.arraymath as arraymath
    finally:
        if blocked and sys.modules.get(key, 0) is None:
            del sys.modules[key]
    arraymath._HAVE_BLAS = importlib.util.find_spec("scipy") is not None


def run_rows(
    x: np.ndarray,
    w: np.ndarray,
    sal: np.ndarray,
    mask: np.ndarray,
    scale: np.ndarray,
    rounds: int,
    q: float,
    rules: tuple[str, str, str, str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same contract as :func:`alliance.negotiation.models.eum_kernel.run_rows`."""
    probability, perspective, votes, offers = rules
    n, a = x.shape
    path = np.empty((n, rounds + 1, a))
    medians = np.empty((n, rounds))
    risk = np.ones((n, a))
    _kernel()(
        np.ascontiguousarray(x, dtype=np.float64),
        np.ascontiguousarray(w, dtype=np.float64),
        np.ascontiguousarray(sal, dtype=np.float64),
        np.ascontiguousarray(mask, dtype=np.bool_),
        np.ascontiguousarray(scale, dtype=np.float64),
        int(rounds),
        float(q),
        probability == "global",
        perspective == "own",
        votes == "risk",
        _OFFERS[offers],
        path,
        medians,
        risk,
    )
    return path, medians, risk
