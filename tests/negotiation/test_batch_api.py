"""The batch API every model shares: ``solve_batch(batch, **options) -> BatchOutcome``, equal to ``solve`` run by run."""

from __future__ import annotations

import inspect
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.negotiation import models
from alliance.negotiation.models import compromise
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, safe_weights
from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario
from alliance.negotiation.schema import load_scenario

MODELS = list(models.model_names())
#: Options that keep the slow models small in the property test.
SMALL = {"eum": {"rounds": 3}, "exchange": {"rounds": 2}}


def _module(name: str):  # type: ignore[no-untyped-def]
    return models.model_module(name)


def test_every_model_has_solve_batch() -> None:
    """Including the synthesis, which pools its members' batch outcomes (the pivotal analysis uses it)."""
    lacking = {m for m in models.model_names() if not hasattr(models.model_module(m), "solve_batch")}
    assert not lacking


@pytest.mark.parametrize("name", MODELS)
def test_every_model_has_solve_batch_with_the_options_of_solve(name: str) -> None:
    mod = _module(name)
    solve = inspect.signature(mod.solve).parameters
    batch = inspect.signature(mod.solve_batch).parameters
    assert list(batch)[0] == "batch" and list(solve)[0] == "scenario"
    own = {k: (p.default, p.kind) for k, p in list(solve.items())[1:]}
    assert {k: (p.default, p.kind) for k, p in list(batch.items())[1:]} == own


def _scenario(rule: DecisionRule, *, chair: bool, colegis: bool, bounds: bool, seed: int = 0) -> Scenario:
    """Six actors, three issues (one without a reversion point), optionally a chair, a co-legislator, bounds."""
    rng = np.random.default_rng(seed)
    issues = (
        Issue("a", 0.0, 100.0, reversion=10.0),
        Issue("b", -5.0, 5.0, reversion=0.0),
        Issue("c", 0.0, 10.0, reversion=None),
    )
    actors = []
    for k in range(6):
        pos = {"a": float(rng.uniform(0, 100)), "b": float(rng.uniform(-5, 5)), "c": float(rng.uniform(0, 10))}
        if k == 5:
            del pos["b"]  # an actor sitting out one issue
        sal = {i: float(rng.uniform(0.1, 1.0)) for i in pos}
        bnd = {"a": (max(pos["a"] - 30.0, 0.0), min(pos["a"] + 30.0, 100.0))} if bounds and k < 2 else {}
        actors.append(
            Actor(f"x{k}", float(rng.uniform(0.5, 5.0)), pos, sal, bounds=bnd, chair=chair and k == 0, veto=k != 4)
        )
    meta = {"co_legislator": "x3"} if colegis else {}
    return Scenario("t", issues, tuple(actors), rule=rule, metadata=meta, chair="x0" if chair else None)


SCENARIOS = {
    "consensus": _scenario(DecisionRule(), chair=False, colegis=False, bounds=False),
    "chair-colegislator": _scenario(DecisionRule(), chair=True, colegis=True, bounds=True),
    "qmv": _scenario(DecisionRule("qmv", capability_threshold=0.6), chair=True, colegis=False, bounds=False),
    "qmv-count": _scenario(DecisionRule("qmv", count_threshold=0.7), chair=False, colegis=True, bounds=True),
}


def _same(a: np.ndarray, b: np.ndarray) -> None:
    assert np.array_equal(np.isnan(a), np.isnan(b))
    assert_allclose(a, b, atol=1e-9, rtol=0)


@pytest.mark.parametrize("which", list(SCENARIOS))
@pytest.mark.parametrize("name", MODELS)
def test_batch_of_copies_equals_solve(name: str, which: str) -> None:
    sc = SCENARIOS[which]
    mod = _module(name)
    res = mod.solve_batch(batch_from_scenario(sc, runs=3), **SMALL.get(name, {}))
    assert isinstance(res, BatchOutcome) and res.model == name
    assert res.outcome.shape == (3, 3) and res.no_agreement.shape == (3, 3) and res.no_agreement.dtype == bool
    single = mod.solve(sc, **SMALL.get(name, {})).outcome
    for r in range(3):
        _same(res.outcome[r], single)


@pytest.mark.parametrize("name", MODELS)
def test_hague_batch_equals_solve(name: str) -> None:
    sc = load_scenario("hague-2025")
    res = _module(name).solve_batch(batch_from_scenario(sc, runs=2))
    _same(res.outcome[1], _module(name).solve(sc).outcome)


