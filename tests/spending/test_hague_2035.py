"""Issue 12, parts 2 and 3: the Hague target as agreed, and the 2035 arithmetic corrected."""

from __future__ import annotations

import json

import numpy as np
import pytest

from alliance import spending
from alliance.dynamics import compare_scenarios, compliance, project
from alliance.errors import BadInput

# --- part 3: the 2035 arithmetic -------------------------------------------------------------------------------


def test_all_at_target_never_cuts_an_ally_above_it() -> None:
    res = spending.scenario_2035(3.5)
    pol = res.detail.set_index("iso3").loc["POL"]
    # Poland spends 4.68% of GDP in 2026e: its 2035 spending at "all at target" is not below its 2026 spending
    assert pol["spending_by_target_million"] >= pol["spending_usd_constant_million"]
    assert pol["spending_by_target_million"] == pytest.approx(pol["spending_by_current_share_million"])
    assert pol["spending_by_target_million"] / 1000 == pytest.approx(51.6, abs=0.05)
    cut = spending.scenario_2035(3.5, cut_above=True).detail.set_index("iso3").loc["POL"]
    assert cut["spending_by_target_million"] / 1000 == pytest.approx(38.6, abs=0.05)  # only when asked
    assert res.meta["above_target"] == "keep their base-year share (not cut)"


@pytest.mark.slow
def test_one_us_exempt_definition_in_path2035_and_in_the_simulation() -> None:
    res = spending.scenario_2035(3.5)
    d = res.detail.set_index("iso3")
    assert res.meta["us_exempt_definition"].startswith("US exempt: the US is not held to the target and keeps its 2026")
    assert res.difference_usd_million == pytest.approx(
        (3.5 - d.loc["USA", "pct_gdp_real"]) / 100 * d.loc["USA", "real_gdp_by_million"]
    )
    # the simulation's us-exempt scenario: the US keeps its 2026 share of GDP in every run and year
    p = project("us-exempt", runs=30, seed=3)
    us = p.iso3.index("USA")
    np.testing.assert_allclose(p.paths[:, :, us], p.paths[0, 0, us])
    assert "2026 share of GDP" in " ".join(p.assumptions)


def test_hague_path_default_no_longer_extrapolates_the_post_2022_surge() -> None:
    base = spending.hague_path().set_index("iso3")
    surge = ["ESP", "BEL", "CAN", "TUR", "NLD"]
    # 2021-2026 real growth of 14-19% a year: on track for 5% only if extrapolated for a decade
    assert (base.loc[surge, "trend_growth_pct"] > 13.5).all()
    assert not base.loc[surge, "on_track_total"].any()
    recent = spending.hague_path(trend="recent").set_index("iso3")
    assert recent.loc[surge, "on_track_total"].all()
    # the growth assumed per ally is shown: between GDP growth and the recent trend when the trend is above it
    assert (base["assumed_growth_pct"] <= base[["trend_growth_pct", "gdp_growth_pct"]].max(axis=1) + 1e-9).all()
    assert (base["assumed_growth_pct"] >= base[["trend_growth_pct", "gdp_growth_pct"]].min(axis=1) - 1e-9).all()
    assert base.loc["ESP", "growth_assumption"].startswith("damped trend: 2021-2026 trend fading into GDP growth")


def test_luxembourg_gdp_no_longer_shrinks_and_the_break_is_flagged() -> None:
    lux = spending.hague_path().set_index("iso3").loc["LUX"]
    assert lux["gdp_series_break"]
    assert 1.0 < lux["gdp_growth_pct"] < 3.0  # was -1.65%/yr: the 2023 change of basis taken as a recession
    assert "series breaks left out" in lux["gdp_growth_source"]


def test_a_published_national_plan_replaces_the_trend_only_where_given() -> None:
    base = spending.hague_path().set_index("iso3")
    planned = spending.hague_path(plans={"Spain": 2.1}).set_index("iso3")
    assert planned.loc["ESP", "projected_pct_gdp_by"] == pytest.approx(2.1)
    assert planned.loc["ESP", "growth_assumption"] == "national plan: 2.1% of GDP in 2035 (user-given)"
    assert not planned.loc["ESP", "on_track_core"]
    assert planned.loc["BEL", "assumed_growth_pct"] == pytest.approx(base.loc["BEL", "assumed_growth_pct"])
    assert planned.attrs["plans"] == {"Spain": 2.1}
    with pytest.raises(BadInput, match="unknown trend 'linear'"):
        spending.hague_path(trend="linear")


@pytest.mark.slow
def test_cli_hague_path_shows_the_growth_assumed_and_path2035_the_definition(cli) -> None:
    code, out, err = cli("spending", "hague-path", "-c", "Spain", "--format", "json")
    (esp,) = json.loads(out)
    assert code == 0 and {"assumed_growth_pct", "projected_pct_gdp_by", "growth_assumption"} <= set(esp)
    assert "Growth assumed: damped trend" in err and "National plans: none given (none embedded)" in err
    code, out, err = cli("spending", "path2035", "--format", "json")
    assert code == 0 and "US exempt: the US is not held to the target" in err
    code, out, err = cli("spending", "path2035", "--cut-above", "--detail", "--format", "csv")
    assert code == 0 and "cut to the target" in err


