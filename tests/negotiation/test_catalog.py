"""The model catalog and the independent test's figures: one set of numbers for the docs, the CLI and Python."""

from __future__ import annotations

import json

from alliance.negotiation.holdout import HEADLINE, HOLDOUT, HOLDOUT_MAE, holdout_line
from alliance.negotiation.models import model_names
from alliance.negotiation.models.catalog import model_catalog


def test_holdout_figures_are_the_issue_table() -> None:
    assert (HOLDOUT["proposals"], HOLDOUT["issues"], HOLDOUT["with_outcome"]) == (55, 139, 133)
    assert HOLDOUT_MAE["compromise"]["equal"][0] == 23.00
    assert HOLDOUT_MAE["ensemble"]["equal"] == (23.06, 0.06, -1.86, 2.01)
    # no shipped model scored below the compromise at equal capabilities
    best = min(rec["equal"][0] for m, rec in HOLDOUT_MAE.items() if m != "compromise")
    assert best > HOLDOUT_MAE["compromise"]["equal"][0]
    assert "no shipped model beats the compromise" in HEADLINE


def test_holdout_line_states_the_interval_and_marks_worse_models() -> None:
    assert holdout_line("ensemble") == "hold-out MAE 23.06 (+0.06 [-1.86, +2.01] vs compromise)"
    assert "significantly worse" in holdout_line("eum")
    assert holdout_line("no-such-model") == ""


def test_catalog_lists_every_registered_model(cli) -> None:
    df = model_catalog()
    assert list(df["model"])[: len(model_names())] == model_names()
    assert df.attrs["headline"] == HEADLINE
    code, out, _ = cli("negotiate", "models", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["model"] for r in rows} >= set(model_names())
    assert next(r for r in rows if r["model"] == "stacked")["independent test"].startswith("hold-out MAE 25.01")


def test_backtest_help_leads_with_the_independent_result(cli) -> None:
    code, out, _ = cli("negotiate", "backtest", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "no shipped model beats the compromise" in flat and "133 with an outcome" in flat
