"""Negotiation models: hand-computed known answers, batch kernels, invariants (hypothesis), the registry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.errors import BadInput
from alliance.negotiation import models
from alliance.negotiation.models import compromise, consensus, median, nash
from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import batch_from_scenario
from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario
from alliance.negotiation.schema import load_scenario

EMISSIONS = Path(__file__).resolve().parents[2] / "src" / "alliance" / "data" / "tables" / "bdm1994_emissions.csv"


def one_issue(
    positions: list[float],
    capability: list[float],
    salience: list[float] | None = None,
    reversion: float | None = None,
    *,
    bounds: list[tuple[float, float] | None] | None = None,
    rule: DecisionRule | None = None,
    chair: str | None = None,
    low: float = 0.0,
    high: float = 100.0,
) -> Scenario:
    sal = salience or [1.0] * len(positions)
    actors = tuple(
        Actor(
            name=f"a{k}",
            capability=c,
            positions={"i": p},
            saliences={"i": s},
            bounds={"i": bounds[k]} if bounds and bounds[k] else {},  # type: ignore[dict-item]
            chair=chair == f"a{k}",
        )
        for k, (p, c, s) in enumerate(zip(positions, capability, sal, strict=True))
    )
    return Scenario(
        "t", (Issue("i", low, high, reversion=reversion),), actors, rule=rule or DecisionRule(), chair=chair
    )


# --------------------------------------------------------------------------- compromise (Achen 2006)
def test_compromise_hand_computed_with_each_weighting() -> None:
    # positions 0, 60, 100; capability 1, 2, 1; salience 1, .5, 1
    sc = one_issue([0, 60, 100], [1, 2, 1], [1, 0.5, 1])
    # cs weights 1, 1, 1 -> (0 + 60 + 100) / 3
    assert_allclose(compromise.solve(sc).outcome, [160 / 3])
    # c weights 1, 2, 1 -> (0 + 120 + 100) / 4
    assert_allclose(compromise.solve(sc, weights="c").outcome, [55.0])
    # s weights 1, .5, 1 -> (0 + 30 + 100) / 2.5
    assert_allclose(compromise.solve(sc, weights="s").outcome, [52.0])
    assert_allclose(compromise.solve(sc, weights="equal").outcome, [160 / 3])
    with pytest.raises(BadInput, match="unknown weights 'x'; valid: cs, s, c, equal"):
        compromise.solve(sc, weights="x")


def test_compromise_on_the_emissions_case() -> None:
    # c x s: at 4: NL .064 + LU .006 + DE .128 + DK .05 = .248; at 7: BE .032 + IE .005 + GR .056 = .093;
    # at 10: FR .096 + IT .096 + UK .144 = .336. (4 x .248 + 7 x .093 + 10 x .336) / .677 = 5.003 / .677
    res = compromise.solve(load_scenario(EMISSIONS))
    assert_allclose(res.outcome, [5.003 / 0.677], rtol=1e-12)


def test_zero_weights_fall_back_to_the_plain_mean_with_a_note() -> None:
    res = compromise.solve(one_issue([10, 30], [0, 0]))
    assert_allclose(res.outcome, [20.0]) and "plain mean" in res.notes["i"]


# --------------------------------------------------------------------------- median (Black 1948)
def test_median_hand_computed() -> None:
    # emissions: cumulative c x s weight .248 at 4 (< .677 / 2 = .3385), .341 at 7 (>= half) -> 7
    assert_allclose(median.solve(load_scenario(EMISSIONS)).outcome, [7.0])
    # weights 3, 1, 1: the actor at 10 alone holds 3 / 5 > half -> 10
    assert_allclose(median.solve(one_issue([10, 50, 90], [3, 1, 1])).outcome, [10.0])
    # an exact tie, weight 1 at 20 and 1 at 80: every point of [20, 80] is a median -> midpoint 50
    assert_allclose(median.solve(one_issue([20, 80], [1, 1])).outcome, [50.0])
    # a tie with a zero-weight actor in between does not move the interval [20, 80]
    assert_allclose(median.solve(one_issue([20, 30, 80], [1, 0, 1])).outcome, [50.0])


# --------------------------------------------------------------------------- Nash (Nash 1950, Kalai 1977)
def test_nash_two_players_closed_form() -> None:
    # positions 20, 80, d = 0: gains g1 = 20 - |x - 20|, g2 = 80 - |x - 80|; feasible [0, 40].
    # On [20, 40]: maximise w1 log(40 - x) + w2 log(x) -> x = 40 w2 / (w1 + w2); below 20 both gains rise.
    res = nash.solve(one_issue([20, 80], [1, 3], reversion=0))
    assert_allclose(res.outcome, [30.0], rtol=0, atol=1e-12)
    assert res.details["feasible_set"]["i"] == [0.0, 40.0]
    # equal weights: 40 / 2 = 20, exactly the kink at player 1's ideal point
    assert_allclose(nash.solve(one_issue([20, 80], [1, 1], reversion=0)).outcome, [20.0], atol=1e-12)


def test_nash_three_players() -> None:
    # positions 30, 60, 90, d = 0, equal weights: feasible [0, 60]. On [30, 60]: log(60 - x) + 2 log(x)
    # derivative -1/(60 - x) + 2/x = 0 -> x = 40
    assert_allclose(nash.solve(one_issue([30, 60, 90], [1, 1, 1], reversion=0)).outcome, [40.0], atol=1e-12)
    # weights 1, 2, 1 (the middle player is stronger): -1/(60 - x) + 3/x = 0 -> x = 45
    assert_allclose(nash.solve(one_issue([30, 60, 90], [1, 2, 1], reversion=0)).outcome, [45.0], atol=1e-12)


def test_nash_degenerate_and_missing_cases_say_so() -> None:
    res = nash.solve(one_issue([20, 80], [1, 1], reversion=50))  # d between the players
    assert_allclose(res.outcome, [50.0]) and "single point" in res.notes["i"]
    res = nash.solve(one_issue([20, 80], [1, 1]))
    assert np.isnan(res.outcome[0]) and res.notes["i"].startswith("Nash needs a reversion point")
    res = nash.solve(one_issue([20, 80], [1, 1], reversion=0, bounds=[(0, 10), (30, 40)]))
    assert np.isnan(res.outcome[0]) and "feasible set empty" in res.notes["i"]
    # bounds cut the feasible set [0, 40] to [0, 25]: the unconstrained 30 is clipped to 25
    res = nash.solve(one_issue([20, 80], [1, 3], reversion=0, bounds=[None, (0, 25)]))
    assert_allclose(res.outcome, [25.0], atol=1e-12)


def test_nash_qmv_outvoted_actor_at_the_reversion_point() -> None:
    # positions 0, 20, 40, 60, 80, capabilities 1, 1, 1, 1, 3, d = 0, 3 of 5 voters needed (count .6).
    # Acceptable over d: a0 [0, 0], a1 [0, 40], a2 [0, 80], a3 [0, 100], a4 [0, 100] -> 4 voters on (0, 40],
    # 3 on (40, 80], 2 beyond: win-set W = [0, 80]. a0 (at d) is outvoted, not a veto.
    # Security levels (worst point of W + {d}): r = 80, max(20, 60) = 60, 40, max(60, 20) = 60, 80.
    # On [40, 60]: gains 80 - x (a0, a1, a2) and x (a3, a4) -> 3 log(80 - x) + (1 + 3) log x,
    # derivative -3 / (80 - x) + 4 / x = 0 -> x = 320 / 7 = 45.714..., inside [40, 60].
    sc = one_issue([0, 20, 40, 60, 80], [1, 1, 1, 1, 3], reversion=0, rule=DecisionRule("qmv", count_threshold=0.6))
    res = nash.solve(sc)
    assert_allclose(res.outcome, [320 / 7], rtol=0, atol=1e-12)
    assert res.details["rule"] == "qmv" and res.details["feasible_set"]["i"] == [[0.0, 80.0]]
    # the same actors under unanimity: a0 sits on d, so the feasible set is {0} (issue-3 definition, unchanged)
    res = nash.solve(replace(sc, rule=DecisionRule()))
    assert_allclose(res.outcome, [0.0]) and "single point" in res.notes["i"]
    assert res.details["rule"] == "consensus" and res.details["feasible_set"]["i"] == [0.0, 0.0]


def test_nash_qmv_winset_with_a_gap_and_status_quo() -> None:
    # bounds a0 [0, 10], a1 [50, 60]; a2 at 35 accepts [0, 70]; 2 of 3 needed: W = [0, 10] + [50, 60].
    # r = max(|d - x|, |0 - x|, |60 - x|) = 55, 55, 35. Unconstrained maximiser on [0, 60]: the kink at 35
    # (slope on [5, 35]: -1/(60 - x) + 2/x > 0 at 35-; on [35, 55]: -1/(60 - x) - 1/(70 - x) + 1/x < 0 at 35+).
    # Nearest feasible points 10 and 50: log(50 * 10 * 10) < log(10 * 50 * 20) -> 50.
    rule = DecisionRule("qmv", count_threshold=2 / 3)
    res = nash.solve(one_issue([5, 55, 35], [1, 1, 1], reversion=0, bounds=[(0, 10), (50, 60), None], rule=rule))
    assert_allclose(res.outcome, [50.0], atol=1e-12)
    assert res.details["feasible_set"]["i"] == [[0.0, 10.0], [50.0, 60.0]]
    # no qualified majority prefers a change (two of three sit on d = 0): the status quo holds, noted
    res = nash.solve(one_issue([0, 0, 80], [1, 1, 1], reversion=0, rule=rule))
    assert_allclose(res.outcome, [0.0]) and "only the reversion point" in res.notes["i"]
    # disjoint bounds and a threshold of all three: deadlock
    rule = DecisionRule("qmv", count_threshold=1.0)
    res = nash.solve(one_issue([5, 55, 35], [1, 1, 1], reversion=0, bounds=[(0, 10), (50, 60), None], rule=rule))
    assert np.isnan(res.outcome[0]) and "deadlock" in res.notes["i"] and res.details["feasible_set"]["i"] == []
    res = nash.solve(one_issue([5, 55], [1, 1], rule=rule))
    assert np.isnan(res.outcome[0]) and res.notes["i"].startswith("Nash needs a reversion point")


# --------------------------------------------------------------------------- consensus (Tsebelis 2002)
def test_consensus_winset_and_proposal() -> None:
    # positions 20, 80, d = 0: acceptable [0, 40] and [0, 100] -> win-set [0, 40];
    # compromise (1 x 20 + 3 x 80) / 4 = 65 -> the closest point of the win-set is 40
    res = consensus.solve(one_issue([20, 80], [1, 3], reversion=0))
    assert_allclose(res.outcome, [40.0]) and res.details["winset"]["i"] == [[0.0, 40.0]]
    assert res.details["proposer"]["i"] == "compromise"
    # a chair at 10 (no veto) proposes its own position, inside the win-set
    sc = one_issue([20, 80, 10], [1, 3, 0], reversion=0, chair="a2")
    res = consensus.solve(sc)
    assert_allclose(res.outcome, [10.0]) and res.details["proposer"]["i"] == "a2"


def test_consensus_status_quo_and_deadlock() -> None:
    res = consensus.solve(one_issue([20, 80], [1, 1], reversion=50))
    assert_allclose(res.outcome, [50.0]) and "status quo holds" in res.notes["i"]
    # bounds [10, 30] and [70, 90] are disjoint; the third actor is not to blame
    res = consensus.solve(one_issue([20, 80, 50], [1, 1, 1], reversion=50, bounds=[(10, 30), (70, 90), None]))
    assert np.isnan(res.outcome[0]) and res.details["winset"]["i"] == []
    assert res.details["deadlock_by"]["i"] == ["a0", "a1"]
    # without a reversion point and without bounds the win-set is unknown
    res = consensus.solve(one_issue([20, 80], [1, 1]))
    assert np.isnan(res.outcome[0]) and "needs a reversion point" in res.notes["i"]


def test_qmv_winset() -> None:
    # d = 50; acceptable: a0 [0, 50] (at 20), a1 [50, 100] (at 80), a2 [50, 70] (at 60).
    # count threshold .6 -> 2 of 3 -> win-set [50, 70]; compromise 160 / 3 is inside
    rule = DecisionRule("qmv", count_threshold=0.6)
    res = consensus.solve(one_issue([20, 80, 60], [1, 1, 1], reversion=50, rule=rule))
    assert_allclose(res.outcome, [160 / 3]) and res.details["winset"]["i"] == [[50.0, 70.0]]
    # bounds: a0 [10, 30], a1 [70, 90], a2 [50, 70] -> only 70 has two supporters
    res = consensus.solve(
        one_issue([20, 80, 60], [1, 1, 1], reversion=50, bounds=[(10, 30), (70, 90), None], rule=rule)
    )
    assert_allclose(res.outcome, [70.0])
    # capability threshold .7 with capabilities 1, 1, 5: a2 + any one -> [50, 70]; a0 + a1 only 2/7 -> excluded
    rule = DecisionRule("qmv", capability_threshold=0.7)
    res = consensus.solve(one_issue([20, 80, 60], [1, 1, 5], reversion=50, rule=rule))
    assert res.details["winset"]["i"] == [[50.0, 70.0]]
    # a super-majority nobody can reach with disjoint bounds -> deadlock, blocked by those rejecting the best point
    rule = DecisionRule("qmv", count_threshold=1.0)
    res = consensus.solve(
        one_issue([20, 80, 60], [1, 1, 1], reversion=50, bounds=[(10, 30), (70, 90), None], rule=rule)
    )
    assert np.isnan(res.outcome[0]) and res.details["deadlock_by"]["i"]


# --------------------------------------------------------------------------- batches and the registry
@pytest.mark.parametrize("module", [compromise, median, nash, consensus])
@pytest.mark.parametrize("rule", [DecisionRule(), DecisionRule("qmv", capability_threshold=0.6)])
def test_batch_kernel_matches_solve_on_every_run(module: object, rule: DecisionRule) -> None:
    sc = one_issue([20, 80, 60, 35], [1, 3, 2, 1], [0.5, 1, 0.2, 0.9], reversion=0, rule=rule)
    batch = batch_from_scenario(sc, runs=3)
    out = module.solve_batch(batch).outcome  # type: ignore[attr-defined]
    assert out.shape == (3, 1)
    assert_allclose(out, np.repeat(module.solve(sc).outcome[None], 3, axis=0))  # type: ignore[attr-defined]


def test_nan_position_means_not_involved() -> None:
    sc = one_issue([20, 80, 60], [1, 3, 2], reversion=0)
    batch = batch_from_scenario(sc, runs=2)
    pos = batch.positions.copy()
    pos[1, 2, 0] = np.nan
    out = compromise.solve_batch(replace(batch, positions=pos)).outcome
    without = compromise.solve(one_issue([20, 80], [1, 3], reversion=0)).outcome
    assert_allclose(out[1], without) and not np.allclose(out[0], without)


def test_registry() -> None:
    names = models.model_names()
    assert {"compromise", "median", "nash", "consensus"} <= set(names)
    with pytest.raises(BadInput, match="unknown model 'foo'; valid: compromise, median, nash"):
        models.get_model("foo")

    def const(scenario: Scenario) -> ModelOutcome:
        return ModelOutcome("const", np.zeros(len(scenario.issues)))

    models.register("const-test", const)
    try:
        assert models.get_model("const-test") is const and "const-test" in models.model_names()
    finally:
        models.MODELS.pop("const-test")


# --------------------------------------------------------------------------- invariants (hypothesis)
@st.composite
def scenarios(draw: st.DrawFn, with_bounds: bool = False) -> Scenario:
    n_a = draw(st.integers(1, 7))
    n_i = draw(st.integers(1, 3))
    val = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 3))
    issues = tuple(Issue(f"i{j}", 0, 100, reversion=draw(val)) for j in range(n_i))
    actors = []
    for k in range(n_a):
        pos = {it.name: draw(val) for it in issues}
        sal = {it.name: draw(st.floats(0, 1).map(lambda v: round(v, 3))) for it in issues}
        bounds = {}
        if with_bounds and draw(st.booleans()):
            a, b = sorted((draw(val), draw(val)))
            bounds = {issues[0].name: (a, b)}
        actors.append(Actor(f"a{k}", draw(st.floats(0, 10).map(lambda v: round(v, 3))), pos, sal, bounds=bounds))
    return Scenario("h", issues, tuple(actors))


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


#: Every declared model, all of which must be available (a model that fails to import fails here, not skips).
ALL_MODELS = list(models.MODEL_MODULES)
#: Models that may pick the reversion point (the status quo is one of their candidates) outside the positions.
REVERSION_CANDIDATES = {"choice", "synthesis"}


def test_every_declared_model_is_registered_and_available() -> None:
    assert models.model_names() == ALL_MODELS and models.UNAVAILABLE == {}
    assert len(ALL_MODELS) >= 11


@_SETTINGS
@given(scenarios())
@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_MODELS)
def test_outcomes_lie_within_the_range_of_positions(name: str, sc: Scenario) -> None:
    """Every model, on 1-7 actors: the outcome lies between the extreme positions (and the reversion point for the
    models that may choose it), or is NaN (no agreement)."""
    arr = sc.arrays()
    lo, hi = arr.positions.min(axis=0), arr.positions.max(axis=0)
    if name in REVERSION_CANDIDATES:
        lo, hi = np.minimum(lo, arr.reversion), np.maximum(hi, arr.reversion)
    out = models.get_model(name)(sc).outcome
    assert out.shape == (len(sc.issues),)
    inside = (out >= lo - 1e-9) & (out <= hi + 1e-9)
    assert np.all(np.isnan(out) | inside), (name, out, lo, hi)


@_SETTINGS
@given(scenarios(with_bounds=True))
@pytest.mark.slow
def test_consensus_outcome_is_acceptable_to_every_veto_actor_or_a_deadlock(sc: Scenario) -> None:
    res = consensus.solve(sc)
    arr = sc.arrays()
    for j, issue in enumerate(sc.issue_names):
        o = res.outcome[j]
        if np.isnan(o):
            assert res.details["deadlock_by"][issue]
            continue
        d = arr.reversion[j]
        for k, actor in enumerate(sc.actors):
            if issue in actor.bounds:
                lo, hi = actor.bounds[issue]
                assert lo - 1e-9 <= o <= hi + 1e-9
            else:
                assert abs(o - arr.positions[k, j]) <= abs(d - arr.positions[k, j]) + 1e-9


@_SETTINGS
@given(scenarios(with_bounds=True), st.randoms(use_true_random=False))
@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_MODELS)
def test_actor_order_is_irrelevant(name: str, sc: Scenario, rnd: object) -> None:
    shuffled = list(sc.actors)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    other = replace(sc, actors=tuple(shuffled))
    solve = models.get_model(name)
    assert_allclose(solve(sc).outcome, solve(other).outcome, rtol=1e-9, atol=1e-7, err_msg=name)


@st.composite
def qmv_scenarios(draw: st.DrawFn) -> Scenario:
    base = draw(scenarios(with_bounds=True))
    kind = draw(st.sampled_from(["capability", "count", "both"]))
    share = st.floats(0.3, 1.0).map(lambda v: round(v, 3))
    ct = draw(share) if kind in ("capability", "both") else None
    nt = draw(share) if kind in ("count", "both") else None
    return replace(base, rule=DecisionRule("qmv", capability_threshold=ct, count_threshold=nt))


@_SETTINGS
@given(qmv_scenarios(), st.randoms(use_true_random=False))
@pytest.mark.slow
def test_nash_qmv_outcome_lies_in_the_winset_and_ignores_actor_order(sc: Scenario, rnd: object) -> None:
    res = nash.solve(sc)
    ws = consensus.solve(sc).details["winset"]
    for j, issue in enumerate(sc.issue_names):
        o = res.outcome[j]
        if np.isnan(o):
            assert ws[issue] == []  # NaN only for a deadlock (every issue here has a reversion point)
        else:
            assert any(lo - 1e-9 <= o <= hi + 1e-9 for lo, hi in ws[issue]), (o, ws[issue])
    shuffled = list(sc.actors)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    other = nash.solve(replace(sc, actors=tuple(shuffled))).outcome
    assert_allclose(res.outcome, other, rtol=1e-9, atol=1e-7)


@_SETTINGS
@given(scenarios())
@pytest.mark.slow
def test_nash_qmv_needing_every_voter_is_the_unanimity_solution(sc: Scenario) -> None:
    # without bounds or a chair, a threshold of every voter makes W(d) the unanimity set and every r_i = |d - x_i|
    unanimous = replace(sc, rule=DecisionRule("qmv", count_threshold=1.0))
    assert_allclose(nash.solve(unanimous).outcome, nash.solve(sc).outcome, rtol=1e-9, atol=1e-7)


_LAZY = """
import json, sys
import alliance.negotiation.models as models
loaded = lambda: sorted(n for n, m in models.MODEL_MODULES.items() if m in sys.modules)
at_import = loaded()
models.get_model("choice")
one = loaded()
print(json.dumps({"at_import": at_import, "one": one, "names": models.model_names()}))
"""


def test_models_load_on_first_use_and_keep_their_order() -> None:
    import json
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", _LAZY], capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["at_import"] == []
    assert "choice" in got["one"] and "eum" not in got["one"]
    assert got["names"] == [n for n in models.MODEL_MODULES if n in got["names"]]
    assert len(got["names"]) == len(models.MODEL_MODULES) - len(models.UNAVAILABLE)
