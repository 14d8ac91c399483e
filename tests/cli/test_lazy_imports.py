"""Each command loads only what it uses (measured with ``python -X importtime``; pinned here as the heavy modules a
command must not leave in ``sys.modules``). pydantic is not in the lists: the scenario, simulation and claims schemas
use it (Typer no longer does for our plain options: alliance.cli._coerce)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

_CODE = """
import sys
from alliance.cli import main
try:
    main({args!r})
except SystemExit:
    pass
watch = ('scipy', 'scipy.stats', 'scipy.optimize', 'pydantic', 'matplotlib', 'plotly', 'numba')
print(sorted(m for m in watch if m in sys.modules))
"""


def _loaded(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _CODE.format(args=list(args))], capture_output=True, text=True, timeout=600, check=True
    ).stdout
    return list(ast.literal_eval(out.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "absent"),
    [
        (("brief", "--format", "json"), {"scipy", "matplotlib", "plotly", "numba"}),
        (("simulate", "--until", "2035", "--format", "csv"), {"scipy.optimize", "scipy.stats", "numba"}),
        # the choice model uses scipy.special's normal CDF; nothing needs scipy.stats or scipy.optimize. The EUM's
        # pivotal analysis (4.4e6 cells) loads the compiled kernel where numba is installed (eum.AUTO_NUMBA_CELLS:
        # cheaper than two NumPy batches, docs/benchmarks.md), so numba is allowed here
        (
            ("negotiate", "hague-2025", "--model", "all", "--format", "json"),
            {"scipy.stats", "scipy.optimize", "matplotlib", "plotly"},
        ),
        (("backtest", "deu-calibration", "--model", "compromise", "--format", "json"), {"scipy", "numba"}),
    ],
)
def test_a_command_loads_only_what_it_uses(args: tuple[str, ...], absent: set[str]) -> None:
    assert not absent & set(_loaded(*args))
