"""The re-sourced hague-2025 (issue 11, part 5): every input's evidence, its sources dated before the summit, the
statements the issue named, uncertainty wider where a rule fills a value, and the rules file kept for comparison."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from alliance.negotiation.schema import load_scenario
from alliance.negotiation.uncertainty import resolved_uncertainty

SUMMIT_OPENS = dt.date(2025, 6, 24)


@pytest.fixture(scope="module")
def sc():  # type: ignore[no-untyped-def]
    return load_scenario("hague-2025")


def test_every_input_states_its_evidence(sc) -> None:  # type: ignore[no-untyped-def]
    allies = Counter(a.evidence[i] for a in sc.actors if a.name != "SecGen" for i in sc.issue_names)
    assert allies == {"statement": 66, "weak": 25, "rule": 37}
    chair = sc.actor("SecGen")
    assert Counter(chair.evidence.values()) == {"statement": 3, "assumption": 1}
    for a in sc.actors:
        for issue in sc.issue_names:
            ev, basis = a.evidence[issue], a.basis[issue]
            if ev == "rule":
                assert "searched again for issue 11" in basis and re.search(r"rule R\d", basis), (a.name, issue)
                assert not a.sources.get(issue), (a.name, issue)
            elif ev in ("statement", "weak"):
                assert a.sources.get(issue), (a.name, issue)


def test_every_source_is_dated_before_the_summit(sc) -> None:  # type: ignore[no-untyped-def]
    sources = {s["id"]: s for s in sc.metadata["sources"]}
    assert len(sources) == len(sc.metadata["sources"])  # unique ids
    cited = {sid for a in sc.actors for ids in a.sources.values() for sid in ids}
    assert cited <= set(sources)
    dated = 0
    for sid, s in sources.items():
        m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", s.get("date", ""))
        if m:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            assert day < SUMMIT_OPENS, sid
            dated += 1
            assert s.get("url", "").startswith("http"), sid
    assert dated >= 70
    assert "was not used" in " ".join(s["citation"] for s in sources.values())  # the declaration section


def test_the_statements_the_issue_named(sc) -> None:  # type: ignore[no-untyped-def]
    deu, ita = sc.actor("DEU"), sc.actor("ITA")
    assert deu.positions["spending_target"] == 5 and "Wadephul" in deu.basis["spending_target"]
    assert ita.positions["spending_target"] == 5 and "Meloni" in ita.basis["spending_target"]
    # the article's contrary description of the group keeps 0.3 of the probability
    assert deu.uncertainty["spending_target"]["position"] == {
        "dist": "discrete",
        "values": [5, 3.2],
        "probs": [0.7, 0.3],
    }
    assert sc.actor("ALB").evidence["spending_target"] == "rule"  # no Albanian statement before the summit


def test_uncertainty_is_wider_where_a_rule_fills_the_value(sc) -> None:  # type: ignore[no-untyped-def]
    res = resolved_uncertainty(sc)
    pos = res[(res["input"] == "position") & (res["dist"] == "normal")]
    span = {it.name: it.span for it in sc.issues}
    share = pos.apply(lambda r: r["sd"] / span[r["issue"]], axis=1)
    by = share.groupby(pos["evidence"]).mean()
    assert by["statement"] < by["weak"] < by["rule"] < by["assumption"]
    assert (res["dist"] != "none").all()  # every input has an uncertainty


def test_rules_file_is_the_first_release_unchanged(sc) -> None:  # type: ignore[no-untyped-def]
    old = load_scenario("hague-2025-rules")
    assert [a.name for a in old.actors] == [a.name for a in sc.actors]
    assert old.actor("DEU").positions["spending_target"] == 3.2 and old.actor("ITA").positions["spending_target"] == 3
    rules = sum("no statement found" in a.basis[i] for a in old.actors for i in old.issue_names)
    assert rules == 98
    assert [a.capability for a in old.actors] == [a.capability for a in sc.actors]


def test_show_prints_basis_evidence_uncertainty_and_the_cited_sources(cli) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    code, out, _ = cli("scenario", "show", "hague-2025", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    deu = next(r for r in rows if r["actor"] == "DEU" and r["issue"] == "spending_target")
    assert deu["evidence"] == "statement" and "deu-wadephul-2025-05-15" in deu["sources"]
    assert deu["uncertainty"].startswith("position discrete 5: 0.7, 3.2: 0.3") and "Wadephul" in deu["basis"]
    code, out, _ = cli("negotiate", "show", "hague-2025")
    flat = " ".join(out.split())
    assert code == 0 and "Sources" in flat and "Wadephul" in flat and "https://" in flat
