"""The O(A^2) EUM kernel against the (A, A, A) formulation of earlier releases (``reference_eum.py``, test-only)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.errors import BadInput
from alliance.negotiation.models import eum_kernel, eum_numba
from alliance.negotiation.models.eum import OFFERS, PERSPECTIVE, PROBABILITY, PROGRAM, VOTES, eum_rounds
from alliance.negotiation.schema import load_scenario

#: Every combination of the four reading options (24).
READINGS = [
    dict(zip(("probability", "perspective", "votes", "offers"), combo, strict=True))
    for combo in itertools.product(PROBABILITY, PERSPECTIVE, VOTES, OFFERS)
]


def _load_reference() -> ModuleType:
    path = Path(__file__).with_name("reference_eum.py")
    spec = importlib.util.spec_from_file_location("reference_eum", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reference_eum"] = module
    spec.loader.exec_module(module)
    return module


REF = _load_reference()
#: Both kernels: the NumPy one always, the compiled one where numba is installed (the ``fast`` extra).
ENGINES = ["numpy", pytest.param("numba", marks=pytest.mark.skipif(not eum_numba.available(), reason="no numba"))]
#: The reference warns on issues nobody takes part in (a NaN median, as documented); the kernel does not.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")


def _same(new: tuple[np.ndarray, ...], old: tuple[np.ndarray, ...], atol: float = 1e-9) -> None:
    for a, b in zip(new, old, strict=True):
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert_allclose(a, b, atol=atol, rtol=0)


def test_support_by_prefix_sums_equals_the_tensor_for_linear_and_risk_losses() -> None:
    """Step 3's numerator from sorted prefix sums equals the (A, A, A) sum, with blocs, absent voters and exponents."""
    rng = np.random.default_rng(3)
    for blocs in (False, True):
        x = rng.uniform(-20.0, 100.0, (6, 9))
        if blocs:
            x = np.round(x / 30.0) * 30.0
        mask = np.ones(x.shape, dtype=bool)
        mask[0, 2] = False
        x = np.where(mask, x, 0.0)
        w = np.where(mask, rng.uniform(0.0, 1.0, x.shape), 0.0)
        draw = np.abs(x[:, :, None] - x[:, None, :])
        sides = eum_kernel._Sides(x, mask, draw)
        for loss in (draw, (draw / 120.0) ** rng.uniform(0.5, 2.0, x.shape)[:, :, None]):
            num, total = sides.support(loss, w)
            assert_allclose(num, REF._support_tensor(x, w, loss), atol=1e-10)
            assert_allclose(total, np.einsum("nk,nkm->nm", w, loss), atol=1e-10)


