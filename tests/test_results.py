"""The result protocol on every result object: a frame, strict JSON, meta, a chart in both backends, display."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from alliance.results import Result


def _forecast() -> Result:
    from alliance.negotiation import forecast

    return forecast("hague-2025", "compromise", pivotal=False)


def _deu() -> Result:
    from alliance.negotiation import deu_backtest, load_deu

    return deu_backtest(load_deu(), "compromise,median", bootstrap=50)


def _cv() -> Result:
    from alliance.negotiation import cross_validate, load_deu

    return cross_validate(load_deu(capability="votes"), k=3, seeds=(0,), bootstrap=50)


def _nested() -> Result:
    from alliance.negotiation import load_deu, nested_cv

    return nested_cv(
        load_deu(capability="votes"), k=3, seeds=(0,), design="median of snap_target=nearest", bootstrap=50
    )


def _calibration() -> Result:
    from alliance.dynamics import calibrate

    return calibrate()


def _sim_backtest() -> Result:
    from alliance.dynamics import backtest

    return backtest()


def _projection() -> Result:
    from alliance.dynamics import project

    return project("baseline", until=2028, runs=20, seed=1)


def _path2035() -> Result:
    from alliance.spending import scenario_2035

    return scenario_2035()


def _brief() -> Result:
    from alliance.brief import brief

    return brief()


def _claims() -> Result:
    from alliance.claims import check_claims

    return check_claims()


def _spending_table() -> Result:
    from alliance.spending import as_result, gap_to_target

    return as_result(gap_to_target(3.5, year=2025))


def _compliance() -> Result:
    from alliance.dynamics import compliance, project

    return compliance(project("baseline", runs=20, seed=1), 5.0, core_related=True, related=1.0)


def _scenario_comparison() -> Result:
    from alliance.dynamics import compare_scenarios

    return compare_scenarios(["baseline", "us-exempt"], runs=10, seed=1)


def _editions() -> Result:
    from alliance.spending import compare_editions

    return compare_editions()


WITH_CHART: dict[str, Callable[[], Result]] = {
    "Forecast": _forecast,
    "Compliance": _compliance,
    "ScenarioComparison": _scenario_comparison,
    "EditionComparison": _editions,
    "DEUBacktest": _deu,
    "SimulationBacktest": _sim_backtest,
    "Projection": _projection,
    "Path2035": _path2035,
    "Brief": _brief,
}
WITHOUT_CHART: dict[str, Callable[[], Result]] = {
    "CVResult": _cv,
    "NestedCVResult": _nested,
    "Calibration": _calibration,
    "ClaimsCheck": _claims,
    "SpendingTable": _spending_table,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*WITH_CHART, *WITHOUT_CHART])
def test_every_result_has_a_frame_strict_json_meta_and_display(name: str) -> None:
    res = {**WITH_CHART, **WITHOUT_CHART}[name]()
    assert isinstance(res, Result) and type(res).__name__ == name
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    json.dumps(res.to_dict(), allow_nan=False)  # strict JSON: no NaN, no NumPy scalars
    assert res.meta and json.dumps(res.to_dict()) == json.dumps(res.to_dict())  # deterministic
    console = Console(record=True, width=200)
    console.print(res)
    assert console.export_text().strip()
    assert "<table" in res._repr_html_()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(WITH_CHART))
def test_plot_returns_the_figure_and_writes_each_format(name: str, tmp_path: Path) -> None:
    res = WITH_CHART[name]()
    fig: Any = res.plot()
    assert hasattr(fig, "savefig")  # matplotlib by default, nothing written
    assert list(tmp_path.iterdir()) == []
    assert hasattr(res.plot(backend="plotly"), "write_html")
    for suffix in (".png", ".svg", ".html"):
        res.plot(tmp_path / f"chart{suffix}")
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    # every chart carries a source line (NATO's terms ask for attribution, SIPRI's for its wording)
    from alliance.io import source_line_of

    assert source_line_of(res.plot()).startswith("Source: ")
    assert source_line_of(res.plot(backend="plotly")).startswith("Source: ")
    assert "<svg" in (tmp_path / "chart.svg").read_text()
    assert "plotly" in (tmp_path / "chart.html").read_text()


def test_a_result_without_a_chart_says_so() -> None:
    from alliance.errors import BadInput

    with pytest.raises(BadInput, match="ClaimsCheck has no chart"):
        _claims().plot()


def test_spending_metadata_survives_concat() -> None:
    """pandas drops attrs on concat of frames whose attrs differ; the rows and the SpendingTable keep them."""
    from alliance.spending import as_result, gap_to_target, meta

    frames = [gap_to_target(3.5, year=y) for y in (2024, 2025)]
    tables = [as_result(f) for f in frames]
    both = pd.concat([t.frame for t in tables], ignore_index=True)
    assert both.attrs == {}  # what the issue warns about
    assert set(zip(both["edition"], both["year"], strict=True)) == {(2026, 2024), (2026, 2025)}
    assert [t.meta["year"] for t in tables] == [2024, 2025] and meta(frames[0]) == tables[0].meta
    totals = {t.meta["year"]: t.meta["total"]["gap_usd_current_million"] for t in tables}
    assert totals[2024] == pytest.approx(frames[0].loc[frames[0]["is_total"], "gap_usd_current_million"].item())
