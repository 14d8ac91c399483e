"""The embedded tables: hashes, schemas, counts, ranges, and NATO's own aggregates."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from alliance import data
from alliance.errors import BadInput


@pytest.mark.parametrize("name", data.list_tables())
def test_every_table_matches_its_recorded_hash_and_has_metadata(name: str) -> None:
    meta = data.metadata(name)
    for key in ("producer", "title", "edition", "citation", "accessed", "licence", "sha256", "caveats"):
        assert meta.get(key), f"{name}: metadata lacks {key}"
    assert hashlib.sha256(data.table_bytes(name)).hexdigest() == meta["sha256"]


def test_allies_are_the_32_with_iceland_flagged() -> None:
    allies = data.load_allies()
    assert len(allies) == 32 and allies["iso3"].is_unique
    assert allies.loc[~allies["has_armed_forces"], "iso3"].tolist() == ["ISL"]
    assert set(allies.loc[allies["border_russia_belarus"], "iso3"]) == {"EST", "FIN", "LVA", "LTU", "NOR", "POL"}
    assert allies["accession_year"].between(1949, 2024).all()
    assert allies.set_index("iso3").loc["SWE", "accession_year"] == 2024
    # Capitals: Tallinn is ~860 km from Moscow, Washington ~7,800 km.
    dist = allies.set_index("iso3")["distance_to_moscow_km"]
    assert 800 < dist["EST"] < 900 and 7700 < dist["USA"] < 7900


def test_spending_tables_cover_31_allies_with_armed_forces() -> None:
    allies = data.load_allies()
    armed = set(allies.loc[allies["has_armed_forces"], "iso3"])
    for edition in data.EDITIONS:
        df = data.load_spending(edition)
        assert df.attrs["edition"] == edition
        assert (df["edition"] == edition).all()
        assert set(df["iso3"]) == armed, edition
        assert df["pct_gdp"].dropna().between(0.3, 6).all()
        assert df["pct_gdp"].notna().all() or edition in data.EDITION_TABLES  # only the partial extract has gaps
    assert data.valid_years(2026) == list(range(2014, 2027))
    assert data.valid_years(2024) == [2014, 2024]


def test_spending_schema_and_types() -> None:
    df = data.load_spending()
    assert list(df.columns)[:5] == ["iso3", "country", "year", "edition", "pct_gdp"]
    assert df["year"].dtype == np.int64 and df["is_estimate"].dtype == bool
    assert len(df) == 31 * 13
    assert df.loc[df["year"] >= 2025, "is_estimate"].all()


def test_2024_edition_has_23_allies_at_2_percent_in_2024() -> None:
    df = data.load_spending(2024)
    assert int((df.query("year == 2024")["pct_gdp"] >= 2.0).sum()) == 23


def test_editions_never_mix_and_revisions_are_visible() -> None:
    every = data.load_spending(all_editions=True)
    assert set(every["edition"]) == {2024, 2025, 2026}
    pol = every.query("iso3 == 'POL' and year == 2025").set_index("edition")["pct_gdp"]
    assert pol[2026] == pytest.approx(4.25) and pol[2025] == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("bad", [2023, "1999", "core", 0])
def test_unknown_edition_is_bad_input_naming_valid_ones(bad: object) -> None:
    with pytest.raises(BadInput, match="2024, 2025, 2026"):
        data.load_spending(bad)  # type: ignore[arg-type]


def test_2026_ally_rows_add_up_to_nato_aggregates_for_members_only() -> None:
    df = data.load_spending(2026, aggregates=True)
    accession = data.load_allies().set_index("iso3")["accession_year"]
    allies = df[~df["iso3"].isin(list(data.AGGREGATES))].copy()
    allies = allies[allies["year"] >= allies["iso3"].map(accession)]
    cols = ["usd_current_million", "usd_constant_million"]
    for agg, members in (("NATO_TOTAL", allies), ("NATO_EUR_CAN", allies[allies["iso3"] != "USA"])):
        total = members.groupby("year")[cols].sum()
        reported = df[df["iso3"] == agg].set_index("year")[cols]
        # NATO rounds each cell to the million: allow 1 per ally of rounding.
        assert (total - reported).abs().to_numpy().max() <= 31, agg
    # NATO's GDP aggregate includes Iceland (no armed forces, no ally row): the gap is Iceland's GDP.
    gdp_gap = (
        df[df["iso3"] == "NATO_TOTAL"].set_index("year")["real_gdp_usd_constant2021_million"]
        - allies.groupby("year")["real_gdp_usd_constant2021_million"].sum()
    )
    assert gdp_gap.between(20_000, 35_000).all()
    # Without the accession filter the sums do not match (Finland and Sweden were not members in 2014).
    naive = df[~df["iso3"].isin(list(data.AGGREGATES))].groupby("year")["usd_current_million"].sum()
    assert naive[2014] - df.query("iso3 == 'NATO_TOTAL' and year == 2014")["usd_current_million"].item() > 5000


def test_us_forces_caveat_and_totals() -> None:
    df = data.load_us_forces()
    assert "rotational" in df.attrs["caveat"]
    europe = df[~df["iso3"].isin(["CAN"])]
    assert int(europe["dmdc_2024_12"].sum()) == 65756  # the 30 European allies, as the DMDC README sums them
    assert df.set_index("iso3").loc["DEU", "dmdc_2026_03"] == 37009


def test_comparators_are_russia_china_ukraine_with_licence() -> None:
    df = data.load_comparators()
    assert set(df["iso3"]) == {"RUS", "CHN", "UKR"}
    assert "SIPRI" in df.attrs["licence"]
    ukr = df.query("iso3 == 'UKR' and year == 2023")["share_gdp_pct"].item()
    assert 20 < ukr < 45


def test_summit_texts_cover_2014_to_2024() -> None:
    df = data.load_summit_texts()
    assert df["year"].min() == 2014 and df["year"].max() == 2024
    assert df["russia_wording"].str.contains("Russia").all()
    assert df.loc[df["summit"] == "Madrid", "russia_wording"].item().startswith("The Russian Federation is the most")
    assert df["sources"].notna().all()


def test_common_funding_us_share() -> None:
    assert data.common_funding_fact("us_cost_share_common_funding") == pytest.approx(16.35)
    with pytest.raises(BadInput):
        data.common_funding_fact("nope")


def test_loaders_return_copies() -> None:
    a = data.load_spending()
    a.loc[0, "pct_gdp"] = 99.0
    assert data.load_spending().loc[0, "pct_gdp"] != 99.0
    assert isinstance(data.load_allies(), pd.DataFrame)
