"""Per-input uncertainty in scenario files: validation, round trip, resolution by evidence, quantiles, sources."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from alliance.errors import BadInput
from alliance.negotiation.schema import scenario_from_dict, scenario_to_dict
from alliance.negotiation.uncertainty import ppf, resolved_uncertainty

BASE = {
    "name": "u",
    "salience_scale": 100,
    "sources": [{"id": "s1", "citation": "a statement", "date": "2025-06-01", "url": "https://example.org"}],
    "default_uncertainty": {
        "statement": {"position": {"dist": "normal", "sd_share": 0.05}, "salience": {"dist": "normal", "sd": 10}},
        "rule": {"position": {"dist": "uniform", "half_width_share": 0.2}},
        "default": {"salience": {"dist": "normal", "sd": 15}},
        "capability": {"dist": "normal", "sd_share": 0.1},
    },
    "issues": [{"name": "t", "low": 2, "high": 6}],
    "actors": [
        {"name": "a", "capability": 10, "uncertainty": {"capability": {"dist": "uniform", "low": 5, "high": 15}},
         "issues": {"t": {"position": 5, "salience": 60, "evidence": "statement", "sources": ["s1"],
                          "uncertainty": {"position": {"dist": "discrete", "values": [5, 3.2], "probs": [0.7, 0.3]}}}}},
        {"name": "b", "capability": 2, "issues": {"t": {"position": 3, "salience": 40, "evidence": "rule"}}},
        {"name": "c", "capability": 1, "issues": {"t": {"position": 4, "salience": 50,
                                                        "uncertainty": {"salience": {"dist": "triangular", "low": 30, "high": 90, "mode": 40}}}}},
    ],
}  # fmt: skip


def test_round_trip_keeps_uncertainty_evidence_and_sources() -> None:
    sc = scenario_from_dict(BASE)
    again = scenario_from_dict(yaml.safe_load(yaml.safe_dump(scenario_to_dict(sc))))
    assert scenario_to_dict(again) == scenario_to_dict(sc)
    a = sc.actor("a")
    assert a.evidence["t"] == "statement" and a.sources["t"] == ("s1",)
    assert a.uncertainty["t"]["position"]["dist"] == "discrete" and a.uncertainty[""]["capability"]["low"] == 5
    assert sc.metadata["sources"][0]["url"] == "https://example.org"  # type: ignore[index]


def test_resolution_own_then_evidence_then_default() -> None:
    res = resolved_uncertainty(scenario_from_dict(BASE)).set_index(["actor", "input"])
    assert res.loc[("a", "position"), "origin"] == "own" and res.loc[("a", "position"), "dist"] == "discrete"
    assert res.loc[("a", "salience"), "origin"] == "default:statement" and res.loc[("a", "salience"), "sd"] == 10
    # rule evidence: +-20% of the 2-6 scale around 3 -> [2.2, 3.8]
    assert res.loc[("b", "position"), "low"] == pytest.approx(2.2) and res.loc[("b", "position"), "high"] == 3.8
    assert res.loc[("b", "salience"), "origin"] == "default:default"  # the rule block has no salience
    assert res.loc[("c", "position"), "dist"] == "none"  # no evidence, no default for positions
    assert res.loc[("b", "capability"), "sd"] == pytest.approx(0.2)  # 10% of capability 2
    assert res.loc[("a", "capability"), "origin"] == "own"


def test_ppf_of_every_kind_is_clipped_to_the_range() -> None:
    res = resolved_uncertainty(scenario_from_dict(BASE)).set_index(["actor", "input"])
    u = np.linspace(0.0005, 0.9995, 2000)
    disc = ppf(res.loc[("a", "position")], u)
    assert set(np.unique(disc)) == {3.2, 5.0} and np.mean(disc == 5.0) == pytest.approx(0.7, abs=0.002)
    tri = ppf(res.loc[("c", "salience")], u)
    assert (
        tri.min() >= 30 and tri.max() <= 90 and np.median(tri) == pytest.approx(90 - math.sqrt(0.5 * 60 * 50), abs=0.1)
    )
    wide = dict(res.loc[("a", "salience")]) | {"sd": 100.0}
    draws = ppf(wide, u)
    assert draws.min() == 0.0 and draws.max() == 100.0  # clipped to the salience scale
    assert np.all(ppf(res.loc[("c", "position")], u) == 4.0)  # none: the stated value


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("actors", 0, "issues", "t", "uncertainty", "position"), {"dist": "normal"}, "exactly one of sd, sd_share"),
        (("actors", 0, "issues", "t", "uncertainty", "position"), {"dist": "uniform", "low": 1, "high": 5},
         "low and high must be between 2 and 6"),
        (("actors", 0, "issues", "t", "uncertainty", "position"), {"dist": "discrete", "values": [3, 4], "probs": [0.5, 0.6]},
         "must be non-negative and sum to 1"),
        (("actors", 0, "issues", "t", "sources"), ["nope"], "unknown source(s) nope"),
        (("default_uncertainty", "rule", "position"), {"dist": "discrete", "values": [3], "probs": [1]}, "must be relative"),
        (("actors", 0, "issues", "t", "evidence"), "hearsay", "evidence"),
    ],
)  # fmt: skip
def test_bad_uncertainty_is_one_line_naming_the_path(path: tuple, value: object, message: str) -> None:
    import copy

    d = copy.deepcopy(BASE)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(BadInput) as exc:
        scenario_from_dict(d)
    text = str(exc.value)
    assert message in text and "\n" not in text


def test_unknown_key_inside_a_distribution_lists_the_valid_ones() -> None:
    import copy

    d = copy.deepcopy(BASE)
    d["actors"][1]["issues"]["t"]["uncertainty"] = {"position": {"dist": "normal", "sdd": 1}}
    with pytest.raises(BadInput, match=r"uncertainty.position.sdd: unknown key; valid: dist, sd, sd_share"):
        scenario_from_dict(d)
