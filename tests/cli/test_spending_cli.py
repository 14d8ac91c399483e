"""The burden-sharing commands: the issue's acceptance examples exactly, formats, plots and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

# --- acceptance examples of the issue (subprocess, exactly as written) -----------------------------------------


@pytest.mark.slow
def test_acceptance_2024_edition_23_allies_meet_2_percent(cli_process) -> None:
    res = cli_process("spending", "--edition", "2024", "--year", "2024", "--target", "2", "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert isinstance(rows, list) and all({"iso3", "pct_gdp", "meets_target"} <= set(r) for r in rows)
    assert sum(r["meets_target"] is True for r in rows) == 23


@pytest.mark.slow
def test_acceptance_csv_2025_one_row_per_ally_of_the_2026_edition(cli_process) -> None:
    res = cli_process("spending", "--year", "2025", "--target", "3.5", "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.stdout.splitlines()[0].startswith("iso3,country,year,edition,pct_gdp")
    assert len(rows) == 31 and len({r["iso3"] for r in rows}) == 31
    assert {r["year"] for r in rows} == {"2025"} and {r["edition"] for r in rows} == {"2026"}
    pol = next(r for r in rows if r["iso3"] == "POL")
    assert float(pol["pct_gdp"]) == 4.25 and pol["meets_target"] == "True"


@pytest.mark.slow
def test_acceptance_year_1850_exits_2_with_one_line(cli_process) -> None:
    res = cli_process("spending", "--year", "1850")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip() == "alliance: error: year 1850 not in edition 2026; valid: 2014-2026"
    assert "Traceback" not in res.stderr


# --- every command: formats, titles, help ----------------------------------------------------------------------

COMMANDS = ["spending", "gaps", "shares", "olson-zeckhauser", "oz", "hague-path", "path2035"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.slow
def test_every_command_has_help_and_json_output(cli, command: str) -> None:
    code, out, _ = cli(command, "--help")
    assert code == 0 and "--format" in out and "--edition" in out and "--year" in out
    code, out, err = cli(command, "--format", "json")
    assert code == 0, err
    assert isinstance(json.loads(out), list) and json.loads(out)


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["spending", "--edition", "2024"], "23 of 31 — 2024, NATO edition 2024"),
        (["gaps", "--year", "2025"], "Gap to 3.5% of GDP — 2025, NATO edition 2026"),
        (["shares", "--year", "2024"], "Burden shares — 2024, NATO edition 2026"),
        (["oz"], "2014-2026, NATO edition 2026"),
        (["hague-path"], "by 2035 from 2026, NATO edition 2026"),
        (["path2035"], "2035 from 2026, NATO edition 2026"),
    ],
)
def test_tables_name_the_edition_and_year(cli, args: list[str], title: str) -> None:
    code, out, err = cli(*args)
    assert code == 0, err
    assert title in " ".join(out.split())


@pytest.mark.slow
def test_shares_summary_and_us_share(cli) -> None:
    code, out, _ = cli("shares", "--year", "2024", "--summary", "--format", "json")
    rows = {r["metric"]: r for r in json.loads(out)}
    # NATO 2026 edition: US share of total current-USD spending 2024 = 65.3%.
    assert code == 0 and round(rows["us_share_pct"]["computed"], 1) == 65.3
    code, out, _ = cli("shares", "--year", "2025", "--prices", "constant", "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("USA,")


def test_gaps_csv_ends_with_the_total_row_and_notes_missing_usd(cli) -> None:
    code, out, _ = cli("gaps", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[-1]["iso3"] == "NATO_TOTAL" and rows[-1]["is_total"] == "True" and len(rows) == 32
    code, out, err = cli("gaps", "--edition", "2024", "--format", "json")
    assert code == 0 and all(r["gap_usd_current_million"] is None for r in json.loads(out))
    assert "USD tables are not embedded" in err


def test_country_filter_and_growth_override(cli) -> None:
    code, out, _ = cli("spending", "--country", "USA", "-c", "pol", "--format", "json")
    assert code == 0 and sorted(r["iso3"] for r in json.loads(out)) == ["POL", "USA"]
    code, out, _ = cli("hague-path", "--gdp-growth", "1.5", "-c", "DEU", "--format", "json")
    (deu,) = json.loads(out)
    assert code == 0 and deu["gdp_growth_pct"] == 1.5
    code, out, _ = cli("hague-path", "--gdp-growth", "USA=2", "--format", "json")
    growth = {r["iso3"]: r["gdp_growth_source"] for r in json.loads(out)}
    assert growth["USA"] == "assumed" and growth["DEU"].startswith("own")


def test_path2035_detail_and_us_exempt(cli) -> None:
    code, out, _ = cli("path2035", "--format", "json")
    names = [r["scenario"] for r in json.loads(out)]
    assert code == 0 and names == ["base_year", "current_shares", "all_at_target", "us_exempt"]
    code, out, _ = cli("path2035", "--us-exempt", "--detail", "--format", "json")
    rows = {r["iso3"]: r for r in json.loads(out)}
    assert code == 0 and len(rows) == 31
    assert rows["USA"]["spending_by_scenario_million"] == pytest.approx(
        rows["USA"]["spending_by_current_share_million"]
    )


# --- plots ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["spending"], ["gaps"], ["shares", "--year", "2024"], ["olson-zeckhauser"], ["hague-path"]]
)
@pytest.mark.parametrize("suffix", [".png", ".html"])
@pytest.mark.slow
def test_plot_files_are_written(cli, tmp_path: Path, command: list[str], suffix: str) -> None:
    path = tmp_path / f"chart{suffix}"
    code, _, err = cli(*command, "--format", "csv", "--plot", str(path))
    assert code == 0, err
    assert path.stat().st_size > 1000
    head = path.read_bytes()[:16]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<html" in path.read_bytes()[:200]


def test_plot_txt_is_rejected_before_any_work(cli, tmp_path: Path) -> None:
    path = tmp_path / "chart.txt"
    code, out, err = cli("spending", "--plot", str(path))
    assert code == 2 and out == "" and not path.exists()
    assert err.count("\n") == 1 and "--plot" in err and ".png, .svg or .html" in err


# --- bad input: exit 2, one line on stderr, no traceback -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["spending", "--year", "1850"], "valid: 2014-2026"),
        (["spending", "--edition", "1999"], "valid: 2024, 2025, 2026"),
        (["spending", "--country", "XXX"], "valid ISO3 codes: ALB"),
        (["spending", "--country", "ISL"], "no armed forces"),
        (["spending", "--target", "0"], "out of range"),
        (["spending", "--year", "abc"], "--year"),
        (["gaps", "--year", "2020", "--edition", "2024"], "valid: 2014, 2024"),
        (["shares", "--edition", "2025"], "valid editions: 2026"),
        (["shares", "--prices", "nominal"], "nominal"),
        (["oz", "--edition", "2024"], "valid editions: 2026"),
        (["oz", "--exclude", "XXX"], "unknown country"),
        (["hague-path", "--gdp-growth", "fast"], "not a number"),
        (["hague-path", "--gdp-growth", "1", "--gdp-growth", "USA=2"], "one or the other"),
        (["hague-path", "--by", "2020"], "by 2020"),
        (["path2035", "--target", "150"], "out of range"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, args: list[str], needle: str) -> None:
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("alliance: error: ") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_bad_input_in_a_subprocess_has_no_traceback(cli_process) -> None:
    res = cli_process("hague-path", "--gdp-growth", "XYZ=2")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


# --- command groups ---------------------------------------------------------------------------------------------


def test_top_level_help_lists_only_the_grouped_commands(cli) -> None:
    code, out, _ = cli("--help")
    listed = {ln.split()[0] for ln in out.split("Commands:", 1)[1].splitlines() if ln.strip()}
    assert code == 0 and listed == {"brief", "claims", "data", "spending", "negotiate", "simulate", "serve", "sweep"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["gaps", "--year", "2025"], ["spending", "gaps", "--year", "2025"]),
        (["oz", "--year", "2024"], ["spending", "olson-zeckhauser", "--year", "2024"]),
        (["scenarios"], ["negotiate", "scenarios"]),
        (["scenario", "show", "hague-2025", "--format", "csv"], ["negotiate", "show", "hague-2025", "--format", "csv"]),
    ],
)
def test_hidden_aliases_give_the_grouped_commands_output(cli, old: list[str], new: list[str]) -> None:
    code_old, out_old, _ = cli(*old, "--format", "json") if "--format" not in old else cli(*old)
    code_new, out_new, _ = cli(*new, "--format", "json") if "--format" not in new else cli(*new)
    assert code_old == code_new == 0 and out_old == out_new


def test_group_defaults_route_to_the_default_command(cli) -> None:
    """`alliance spending --year 2025` is `alliance spending meets --year 2025`; `--help` shows both layers."""
    assert cli("spending", "--year", "2025", "--format", "json") == cli(
        "spending", "meets", "--year", "2025", "--format", "json"
    )
    code, out, _ = cli("spending", "--help")
    assert code == 0 and "gaps" in out and "hague-path" in out and "--target" in out and "--edition" in out
    code, out, _ = cli("negotiate")  # no scenario: the group's help, not an error
    assert code == 0 and "scenarios" in out and "backtest" in out
    code, _, err = cli("spending", "nope")
    assert code == 2 and err.count("\n") == 1


@pytest.mark.slow
def test_help_loads_no_heavy_library() -> None:
    """`alliance --help` (and a group's help) registers every command without importing pandas, NumPy, SciPy,
    matplotlib, plotly or the models: commands import them when they run."""
    code = (
        "import sys\n"
        "from alliance.cli import app\n"
        "for args in (['--help'], ['spending', '--help'], ['negotiate', '--help']):\n"
        "    try:\n"
        "        app(args=args, prog_name='alliance', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('pandas', 'numpy', 'scipy', 'matplotlib', 'plotly', 'alliance.negotiation.models')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
