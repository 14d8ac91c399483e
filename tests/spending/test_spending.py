"""Burden-sharing analytics: known answers from NATO's tables, hand-checked formulas, invariants, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance import spending
from alliance.errors import BadInput
from alliance.spending.plots import (
    plot_burden_shares,
    plot_hague_path,
    plot_olson_zeckhauser,
    plot_ranking,
    save_figure,
)

# --- meets_target / count_meeting / ranking ------------------------------------------------------------------


def test_23_allies_met_2_percent_in_2024_in_the_june_2024_edition() -> None:
    # NATO, "Defence Expenditure of NATO Countries (2014-2024)", 17 Jun 2024: 23 of the 31 allies with armed forces.
    df = spending.meets_target(2.0, year=2024, edition=2024)
    assert int(df["meets_target"].sum()) == 23 and len(df) == 31
    assert spending.count_meeting(2.0, year=2024, edition=2024) == (23, 31)
    assert df.attrs["edition"] == 2024 and df.attrs["year"] == 2024
    assert (df["edition"] == 2024).all() and (df["year"] == 2024).all()
    assert {"iso3", "country", "year", "edition", "pct_gdp", "target", "meets_target", "gap_pct_gdp"} <= set(df.columns)


def test_defaults_are_the_latest_edition_and_its_latest_year() -> None:
    df = spending.meets_target()
    assert df.attrs["edition"] == 2026 and df.attrs["year"] == 2026 and len(df) == 31
    assert spending.meets_target(edition=2024).attrs["year"] == 2024


def test_2025_figures_of_the_2026_edition_one_row_per_ally() -> None:
    df = spending.meets_target(3.5, year=2025)
    assert len(df) == 31 and df["iso3"].is_unique and "ISL" not in set(df["iso3"])
    # NATO 2026 edition: Poland 4.25% in 2025 (4.48% in the 2025 edition).
    assert df.set_index("iso3").loc["POL", "pct_gdp"] == pytest.approx(4.25)
    assert (df["meets_target"] == (df["pct_gdp"] >= 3.5)).all()


def test_2025_edition_has_no_german_2025_row() -> None:
    df = spending.meets_target(2.0, year=2025, edition=2025)
    assert len(df) == 30 and "DEU" not in set(df["iso3"])
    assert df.attrs["n_members"] == 31 and "(none for DEU; Germany: not published" in df.attrs["coverage"]
    assert "DEU" in set(spending.meets_target(2.0, year=2024, edition=2025)["iso3"])


def test_members_only_from_their_accession_year() -> None:
    df = spending.meets_target(2.0, year=2014)
    assert len(df) == 27  # 28 allies in 2014, less Iceland
    assert not {"FIN", "SWE", "MNE", "MKD"} & set(df["iso3"])
    assert len(spending.meets_target(2.0, year=2014, members_only=False)) == 31
    assert "SWE" in set(spending.meets_target(2.0, year=2024)["iso3"])


def test_country_filter_accepts_codes_and_names() -> None:
    df = spending.meets_target(2.0, year=2024, countries=["usa", "Germany"])
    assert sorted(df["iso3"]) == ["DEU", "USA"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: spending.meets_target(year=1850), r"^year 1850 not in edition 2026; valid: 2014-2026$"),
        (lambda: spending.meets_target(year=2020, edition=2024), r"year 2020 not in edition 2024; valid: 2014, 2024"),
        (lambda: spending.meets_target(edition=2023), r"unknown edition 2023; valid: 2024, 2025, 2026"),
        (lambda: spending.meets_target(countries=["XXX"]), r"unknown country 'XXX'; valid ISO3 codes: ALB, .*USA"),
        (lambda: spending.meets_target(countries="ISL"), r"no armed forces"),
        (lambda: spending.meets_target(target=-1), r"target -1 out of range"),
        (lambda: spending.meets_target(target=float("nan")), r"out of range"),
        (lambda: spending.burden_shares(edition=2024), r"valid editions: 2026"),
        (lambda: spending.burden_shares(prices="nominal"), r"valid: current, constant"),
        (lambda: spending.olson_zeckhauser(edition=2025), r"valid editions: 2026"),
        (lambda: spending.olson_zeckhauser(size="pop"), r"valid: gdp, gdp_current"),
        (lambda: spending.hague_path(gdp_growth=50), r"gdp_growth 50 out of range"),
        (lambda: spending.hague_path(gdp_growth={"XYZ": 1.0}), r"unknown country 'XYZ'"),
        (lambda: spending.hague_path(by=2020), r"by 2020 out of range"),
        (lambda: spending.hague_path(trend_years=20), r"trend_years 20 reaches 2006"),
        (lambda: spending.scenario_2035(edition=2024), r"valid editions: 2026"),
    ],
)
def test_bad_input_is_one_line_naming_the_valid_values(call: object, message: str) -> None:
    with pytest.raises(BadInput, match=message) as exc:
        call()  # type: ignore[operator]
    assert "\n" not in str(exc.value)


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(0.5, 6.0), hi=st.floats(0.5, 6.0))
@pytest.mark.slow
def test_count_meeting_never_rises_with_the_target(lo: float, hi: float) -> None:
    _count_properties(spending.count_meeting, lo, hi)
    df = spending.meets_target(max(lo, hi))
    assert ((df["gap_pct_gdp"] == 0) == df["meets_target"]).all()


def _count_properties(count: object, lo: float, hi: float) -> None:
    """What ``count_meeting`` must satisfy (raises AssertionError otherwise): it never rises with the target, and it
    is the number of allies whose published share (latest edition and year) reaches the target, out of the allies
    with a figure, counted here straight from the table."""
    from alliance import data

    lo, hi = min(lo, hi), max(lo, hi)
    table = data.load_spending()
    latest = table[table["year"] == table["year"].max()].dropna(subset=["pct_gdp"])
    for target in (lo, hi):
        expected = (int((latest["pct_gdp"] >= target).sum()), len(latest))
        assert count(target) == expected, target  # type: ignore[operator]
    assert count(hi)[0] <= count(lo)[0]  # type: ignore[operator]


def test_the_count_properties_fail_a_constant_count() -> None:
    """The property test above is not vacuous: a count that ignores the target fails it at any two targets."""
    _count_properties(spending.count_meeting, 1.0, 4.0)  # the real count passes
    with pytest.raises(AssertionError):
        _count_properties(lambda target: (23, 31), 1.0, 4.0)
    with pytest.raises(AssertionError):
        _count_properties(lambda target: spending.count_meeting(2.0), 1.0, 4.0)


def test_ranking_has_one_column_per_target_and_ranks_by_share() -> None:
    df = spending.ranking(year=2024)
    assert [c for c in df.columns if c.startswith("meets_")] == ["meets_2", "meets_3_5", "meets_5"]
    assert df["rank"].iloc[0] == 1 and df["pct_gdp"].is_monotonic_decreasing
    assert int(df["meets_2"].sum()) == spending.count_meeting(2.0, year=2024)[0]
    assert (df["meets_5"] <= df["meets_3_5"]).all() and (df["meets_3_5"] <= df["meets_2"]).all()


# --- gap_to_target ----------------------------------------------------------------------------------------------


def test_gap_arithmetic_by_hand_for_germany_2026() -> None:
    # NATO 2026 edition, Germany 2026e: 2.69% of GDP, USD 147,002 million current (Tables 2 and 3).
    pct, usd = 2.69, 147_002.0
    gdp = usd / (pct / 100)  # 5,464,758.4 million
    gap_usd = (3.5 - 2.69) / 100 * gdp  # 44,264.5 million
    df = spending.gap_to_target(3.5, year=2026)
    deu = df.set_index("iso3").loc["DEU"]
    assert deu["gap_pct_gdp"] == pytest.approx(0.81)
    assert deu["gdp_usd_current_million"] == pytest.approx(gdp)
    assert deu["gap_usd_current_million"] == pytest.approx(gap_usd)
    assert deu["gap_usd_current_million"] == pytest.approx(44_264.54, abs=0.01)


def test_gap_is_zero_above_target_and_total_row_sums_the_allies() -> None:
    df = spending.gap_to_target(3.5, year=2026)
    allies, total = df[~df["is_total"]], df[df["is_total"]]
    assert len(allies) == 31 and len(total) == 1 and df["is_total"].iloc[-1]
    assert (allies.loc[allies["pct_gdp"] >= 3.5, "gap_usd_current_million"] == 0).all()
    assert total["gap_usd_current_million"].item() == pytest.approx(allies["gap_usd_current_million"].sum())
    # Total spending is NATO's own "NATO Total" aggregate for 2026e (1,809,915 million, to NATO's rounding).
    assert total["spending_usd_current_million"].item() == pytest.approx(1_809_915, abs=31)
    assert df.attrs["total"]["gap_usd_current_million"] == pytest.approx(total["gap_usd_current_million"].item())
    assert len(spending.gap_to_target(3.5, total_row=False)) == 31


def test_gap_without_usd_is_nan_with_a_note_never_borrowed_from_another_edition() -> None:
    df = spending.gap_to_target(2.0, year=2024, edition=2024)
    assert df["gap_usd_current_million"].isna().all() and df["gdp_usd_current_million"].isna().all()
    assert "not embedded" in df.attrs["note"] and "publishes no USD" not in df.attrs["note"]
    assert df[~df["is_total"]]["gap_pct_gdp"].notna().all()
    assert spending.gap_to_target(2.0).attrs["note"] == ""


# --- burden shares ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "prices", "us_share"),
    # Computed from NATO's 2026 edition, as in the project's data note "nato_funding_and_burden_share.md":
    # US / NATO total, current USD: 2014 69.3%, 2024 65.3%, 2025e 59.9%, 2026e 57.1%; constant 2021 USD:
    # 2024 63.9%, 2025e 59.3%, 2026e 57.3%.
    [
        (2014, "current", 69.3),
        (2024, "current", 65.3),
        (2025, "current", 59.9),
        (2026, "current", 57.1),
        (2024, "constant", 63.9),
        (2025, "constant", 59.3),
        (2026, "constant", 57.3),
    ],
)
def test_us_share_of_total_matches_published_figures(year: int, prices: str, us_share: float) -> None:
    df = spending.burden_shares(prices, year=year)
    s = df.attrs["summary"]
    assert round(s["us_share_pct"], 1) == us_share
    assert round(s["nato_us_share_pct"], 1) == us_share
    assert s["us_share_pct"] + s["europe_canada_share_pct"] == pytest.approx(100)


def test_burden_shares_sum_to_100_and_match_nato_totals() -> None:
    df = spending.burden_shares(year=2024)
    assert df["spending_share_pct"].sum() == pytest.approx(100) and df["gdp_share_pct"].sum() == pytest.approx(100)
    assert df["iso3"].iloc[0] == "USA"
    usa = df.set_index("iso3").loc["USA"]
    assert usa["share_ratio"] == pytest.approx(usa["spending_share_pct"] / usa["gdp_share_pct"])
    summary = spending.burden_summary(year=2024).set_index("metric")
    # NATO 2026 edition: NATO total 2024 = 1,482,905 million current USD; US 967,707 million.
    assert summary.loc["total_usd_million", "nato_aggregate"] == 1_482_905
    assert summary.loc["us_usd_million", "computed"] == 967_707
    assert abs(summary.loc["total_usd_million", "difference"]) <= 31


# --- Olson-Zeckhauser -------------------------------------------------------------------------------------------


def test_olson_zeckhauser_per_year_with_members_only() -> None:
    df = spending.olson_zeckhauser()
    assert df["year"].tolist() == list(range(2014, 2027))
    n = df.set_index("year")["n"]
    assert n[2014] == 27 and n[2017] == 28 and n[2020] == 29 and n[2023] == 30 and n[2024] == 31
    assert df["rho"].between(-1, 1).all() and df["p_value"].between(0, 1).all()
    # The big no longer carry the small: rho is weak (|rho| < 0.3) and never significant in 2014-2026, positive in
    # 2014 (0.23) and lower in 2026 (0.09).
    assert df["rho"].abs().max() < 0.3 and not df["significant"].any()
    t = df.attrs["trend"]
    assert t["rho_first"] == pytest.approx(0.2345, abs=1e-3) and t["rho_last"] == pytest.approx(0.0936, abs=1e-3)
    assert t["slope_per_year"] < 0 and t["n_significant"] == 0


def test_olson_zeckhauser_matches_scipy_for_one_year() -> None:
    from scipy.stats import spearmanr

    from alliance import data

    df = data.load_spending()
    y = df[df["year"] == 2024]
    res = spearmanr(y["real_gdp_usd_constant2021_million"], y["pct_gdp"])
    row = spending.olson_zeckhauser(years=2024).iloc[0]
    assert row["rho"] == pytest.approx(res.statistic) and row["p_value"] == pytest.approx(res.pvalue)
    assert row["p_one_sided"] == pytest.approx(res.pvalue / 2)  # rho > 0
    without_us = spending.olson_zeckhauser(years=[2024], exclude=["USA"]).iloc[0]
    assert without_us["n"] == 30 and without_us["rho"] < row["rho"]


# --- Hague path and 2035 scenarios -----------------------------------------------------------------------------


def test_hague_path_formula_by_hand_for_the_united_states() -> None:
    # NATO 2026 edition (Tables 3 and 6), United States, constant 2021 USD million:
    s2026, s2021 = 850_211.0, 824_094.0  # defence expenditure 2026e, 2021
    y2026, y2014 = 26_792_263.0, 20_121_808.0  # real GDP 2026e, 2014
    g = (y2026 / y2014) ** (1 / 12) - 1  # own 2014-2026 real GDP CAGR, ~2.41% (no series break)
    p0 = 100 * s2026 / y2026  # 3.173% of GDP
    need_core = (1 + g) * (3.5 / p0) ** (1 / 9) - 1  # 2026 -> 2035
    need_total = (1 + g) * (5.0 / p0) ** (1 / 9) - 1
    trend = (s2026 / s2021) ** (1 / 5) - 1
    usa = spending.hague_path().set_index("iso3").loc["USA"]
    assert usa["gdp_growth_pct"] == pytest.approx(100 * g)
    assert usa["needed_growth_core_pct"] == pytest.approx(100 * need_core)
    assert usa["needed_growth_total_pct"] == pytest.approx(100 * need_total)
    assert usa["trend_growth_pct"] == pytest.approx(100 * trend)
    assert usa["needed_growth_core_pct"] == pytest.approx(3.536, abs=1e-3)
    assert not usa["on_track_core"]  # 0.63% a year since 2021, damped towards GDP growth: < 3.54% needed
    # Reaching the target: S0 * (1 + r)^9 == 3.5% of GDP in 2035.
    assert s2026 * (1 + need_core) ** 9 == pytest.approx(0.035 * y2026 * (1 + g) ** 9)


def test_hague_path_growth_overrides_and_invariants() -> None:
    base = spending.hague_path().set_index("iso3")
    flat = spending.hague_path(gdp_growth=0.0).set_index("iso3")
    assert (flat["gdp_growth_pct"] == 0).all() and (flat["gdp_growth_source"] == "assumed").all()
    # With zero GDP growth the needed growth is (c / p0)^(1/n) - 1, negative for allies above the target.
    assert ((flat["needed_growth_core_pct"] < 0) == (flat["pct_gdp_real"] > 3.5)).all()
    assert (base["needed_growth_total_pct"] > base["needed_growth_core_pct"]).all()
    assert (base["on_track_core"] == (base["projected_pct_gdp_by"] >= 3.5 - 1e-9)).all()
    recent = spending.hague_path(trend="recent").set_index("iso3")  # the first release's rule, kept as an option
    assert (recent["on_track_core"] == (recent["trend_growth_pct"] >= recent["needed_growth_core_pct"] - 1e-9)).all()
    mixed = spending.hague_path(gdp_growth={"USA": 1.0}).set_index("iso3")
    assert mixed.loc["USA", "gdp_growth_pct"] == 1.0 and mixed.loc["USA", "gdp_growth_source"] == "assumed"
    assert mixed.loc["DEU", "gdp_growth_pct"] == pytest.approx(base.loc["DEU", "gdp_growth_pct"])
    # Luxembourg's real GDP series breaks in 2023 (NATO changed the denominator): flagged.
    assert base.index[base["gdp_series_break"]].tolist() == ["LUX"]
    some = spending.hague_path(countries=["usa", "Germany"])
    assert sorted(some["iso3"]) == ["DEU", "USA"] and some.attrs["n_on_track_core"] <= 2
    assert some.set_index("iso3").loc["DEU", "needed_growth_core_pct"] == pytest.approx(
        base.loc["DEU", "needed_growth_core_pct"]
    )


def test_scenario_2035_totals_and_us_exemption() -> None:
    res = spending.scenario_2035()
    sc = res.scenarios.set_index("scenario")
    d = res.detail.set_index("iso3")
    gdp_2035 = d["real_gdp_by_million"]
    floor = np.maximum(d["pct_gdp_real"], 3.5) / 100  # allies above the target keep their share
    assert sc.loc["all_at_target", "total_usd_constant2021_million"] == pytest.approx((floor * gdp_2035).sum())
    # NATO 2026 edition: total 2026e = 1,484,129 million constant 2021 USD (ally rows sum to 1,484,128).
    assert sc.loc["base_year", "total_usd_constant2021_million"] == pytest.approx(1_484_129, abs=31)
    us_gap = (3.5 - d.loc["USA", "pct_gdp_real"]) / 100 * gdp_2035["USA"]
    assert res.difference_usd_million == pytest.approx(us_gap)
    assert res.difference_usd_million > 0  # the US is below 3.5% in 2026e (3.17%)
    assert sc.loc["us_exempt", "difference_vs_all_at_target_million"] == pytest.approx(-us_gap)
    assert (
        sc.loc["us_exempt", "europe_canada_usd_constant2021_million"]
        == sc.loc["all_at_target", "europe_canada_usd_constant2021_million"]
    )
    exempt = spending.scenario_2035(us_exempt=True)
    assert exempt.detail.set_index("iso3").loc["USA", "spending_by_scenario_million"] == pytest.approx(
        d.loc["USA", "spending_by_current_share_million"]
    )
    out = res.to_dict()
    assert out["edition"] == 2026 and out["by"] == 2035 and len(out["scenarios"]) == 4
    assert isinstance(res.to_frame(), pd.DataFrame) and "<table" in res._repr_html_()


def test_scenario_growth_assumption_scales_gdp() -> None:
    res = spending.scenario_2035(gdp_growth=2.0)
    d = res.detail
    np.testing.assert_allclose(d["real_gdp_by_million"], d["real_gdp_usd_constant2021_million"] * 1.02**9)


# --- charts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plot", "make"),
    [
        (plot_ranking, lambda: spending.ranking(year=2024)),
        (plot_burden_shares, lambda: spending.burden_shares(year=2024)),
        (plot_olson_zeckhauser, spending.olson_zeckhauser),
        (plot_hague_path, spending.hague_path),
    ],
)
@pytest.mark.slow
def test_plots_write_png_and_self_contained_html(tmp_path, plot, make) -> None:  # type: ignore[no-untyped-def]
    frame = make()
    png = tmp_path / "chart.png"
    fig = plot(frame, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and hasattr(fig, "savefig")
    html = tmp_path / "chart.html"
    fig = plot(frame, html)
    text = html.read_text(encoding="utf-8")
    assert hasattr(fig, "write_html") and "<html" in text
    assert '<script src="http' not in text and "<script src='http" not in text  # plotly.js embedded, no CDN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.html", "chart.png"]  # no temp files left


def test_plots_reject_other_suffixes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInput, match=r"\.png, \.svg or \.html"):
        plot_ranking(spending.ranking(), tmp_path / "chart.txt")
    assert not (tmp_path / "chart.txt").exists()
    fig = plot_ranking(spending.ranking())  # no path: a matplotlib figure, nothing written
    with pytest.raises(BadInput, match="cannot be saved as .html"):
        save_figure(fig, tmp_path / "x.html")
    with pytest.raises(BadInput, match="does not exist"):
        save_figure(fig, tmp_path / "missing" / "x.png")
    assert math.isfinite(spending.ranking()["pct_gdp"].sum())


@pytest.mark.parametrize(
    "name",
    [
        "meets_target",
        "count_meeting",
        "ranking",
        "gap_to_target",
        "burden_shares",
        "burden_summary",
        "olson_zeckhauser",
        "hague_path",
        "scenario_2035",
        "brief",
    ],
)
def test_edition_and_year_are_keyword_only(name: str) -> None:
    """Every function of alliance.spending and alliance.brief that reads spending takes edition and year by keyword
    only, and countries where it reports per ally."""
    import inspect

    from alliance import brief

    fn = getattr(brief if name == "brief" else spending, name)
    params = inspect.signature(fn).parameters
    assert params["edition"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["year"].kind is inspect.Parameter.KEYWORD_ONLY
    per_ally = {"meets_target", "count_meeting", "ranking", "gap_to_target", "burden_shares", "hague_path"}
    if name in per_ally:
        assert params["countries"].kind is inspect.Parameter.KEYWORD_ONLY
