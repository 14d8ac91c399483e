"""The fast converter of plain option values (alliance.cli._coerce) gives what Typer's pydantic converter gives, and
leaves every value it does not convert (and so every error message) to Typer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from alliance.cli import _coerce
from alliance.cli._common import Format


class _Size(str, Enum):
    small = "small"
    large = "large"


def _both(annotation: Any, value: Any, **info: Any) -> tuple[Any, Any]:
    """(fast result or the string 'slow', Typer's result or the string 'error')."""
    option = OptionInfo(**info)
    convert = _coerce._converter(annotation, option)
    assert convert is not None
    try:
        fast = convert(value, None, None)
    except _coerce._Slow:
        fast = "slow"
    try:
        typer_value = build_runtime_param(resolve_type_descriptor(annotation, option))._coerce_value(
            value, param=None, ctx=None
        )
    except Exception:
        typer_value = "error"
    return fast, typer_value


_NUMBERISH = st.text(alphabet="0123456789+-.eE_ xa", max_size=8)


@given(_NUMBERISH)
def test_ints_as_typer_converts_them(text: str) -> None:
    fast, typer_value = _both(int, text)
    assert fast == "slow" or (fast == typer_value and type(fast) is type(typer_value))


@given(_NUMBERISH)
def test_floats_as_typer_converts_them(text: str) -> None:
    fast, typer_value = _both(float, text)
    assert fast == "slow" or (fast == typer_value and type(fast) is type(typer_value))


@pytest.mark.parametrize(
    "value", ["true", "False", "YES", "no", "1", "0", "on", "Off", "t", "f", "y", "n", "maybe", "", True, False]
)
def test_booleans_as_typer_converts_them(value: Any) -> None:
    fast, typer_value = _both(bool, value)
    assert fast == "slow" or fast is typer_value


@pytest.mark.parametrize(
    ("annotation", "value", "info"),
    [
        (Format, "JSON", {"case_sensitive": False}),
        (Format, "csv", {"case_sensitive": False}),
        (Format, "xml", {"case_sensitive": False}),
        (_Size, "small", {}),
        (_Size, "Small", {}),
        (Path, "out/figure.png", {}),
        (str, "hague-2025", {}),
        (list[str], ["DEU", "FRA"], {}),
        (list[str], "DEU", {}),
        (float, 3, {}),
        (int, 2035, {}),
    ],
)
def test_plain_types_as_typer_converts_them(annotation: Any, value: Any, info: dict[str, Any]) -> None:
    fast, typer_value = _both(annotation, value, **info)
    assert fast == typer_value or (fast == "slow" and typer_value == "error")


def test_numbers_with_bounds_are_left_to_typer() -> None:
    assert _coerce._converter(int, OptionInfo(min=1)) is None


def test_a_bad_number_is_still_typers_one_line_error(cli: Any) -> None:
    code, out, err = cli("simulate", "--until", "20x5")
    assert code == 2
    assert "'--until'" in err and "integer" in err and len(err.strip().splitlines()) == 1
