"""alliance.dynamics resolves its public names on first use (PEP 562): every name in __all__ is there, and importing
the package loads none of the submodules."""

from __future__ import annotations

import json
import subprocess
import sys

import alliance.dynamics as dynamics


def test_every_public_name_resolves_to_its_submodule_object() -> None:
    from alliance.dynamics import projection, target_odds

    assert sorted(dynamics._LAZY) == sorted(dynamics.__all__)
    for name in dynamics.__all__:
        assert getattr(dynamics, name) is getattr(sys.modules[f"alliance.dynamics.{dynamics._LAZY[name]}"], name)
    assert dynamics.project is projection.project and dynamics.compliance is target_odds.compliance
    assert set(dynamics.__all__) <= set(dir(dynamics))


def test_importing_the_package_loads_no_submodule() -> None:
    code = "import json, sys, alliance.dynamics; print(json.dumps(sorted(m for m in sys.modules if m.startswith('alliance.dynamics.'))))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(res.stdout.strip().splitlines()[-1]) == []