def _variant(sc: Scenario, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray) -> Scenario:
    """The scenario with the given (A, I) positions (NaN: not involved), saliences and (A,) capabilities."""
    names = sc.issue_names
    actors = []
    for k, a in enumerate(sc.actors):
        p = {n: float(pos[k, j]) for j, n in enumerate(names) if not np.isnan(pos[k, j])}
        s = {n: float(sal[k, j]) for j, n in enumerate(names) if not np.isnan(pos[k, j])}
        bounds = {n: b for n, b in a.bounds.items() if n in p}
        actors.append(replace(a, positions=p, saliences=s, capability=float(cap[k]), bounds=bounds))
    return replace(sc, actors=tuple(actors))


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(MODELS),
    which=st.sampled_from(list(SCENARIOS)),
    seed=st.integers(0, 2**32 - 1),
    blocs=st.booleans(),
)
def test_perturbed_runs_equal_their_own_solve(name: str, which: str, seed: int, blocs: bool) -> None:
    """A batch of perturbed runs (positions, saliences, capabilities, actors sitting out) equals solving each."""
    sc = SCENARIOS[which]
    base = batch_from_scenario(sc, runs=4)
    rng = np.random.default_rng(seed)
    span = base.span
    pos = base.positions + rng.normal(0.0, 0.1, base.positions.shape) * span
    pos = np.clip(pos, base.low, base.high)
    if blocs:
        pos = base.low + np.round((pos - base.low) / (span / 4)) * (span / 4)
    pos[rng.uniform(size=pos.shape) < 0.1] = np.nan
    pos[np.isnan(base.positions)] = np.nan
    sal = np.clip(base.salience + rng.normal(0.0, 0.2, pos.shape), 0.05, 1.0)
    cap = base.capability * rng.uniform(0.5, 1.5, base.capability.shape)
    batch = replace(base, positions=pos, salience=np.where(np.isnan(pos), 0.0, sal), capability=cap)
    mod = _module(name)
    res = mod.solve_batch(batch, **SMALL.get(name, {}))
    for r in range(4):
        one = mod.solve(_variant(sc, pos[r], sal[r], cap[r]), **SMALL.get(name, {})).outcome
        _same(res.outcome[r], one)


@pytest.mark.parametrize("name", MODELS)
def test_an_actor_with_no_position_is_a_removed_actor(name: str) -> None:
    """What the pivotal analysis relies on: NaN positions on every issue = the actor removed from the scenario."""
    sc = SCENARIOS["chair-colegislator"]
    for k in (0, 3, 5):  # the chair, the co-legislator, an ordinary actor
        batch = batch_from_scenario(sc)
        pos = batch.positions.copy()
        pos[0, k] = np.nan
        out = _module(name).solve_batch(replace(batch, positions=pos), **SMALL.get(name, {})).outcome[0]
        removed = replace(sc, actors=sc.actors[:k] + sc.actors[k + 1 :], chair=None if k == 0 else sc.chair)
        _same(out, _module(name).solve(removed, **SMALL.get(name, {})).outcome)


def test_no_agreement_marks_the_deadlocks_of_consensus_and_nash() -> None:
    # bounds that exclude each other: an empty win-set and an empty Nash feasible set
    actors = (
        Actor("p", 1.0, {"i": 10.0}, {"i": 1.0}, bounds={"i": (0.0, 20.0)}),
        Actor("q", 1.0, {"i": 90.0}, {"i": 1.0}, bounds={"i": (80.0, 100.0)}),
    )
    sc = Scenario("d", (Issue("i", reversion=50.0),), actors)
    batch = batch_from_scenario(sc, runs=2)
    for name in ("consensus", "nash"):
        res = _module(name).solve_batch(batch)
        assert res.no_agreement.all() and np.isnan(res.outcome).all()
    for name in ("compromise", "eum", "median"):
        assert not _module(name).solve_batch(batch).no_agreement.any()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), zero=st.booleans(), nan_share=st.sampled_from([0.0, 0.02, 0.3]))
def test_fast_compromise_equals_the_general_kernel(seed: int, zero: bool, nan_share: float) -> None:
    rng = np.random.default_rng(seed)
    shape = (40, 7, 3)
    pos = rng.uniform(0, 100, shape)
    pos[rng.uniform(size=shape) < nan_share] = np.nan
    sal = rng.uniform(0, 1, shape)
    if zero:
        sal[rng.uniform(size=shape[0]) < 0.2, :, 1] = 0.0  # all weights zero on an issue: the plain mean
    batch = Batch(
        positions=pos,
        salience=sal,
        capability=rng.uniform(0, 3, shape[:2]),
        veto=np.ones(shape[:2], dtype=bool),
        chair=np.zeros(shape[:2], dtype=bool),
        low=np.zeros(3),
        high=np.full(3, 100.0),
        reversion=np.full((5, 3), np.nan),
        lower_bound=np.full(shape, np.nan),
        upper_bound=np.full(shape, np.nan),
    )
    with pytest.MonkeyPatch.context() as mp:  # chunks of 3 runs: clean chunks take the fast path, others not
        mp.setattr(compromise, "_CHUNK_CELLS", 3 * 7 * 3)
        fast = compromise.solve_batch(batch).outcome
    _same(fast, compromise.compromise_kernel(pos, safe_weights(batch, "cs")))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), grid=st.booleans())
def test_nearest_snap_equals_snap_within_for_every_window(seed: int, grid: bool) -> None:
    from alliance.negotiation.models.stacked import NearestSnap, snap_within

    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (3, 4, 6, 2))
    if grid:  # ties: blends halfway between coded positions, windows exactly at the distance
        pos = np.round(pos / 20.0) * 20.0
    pos[rng.uniform(size=pos.shape) < 0.2] = np.nan
    blend = np.round(rng.uniform(0, 100, (3, 4, 2)) / 10.0) * 10.0 if grid else rng.uniform(0, 100, (3, 4, 2))
    blend[0, 0, 0] = np.nan
    near = NearestSnap(blend, pos)
    for size in (0.0, 5.0, 10.0, 10.0 + 5e-8, 25.0, 1e3):
        window = np.full((3, 4, 2), size)
        _same(near.within(window), snap_within(blend, pos, window))