def _emissions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = resources.files("alliance.data") / "tables" / "bdm1994_emissions.csv"
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh)
    return (
        df["position"].to_numpy(float)[None, :, None],
        df["capability"].to_numpy(float)[None, :],
        df["salience"].to_numpy(float)[None, :, None],
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reading", READINGS, ids=lambda r: "-".join(r.values()))
def test_emissions_and_hague_equal_the_reference(reading: dict[str, str], engine: str) -> None:
    """Known answers: the emissions case (8 rounds, Q = 1 and 0.5) and hague-2025 (10 rounds), every reading."""
    x, c, s = _emissions()
    for q in (1.0, 0.5):
        args = (x, c, s, 8)
        kw = {"q": q, "low": 4.0, "high": 10.0, "return_risk": True, **reading}
        _same(eum_rounds(*args, engine=engine, **kw), REF.eum_rounds(*args, **kw))
    arr = load_scenario("hague-2025").arrays()
    args = (arr.positions[None], arr.capability[None], arr.salience[None], 10)
    kw = {"return_risk": True, **reading}
    _same(eum_rounds(*args, engine=engine, **kw), REF.eum_rounds(*args, **kw))


@st.composite
def _batches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    runs = draw(st.integers(1, 4))
    n_act = draw(st.integers(1, 14))
    n_iss = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(0.0, 100.0, (runs, n_act, n_iss))
    if draw(st.booleans()):  # blocs: shared positions, exact midpoints, whole-scale distances
        x = np.round(x / 25.0) * 25.0
    x[rng.uniform(size=x.shape) < draw(st.sampled_from([0.0, 0.15]))] = np.nan  # actors sitting out
    c = rng.uniform(0.05, 1.0, (runs, n_act))
    s = rng.uniform(0.05, 1.0, (runs, n_act, n_iss))
    return x, c, s


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=80, deadline=None)
@given(case=_batches(), reading=st.sampled_from(READINGS), q=st.sampled_from([1.0, 0.5]), scaled=st.booleans())
def test_random_batches_equal_the_reference_and_their_single_runs(
    case: tuple[np.ndarray, np.ndarray, np.ndarray], reading: dict[str, str], q: float, scaled: bool, engine: str
) -> None:
    x, c, s = case
    kw = {"q": q, "return_risk": True, **reading, **({"low": 0.0, "high": 100.0} if scaled else {})}
    batch = eum_rounds(x, c, s, 4, engine=engine, **kw)
    _same(batch, REF.eum_rounds(x, c, s, 4, **kw))
    for r in range(x.shape[0]):
        single = eum_rounds(x[r : r + 1], c[r : r + 1], s[r : r + 1], 4, engine=engine, **kw)
        _same(tuple(b[r : r + 1] for b in batch), single, atol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_many_actors_in_chunks_equal_the_reference(engine: str) -> None:
    """More rows than one chunk, and 40 actors (the reference's sorted-sum path), PROGRAM and defaults."""
    rng = np.random.default_rng(5)
    x = np.round(rng.uniform(0, 100, (30, 40, 2)), 1)
    c, s = rng.uniform(0.1, 1, (30, 40)), rng.uniform(0.1, 1, (30, 40, 2))
    for opts in ({}, PROGRAM):
        kw = {"low": 0.0, "high": 100.0, "return_risk": True, **opts}
        _same(eum_rounds(x, c, s, 6, engine=engine, **kw), REF.eum_rounds(x, c, s, 6, **kw))


def test_engine_names_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    x, c, s = np.ones((1, 2, 1)), np.ones((1, 2)), np.ones((1, 2, 1))
    with pytest.raises(BadInput, match="engine"):
        eum_rounds(x, c, s, 1, engine="fortran")
    monkeypatch.setenv("ALLIANCE_EUM_ENGINE", "cuda")
    with pytest.raises(BadInput, match="cuda"):
        eum_rounds(x, c, s, 1)
    monkeypatch.setattr(eum_numba, "available", lambda: False)
    with pytest.raises(BadInput, match="alliance\\[fast\\]"):
        eum_rounds(x, c, s, 1, engine="numba")
    monkeypatch.setenv("ALLIANCE_EUM_ENGINE", "auto")
    assert_allclose(eum_rounds(x, c, s, 1)[1], 1.0)  # falls back to NumPy


_NUMBA_START = """
import json, os, sys
os.environ["ALLIANCE_EUM_ENGINE"] = "numba"
from alliance.negotiation.schema import load_scenario
from alliance.negotiation.models import eum
from alliance.negotiation.models.batch import batch_from_scenario
out = eum.solve_batch(batch_from_scenario(load_scenario("hague-2025"), runs=1)).outcome
linalg = "scipy.linalg" in sys.modules
import numba
import numpy as np

dot = numba.njit(lambda a, b: np.dot(a, b))(np.arange(3.0), np.ones(3))
print(json.dumps({"outcome": out.tolist(), "linalg": linalg, "dot": float(dot)}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not eum_numba.available(), reason="no numba")
def test_the_compiled_kernel_loads_without_scipy_linalg_and_numba_keeps_its_blas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alliance.negotiation.models import eum
    from alliance.negotiation.models.batch import batch_from_scenario

    res = subprocess.run([sys.executable, "-c", _NUMBA_START], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["linalg"] is False  # numba's BLAS check did not load scipy.linalg ...
    assert got["dot"] == 3.0  # ... and np.dot in numba code still compiles against the BLAS
    monkeypatch.setenv("ALLIANCE_EUM_ENGINE", "numpy")
    numpy_engine = eum.solve_batch(batch_from_scenario(load_scenario("hague-2025"), runs=1))
    assert_allclose(np.array(got["outcome"]), numpy_engine.outcome, atol=1e-9, rtol=0)
