"""``alliance simulate``: the issue's acceptance commands exactly, formats, files and bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from alliance.cli import main

ALLIANCE = [sys.executable, "-c", "from alliance.cli import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ALLIANCE, *args], capture_output=True, text=True, timeout=300)


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_acceptance_backtest_json_reports_each_year_for_model_and_both_baselines() -> None:
    res = run("simulate", "backtest", "--format", "json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    years = [r["year"] for r in payload["by_year"]]
    assert years == [2022, 2023, 2024, 2025, 2026]
    for r in payload["by_year"]:
        for key in ("model_mae", "persistence_mae", "trend_mae"):
            assert isinstance(r[key], float) and r[key] >= 0
    assert payload["winner"] in ("model", "persistence", "trend")


def test_acceptance_us_drawdown_csv_has_a_row_per_ally_and_year_with_a_band() -> None:
    res = run("simulate", "--scenario", "us-drawdown", "--until", "2035", "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 31 * 9
    assert {(r["iso3"], int(r["year"])) for r in rows} == {(r["iso3"], y) for r in rows for y in range(2027, 2036)}
    for r in rows:
        assert r["scenario"] == "us-drawdown"
        assert float(r["p05"]) <= float(r["p50"]) <= float(r["p95"])


def test_scenarios_list_and_calibrate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "simulate", "scenarios", "--format", "json")
    assert code == 0
    assert {r["name"] for r in json.loads(out)} >= {"baseline", "us-drawdown", "threat-low", "threat-high", "us-exempt"}
    code, out, _ = call(capsys, "simulate", "calibrate", "--format", "csv")
    assert code == 0 and out.startswith("parameter,")


def test_projection_table_json_output_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_csv, png = tmp_path / "rows.csv", tmp_path / "fan.png"
    code, out, err = call(
        capsys, "simulate", "--scenario", "threat-high", "--until", "2029", "--runs", "40", "--seed", "3",
        "--format", "json", "--output", str(out_csv), "--plot", str(png),
    )  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert payload["scenario"]["name"] == "threat-high" and payload["scenario"]["runs"] == 40
    assert len(payload["projections"]) == 31 * 3
    assert len(out_csv.read_text().splitlines()) == 31 * 3 + 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert not list(tmp_path.glob(".*"))  # no temp files left behind
    code, out, _ = call(capsys, "simulate", "--until", "2028", "--runs", "20")
    assert code == 0 and "Furthest behind" in out


def test_backtest_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    html = tmp_path / "bt.html"
    code, _, err = call(capsys, "simulate", "backtest", "--format", "csv", "--plot", str(html))
    assert code == 0, err
    assert html.read_text().startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--until", "2020"], "--until 2020"),
        (["--until", "2100"], "--until 2100"),
        (["--runs", "0"], "--runs 0"),
        (["--plot", "chart.pdf"], "must end in .png or .html"),
        (["--output", "rows.parquet"], "must end in .csv"),
        (["--method", "oracle"], "projection method"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code, out, err = call(capsys, "simulate", *args)
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_malformed_scenario_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("name: broken\nthreat:\n  shocks:\n    - {year: 2030, size: 1}\n    - {year: 2200, size: 1}\n")
    code, _, err = call(capsys, "simulate", "--scenario", str(f))
    assert code == 2
    assert "threat.shocks[1].year: must be between" in err and err.count("\n") == 1
    f.write_text("name: [unclosed\n")
    code, _, err = call(capsys, "simulate", "--scenario", str(f))
    assert code == 2 and "invalid YAML" in err
