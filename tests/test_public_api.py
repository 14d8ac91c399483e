"""The top-level package: light import, lazy public names that resolve."""

from __future__ import annotations

import subprocess
import sys

import pytest

import alliance


@pytest.mark.parametrize("name", [n for n in alliance.__all__ if n != "__version__"])
def test_every_public_name_resolves(name: str) -> None:
    assert callable(getattr(alliance, name))


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = alliance.no_such_name  # type: ignore[attr-defined]


def test_import_alliance_does_not_import_heavy_dependencies() -> None:
    code = (
        "import sys, alliance; print(sorted(m for m in ('pandas','scipy','matplotlib','plotly') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_simulate_backtest_alias_is_the_dynamics_backtest() -> None:
    from alliance.dynamics import backtest

    assert alliance.simulate_backtest is backtest
