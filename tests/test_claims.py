"""The claims check: verdicts on the seed article's claims, user claims files, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.claims import CHECKS, check_claims, load_claims
from alliance.errors import BadInput


def test_seed_article_claims_and_verdicts() -> None:
    df = check_claims().table.set_index("id")
    assert len(df) >= 6
    assert df.loc["allies-32", "observed"] == 32 and df.loc["allies-32", "verdict"] == "supported"
    assert df.loc["two-percent-2024", "observed"] == 23 and df.loc["two-percent-2024", "verdict"] == "supported"
    # US % of GDP, June 2024 edition, 2024 estimate: 3.38 -> "roughly 3.5" holds within 0.25 points.
    assert df.loc["us-pct-gdp", "observed"] == pytest.approx(3.38)
    assert df.loc["us-pct-gdp", "verdict"] == "supported"
    # "Almost 100 percent": 65.3% of allied spending in 2024 (2026 edition), 16.35% of common funding.
    assert df.loc["us-pays-almost-all-spending", "observed"] == pytest.approx(65.3, abs=0.05)
    assert df.loc["us-pays-almost-all-spending", "verdict"] == "contradicted"
    assert df.loc["us-pays-almost-all-common-funding", "observed"] == pytest.approx(16.35)
    assert df.loc["us-pays-almost-all-common-funding", "verdict"] == "contradicted"
    assert df.loc["us-spends-most", "verdict"] == "supported"
    # Poland and Estonia spent a larger share of GDP than the US in 2024: the US ranks third.
    assert df.loc["us-pct-gdp-dwarfs", "observed"] == 3
    assert df["source"].str.len().gt(10).all()


def test_user_claims_file_with_partly_verdict(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "claims:\n"
        "  - id: poland\n"
        "    claim: Poland spent 4.5% of GDP in 2025\n"
        "    check: pct_gdp\n"
        "    params: {country: POL, year: 2025, edition: 2026}\n"
        "    expected: 4.5\n"
        "    tolerance: {supported: 0.1, partly: 0.5}\n",
        encoding="utf-8",
    )
    row = check_claims(f).table.iloc[0]
    assert row["observed"] == pytest.approx(4.25)  # 2026 edition revises 2025 down from 4.48
    assert row["verdict"] == "partly"
    assert "2026" in row["source"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("claims: [{id: x, claim: y, check: nope, expected: 1}]", "claims[0].check: unknown check 'nope'"),
        ("claims: [{id: x, claim: y, check: pct_gdp, expected: 1, colour: red}]", "colour"),
        ("claims: []", "claims"),
        ("- just\n- a list\n", "expected a mapping"),
        ("claims: [{id: x, claim: y", "invalid YAML"),
    ],
)
def test_malformed_claims_files_are_bad_input(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput, match="bad.yaml") as info:
        load_claims(f)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_country_in_params_names_valid_codes(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("claims: [{id: x, claim: y, check: pct_gdp, params: {country: XXX}, expected: 2}]", encoding="utf-8")
    with pytest.raises(BadInput, match="unknown country 'XXX'; valid ISO3 codes: ALB"):
        check_claims(f)


def test_every_check_is_documented_callable() -> None:
    assert set(CHECKS) >= {"ally_count", "count_meeting", "pct_gdp", "share_of_total", "rank", "common_funding_share"}


@pytest.mark.slow
def test_cli_claims_json_has_the_fields_of_the_acceptance_example(cli_process) -> None:
    res = cli_process("claims", "--format", "json")
    assert res.returncode == 0, res.stderr
    items = json.loads(res.stdout)
    assert isinstance(items, list) and len(items) >= 6
    for item in items:
        assert {"claim", "observed", "verdict", "source"} <= set(item)
        assert item["verdict"] in {"supported", "partly", "contradicted"}
    # the figures and verdicts, not only the fields: the same as the Python API, and the known answers
    by_id = {item["id"]: (item["observed"], item["verdict"]) for item in items}
    api = check_claims().table
    assert by_id == {r.id: (pytest.approx(r.observed), r.verdict) for r in api.itertuples()}
    assert by_id["two-percent-2024"] == (23, "supported")
    assert by_id["us-pays-almost-all-spending"] == (pytest.approx(65.3, abs=0.05), "contradicted")
    assert by_id["us-pays-almost-all-common-funding"] == (pytest.approx(16.35), "contradicted")
    assert by_id["us-pct-gdp-dwarfs"] == (3, "contradicted")


@pytest.mark.slow
def test_cli_malformed_claims_file_exits_2_with_one_line(cli_process, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("claims: [{id: x}]", encoding="utf-8")
    res = cli_process("claims", str(f))
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert "bad.yaml" in res.stderr


def test_each_verdict_names_its_edition_year_and_unit() -> None:
    df = check_claims().table.set_index("id")
    dwarfs = df.loc["us-pct-gdp-dwarfs"]
    assert (dwarfs["observed"], dwarfs["observed_unit"]) == (3, "rank by pct_gdp")
    assert (dwarfs["edition"], dwarfs["year"]) == (2024, 2024)
    assert dwarfs["verdict_text"] == "contradicted: observed rank 3 (by pct_gdp) (NATO edition 2024, 2024)"
    assert df.loc["two-percent-2024", "verdict_text"] == "supported: observed 23 allies (NATO edition 2024, 2024)"
    assert df.loc["us-pct-gdp", "verdict_text"].startswith("supported: observed 3.38% of GDP (NATO edition 2024")


@pytest.mark.slow
def test_all_editions_gives_the_verdict_under_each_edition_with_the_data(cli) -> None:
    res = check_claims(all_editions=True)
    two = res.table[res.table["id"] == "two-percent-2024"].set_index("edition")
    assert two.loc[2024, "verdict"] == "supported" and two.loc[2026, "observed"] == 17
    assert two.loc[2026, "verdict"] == "contradicted"
    # the 2025 extract has 8 of 31 allies for 2024: no count over it passes for the alliance
    assert 2025 not in two.index
    assert any(s.startswith("two-percent-2024, edition 2025: a count or rank over the alliance") for s in res.skipped)
    us = res.table[res.table["id"] == "us-pct-gdp"].set_index("edition")["observed"]
    assert us.to_dict() == {2024: 3.38, 2025: 3.21, 2026: 3.3}
    code, out, err = cli("claims", "--all-editions", "--format", "json")
    assert code == 0 and len(json.loads(out)) == len(res.table)
    assert "not checked: two-percent-2024, edition 2025" in err
