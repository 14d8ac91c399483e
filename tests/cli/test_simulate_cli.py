"""``alliance simulate``: the issue's acceptance commands exactly, formats, files and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest


@pytest.mark.slow
def test_acceptance_backtest_json_reports_each_year_for_model_and_both_baselines(cli_process) -> None:
    res = cli_process("simulate", "backtest", "--format", "json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    years = [r["year"] for r in payload["by_year"]]
    assert years == [2022, 2023, 2024, 2025, 2026]
    for r in payload["by_year"]:
        for key in ("model_mae", "persistence_mae", "trend_mae"):
            assert isinstance(r[key], float) and r[key] >= 0
    assert payload["winner"] in ("model", "persistence", "trend")


@pytest.mark.slow
def test_acceptance_us_drawdown_csv_has_a_row_per_ally_and_year_with_a_band(cli_process) -> None:
    res = cli_process("simulate", "--scenario", "us-drawdown", "--until", "2035", "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 31 * 9
    assert {(r["iso3"], int(r["year"])) for r in rows} == {(r["iso3"], y) for r in rows for y in range(2027, 2036)}
    for r in rows:
        assert r["scenario"] == "us-drawdown"
        assert float(r["p05"]) <= float(r["p50"]) <= float(r["p95"])


@pytest.mark.slow
def test_scenarios_list_and_calibrate(cli) -> None:
    code, out, _ = cli("simulate", "scenarios", "--list", "--format", "json")
    assert code == 0
    assert {r["name"] for r in json.loads(out)} >= {"baseline", "us-drawdown", "threat-low", "threat-high", "us-exempt"}
    code, out, _ = cli("simulate", "calibrate", "--format", "csv")
    assert code == 0 and out.startswith("parameter,")


@pytest.mark.slow
def test_projection_table_json_output_and_plot(cli, tmp_path: Path) -> None:
    out_csv, png = tmp_path / "rows.csv", tmp_path / "fan.png"
    code, out, err = cli("simulate", "--scenario", "threat-high", "--until", "2029", "--runs", "40", "--seed", "3",
        "--format", "json", "--output", str(out_csv), "--plot", str(png),
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert payload["scenario"]["name"] == "threat-high" and payload["scenario"]["runs"] == 40
    assert len(payload["projections"]) == 31 * 3
    assert len(out_csv.read_text().splitlines()) == 31 * 3 + 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert not list(tmp_path.glob(".*"))  # no temp files left behind
    code, out, _ = cli("simulate", "--until", "2028", "--runs", "20")
    assert code == 0 and "Furthest behind" in out


@pytest.mark.slow
def test_backtest_plot(cli, tmp_path: Path) -> None:
    html = tmp_path / "bt.html"
    code, _, err = cli("simulate", "backtest", "--format", "csv", "--plot", str(html))
    assert code == 0, err
    assert html.read_text().startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--until", "2020"], "until 2020: must be between 2027 and 2050"),
        (["--until", "2100"], "until 2100"),
        (["--runs", "0"], "runs 0: must be between 1"),
        (["--plot", "chart.pdf"], "must end in .png, .svg or .html"),
        (["--output", "rows.parquet"], "must end in .csv"),
        (["--method", "oracle"], "projection method"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args: list[str], needle: str) -> None:
    code, out, err = cli("simulate", *args)
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_malformed_scenario_file_exits_2(cli, tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("name: broken\nthreat:\n  shocks:\n    - {year: 2030, size: 1}\n    - {year: 2200, size: 1}\n")
    code, _, err = cli("simulate", "--scenario", str(f))
    assert code == 2
    assert "threat.shocks[1].year: must be between" in err and err.count("\n") == 1
    f.write_text("name: [unclosed\n")
    code, _, err = cli("simulate", "--scenario", str(f))
    assert code == 2 and "invalid YAML" in err
