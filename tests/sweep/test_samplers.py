"""Samplers: Latin hypercube stratification, Saltelli design sizes and equality with SALib, chunk independence."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from alliance.errors import BadInput
from alliance.sweep.samplers import SEED_BLOCK, design, uniforms


def test_lhs_puts_one_draw_in_every_stratum_of_every_block() -> None:
    d = design("lhs", 2 * SEED_BLOCK + 300, 6, seed=4)
    u = uniforms(d, 0, d.runs)
    for lo, hi in ((0, SEED_BLOCK), (SEED_BLOCK, 2 * SEED_BLOCK), (2 * SEED_BLOCK, d.runs)):
        n = hi - lo
        strata = np.floor(u[lo:hi] * n).astype(int)
        for j in range(6):
            assert sorted(strata[:, j]) == list(range(n))


def test_a_short_lhs_is_one_latin_hypercube() -> None:
    d = design("lhs", 200, 3, seed=1)
    strata = np.floor(uniforms(d, 0, 200) * 200).astype(int)
    assert all(sorted(strata[:, j]) == list(range(200)) for j in range(3))


@pytest.mark.parametrize("sampler", ["mc", "lhs", "sobol"])
def test_any_range_of_runs_gives_the_same_numbers(sampler: str) -> None:
    d = design(sampler, 3000, 5, seed=11)
    whole = uniforms(d, 0, d.runs)
    for lo, hi in ((0, 1), (17, 1500), (1023, 1025), (d.runs - 5, d.runs)):
        np.testing.assert_array_equal(uniforms(d, lo, hi), whole[lo:hi])
    assert whole.min() >= 0 and whole.max() < 1


def test_different_seeds_differ_and_the_same_seed_repeats() -> None:
    a, b = design("mc", 100, 3, seed=1), design("mc", 100, 3, seed=2)
    assert not np.allclose(uniforms(a, 0, 100), uniforms(b, 0, 100))
    np.testing.assert_array_equal(uniforms(a, 0, 100), uniforms(design("mc", 100, 3, seed=1), 0, 100))


@pytest.mark.parametrize(("runs", "k", "groups", "base", "total"), [
    (1000, 5, None, 128, 896),      # 1000 // 7 = 142 -> 128 base rows x (5 + 2)
    (14, 5, None, 2, 14),
    (1000, 6, ["a", "a", "b", "b", "c", "c"], 128, 640),  # 3 groups: rows x 5
])  # fmt: skip
def test_sobol_sizes(runs: int, k: int, groups: list[str] | None, base: int, total: int) -> None:
    d = design("sobol", runs, k, seed=0, group_of=groups)
    assert (d.base, d.runs) == (base, total)


@pytest.mark.parametrize("groups", [None, ["x", "x", "y", "z"]])
def test_the_saltelli_rows_are_salibs(groups: list[str] | None) -> None:
    from SALib.sample import sobol

    d = design("sobol", 400, 4, seed=5, group_of=groups)
    problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[0, 1]] * 4}
    if groups:
        problem["groups"] = groups
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sobol.sample(problem, d.base, calc_second_order=False, seed=d.sobol_seed())
    np.testing.assert_array_equal(uniforms(d, 0, d.runs), ref)
    np.testing.assert_array_equal(uniforms(d, 33, 97), ref[33:97])


@pytest.mark.parametrize(("args", "message"), [
    (("foo", 10, 3), "unknown sampler 'foo'"),
    (("mc", 0, 3), "runs 0: must be at least 1"),
    (("mc", 10, 0), "no uncertain input"),
    (("sobol", 10, 5), "needs at least 14 runs"),
])  # fmt: skip
def test_bad_designs_are_one_line_errors(args: tuple[str, int, int], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        design(*args)
