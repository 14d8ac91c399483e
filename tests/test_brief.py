"""``alliance brief``: the one-screen answers, consistent with the functions it gathers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.brief import brief
from alliance.spending import count_meeting, gap_to_target


def test_brief_on_latest_edition_agrees_with_the_analytics() -> None:
    b = brief()
    assert b.edition == 2026 and b.year == 2026 and b.is_estimate
    counts = {r.target: (r.n_meeting, r.n_allies) for r in b.targets.itertuples()}
    assert counts[2.0] == count_meeting(2.0, year=2026, edition=2026)
    assert counts[3.5][0] <= counts[2.0][0] and counts[5.0][0] <= counts[3.5][0]
    gaps = gap_to_target(3.5, year=2026, edition=2026)
    assert b.largest_gaps["gap_usd"].is_monotonic_decreasing
    assert b.largest_gaps["gap_usd"].iloc[0] == pytest.approx(gaps["gap_usd_current_million"].iloc[:-1].max())
    assert b.us_share_pct is not None and 50 < b.us_share_pct < 70
    assert b.us_share_pct + (b.europe_canada_share_pct or 0) == pytest.approx(100)
    assert b.olson_zeckhauser is not None and b.olson_zeckhauser["first_year"] == 2014
    assert set(b.claims.table["verdict"]) <= {"supported", "partly", "contradicted"}


@pytest.mark.slow
def test_brief_on_an_edition_without_usd_degrades_with_a_note() -> None:
    b = brief(edition=2024, year=2024)
    counts = {r.target: r.n_meeting for r in b.targets.itertuples()}
    assert counts[2.0] == 23
    assert b.us_share_pct is None and b.total_gap_usd_million is None
    assert any("USD tables are not embedded" in n for n in b.notes)
    assert not any("publishes no USD" in n for n in b.notes)  # the old, false note
    assert any(n.startswith("Other editions differ for 2024 at 2%: edition 2025: 6 of 8 allies") for n in b.notes)
    assert b.largest_gaps["gap_pct_gdp"].is_monotonic_decreasing


@pytest.mark.slow
def test_brief_on_the_partial_2025_edition_counts_only_allies_with_a_figure() -> None:
    b = brief(edition=2025, year=2025)
    assert {r.target: (r.n_meeting, r.n_allies) for r in b.targets.itertuples()}[2.0] == (30, 30)
    assert any(
        n.startswith("30 of 31 allies have a figure in the embedded extract of the 2025 edition") for n in b.notes
    )
    assert b.us_share_pct is None  # current USD for 9 allies only: no partial alliance shares


@pytest.mark.slow
def test_cli_brief_formats(cli_process, tmp_path: Path) -> None:
    res = cli_process("brief", "--format", "json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["edition"] == 2026 and len(payload["targets"]) == 3 and len(payload["claims"]) >= 6
    res = cli_process("brief", "--format", "csv")
    assert res.returncode == 0 and res.stdout.splitlines()[0] == "section,item,value"
    png = tmp_path / "rank.png"
    res = cli_process("brief", "--plot", str(png))
    assert res.returncode == 0, res.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "alliance brief" in res.stdout and "Claims" in res.stdout


@pytest.mark.parametrize("args", [["--year", "1850"], ["--edition", "1999"], ["--plot", "x.txt"]])
@pytest.mark.slow
def test_cli_brief_bad_input_exits_2_with_one_line(cli_process, args: list[str]) -> None:
    res = cli_process("brief", *args)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
