"""Hostile documents (issue 14, part 4): alias bombs, deep nesting, huge files and values are refused with one
line, quickly; error messages quote at most a short excerpt of the input."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance.errors import EXCERPT_CHARS, BadInput, excerpt
from alliance.io import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, check_shape, parse_text, read_user_file


def _laughs(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each anchor is a list of ``width`` aliases of the one before (width**levels values)."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join([*lines, f"name: one\nissues: *a{levels}\nactors: *a{levels}\n"])


def test_a_billion_laughs_is_refused_in_well_under_a_second() -> None:
    start = time.perf_counter()
    with pytest.raises(BadInput, match=f"expands to more than {MAX_NODES:,} values"):
        parse_text(_laughs(), ".yaml", "bomb.yaml")
    assert time.perf_counter() - start < 5  # generous; the walk visits ~10 containers


def test_aliases_used_sparingly_still_load() -> None:
    data = parse_text("base: &b {x: 1, y: [1, 2]}\nother: *b\nthird: *b\n", ".yaml", "ok.yaml")
    assert data["other"] is data["base"] and data["third"] == {"x": 1, "y": [1, 2]}


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n", "- &x [1, [2, *x]]\n"])
def test_a_recursive_alias_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="refers to itself"):
        parse_text(text, ".yaml", "rec.yaml")


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ("x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5), ".yaml"),
        ("x: " + "[" * 5000 + "]" * 5000, ".yaml"),
        ('{"x": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}", ".json"),
        ('{"x": ' + "[" * 200_000 + "]" * 200_000 + "}", ".json"),
    ],
)
def test_deep_nesting_is_one_line_not_a_recursion_error(text: str, suffix: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_text(text, suffix, "deep" + suffix)
    msg = str(err.value)
    assert "\n" not in msg and ("nest" in msg or "depth" in msg)


def test_nesting_within_the_limit_loads() -> None:
    depth = MAX_DEPTH - 1
    data = parse_text("[" * depth + "1" + "]" * depth, ".json", "ok.json")
    for _ in range(depth - 1):
        data = data[0]
    assert data == [1]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_integer_past_pythons_digit_limit_is_one_line(suffix: str) -> None:
    text = ("name: " if suffix == ".yaml" else '{"name": ') + "7" * 6000 + ("" if suffix == ".yaml" else "}")
    with pytest.raises(BadInput, match="4300 digits") as err:
        parse_text(text, suffix, "big" + suffix)
    assert len(str(err.value)) < 200


def test_check_shape_counts_what_aliases_expand_to() -> None:
    leaf = list(range(10))
    doc = {"a": [leaf] * 10}  # 1 + (1 + 10 * (1 + 10)) = 112 values, 3 containers deep
    check_shape(doc, max_nodes=112, max_depth=3)
    with pytest.raises(BadInput, match="more than 111"):
        check_shape(doc, max_nodes=111)
    with pytest.raises(BadInput, match="deeper than 2"):
        check_shape(doc, max_depth=2)


def test_excerpt_is_short_whatever_the_value() -> None:
    shared: list[object] = ["x" * 1000]
    for _ in range(30):
        shared = [shared] * 10  # 10**30 leaves if expanded
    for value in ("y" * 100_000, shared, 10**4000, {"k" * 500: "v" * 500}):
        assert len(excerpt(value)) <= EXCERPT_CHARS
    assert excerpt("USA") == "'USA'"
    assert excerpt(10**5000).startswith("<a int")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: no disk used
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(BadInput, match="the limit is 16,777,216 bytes"):
        read_user_file(big, "scenario file")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d, "is a directory"),
        (lambda d: d / ("x" * 300 + ".yaml"), "too long"),
        (lambda d: d / "missing.yaml", "not found"),
        (lambda d: Path("/dev/null"), "not a regular file"),
        (lambda d: d / "nul\x00.yaml", "null"),
    ],
)
def test_paths_that_are_not_files_are_one_line(tmp_path: Path, make: object, expected: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(BadInput, match=expected) as err:
        read_user_file(path, "scenario file")
    assert len(str(err.value)) < 200


def test_a_long_unknown_bundled_name_is_quoted_short() -> None:
    from alliance.negotiation.schema import load_scenario

    with pytest.raises(BadInput, match="unknown scenario") as err:
        load_scenario("q" * 5000)
    assert len(str(err.value)) < 300


@pytest.mark.parametrize("command", [["negotiate"], ["simulate", "--scenario"], ["claims"]])
def test_a_yaml_bomb_on_the_command_line_exits_2_with_one_line_quickly(tmp_path: Path, command: list[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_laughs(), encoding="utf-8")
    code = "import sys; from alliance.cli import main; main(sys.argv[1:])"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, *command, str(bomb)], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure this test exists for
        pytest.fail("a YAML bomb ran past 60 s")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "expands to more than" in lines[0] and len(lines[0]) < 300