# --- part 2: the Hague target as agreed --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_output_with_a_target_above_3_5_says_tables_are_core_only(cli) -> None:
    for df in (spending.meets_target(5.0), spending.gap_to_target(5.0)):
        assert df.attrs["core_note"].startswith("target 5% is above 3.5%: NATO's tables report core defence spending")
    assert spending.meets_target(3.5).attrs["core_note"] == ""
    code, out, err = cli("spending", "--target", "5", "--format", "csv")
    assert code == 0 and "report core defence spending only" in err
    code, out, err = cli("spending", "--target", "5")
    assert "report core defence spending only" in " ".join(out.split())


def test_hague_check_compares_core_with_3_5_and_takes_related_spending_as_an_assumption(cli) -> None:
    plain = spending.hague_check()
    assert plain.attrs["n_core"] == spending.count_meeting(3.5)[0]
    assert plain.attrs["n_total"] == spending.count_meeting(5.0)[0]  # related 0: core must reach 5% alone
    assert "0 for every ally" in plain.attrs["related_assumption"]
    with_us = spending.hague_check({"America": 1.5}).set_index("iso3")
    assert with_us.loc["USA", "related_pct_gdp"] == 1.5 and not with_us.loc["USA", "meets_hague_5"]  # core < 3.5
    allied = spending.hague_check(1.5)
    assert allied.attrs["n_total"] == allied.attrs["n_core"]  # 1.5 related for all: 5% = core at 3.5%
    with pytest.raises(BadInput, match="out of range; valid: % of GDP, 0 to 1.5"):
        spending.hague_check({"USA": 2.0})
    code, out, err = cli("spending", "hague", "--related", "USA=1.0", "--format", "csv")
    assert code == 0 and "related spending is the user's assumption (USA 1 (others 0))" in err


@pytest.mark.slow
def test_simulate_target_gives_per_ally_and_alliance_probabilities() -> None:
    p = project("baseline", runs=200, seed=7)
    core = compliance(p, 3.5)
    last = p.paths[-1]
    manual = (last >= 3.5 - 1e-9).mean(axis=0)
    got = core.allies.set_index("iso3")["p_reach"]
    np.testing.assert_allclose(got.loc[list(p.iso3)].to_numpy(), manual)
    k = core.at_least.set_index("k")["p_at_least_k"]
    assert k.loc[0] == 1.0 and k.is_monotonic_decreasing and k.loc[31] == core.p_all
    assert core.total["target_usd_bn"] == pytest.approx(0.035 * p.gdp[-1].sum() / 1000)
    five = compliance(p, 5.0)
    assert five.notes and "core spending only" in five.notes[0]
    agreed = compliance(p, 5.0, core_related=True, related=1.5)  # 1.5 related for all: = core at 3.5
    np.testing.assert_allclose(agreed.allies.set_index("iso3")["p_reach"].loc[list(p.iso3)], manual)
    assert any("Related (defence- and security-related) spending is an assumption" in a for a in agreed.assumptions)
    assert any("covered 78% of outcomes" in a for a in core.assumptions)
    with pytest.raises(BadInput, match="only with core_related"):
        compliance(p, 5.0, related=1.0)


@pytest.mark.slow
def test_cli_simulate_target_and_assumptions(cli) -> None:
    code, out, err = cli("simulate", "--target", "5", "--core-related", "--related", "USA=1.0", "--runs", "100")
    text = " ".join(out.split())
    assert code == 0, err
    assert "P(at least k of 31 allies comply), 2035" in text and "P(all 31 allies comply)" in text
    assert "Assumptions:" in text and "USA 1 (others 0)" in text
    code, out, err = cli("simulate", "--scenario", "us-drawdown", "--runs", "50")
    assert "kappa is drawn uniform 0-1 across runs, never fitted" in " ".join(out.split())
    code, out, err = cli("simulate", "--target", "5", "--runs", "50", "--format", "json")
    res = json.loads(out)
    assert code == 0 and res["meta"]["notes"] and len(res["at_least"]) == 32
    code, _, err = cli("simulate", "--core-related")
    assert code == 2 and "go with --target" in err


@pytest.mark.slow
def test_simulate_scenarios_side_by_side(cli) -> None:
    res = compare_scenarios(["baseline", "us-exempt"], runs=60, seed=4)
    t = res.table.set_index("scenario")
    assert t.loc["baseline", "total_vs_first_usd_bn_p50"] == 0
    assert t.loc["us-exempt", "usa_pct_gdp_p50"] == pytest.approx(3.17, abs=0.01)
    assert set(res.assumptions) == {"baseline", "us-exempt"}
    code, out, err = cli("simulate", "scenarios", "baseline", "threat-low", "--runs", "40", "--format", "json")
    assert code == 0 and [s["scenario"] for s in json.loads(out)["scenarios"]] == ["baseline", "threat-low"]
