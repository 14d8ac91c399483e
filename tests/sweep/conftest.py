"""Small scenarios for the sweep tests (real hague-2025 runs are in the slower tests)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("duckdb")


def toy_dict(widths: tuple[float, ...] = (10.0, 20.0, 30.0)) -> dict[str, Any]:
    """One issue, equal capabilities and saliences without uncertainty, positions uniform around 50: the
    compromise is the plain mean of the positions, so its Sobol' indices are known (w_i^2 / sum w^2)."""
    return {
        "name": "toy",
        "issues": [{"name": "t", "low": 0, "high": 100, "reversion": 50, "formulations": {"low": 25, "high": 75}}],
        "actors": [
            {"name": f"a{k}", "capability": 1, "issues": {"t": {"position": 50, "salience": 50, "uncertainty": {
                "position": {"dist": "uniform", "half_width_share": w / 100}}}}}
            for k, w in enumerate(widths)
        ],
    }  # fmt: skip


@pytest.fixture
def toy() -> Any:
    from alliance.negotiation.schema import scenario_from_dict

    return scenario_from_dict(toy_dict())
