"""Issue 12, parts 4 and 5: the standard measures from embedded data, and usability (rounding, units, sources)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from alliance import data, spending
from alliance.dynamics import summary
from alliance.io import source_line_of, tidy_float
from alliance.spending import plots


def test_measures_per_capita_equipment_personnel_and_real_change() -> None:
    m = spending.measures(year=2026).set_index("iso3")
    full = data.load_spending(2026).set_index(["iso3", "year"])
    pol, before = full.loc[("POL", 2026)], full.loc[("POL", 2025)]
    pop = pol["real_gdp_usd_constant2021_million"] / pol["gdp_per_capita_thousand_usd_constant2021"] / 1000
    assert m.loc["POL", "population_million"] == pytest.approx(pop)
    assert m.loc["POL", "spending_per_capita_usd_constant2021"] == pytest.approx(pol["usd_constant_million"] / pop)
    assert m.loc["POL", "real_change_pct"] == pytest.approx(
        100 * (pol["usd_constant_million"] / before["usd_constant_million"] - 1)
    )
    assert m.loc["POL", "equipment_share_pct"] == pol["equipment_share_pct"] and m.loc["POL", "meets_equipment_20"]
    assert m.loc["NOR", "meets_equipment_20"] == (full.loc[("NOR", 2026), "equipment_share_pct"] >= 20)
    assert m.loc["USA", "military_personnel_thousands"] == full.loc[("USA", 2026), "military_personnel_thousands"]
    assert len(m) == 31


@pytest.mark.slow
def test_series_gives_one_allys_full_time_series(cli) -> None:
    pol = spending.series("Poland")
    assert pol["year"].tolist() == list(range(2014, 2027)) and (pol["iso3"] == "POL").all()
    assert pol.set_index("year").loc[2025, "pct_gdp"] == 4.25
    fin = spending.series("FIN")
    assert fin["year"].min() == 2023  # members only from accession
    ed25 = spending.series("UK", edition=2025)
    assert ed25["spending_usd_constant2021_million"].notna().all() and "partial extract" in ed25.attrs["note"]
    code, out, err = cli("spending", "--country", "POL", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["year"] for r in rows] == [str(y) for y in range(2014, 2027)]
    code, out, err = cli("spending", "series", "Britain", "--format", "json")
    assert code == 0 and json.loads(out)[0]["iso3"] == "GBR"


@pytest.mark.slow
def test_europe_and_canada_against_russia_from_sipri_with_its_caveats(cli) -> None:
    df = spending.europe_vs_russia()
    sipri = data.load_sipri()
    y24 = df.set_index("year").loc[2024]
    rus = sipri.query("iso3 == 'RUS' and year == 2024").iloc[0]
    assert y24["russia_usd_current_million"] == pytest.approx(rus["usd_current_million"])
    eur = sipri[(sipri["year"] == 2024) & ~sipri["iso3"].isin(["USA", "RUS", "CHN", "UKR", "ISL"])]
    assert y24["europe_canada_usd_current_million"] == pytest.approx(eur["usd_current_million"].sum())
    assert y24["n_allies"] == 30 and y24["ratio_constant"] > 1
    assert df.attrs["release"] == "2025-04" and df.attrs["source"].startswith(
        "Source: SIPRI Military Expenditure Database"
    )
    assert any(c.startswith("SIPRI: military expenditure measures resources") for c in df.attrs["caveats"])
    later = spending.europe_vs_russia("2026-04")  # the partial April 2026 release: its own constant 2024 column
    assert later["year"].tolist() == [2015, 2025] and "russia_usd_constant2024_million" in later
    assert later["europe_canada_usd_current_million"].isna().all()  # 21 countries only: no partial sum
    code, out, err = cli("spending", "russia", "--format", "csv")
    assert code == 0 and "SIPRI: military expenditure measures resources" in err


def test_sipri_releases_are_kept_apart_and_named() -> None:
    old, new = data.load_sipri(), data.load_sipri("2026")
    assert old.attrs["release"] == "2025-04" and new.attrs["release"] == "2026-04"
    assert "usd_constant2023_million" in old and "usd_constant2024_million" in new
    assert "usd_constant2023_million" not in new
    assert data.load_comparators("2026-04").attrs["release_label"].startswith("April 2026 release")


@pytest.mark.parametrize(
    ("plot", "make"),
    [
        (plots.plot_measures, lambda: spending.measures()),
        (plots.plot_series, lambda: spending.series("POL")),
        (plots.plot_europe_vs_russia, spending.europe_vs_russia),
    ],
)
@pytest.mark.slow
def test_each_measure_has_a_chart_with_a_source_line(plot, make) -> None:  # type: ignore[no-untyped-def]
    fig = plot(make())
    assert source_line_of(fig).startswith("Source: ")
    assert source_line_of(plot(make(), backend="plotly")).startswith("Source: ")


def test_sipri_chart_uses_sipris_attribution_wording() -> None:
    fig = plots.plot_europe_vs_russia(spending.europe_vs_russia())
    assert source_line_of(fig) == "Source: SIPRI Military Expenditure Database, April 2025 release (data to 2024)"


@pytest.mark.slow
def test_figures_are_rounded_to_their_precision_in_csv_and_json(cli) -> None:
    assert tidy_float(1.8399999999999999) == 1.84
    code, out, _ = cli("spending", "hague-path", "--format", "csv")
    for row in csv.DictReader(io.StringIO(out)):
        for key in ("needed_growth_core_pct", "pct_gdp_real", "gdp_growth_pct"):
            assert len(row[key].split(".")[-1]) <= 2, (key, row[key])
    code, out, _ = cli("spending", "gaps", "--format", "json")
    text = out
    assert not any(len(tok) > 14 for tok in text.replace(",", " ").split() if tok[:1].isdigit())


@pytest.mark.slow
def test_units_are_in_every_header(cli) -> None:
    code, out, _ = cli("spending", "gaps")
    head = " ".join(out.split())
    assert "GDP, USD m (current)" in head and "gap, % of GDP" in head and "$m" not in head
    code, out, _ = cli("spending", "path2035")
    assert "USD m (2021)" in " ".join(out.split())


def test_summary_takes_one_scenario_and_concatenates() -> None:
    one = summary("baseline", runs=10, seed=1)
    assert set(one["scenario"]) == {"baseline"}  # not the letters of "baseline"
    both = pd.concat([one, summary("us-exempt", runs=10, seed=1)], ignore_index=True)
    assert list(dict.fromkeys(both["scenario"])) == ["baseline", "us-exempt"]
    assert np.isfinite(both["total_usd_bn_p50"]).all()
