"""Tests written to kill mutants that survived the mutation-testing pass over the spending analytics (issue 14,
docs/reliability.md): each figure recomputed from the embedded table by a different route than the code's."""

from __future__ import annotations

import numpy as np
import pytest

import alliance
from alliance import data
from alliance.errors import BadInput
from alliance.spending import olson_zeckhauser


def _table(year: int):  # type: ignore[no-untyped-def]
    df = data.load_spending(2026)
    accession = data.load_allies().set_index("iso3")["accession_year"]
    df = df[(df["year"] == year) & df["pct_gdp"].notna()]
    return df[df["iso3"].map(accession) <= year].set_index("iso3")


@pytest.mark.parametrize("target", [2.0, 3.5, 5.0])
def test_gap_to_target_per_ally_and_the_nato_total_from_the_table(target: float) -> None:
    raw = _table(2025)
    g = alliance.gap_to_target(target, year=2025)
    allies = g[~g["is_total"]].set_index("iso3")
    assert sorted(allies.index) == sorted(raw.index)
    pct = raw["pct_gdp"].reindex(allies.index)
    np.testing.assert_allclose(allies["gap_pct_gdp"], np.maximum(target - pct, 0.0))
    gdp = raw["usd_current_million"].reindex(allies.index) * 100.0 / pct
    np.testing.assert_allclose(allies["gdp_usd_current_million"], gdp)
    np.testing.assert_allclose(allies["gap_usd_current_million"], np.maximum(target - pct, 0.0) * gdp / 100.0)
    total = g[g["is_total"]].iloc[0]
    assert total["pct_gdp"] == pytest.approx(100.0 * raw["usd_current_million"].sum() / gdp.sum())
    assert total["gap_usd_current_million"] == pytest.approx((np.maximum(target - pct, 0) * gdp / 100).sum())
    assert total["gap_pct_gdp"] == pytest.approx(100.0 * total["gap_usd_current_million"] / gdp.sum())
    # the largest gap in USD comes first
    assert list(allies["gap_usd_current_million"]) == sorted(allies["gap_usd_current_million"], reverse=True)


@pytest.mark.parametrize("target", [2.0, 3.5])
def test_meets_target_is_at_or_above_the_target(target: float) -> None:
    raw = _table(2024)
    m = alliance.meets_target(target, year=2024).set_index("iso3")
    pct = raw["pct_gdp"].reindex(m.index)
    assert (m["meets_target"] == (pct >= target)).all()
    np.testing.assert_allclose(m["gap_pct_gdp"], np.maximum(target - pct, 0.0))
    assert m.attrs["n_meeting"] == int((raw["pct_gdp"] >= target).sum())
    assert m.attrs["n_allies"] == len(raw)


def test_a_target_exactly_met_counts() -> None:
    raw = _table(2024)
    exact = float(raw["pct_gdp"].iloc[0])
    m = alliance.meets_target(exact, year=2024).set_index("iso3")
    assert bool(m.loc[raw.index[0], "meets_target"]) and m.loc[raw.index[0], "gap_pct_gdp"] == 0.0


def test_olson_zeckhauser_sizes_differ_and_follow_their_definition() -> None:
    from alliance.spending.correlation import spearman

    raw = _table(2024)
    for size, values in (
        ("gdp", raw["real_gdp_usd_constant2021_million"]),
        ("gdp_current", raw["usd_current_million"] / (raw["pct_gdp"] / 100.0)),
    ):
        row = olson_zeckhauser(size, year=2024).iloc[0]
        rho, p = spearman(values.to_numpy(float), raw["pct_gdp"].to_numpy(float))
        assert row["rho"] == pytest.approx(rho) and row["p_value"] == pytest.approx(p), size
        assert row["n"] == len(raw) and bool(row["significant"]) == (p < 0.05)


def test_olson_zeckhauser_alpha_decides_significance() -> None:
    t = olson_zeckhauser(years=[2014, 2024])
    for alpha in (0.0, 1.0):
        s = olson_zeckhauser(years=[2014, 2024], alpha=alpha)
        assert list(s["significant"]) == [bool(p < alpha) for p in t["p_value"]]


def test_olson_zeckhauser_needs_five_allies_and_takes_five() -> None:
    allies = data.load_allies()
    armed = [str(c) for c in allies.loc[allies["has_armed_forces"], "iso3"]]
    keep = ["USA", "DEU", "FRA", "GBR", "POL"]
    five = olson_zeckhauser(year=2024, exclude=[c for c in armed if c not in keep])
    assert int(five["n"].iloc[0]) == 5
    with pytest.raises(BadInput, match="leaves 4 allies in 2024; a rank correlation needs at least 5"):
        olson_zeckhauser(year=2024, exclude=[c for c in armed if c not in keep[:4]])


