"""CLI: alliance scenarios, scenario show|template, negotiate (formats, errors, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from alliance.negotiation.models import model_names

ROOT = Path(__file__).resolve().parents[2]
EMISSIONS = ROOT / "src" / "alliance" / "data" / "tables" / "bdm1994_emissions.csv"
HAGUE = ROOT / "src" / "alliance" / "negotiation" / "scenarios" / "hague-2025.yaml"


def test_template_to_stdout_is_valid_and_file_is_not_overwritten(cli, tmp_path: Path) -> None:
    code, out, _ = cli("scenario", "template")
    assert code == 0 and yaml.safe_load(out)["name"] == "my-scenario"
    path = tmp_path / "s.yaml"
    assert cli("scenario", "template", "--output", str(path))[0] == 0
    assert path.read_text() == out
    path.write_text("mine")
    code, _, err = cli("scenario", "template", "--output", str(path))
    assert code == 2 and "already exists; use --force" in err and path.read_text() == "mine"
    assert cli("scenario", "template", "--output", str(path), "--force")[0] == 0
    assert path.read_text() == out


def test_salience_150_exits_2_with_one_line_naming_the_field(cli, tmp_path: Path) -> None:
    cli("scenario", "template", "--output", str(tmp_path / "s.yaml"))
    path = tmp_path / "s.yaml"
    path.write_text(path.read_text().replace("salience: 90", "salience: 150"))
    code, out, err = cli("negotiate", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "actors[1].issues.target.salience: must be between 0 and 100" in err
    assert "Traceback" not in err


def test_scenario_show_formats(cli) -> None:
    code, out, _ = cli("scenario", "show", str(EMISSIONS), "--format", "json")
    assert code == 0 and json.loads(out)["issues"] == [{"name": "bdm1994_emissions", "low": 4, "high": 10}]
    code, out, _ = cli("scenario", "show", str(EMISSIONS), "--format", "csv")
    assert (
        code == 0
        and out.splitlines()[0].startswith("issue,actor,capability,position,salience")
        and len(out.splitlines()) == 11
    )
    code, out, _ = cli("scenario", "show", str(EMISSIONS))
    assert code == 0 and "Greece" in out and "rule: consensus" in out


def test_negotiate_table_path_works_for_any_model(cli) -> None:
    code, out, _ = cli("negotiate", str(EMISSIONS), "--model", "median", "--format", "json")
    assert code == 0
    d = json.loads(out)["median"]["bdm1994_emissions"]
    assert d["outcome"] == 7.0 and {"formulation", "blockers", "pivotal"} <= set(d)
    code, out, _ = cli("negotiate", str(EMISSIONS), "--model", "compromise,median", "--format", "csv")
    assert (
        code == 0 and out.splitlines()[0].startswith("model,issue,outcome,formulation") and len(out.splitlines()) == 3
    )


def test_negotiate_eum_reports_the_median_per_round(cli) -> None:
    code, out, _ = cli("negotiate", str(EMISSIONS), "--model", "eum", "--rounds", "5", "--format", "json")
    assert code == 0
    medians = json.loads(out)["eum"]["bdm1994_emissions"]["details"]["medians"]
    assert len(medians) == 6 and medians[0] == 7.0


def test_bad_model_rounds_and_files_exit_2(cli, tmp_path: Path) -> None:
    code, _, err = cli("negotiate", str(EMISSIONS), "--model", "oracle")
    assert code == 2 and "unknown model 'oracle'; valid: " + ", ".join(model_names()) in err
    code, _, err = cli("negotiate", str(EMISSIONS), "--model", "median", "--rounds", "3")
    assert code == 2 and "--rounds applies only" in err
    code, _, err = cli("negotiate", str(tmp_path / "none.yaml"))
    assert code == 2 and "not found" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n")
    code, _, err = cli("negotiate", str(bad))
    assert code == 2 and "invalid YAML at line" in err and err.count("\n") == 1
    code, _, err = cli("negotiate", str(EMISSIONS), "--plot", str(tmp_path / "x.pdf"))
    assert code == 2 and "--plot" in err


@pytest.mark.slow
def test_negotiate_writes_a_plot(cli, tmp_path: Path) -> None:
    path = tmp_path / "f.png"
    code, _, _ = cli("negotiate", str(EMISSIONS), "--model", "compromise", "--plot", str(path), "-f", "csv")
    assert code == 0 and path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_hague_all_models_json(cli) -> None:
    code, out, _ = cli("scenarios", "--format", "json")
    assert code == 0 and "hague-2025" in [r["name"] for r in json.loads(out)]
    code, out, _ = cli("negotiate", "hague-2025", "--model", "all", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert list(d) == model_names()
    issues = [it["name"] for it in yaml.safe_load(HAGUE.read_text())["issues"]]
    for model, per_issue in d.items():
        assert list(per_issue) == issues, model
        for issue, rec in per_issue.items():
            assert {"outcome", "formulation", "blockers", "pivotal"} <= set(rec), (model, issue)
