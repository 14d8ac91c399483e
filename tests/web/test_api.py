"""Every endpoint through FastAPI's TestClient: the answer is the library's, bad input is a 422 naming the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance import spending
from alliance.negotiation.schema import load_scenario, scenario_to_dict


def ok(client: TestClient, url: str, **params: Any) -> Any:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def bad(client: TestClient, url: str, field: str, status: int = 422, **params: Any) -> dict[str, Any]:
    """A request that must fail with ``status``, one line and no traceback, naming ``field`` (``query.year``)."""
    r = client.get(url, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert "\n" not in body["error"] and "Traceback" not in r.text
    if field:
        assert field in [".".join(map(str, d["loc"])) for d in body["detail"]], body
    return body


# --- spending -------------------------------------------------------------------------------------------------------


def test_the_acceptance_example_23_allies_at_2_percent_in_2024_on_the_2024_edition(client: TestClient) -> None:
    body = ok(client, "/api/spending", year=2024, edition=2024, target=2)
    expected = spending.meets_target(2, edition=2024, year=2024)
    assert body["meta"]["n_meeting"] == int(expected["meets_target"].sum()) == 23
    assert sum(r["meets_target"] for r in body["rows"]) == 23
    assert body["meta"]["edition"] == 2024 and body["meta"]["year"] == 2024
    assert body["source"].startswith("Source: NATO") and "2024 edition" in body["source"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"edition": "1999"}, "query.edition"),
        ({"year": 1800}, "query.year"),
        ({"year": "soon"}, "query.year"),
        ({"edition": 2024, "year": 2020}, "query.year"),
        ({"target": -1}, "query.target"),
        ({"country": "Narnia"}, "query.country"),
    ],
)
def test_spending_bad_input_names_the_field(client: TestClient, params: dict[str, Any], field: str) -> None:
    bad(client, "/api/spending", field, **params)


def test_editions_list_the_years_each_publishes(client: TestClient) -> None:
    from alliance.data import valid_years

    body = ok(client, "/api/editions")
    assert {r["edition"]: r["years"] for r in body["rows"]} == {e: valid_years(e) for e in (2024, 2025, 2026)}


def test_compare_editions_says_where_they_disagree(client: TestClient) -> None:
    body = ok(client, "/api/spending/compare", year=2024)
    res = spending.compare_editions(2024, 2.0)
    assert [e["edition"] for e in body["editions"]] == list(res.editions["edition"])
    disagree = {r["iso3"] for r in body["allies"] if r["editions_agree"] is False}
    assert disagree == set(res.allies.loc[res.allies["editions_agree"] == False, "iso3"])  # noqa: E712
    assert disagree  # 2024 edition vs 2026 edition differ for several allies
    bad(client, "/api/spending/compare", "query.year", year=1990)


def test_series_gaps_shares_and_olson(client: TestClient) -> None:
    series = ok(client, "/api/spending/series", country="Poland")
    assert {r["year"] for r in series["rows"]} == set(spending.series("POL")["year"])
    bad(client, "/api/spending/series", "query.country", country="Atlantis")
    bad(client, "/api/spending/series", "query.country")  # missing

    gaps = ok(client, "/api/gaps", target=3.5, year=2025)
    assert gaps["rows"][-1]["iso3"] == "NATO_TOTAL"
    lib = spending.gap_to_target(3.5, year=2025)
    assert [r["iso3"] for r in gaps["rows"]] == list(lib["iso3"])

    shares = ok(client, "/api/shares", year=2024)
    lib_summary = spending.burden_shares(year=2024).attrs["summary"]
    assert shares["meta"]["summary"]["us_share_pct"] == pytest.approx(lib_summary["us_share_pct"], abs=0.01)
    bad(client, "/api/shares", "query.edition", edition=2025)  # no USD in the 2025 extract
    bad(client, "/api/shares", "query.prices", prices="gold")

    summary = ok(client, "/api/shares/summary", year=2024)
    assert "us_share_pct" in {r["metric"] for r in summary["rows"]}
    over_time = ok(client, "/api/shares/us-over-time")
    assert [r["year"] for r in over_time["rows"]] == list(range(2014, 2027))
    row_2024 = next(r for r in over_time["rows"] if r["year"] == 2024)
    assert row_2024["us_share_pct"] == pytest.approx(lib_summary["us_share_pct"], abs=0.01)

    oz = ok(client, "/api/olson-zeckhauser", exclude="USA")
    assert len(oz["rows"]) == len(spending.olson_zeckhauser(exclude=["USA"]))
    bad(client, "/api/olson-zeckhauser", "query.size", size="huge")


def test_hague_path_path2035_allies(client: TestClient) -> None:
    path = ok(client, "/api/hague-path", gdp_growth=1.5)
    assert len(path["rows"]) == len(spending.hague_path(gdp_growth=1.5))
    bad(client, "/api/hague-path", "query.by", by=2020)
    p2035 = ok(client, "/api/path2035", target=3.5)
    lib = spending.scenario_2035(3.5)
    assert p2035["target"] == lib.target and p2035["source"] == lib.source
    assert [r["scenario"] for r in p2035["scenarios"]] == list(lib.scenarios["scenario"])
    bad(client, "/api/path2035", "query.target", target="lots")
    allies = ok(client, "/api/allies")
    assert len(allies["rows"]) == 32


# --- claims and the brief ---------------------------------------------------------------------------------------------


def test_claims_and_brief(client: TestClient) -> None:
    from alliance.brief import brief
    from alliance.claims import check_claims

    body = ok(client, "/api/claims")
    res = check_claims()
    assert [c["id"] for c in body["claims"]] == list(res.table["id"])
    assert [c["verdict"] for c in body["claims"]] == list(res.table["verdict"])
    assert ok(client, "/api/claims", all_editions=True)["meta"]["all_editions"] is True
    bad(client, "/api/claims", "query.all_editions", all_editions="maybe")
    b = ok(client, "/api/brief", year=2025)
    assert b["us_share_pct"] == pytest.approx(brief(year=2025).us_share_pct, abs=0.05)
    bad(client, "/api/brief", "query.edition", edition="2030")


# --- negotiation ----------------------------------------------------------------------------------------------------


def test_scenarios_list_get_and_validate(client: TestClient) -> None:
    names = [r["name"] for r in ok(client, "/api/scenarios")["rows"]]
    assert "hague-2025" in names
    sc = ok(client, "/api/scenarios/hague-2025")
    lib = scenario_to_dict(load_scenario("hague-2025"))
    assert [a["name"] for a in sc["actors"]] == [a["name"] for a in lib["actors"]]
    assert sc["actors"][5]["issues"] == lib["actors"][5]["issues"]
    r = client.post("/api/scenarios/validate", json={"scenario": sc})
    assert r.status_code == 200 and r.json()["scenario"]["actors"] == len(sc["actors"])
    bad(client, "/api/scenarios/nowhere", "path.name")
    # a name is never a path on the server
    bad(client, "/api/scenarios/pyproject.toml", "path.name")
    r = client.get("/api/scenarios/..%2F..%2Fpyproject.toml")
    assert r.status_code in (404, 422) and "setuptools" not in r.text


def test_validate_names_the_bad_field(client: TestClient) -> None:
    sc = ok(client, "/api/scenarios/hague-2025")
    sc["actors"][3]["issues"]["spending_target"]["salience"] = 250
    r = client.post("/api/scenarios/validate", json={"scenario": sc})
    assert r.status_code == 422
    assert "actors[3]" in r.json()["error"] and "salience" in r.json()["error"]
    r = client.post("/api/scenarios/validate", json={"scenario": "hague-2025"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["body", "scenario"]
    r = client.post("/api/scenarios/validate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "Traceback" not in r.text


def test_negotiate_a_bundled_scenario_is_the_library_forecast(client: TestClient) -> None:
    from alliance.negotiation.forecasting import forecast_all

    body = ok(client, "/api/negotiate/hague-2025", model="compromise,median")
    lib = forecast_all("hague-2025", ["compromise", "median"])
    assert body["meta"]["models"] == ["compromise", "median"]
    for model, fc in lib.items():
        got = body["forecasts"][model]
        for j, issue in enumerate(fc.issues):
            assert got[issue]["outcome"] == pytest.approx(float(fc.outcome[j]), abs=1e-3)
            assert got[issue]["formulation"] == fc.formulation[j]
            assert got[issue]["pivotal"] == list(fc.pivotal[issue])
    bad(client, "/api/negotiate/hague-2025", "query.model", model="oracle")
    bad(client, "/api/negotiate/hague-2025", "query.rounds", rounds=0)


@pytest.mark.slow
def test_posting_hague_with_germany_moved_changes_the_forecast(client: TestClient) -> None:
    """Acceptance: hague-2025 with Germany's target position moved from 5% to 2% forecasts differently."""
    sc = ok(client, "/api/scenarios/hague-2025")
    before = client.post("/api/negotiate", json={"scenario": sc, "models": ["compromise", "synthesis"]}).json()
    deu = next(a for a in sc["actors"] if a["name"] == "DEU")
    assert deu["issues"]["spending_target"]["position"] == 5
    deu["issues"]["spending_target"]["position"] = 2
    r = client.post("/api/negotiate", json={"scenario": sc, "models": ["compromise", "synthesis"]})
    assert r.status_code == 200, r.text
    after = r.json()
    for model in ("compromise", "synthesis"):
        assert (
            after["forecasts"][model]["spending_target"]["outcome"]
            < before["forecasts"][model]["spending_target"]["outcome"]
        )
    # the other issues do not move: Germany changed only its spending position
    assert after["forecasts"]["compromise"]["russia_threat"] == before["forecasts"]["compromise"]["russia_threat"]


