"""Country names as people type them: one resolver for the CLI and the Python API (issue 12, part 5)."""

from __future__ import annotations

import pytest

from alliance import spending
from alliance.data.countries import resolve_countries, resolve_country
from alliance.errors import BadInput


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Great Britain", "GBR"),
        ("united kingdom", "GBR"),
        ("gbr", "GBR"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("America", "USA"),
        ("the United States", "USA"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Holland", "NLD"),
        ("The Netherlands", "NLD"),
        ("North Macedonia", "MKD"),
        ("Macedonia", "MKD"),
        ("Slovak Republic", "SVK"),
    ],
)
def test_names_people_type_map_to_their_ally(typed: str, code: str) -> None:
    assert resolve_country(typed) == code


def test_unknown_name_suggests_the_nearest_in_one_line() -> None:
    with pytest.raises(BadInput) as info:
        resolve_country("Untied Kingdom")
    msg = str(info.value)
    assert "did you mean United Kingdom (GBR)?" in msg and "\n" not in msg
    with pytest.raises(BadInput, match="did you mean Poland"):
        resolve_country("Polnd")


def test_comparators_only_where_asked() -> None:
    assert resolve_country("Russia", comparators=True) == "RUS"
    with pytest.raises(BadInput, match="unknown country 'Russia'"):
        resolve_country("Russia")


def test_duplicates_collapse_in_order() -> None:
    assert resolve_countries(["UK", "Britain", "US"]) == ["GBR", "USA"]


@pytest.mark.slow
def test_the_python_api_and_the_cli_use_the_same_resolver(cli) -> None:
    df = spending.meets_target(2.0, year=2025, countries=["Britain", "America", "Turkey", "Holland"])
    assert set(df["iso3"]) == {"GBR", "USA", "TUR", "NLD"}
    code, out, err = cli("spending", "--year", "2025", "--country", "Czech Republic", "--format", "csv")
    assert code == 0, err
    assert "CZE" in out and "Czechia" in out
    code, _, err = cli("spending", "--country", "Polnd")
    assert code == 2 and "did you mean Poland (POL)?" in err