def test_the_olson_zeckhauser_trend_is_last_minus_first() -> None:
    t = olson_zeckhauser()
    trend = t.attrs["trend"]
    assert trend["rho_change"] == pytest.approx(t["rho"].iloc[-1] - t["rho"].iloc[0])
    assert trend["first_year"] == 2014 and trend["n_significant"] == int(t["significant"].sum())
    short = olson_zeckhauser(years=[2014, 2015]).attrs["trend"]
    assert np.isnan(short["slope_per_year"])  # fewer than three years: no slope
    three = olson_zeckhauser(years=[2014, 2015, 2016]).attrs["trend"]
    assert not np.isnan(three["slope_per_year"])


def test_burden_shares_from_the_table() -> None:
    raw = _table(2024)
    s = alliance.burden_shares(year=2024)
    by = s.set_index("iso3")
    spend = raw["usd_current_million"].reindex(by.index)
    gdp = spend * 100.0 / raw["pct_gdp"].reindex(by.index)
    np.testing.assert_allclose(by["gdp_usd_million"], gdp)
    np.testing.assert_allclose(by["spending_share_pct"], 100.0 * spend / spend.sum())
    np.testing.assert_allclose(by["share_ratio"], (spend / spend.sum()) / (gdp / gdp.sum()))
    assert list(s["spending_share_pct"]) == sorted(s["spending_share_pct"], reverse=True)
    summary = s.attrs["summary"]
    assert summary["nato_us_share_pct"] + summary["nato_europe_canada_share_pct"] == pytest.approx(100.0)
    assert summary["us_share_pct"] == pytest.approx(float(by.loc["USA", "spending_share_pct"]))
    two = alliance.burden_shares(year=2024, countries=["POL", "USA"]).set_index("iso3")
    assert sorted(two.index) == ["POL", "USA"]  # shares stay shares of the whole alliance
    np.testing.assert_allclose(two["spending_share_pct"], by.loc[two.index, "spending_share_pct"])


def test_the_documented_defaults_and_columns() -> None:
    m = alliance.meets_target(year=2024)
    assert m.attrs["target"] == 2.0 and (m["target"] == 2.0).all()
    assert list(m.columns) == ["iso3", "country", "year", "edition", "pct_gdp", "target", "meets_target",
                               "gap_pct_gdp", "is_estimate"]  # fmt: skip
    assert list(m["pct_gdp"]) == sorted(m["pct_gdp"], reverse=True)
    assert alliance.count_meeting(year=2024) == (int(m["meets_target"].sum()), len(m))
    g = alliance.gap_to_target(year=2025)
    assert (g["target"] == 3.5).all()
    assert list(g.columns) == ["iso3", "country", "year", "edition", "pct_gdp", "target", "gap_pct_gdp",
                               "gdp_usd_current_million", "spending_usd_current_million", "gap_usd_current_million",
                               "is_estimate", "is_total"]  # fmt: skip
    assert list(g.index) == list(range(len(g)))
    r = alliance.spending.ranking(year=2024)
    assert list(r.columns) == ["rank", "iso3", "country", "year", "edition", "pct_gdp", "is_estimate", "meets_2",
                               "meets_3_5", "meets_5"]  # fmt: skip
    assert list(alliance.spending.ranking(3.5, year=2024).columns)[-1] == "meets_3_5"
    with pytest.raises(BadInput, match="targets: an empty list"):
        alliance.spending.ranking([], year=2024)


def test_a_selected_total_counts_the_allies_below_the_target() -> None:
    g = alliance.gap_to_target(3.5, year=2025, countries=["POL", "USA", "ESP"])
    total = g[g["is_total"]].iloc[0]
    assert total["country"] == "Selected total" and g.attrs["total"]["n_allies"] == 3
    assert g.attrs["total"]["n_below"] == int((g.loc[~g["is_total"], "gap_pct_gdp"] > 0).sum()) == 2
    assert alliance.gap_to_target(3.5, year=2025).iloc[-1]["country"] == "NATO total"


def test_burden_summary_rows_against_nato_aggregates() -> None:
    s = alliance.spending.burden_summary(year=2024).set_index("metric")
    assert list(s.columns[:3]) == ["year", "edition", "prices"]
    us = s.loc["us_usd_million"]
    shares = alliance.burden_shares(year=2024).attrs["summary"]
    assert us["computed"] == pytest.approx(shares["us_usd_million"])
    assert us["nato_aggregate"] == pytest.approx(
        shares["nato_total_usd_million"] - shares["nato_europe_canada_usd_million"]
    )
