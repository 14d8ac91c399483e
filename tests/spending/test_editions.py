"""Issue 12, part 1: editions that disagree are shown, not hidden."""

from __future__ import annotations

import json
import re

import pytest

from alliance import data, spending
from alliance.errors import BadInput
from alliance.io import source_line_of


def test_compare_editions_2025_shows_28_of_31_and_every_2025_figure_at_2_percent() -> None:
    res = spending.compare_editions(2025, 2.0)
    answers = res.editions.set_index("edition")
    assert answers.loc[2026, "answer"] == "28 of 31"
    assert (answers.loc[2025, "n_meeting"], answers.loc[2025, "n_with_figure"]) == (30, 30)
    assert answers.loc[2025, "answer"] == "30 of 30 allies with a figure (31 members)"
    # each labelled with its definition
    assert "core defence expenditure" in answers.loc[2026, "definition"]
    assert "before the core definition" in answers.loc[2025, "definition"]
    allies = res.allies.set_index("iso3")
    has_2025 = allies["pct_gdp_ed2025"].notna()
    assert (allies.loc[has_2025, "pct_gdp_ed2025"] >= 2.0).all() and has_2025.sum() == 30
    assert set(allies.index[~allies["editions_agree"]]) == {"ALB", "CZE", "SVN"}
    assert allies.loc["CZE", "pct_gdp_ed2026"] == pytest.approx(1.86)


def test_nato_2025_statement_is_cited_and_stated_through_its_numbers() -> None:
    (note,) = spending.compare_editions(2025, 2.0).notes
    assert spending.NATO_2025_RELEASE in note and "28 Aug 2025" in note
    assert "30 of the 30 allies with a 2025 estimate are at or above 2.00%" in note
    assert "Germany is published for 2024 only" in note and "28 of 31" in note
    assert '"' not in note  # no NATO sentence is quoted


def test_every_answer_that_differs_carries_the_other_editions_answers() -> None:
    a = spending.meets_target(2.0, year=2025).attrs
    assert (a["n_meeting"], a["n_allies"]) == (28, 31)
    assert a["editions_note"].startswith("Other editions differ for 2025 at 2%: edition 2025: 30 of 30 allies")
    same = spending.meets_target(2.0, year=2026).attrs  # only the 2026 edition publishes 2026
    assert same["other_editions"] == [] and same["editions_note"] == ""


@pytest.mark.slow
def test_edition_2025_year_2024_never_reads_like_a_count_of_the_alliance(cli) -> None:
    df = spending.meets_target(2.0, edition=2025, year=2024)
    a = df.attrs
    assert a["n_allies"] == len(df) < 31 and a["n_members"] == 31
    assert a["coverage"].startswith(f"{len(df)} of 31 allies have a figure in the embedded extract of the 2025 edition")
    assert spending.count_text(a) == f"{a['n_meeting']} of {len(df)} allies with a figure (31 members)"
    code, out, err = cli("spending", "--edition", "2025", "--year", "2024")
    assert code == 0, err
    text = " ".join(out.split())
    assert not re.search(r"\b1 of 1\b", text) and f"of {len(df)} allies with a figure (31 members)" in text
    code, out, err = cli("spending", "--edition", "2025", "--year", "2024", "--format", "json")
    assert code == 0 and len(json.loads(out)) == len(df)
    assert "of 31 allies have a figure in the embedded extract of the 2025 edition" in err


def test_the_2025_edition_has_its_usd_at_constant_2021_prices_for_26_allies() -> None:
    df = data.load_spending(2025)
    const = df[df["usd_constant_million"].notna()]
    assert const["iso3"].nunique() == 26 and set(const["year"]) == set(range(2014, 2026))
    assert set(const["constant_price_base"]) == {2021}
    us = df.query("iso3 == 'USA' and year == 2025")["usd_constant_million"].item()
    assert us == pytest.approx(845279.62)  # "the US alone contributing $845 billion" (2021 prices)
    assert "publishes no USD" not in data.EDITION_NOTES[2025]
    assert "constant 2021 USD for 26 allies" in data.USD_NOTES[2025]


def test_usd_analytics_refuse_a_partial_edition_and_say_what_is_embedded() -> None:
    with pytest.raises(BadInput, match=r"not embedded for edition 2025 .*constant 2021 USD for 26 allies"):
        spending.burden_shares(edition=2025)


@pytest.mark.slow
def test_compare_editions_cli_side_by_side_with_definitions(cli, tmp_path) -> None:
    code, out, err = cli("spending", "--compare-editions", "--year", "2025", "--format", "json")
    assert code == 0, err
    res = json.loads(out)
    assert {e["edition"]: e["answer"] for e in res["editions"]}[2026] == "28 of 31"
    assert all(e["definition"] for e in res["editions"])
    code, out, err = cli("spending", "--compare-editions", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("iso3,country,pct_gdp_ed2025,meets_ed2025,pct_gdp_ed2026")
    assert "edition 2026: core defence expenditure" in err
    chart = tmp_path / "editions.png"
    assert cli("spending", "--compare-editions", "--plot", str(chart))[0] == 0 and chart.stat().st_size > 0
    fig = spending.compare_editions().plot()
    assert source_line_of(fig).startswith("Source: NATO, Defence Expenditure of NATO Countries, 2025 edition")


def test_compare_editions_rejects_a_year_no_edition_has() -> None:
    with pytest.raises(BadInput, match="year 1990 not in any edition; valid: 2014-2026"):
        spending.compare_editions(1990)