def test_negotiate_posted_bad_input(client: TestClient) -> None:
    r = client.post("/api/negotiate", json={"scenario": "hague-2025", "models": ["median"], "surprise": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "surprise"]
    r = client.post("/api/negotiate", json={"scenario": "atlantis", "models": ["median"]})
    assert r.status_code == 422 and "atlantis" in r.json()["error"]
    r = client.post("/api/negotiate", json={"scenario": "hague-2025", "models": ["oracle"]})
    assert r.status_code == 422 and "oracle" in r.json()["error"]
    r = client.post("/api/negotiate", json={"scenario": {"name": "x"}, "models": ["median"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]
    r = client.post("/api/negotiate", json={"models": ["median"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scenario"]


def test_models_catalog(client: TestClient) -> None:
    from alliance.negotiation.models import model_names

    body = ok(client, "/api/models")
    assert set(model_names()) <= {r["model"] for r in body["rows"]}


# --- simulation -----------------------------------------------------------------------------------------------------


def test_simulate_is_the_library_projection(client: TestClient) -> None:
    from alliance.dynamics import project

    body = ok(client, "/api/simulate", scenario="us-drawdown", runs=200, seed=7, until=2030)
    lib = project("us-drawdown", 2030, 200, 7).to_frame()
    assert len(body["projections"]) == len(lib)
    first = body["projections"][0]
    row = lib[(lib["iso3"] == first["iso3"]) & (lib["year"] == first["year"])].iloc[0]
    assert first["p50"] == pytest.approx(row["p50"], abs=1e-3) and first["p05"] <= first["p50"] <= first["p95"]
    assert body["meta"]["runs"] == 200 and body["assumptions"]
    bad(client, "/api/simulate", "query.scenario", scenario="doomsday")
    bad(client, "/api/simulate", "query.runs", runs=6000)  # over the server's max_sim_runs
    bad(client, "/api/simulate", "query.until", until=2100)
    bad(client, "/api/simulate", "query.method", method="astrology")
    names = {r["name"] for r in ok(client, "/api/simulate/scenarios")["rows"]}
    assert {"baseline", "us-drawdown"} <= names


def test_simulate_posted_scenario_and_compliance_and_compare(client: TestClient) -> None:
    r = client.post("/api/simulate", json={"scenario": {"name": "mine", "runs": 100, "until": 2030}})
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["scenario"] == "mine" and r.json()["meta"]["runs"] == 100
    r = client.post("/api/simulate", json={"scenario": {"name": "mine", "runs": 90000}})
    assert r.status_code == 422 and "runs" in r.json()["error"]
    r = client.post("/api/simulate", json={"scenario": {"name": "mine", "until": 1990}})
    assert r.status_code == 422 and "until" in r.json()["error"]
    odds = ok(client, "/api/simulate/compliance", target=3.5, runs=200)
    assert 0 <= odds["meta"]["p_all_comply"] <= 1 and len(odds["allies"]) == 31
    bad(client, "/api/simulate/compliance", "query.target", target=0)
    cmp = ok(client, "/api/simulate/compare", scenario=["baseline", "us-drawdown"], runs=100)
    assert [r["scenario"] for r in cmp["scenarios"]] == ["baseline", "us-drawdown"]
    bad(client, "/api/simulate/compare", "query.scenario", scenario=["baseline", "nope"])


# --- the spec and the page ------------------------------------------------------------------------------------------


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    spec = ok(client, "/openapi.json")
    paths = set(spec["paths"])
    assert {
        "/api/spending",
        "/api/spending/compare",
        "/api/gaps",
        "/api/shares",
        "/api/olson-zeckhauser",
        "/api/path2035",
        "/api/claims",
        "/api/scenarios",
        "/api/scenarios/{name}",
        "/api/scenarios/validate",
        "/api/negotiate",
        "/api/negotiate/{name}",
        "/api/simulate",
    } <= paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and not re.search(r"(src|href)=\"(https?:)?//", docs.text)


def test_unknown_paths_and_methods_are_json_4xx(client: TestClient) -> None:
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["error"]
    r = client.delete("/api/spending")
    assert r.status_code == 405 and r.json()["error"]
    assert client.get("/static/secret.py").status_code == 404
