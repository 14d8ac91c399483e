"""The exchange model (Stokman & Van Oosten 1994; equal gain, Arregui, Stokman & Thomson 2006)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from alliance.errors import BadInput
from alliance.negotiation.models.exchange import compromise, exchange_rounds, find_exchanges, solve
from alliance.negotiation.scenario import Actor, Issue, Scenario


def _scenario(x: np.ndarray, c: np.ndarray, s: np.ndarray, names: tuple[str, ...] = ("tax", "defence")) -> Scenario:
    actors = tuple(
        Actor(
            name=f"A{k}",
            capability=float(c[k]),
            positions={n: float(x[k, i]) for i, n in enumerate(names)},
            saliences={n: float(s[k, i]) for i, n in enumerate(names)},
        )
        for k in range(len(c))
    )
    return Scenario(name="t", issues=tuple(Issue(name=n, low=0.0, high=100.0) for n in names), actors=actors)


# Hand-built case, scale 0-100 on both issues (distances below on 0-1):
#   A: c = 2, x = (0, 20),  s = (0.9, 0.3)   -> weights w = c s = (1.8, 0.6)
#   B: c = 1, x = (60, 100), s = (0.4, 0.8)  -> weights (0.4, 0.8);  W = (2.2, 1.4)
#   Compromise O1 = 0.4 * 60 / 2.2 = 10.909,  O2 = (0.6 * 20 + 0.8 * 100) / 1.4 = 65.714.
#   A cares relatively more about issue 1, B about issue 2: s_A1 s_B2 = 0.72 > s_A2 s_B1 = 0.12; A and B are
#   on opposite sides of both outcomes, so B gives way on 1 and A on 2.
#   Equal gain: delta2 / delta1 = (0.9 + 0.4) / (0.3 + 0.8) = 1.1818.
#   Caps: delta1 <= min(0.6 * 0.4 / 2.2, 0.10909) = 0.10909 (B all the way to 0, O1 reaches A's 0);
#         delta2 <= min(0.8 * 0.6 / 1.4, 1 - 0.65714) = 0.342857;  delta1 = min(0.10909, 0.342857 / 1.1818).
#   So delta1 = 0.10909, delta2 = 0.128926: B moves 60 -> 0 (shift 0.10909 * 2.2 / 0.4 = 0.6 of the scale),
#   A moves 20 -> 20 + 100 * 0.128926 * 1.4 / 0.6 = 50.0826.
#   Gain = delta1 (0.72 - 0.12) / 1.1 = 0.059504 for each: A 0.9 * 0.10909 - 0.3 * 0.128926 = 0.059504,
#   B 0.8 * 0.128926 - 0.4 * 0.10909 = 0.059504.  New outcomes: O1 = 0, O2 = 65.714 + 12.8926 = 78.607.
#   Round 2: both actors now sit on (A) or at (B) O1 = 0, no opposed pair: the model stops.
X_HAND = np.array([[0.0, 20.0], [60.0, 100.0]])
C_HAND = np.array([2.0, 1.0])
S_HAND = np.array([[0.9, 0.3], [0.4, 0.8]])


def test_hand_computed_exchange() -> None:
    path, ex = exchange_rounds(X_HAND, C_HAND, S_HAND, rounds=5, low=0.0, high=100.0)
    assert len(ex) == 1 and path.shape == (2, 2, 2)
    e = ex[0]
    assert (e["i"], e["j"], e["a"], e["b"]) == (0, 1, 0, 1)
    assert e["shift_j"] == pytest.approx(-60.0)
    assert e["shift_i"] == pytest.approx(30.0826, abs=1e-4)
    assert e["gain"] == pytest.approx(0.059504, abs=1e-6)
    assert_allclose(path[-1], [[0.0, 50.0826], [0.0, 100.0]], atol=1e-4)
    out = solve(_scenario(X_HAND, C_HAND, S_HAND), rounds=5)
    assert_allclose(out.outcome, [0.0, 78.607], atol=1e-3)
    assert_allclose(out.details["compromise"], [10.909, 65.714], atol=1e-3)
    row = out.details["exchanges"][0]
    assert row["actor_i"] == "A0" and row["actor_j"] == "A1"
    assert row["issue_i_moves_on"] == "defence" and row["issue_j_moves_on"] == "tax"
    assert set(row) == {
        "round",
        "actor_i",
        "actor_j",
        "issue_i_moves_on",
        "issue_j_moves_on",
        "shift_i",
        "shift_j",
        "gain",
    }
    json.dumps(dict(out.details))


def test_no_exchange_when_saliences_are_proportional() -> None:
    s = np.array([[0.8, 0.4], [0.6, 0.3]])  # ratios 2 and 2: nobody cares relatively more about anything
    assert not (find_exchanges(X_HAND / 100, C_HAND, s)["gain"] > 0).any()
    out = solve(_scenario(X_HAND, C_HAND, s))
    assert out.details["exchanges"] == []
    assert_allclose(out.outcome, out.details["compromise"])
    assert "no profitable exchange" in out.notes["tax"]


def test_partners_must_be_on_opposite_sides_of_both_outcomes() -> None:
    x = np.array([[0.0, 0.0], [10.0, 10.0], [90.0, 90.0]])
    c = np.array([1.0, 1.0, 0.1])
    s = np.array([[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]])
    # Outcomes (5.2, 12.9): A0 and A1 both sit below both, so although their salience ratios are opposed
    # (9 vs 1/9) a move by one towards the other cannot help the other; every first-round trade involves A2.
    found = find_exchanges(x / 100.0, c, s)
    assert found["gain"][0, 1].max() == 0.0
    _, ex = exchange_rounds(x, c, s, 1, 0.0, 100.0)
    assert ex and all(2 in (e["i"], e["j"]) for e in ex)


def test_one_issue_gives_the_compromise_with_a_note() -> None:
    x, c, s = X_HAND[:, :1], C_HAND, S_HAND[:, :1]
    out = solve(_scenario(x, c, s, names=("tax",)))
    assert out.details["exchanges"] == []
    assert out.outcome[0] == pytest.approx(compromise(x, c[:, None] * s)[0])
    assert "one issue" in out.notes["tax"]


def test_bad_shapes_raise_bad_input() -> None:
    with pytest.raises(BadInput):
        exchange_rounds(X_HAND, C_HAND[:1], S_HAND)
    with pytest.raises(BadInput):
        exchange_rounds(X_HAND, C_HAND, S_HAND, rounds=-1)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_act = draw(st.integers(2, 8))
    n_iss = draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(0.0, 100.0, (n_act, n_iss))
    if draw(st.booleans()):
        x[rng.integers(0, n_act), rng.integers(0, n_iss)] = np.nan  # someone sits out an issue
    return x, rng.uniform(0.1, 1.0, n_act), rng.uniform(0.05, 1.0, (n_act, n_iss))


@settings(max_examples=60, deadline=None)
@given(_cases())
def test_outcomes_and_positions_stay_within_the_range_of_positions(
    case: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, c, s = case
    path, _ = exchange_rounds(x, c, s, 4, 0.0, 100.0)
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    assert np.all(np.isnan(path) == np.isnan(x)[None])
    assert np.all((np.nan_to_num(path, nan=lo.min()) >= lo - 1e-9) | np.isnan(path))
    assert np.all((path <= hi + 1e-9) | np.isnan(path))
    out = compromise(path[-1], c[:, None] * s)
    assert np.all((out >= lo - 1e-9) & (out <= hi + 1e-9))


@settings(max_examples=60, deadline=None)
@given(_cases())
def test_every_exchange_gives_both_partners_the_stated_equal_gain(
    case: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, c, s = case
    z = x / 100.0
    w = c[:, None] * s
    found = find_exchanges(z, c, s)
    o0 = compromise(z, w)
    for i, j, a, b in zip(*np.nonzero(found["gain"] > 0), strict=True):
        moved = z.copy()
        moved[i, b] += found["shift_i"][i, j, a, b]
        moved[j, a] += found["shift_j"][i, j, a, b]
        o1 = compromise(moved, w)
        loss = lambda k, o: float(np.nansum(s[k] * np.abs(z[k] - o)))  # noqa: E731  (positions before the move)
        g = found["gain"][i, j, a, b]
        assert loss(i, o0) - loss(i, o1) == pytest.approx(g, abs=1e-9)
        assert loss(j, o0) - loss(j, o1) == pytest.approx(g, abs=1e-9)
        # Neither overshoots the partner's position.
        assert abs(found["shift_j"][i, j, a, b]) <= abs(z[i, a] - z[j, a]) + 1e-12
        assert abs(found["shift_i"][i, j, a, b]) <= abs(z[j, b] - z[i, b]) + 1e-12


@settings(max_examples=60, deadline=None)
@given(_cases(), st.randoms(use_true_random=False))
def test_actor_order_is_irrelevant(case: tuple[np.ndarray, np.ndarray, np.ndarray], rnd: object) -> None:
    x, c, s = case
    perm = np.arange(len(c))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    p1, e1 = exchange_rounds(x, c, s, 4, 0.0, 100.0)
    p2, e2 = exchange_rounds(x[perm], c[perm], s[perm], 4, 0.0, 100.0)
    assert_allclose(p1[:, perm], p2, atol=1e-9)
    assert sorted(round(e["gain"], 9) for e in e1) == sorted(round(e["gain"], 9) for e in e2)
