"""Scenario files: validation with paths, loaders for YAML/JSON/CSV/TSV, round trips, the template."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from alliance.errors import BadInput
from alliance.negotiation import schema
from alliance.negotiation.scenario import Scenario
from alliance.negotiation.schema import (
    list_scenarios,
    load_scenario,
    scenario_catalog,
    scenario_from_dict,
    scenario_from_frame,
    scenario_to_dict,
    template_yaml,
    write_template,
)

ROOT = Path(__file__).resolve().parents[2]
EMISSIONS = ROOT / "src" / "alliance" / "data" / "tables" / "bdm1994_emissions.csv"


def _template() -> dict[str, Any]:
    return yaml.safe_load(template_yaml())


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(BadInput) as info:
        scenario_from_dict(data)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_template_is_a_valid_scenario_with_chair_bounds_and_0_1_saliences() -> None:
    sc = scenario_from_dict(_template())
    assert sc.name == "my-scenario" and sc.chair == "Chair"
    assert sc.issue("target").reversion == 2 and sc.issue("target").title.startswith("Headline")
    b = sc.actor("B")
    assert b.saliences["target"] == pytest.approx(0.6) and b.bounds["target"] == (2.0, 4.0)
    assert sc.actor("Chair").chair and not sc.arrays().veto[0]
    assert sc.metadata["as_of"] == "2025-06-01" and sc.metadata["salience_scale"] == 100


def test_round_trip_yaml_scenario_dict_scenario() -> None:
    sc = scenario_from_dict(_template())
    d = scenario_to_dict(sc)
    assert scenario_from_dict(d) == sc
    # through real YAML and JSON text too
    assert scenario_from_dict(yaml.safe_load(yaml.safe_dump(d, sort_keys=False))) == sc
    assert scenario_from_dict(json.loads(json.dumps(d))) == sc
    assert d["actors"][2]["issues"]["target"]["salience"] == 60  # written back on the stated 0-100 scale


def test_bundled_hague_round_trips_and_is_listed() -> None:
    sc = load_scenario("hague-2025")
    assert "hague-2025" in list_scenarios()
    assert scenario_from_dict(scenario_to_dict(sc)) == sc
    cat = scenario_catalog().set_index("name")
    assert cat.loc["hague-2025", "actors"] == len(sc.actors) and cat.loc["hague-2025", "issues"] == len(sc.issues)


def test_salience_out_of_range_names_the_path_and_range() -> None:
    d = _template()
    d["actors"][2]["issues"]["target"]["salience"] = 150
    assert _error(d) == "invalid scenario actors[2].issues.target.salience: must be between 0 and 100, got 150"


def test_salience_scale_1_checks_0_1() -> None:
    d = _template()
    d["salience_scale"] = 1
    msg = _error(d)  # the template states 0-100
    assert "actors[0].issues.target.salience: must be between 0 and 1, got 80" in msg
    for a in d["actors"]:
        a["issues"]["target"]["salience"] /= 100
    assert scenario_from_dict(d).actor("A").saliences["target"] == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["actors"][1]["issues"]["target"].update(positon=3),
            "actors[1].issues.target.positon: unknown key; valid: position, salience, bounds, basis",
        ),
        (lambda d: d["actors"][1].update(vetoo=True), "actors[1].vetoo: unknown key; valid: name, title, capability"),
        (lambda d: d.update(isues=[]), "isues: unknown key; valid: name, title"),
        (
            lambda d: d["actors"][1]["issues"].update(ukraine={"position": 1, "salience": 2}),
            "actors[1].issues.ukraine: unknown issue; valid: target",
        ),
        (
            lambda d: d["actors"][1]["issues"]["target"].update(position=7),
            "actors[1].issues.target.position: must be between 2 and 5, got 7",
        ),
        (
            lambda d: d["actors"][2]["issues"]["target"].update(bounds=[4, 3]),
            "actors[2].issues.target.bounds: lower bound 4 exceeds upper bound 3",
        ),
        (
            lambda d: d["actors"][2]["issues"]["target"].update(bounds=[1, 3]),
            "actors[2].issues.target.bounds: must be between 2 and 5",
        ),
        (lambda d: d["actors"][1].update(capability=-1), "actors[1].capability: must be a number between 0 and 1e+15"),
        (lambda d: d["actors"][1].update(capability="lots"), "actors[1].capability: must be a number, got 'lots'"),
        (lambda d: d["actors"][2].update(name="A"), "actors[2].name: duplicate actor 'A'"),
        (lambda d: d["issues"][0].update(reversion=9), "issues[0].reversion: must be between 2 and 5, got 9"),
        (lambda d: d["issues"][0].update(low=6), "issues[0]: low (6) must be below high (5)"),
        (lambda d: d["issues"][0]["formulations"].update(x=99), "issues[0].formulations.x: must be between 2 and 5"),
        (lambda d: d.update(chair="Nobody"), "chair: unknown actor 'Nobody'"),
        (lambda d: d["rule"].update(kind="qmv"), "rule: qmv needs capability_threshold and/or count_threshold"),
        (lambda d: d["rule"].update(kind="majority"), "rule.kind: must be one of 'consensus' or 'qmv'"),
        (
            lambda d: d["rule"].update(capability_threshold=1.5),
            "rule.capability_threshold: must be a share between 0 and 1",
        ),
        (lambda d: d.pop("actors"), "actors: required"),
        (lambda d: d.update(as_of="June"), "as_of: must be a date (YYYY-MM-DD)"),
        (lambda d: d.update(name="has space"), "name: 'has space' must be an identifier"),
    ],
)
def test_each_bad_value_is_reported_with_its_path(edit: Any, expected: str) -> None:
    d = _template()
    edit(d)
    assert expected in _error(d)


def test_many_errors_are_joined_on_one_line_with_a_count() -> None:
    d = _template()
    for k in range(8):
        d["actors"].append(copy.deepcopy(d["actors"][1]) | {"name": f"X{k}"})
        d["actors"][-1]["issues"]["target"]["salience"] = 200 + k
    msg = _error(d)
    assert msg.count("; ") == 4 and msg.endswith("(and 3 more)")
    assert "actors[3].issues.target.salience: must be between 0 and 100, got 200" in msg


def test_emissions_table_is_a_one_issue_scenario() -> None:
    sc = load_scenario(EMISSIONS)
    assert sc.name == "bdm1994_emissions" and sc.issue_names == ("bdm1994_emissions",)
    it = sc.issues[0]
    assert (it.low, it.high, it.reversion) == (4.0, 10.0, None)
    assert len(sc.actors) == 10 and sc.metadata["salience_scale"] == 1
    uk = sc.actor("UK")
    assert (uk.capability, uk.positions[it.name], uk.saliences[it.name]) == (0.16, 10.0, 0.9)
    assert load_scenario(str(EMISSIONS)) == sc  # a str path works too


def test_table_with_issue_column_and_options(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "actor": ["A", "A", "B", "B", "SG"],
            "issue": ["x", "y", "x", "y", "x"],
            "capability": [2, 2, 1, 1, 0],
            "position": [10, 0, 30, 1, 20],
            "salience": [50, 100, 80, 20, 10],
            "reversion": [0, None, None, None, None],
            "low": [0, None, None, None, None],
            "high": [100, None, None, None, None],
            "chair": [False, False, False, False, True],
            "lower_bound": [None, None, 5, None, None],
            "upper_bound": [None, None, 40, None, None],
        }
    )
    sc = scenario_from_frame(df, name="two")
    assert sc.issue_names == ("x", "y") and sc.chair == "SG"
    assert (sc.issue("x").low, sc.issue("x").high, sc.issue("x").reversion) == (0, 100, 0)
    assert (sc.issue("y").low, sc.issue("y").high) == (0, 1)  # range of the stated positions
    assert sc.actor("B").saliences == {"x": 0.8, "y": 0.2} and sc.actor("B").bounds == {"x": (5.0, 40.0)}
    assert "y" not in sc.actor("SG").positions
    path = tmp_path / "two.tsv"
    df.to_csv(path, sep="\t", index=False)
    assert load_scenario(path).actor("A").positions == {"x": 10.0, "y": 0.0}


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (pd.DataFrame({"actor": ["A"], "position": [1], "salience": [1]}), "missing column(s) capability"),
        (
            pd.DataFrame({"actor": ["A"], "capability": [1], "position": [1], "salience": [1], "power": [1]}),
            "unknown column(s) power",
        ),
        (
            pd.DataFrame({"actor": ["A", "B"], "capability": [1, 1], "position": [1, "x"], "salience": [1, 1]}),
            "row 2, column position: must be a finite number, got 'x'",
        ),
        (
            pd.DataFrame({"actor": ["A", "A"], "capability": [1, 1], "position": [1, 2], "salience": [1, 1]}),
            "actor 'A' appears twice",
        ),
        (
            pd.DataFrame(
                {"actor": ["A", "A"], "issue": ["x", "y"], "capability": [1, 2], "position": [1, 2], "salience": [1, 1]}
            ),
            "actor 'A' has several capabilities",
        ),
        (
            pd.DataFrame({"actor": ["A", "B"], "capability": [1, 1], "position": [1, 2], "salience": [1, 150]}),
            "salience: must be between 0 and 100, got 150",
        ),
    ],
)
def test_bad_tables_give_one_line(frame: pd.DataFrame, expected: str) -> None:
    with pytest.raises(BadInput, match=None) as info:
        scenario_from_frame(frame)
    assert expected in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("s.yaml", "name: x\nissues: [\n", "invalid YAML at line"),
        ("s.json", '{"name": ', "invalid JSON at line 1"),
        ("s.yaml", "", "the file is empty"),
        ("s.yaml", "- a\n- b\n", "the top level must be a mapping"),
        ("s.txt", "x", "unsupported extension '.txt'"),
        ("s.csv", "", "cannot read table"),
    ],
)
def test_bad_files_give_one_line(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(BadInput) as info:
        load_scenario(path)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_unknown_name_and_missing_file() -> None:
    with pytest.raises(BadInput, match="unknown scenario 'nope'; bundled: "):
        load_scenario("nope")
    with pytest.raises(BadInput, match="scenario file 'missing.yaml' not found"):
        load_scenario("missing.yaml")


def test_json_file_loads_like_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_template(), default=str))
    assert load_scenario(path) == scenario_from_dict(_template())


def test_write_template_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    write_template(path)
    assert isinstance(load_scenario(path), Scenario)
    path.write_text("edited")
    with pytest.raises(BadInput, match="already exists; pass force=True"):
        write_template(path)
    assert path.read_text() == "edited"
    write_template(path, force=True)
    assert path.read_text() == template_yaml()
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]  # no temp files left behind
    with pytest.raises(BadInput, match="does not exist"):
        write_template(tmp_path / "no" / "such.yaml")


def test_scenario_frame_has_one_row_per_actor_and_issue() -> None:
    sc = scenario_from_dict(_template())
    frame = schema.scenario_frame(sc)
    assert len(frame) == 3 and list(frame["actor"]) == ["Chair", "A", "B"]
    assert frame.loc[frame["actor"] == "B", "upper_bound"].item() == 4.0
