"""Forecast: blockers, pivotal actors, cohesion, explanations, frames, dict, printing and plots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from alliance.errors import BadInput
from alliance.negotiation.forecasting import Forecast, forecast, forecast_all, option_takers
from alliance.negotiation.models import model_names
from alliance.negotiation.plots import plot_forecasts
from alliance.negotiation.scenario import Actor, Issue, Scenario

EMISSIONS = Path(__file__).resolve().parents[2] / "src" / "alliance" / "data" / "tables" / "bdm1994_emissions.csv"


def three() -> Scenario:
    """A at 0 and B at 100 (weight 1 each), C at 50 with weight .01; reversion 40; wordings at 0, 50, 100."""
    issue = Issue("i", 0, 100, reversion=40, formulations={"weak": 0, "middle": 50, "strong": 100})
    actors = (
        Actor("A", 1.0, {"i": 0.0}, {"i": 1.0}),
        Actor("B", 1.0, {"i": 100.0}, {"i": 1.0}),
        Actor("C", 0.01, {"i": 50.0}, {"i": 1.0}),
    )
    return Scenario("three", (issue,), actors)


def test_compromise_forecast_reasons_by_hand() -> None:
    fc = forecast(three(), "compromise")
    # outcome (0 + 100 + .5) / 2.01 = 50.0 (C sits on it) -> "middle"
    assert_allclose(fc.outcome, [100.5 / 2.01])
    assert fc.formulation == ("middle",)
    # A: |d - 0| = 40 < |o - 0| = 50 -> worse off than without agreement; B: 60 > 50; C: 10 > 0
    assert fc.blockers["i"] == ("A",)
    # removing A -> (100 + .5) / 1.01 = 99.5 -> "strong"; removing B -> .5 / 1.01 -> "weak"; C changes nothing
    # (removed: 50 -> 50; moved away to 60: 50.05; towards: stays)
    assert fc.pivotal["i"] == ("A", "B")
    # cohesion 1 - (1 x 50 + 1 x 50 + .01 x 0) / (100 x 2.01)
    assert_allclose(fc.cohesion, [1 - 100 / 201])
    rows = fc.actors_frame().set_index("actor")
    # utility relative to reversion: s (|d - x| - |o - x|) / span = (40 - 50) / 100 for A
    assert_allclose(rows.loc["A", "utility"], (40 - 100.5 / 2.01) / 100)
    assert rows.loc["A", "pivotal_by"] == "removal" and not rows.loc["C", "pivotal"]
    assert rows.loc["A", "blocker"] and not rows.loc["A", "acceptable"] and rows.loc["B", "acceptable"]
    text = fc.explanation["i"]
    assert "nearest wording 'middle'" in text and "reject it: A" in text and "Pivotal: A, B" in text


def test_moves_of_ten_percent_can_make_an_actor_pivotal() -> None:
    # median of A 0 (w 1), C 50 (w 1.5), B 100 (w 1): C holds the median at 50 ("middle", wordings 0/50/100).
    # C moved away (ties: towards the farther end, +10 -> 60) -> median 60, still "middle"; removal -> tie
    # [0, 100] -> 50, still "middle". With wordings at 0, 54, 100 ("middle" at 54), 60 -> "middle"? |60-54| = 6
    # vs |60-100| = 40 -> yes. Use wordings 0, 45, 56 instead: outcome 50 -> 45 ("low-mid"), 60 -> 56 ("hi-mid").
    issue = Issue("i", 0, 100, reversion=0, formulations={"weak": 0, "low-mid": 45, "hi-mid": 56, "strong": 100})
    actors = (
        Actor("A", 1.0, {"i": 0.0}, {"i": 1.0}),
        Actor("B", 1.0, {"i": 100.0}, {"i": 1.0}),
        Actor("C", 1.5, {"i": 50.0}, {"i": 1.0}),
    )
    fc = forecast(Scenario("m", (issue,), actors), "median")
    assert_allclose(fc.outcome, [50.0])
    rows = fc.actors_frame().set_index("actor")
    assert "move_away" in rows.loc["C", "pivotal_by"] and "removal" not in rows.loc["C", "pivotal_by"]


def test_consensus_deadlock_blockers_are_the_actors_that_empty_the_winset() -> None:
    sc = three()
    sc = replace(
        sc,
        actors=(
            replace(sc.actors[0], bounds={"i": (0.0, 30.0)}),
            replace(sc.actors[1], bounds={"i": (70.0, 100.0)}),
            replace(sc.actors[2], bounds={"i": (0.0, 100.0)}),
        ),
    )
    fc = forecast(sc, "consensus")
    assert np.isnan(fc.outcome[0]) and fc.formulation == (None,)
    assert fc.blockers["i"] == ("A", "B")
    # removing A or B leaves a non-empty win-set; C accepts anything, so it is not pivotal
    assert fc.pivotal["i"] == ("A", "B")
    assert fc.explanation["i"].startswith("No agreement predicted on i: deadlock")
    assert fc.to_dict()["i"]["details"]["deadlock_by"] == ["A", "B"]


def test_no_reversion_gives_nan_utility_and_a_note() -> None:
    fc = forecast(EMISSIONS, "nash")
    assert np.isnan(fc.outcome[0]) and "reversion point" in fc.notes["bdm1994_emissions"]
    assert fc.actors_frame()["utility"].isna().all()
    d = forecast(EMISSIONS, "median").to_dict()["bdm1994_emissions"]
    assert d["outcome"] == 7.0 and d["blockers"] == [] and all(v is None for v in d["utility"].values())


def test_frames_dict_printing_and_html() -> None:
    fc = forecast(three(), "median")
    frame = fc.to_frame()
    assert list(frame["issue"]) == ["i"] and {"outcome", "formulation", "blockers", "pivotal", "cohesion"} <= set(frame)
    assert len(fc.actors_frame()) == 3
    d = fc.to_dict()
    assert set(d) == {"i"} and {"outcome", "formulation", "blockers", "pivotal", "explanation"} <= set(d["i"])
    assert "median forecast for three" in str(fc) and "<table" in fc._repr_html_()
    from rich.console import Console

    console = Console(record=True, width=120)
    console.print(fc)
    assert "median forecast" in console.export_text()


@pytest.mark.slow
def test_plot_returns_a_figure_and_saves(tmp_path: Path) -> None:
    fc = forecast(three(), "compromise")
    fig = fc.plot()
    assert fig.__class__.__name__ == "Figure" and len(fig.axes) >= 1
    for name in ("f.png", "f.html", "f.svg"):
        plot_forecasts({"compromise": fc}, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 1000
    assert "<svg" in (tmp_path / "f.svg").read_text()
    # .html is the interactive plotly page, plotly.js inlined (no network needed to open it)
    page = (tmp_path / "f.html").read_text()
    assert "plotly" in page and "<script" in page and "cdn.plot.ly" not in page.split("<body>")[-1][:2000]
    assert fc.plot(tmp_path / "one.html").__class__.__module__.startswith("plotly")
    with pytest.raises(BadInput, match="must end in .png, .svg or .html"):
        plot_forecasts({"compromise": fc}, tmp_path / "f.pdf")


def test_options_are_checked_and_filtered() -> None:
    with pytest.raises(BadInput, match="model 'compromise' does not take option\\(s\\) rounds; valid: weights"):
        forecast(three(), "compromise", rounds=3)
    fc = forecast(three(), "compromise", weights="equal")
    assert_allclose(fc.outcome, [50.0]) and fc.options == {"weights": "equal"}
    everything = forecast_all(three(), ["compromise", "median"], weights="equal", pivotal=False)
    assert list(everything) == ["compromise", "median"] and everything["median"].pivotal["i"] == ()


@pytest.mark.slow
def test_forecast_all_selects_models_and_option_takers() -> None:
    assert list(forecast_all(three(), ["median", "nash"])) == ["median", "nash"]
    assert list(forecast_all(three())) == model_names()
    with pytest.raises(BadInput, match="unknown model 'nope'"):
        forecast_all(three(), ["nope"])
    assert option_takers("rounds", ["median", "eum"]) == ["eum"]
    assert option_takers("rounds", ["median"]) == []


def test_forecast_reasons_do_not_depend_on_actor_order() -> None:
    sc = three()
    other = replace(sc, actors=sc.actors[::-1])
    for model in ("compromise", "median", "nash", "consensus"):
        a, b = forecast(sc, model), forecast(other, model)
        assert_allclose(a.outcome, b.outcome)
        assert set(a.blockers["i"]) == set(b.blockers["i"]) and set(a.pivotal["i"]) == set(b.pivotal["i"])


def test_eum_rounds_pass_through_to_dict() -> None:
    d = forecast(EMISSIONS, "eum", rounds=5).to_dict()["bdm1994_emissions"]
    medians = d["details"]["medians"]
    assert len(medians) == 6 and medians[0] == 7.0


@pytest.mark.slow
def test_hague_forecasts_every_model_and_issue() -> None:
    results = forecast_all("hague-2025")
    assert isinstance(results["compromise"], Forecast)
    for fc in results.values():
        assert len(fc.to_frame()) == len(fc.scenario.issues)
