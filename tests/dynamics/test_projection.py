"""Scenario files and projections: validation messages, determinism, and the ordering the model implies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from alliance.dynamics import list_scenarios, load_scenario, project, summary
from alliance.dynamics.fitting import calibrate
from alliance.dynamics.model import simulate
from alliance.dynamics.panel import load_panel
from alliance.dynamics.projection import projection_drivers
from alliance.dynamics.schema import scenario_from_dict
from alliance.errors import BadInput

RUNS = 200
EAST = ["EST", "LVA", "LTU", "POL", "FIN"]


def test_bundled_scenarios_load() -> None:
    assert set(list_scenarios()) >= {"baseline", "us-drawdown", "threat-low", "threat-high", "us-exempt"}
    for name in list_scenarios():
        s = load_scenario(name)
        assert s.name == name and s.until == 2035
    assert load_scenario("us-drawdown").us_drawdown_share == pytest.approx(0.3)
    assert load_scenario("us-exempt").us_exempt


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "x", "threat": {"shocks": [{"year": 2030, "size": 1}, {"year": 2101, "size": 1}]}},
            "threat.shocks[1].year: must be between 2026 and 2050",
        ),
        ({"name": "x", "until": 2100}, "until: must be between 2027 and 2050"),
        ({"name": "x", "runs": 0}, "runs: must be between 1 and 100000"),
        ({"name": "x", "us_drawdown": {"share": 1.5}}, "us_drawdown.share: must be between 0 and 1"),
        ({"name": "x", "colour": "red"}, "colour: unknown key"),
        ({"name": "x", "gdp_growth": {"XXX": 1.0}}, "gdp_growth.XXX: unknown ally"),
        ({"name": "x", "pledges": [{"level": 3.5, "adopted": 2025, "deadline": 2020}]}, "pledges[0].deadline"),
        ({"description": "no name"}, "name: required"),
        ({"name": "x", "runs": "many"}, "runs: must be a number"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_invalid_scenarios_name_the_bad_field(data: object, message: str) -> None:
    with pytest.raises(BadInput) as exc:
        scenario_from_dict(data, source="test.yaml")
    text = str(exc.value)
    assert message in text and "\n" not in text


def test_scenario_files_yaml_and_json(tmp_path: Path) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text("name: mine\nuntil: 2030\nruns: 20\nus_drawdown: {share: 0.5, year: 2028}\ngdp_growth: 1.0\n")
    s = load_scenario(str(good))
    assert (s.until, s.runs, s.us_drawdown_share, s.gdp_growth) == (2030, 20, 0.5, 1.0)
    js = tmp_path / "mine.json"
    js.write_text('{"name": "j", "until": 2029, "gdp_growth": {"DEU": 0.5}}')
    assert load_scenario(js).gdp_growth == {"DEU": 0.5}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(BadInput, match="invalid YAML"):
        load_scenario(bad)
    with pytest.raises(BadInput, match="unknown scenario"):
        load_scenario("no-such-scenario")
    with pytest.raises(BadInput, match="not found"):
        load_scenario(tmp_path / "missing.yaml")


@pytest.mark.slow
def test_projection_frame_structure() -> None:
    df = project("baseline", until=2030, runs=RUNS, seed=1).to_frame()
    assert len(df) == 31 * 4
    assert set(df["year"]) == {2027, 2028, 2029, 2030}
    assert {"iso3", "year", "scenario", "p50", "p05", "p95", "meets_3_5_prob"} <= set(df.columns)
    assert (df["p05"] <= df["p50"]).all() and (df["p50"] <= df["p95"]).all()
    assert df["meets_3_5_prob"].between(0, 1).all()


@pytest.mark.slow
def test_same_seed_same_result_different_seed_different_result() -> None:
    a = project("baseline", until=2030, runs=50, seed=7).paths
    b = project("baseline", until=2030, runs=50, seed=7).paths
    c = project("baseline", until=2030, runs=50, seed=8).paths
    assert_allclose(a, b)
    assert not np.allclose(a, c)


def _medians(name: str) -> dict[str, float]:
    df = project(name, until=2035, runs=RUNS, seed=3).to_frame()
    last = df[df["year"] == 2035].set_index("iso3")["p50"]
    return {k: float(v) for k, v in last.items()}


@pytest.mark.slow
def test_us_drawdown_raises_eastern_allies_through_the_us_signal() -> None:
    # The model's channel (docs/dynamics.md, "US presence and signals"): a drawdown lowers the commitment signal,
    # which amplifies the threat felt by exposed allies by kappa x share (kappa >= 0 by construction). Eastern
    # allies host almost no permanently assigned US forces, so the presence term barely moves them.
    base, drawn = _medians("baseline"), _medians("us-drawdown")
    for iso in EAST:
        assert drawn[iso] > base[iso], iso


@pytest.mark.slow
def test_presence_effect_sign_is_what_the_docs_say() -> None:
    # docs/dynamics.md reports the fitted US-presence term (its parameter table, whole-record column: value (se));
    # the fit must have that sign and value, and be as indistinguishable from zero as the docs say.
    import re

    docs = (Path(__file__).resolve().parents[2] / "docs" / "dynamics.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| `us_presence` |"))
    value_text, se_text = re.fullmatch(r"\s*(-?[\d.]+) \(([\d.]+)\)\s*", row.strip("|").split("|")[-1]).groups()
    documented, documented_se = float(value_text), float(se_text)
    cal = calibrate(2014, 2026)
    assert documented != 0 and np.sign(cal.params.us_presence) == np.sign(documented)
    decimals = len(value_text.split(".")[1])
    assert round(cal.params.us_presence, decimals) == documented
    assert round(cal.se["us_presence"], len(se_text.split(".")[1])) == documented_se
    assert abs(cal.params.us_presence) < 2 * cal.se["us_presence"]  # "not distinguishable from zero" (docs)


@pytest.mark.slow
def test_threat_high_meets_3_5_at_least_as_often_as_threat_low() -> None:
    s = summary(["threat-low", "threat-high"], until=2035, runs=RUNS, seed=5)
    lo = s[s["scenario"] == "threat-low"].set_index("year")["meet_3_5_p50"]
    hi = s[s["scenario"] == "threat-high"].set_index("year")["meet_3_5_p50"]
    assert (hi >= lo).all()
    assert hi.loc[2035] > lo.loc[2035]
    behind = s.attrs["furthest_behind"]  # plain records, so that summaries concatenate
    assert {r["scenario"] for r in behind} == {"threat-low", "threat-high"}


@pytest.mark.slow
def test_us_exempt_leaves_the_us_lower_than_the_baseline() -> None:
    assert _medians("us-exempt")["USA"] < _medians("baseline")["USA"]


@pytest.mark.slow
def test_alliance_total_is_the_sum_of_spending_times_gdp() -> None:
    p = project("baseline", until=2028, runs=30, seed=2)
    totals = p.totals_bn()
    manual = (p.paths[1, 4] * p.gdp[1]).sum() / 100 / 1000
    assert totals[1, 4] == pytest.approx(manual)
    assert (p.counts() <= 31).all()


def test_baseline_methods_have_no_spread_and_persistence_is_flat() -> None:
    p = project("baseline", until=2030, runs=5, seed=1, method="persistence")
    assert_allclose(p.paths[-1], p.paths[0])
    with pytest.raises(BadInput, match="projection method"):
        project("baseline", runs=5, method="oracle")


@pytest.mark.slow
def test_projections_level_off_and_stay_under_the_fiscal_ceiling() -> None:
    # The issue behind the threat half-life and the headroom: long projections must level off, not drift.
    s = load_scenario("baseline").with_overrides(until=2050)
    d, _ = projection_drivers(s)
    panel = load_panel()
    cal = calibrate(2014, 2026)
    x0 = panel.x[panel.row(2026)]
    point = simulate(x0, cal.params.vector()[None, :], d)[:, 0]  # (years, allies), 2026-2050
    assert np.abs(point[-1] - point[-2]).max() < 0.02  # pp in 2050
    assert point.max() <= max(cal.params.ceiling, x0.max()) + 1e-9
    # the median of the runs too (parameter draws and innovations): yearly change 2045-2050 at most 0.1 pp for
    # every ally (2026-2030: up to 0.4 pp), and below the ceiling
    paths = project(s, runs=RUNS, seed=11).paths
    med = np.median(paths, axis=1)
    assert np.abs(med[-1] - med[-6]).max() / 5 < 0.1
    assert (med[-1] < cal.params.ceiling).all()
