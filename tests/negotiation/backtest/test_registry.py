"""The specification registry: every file valid, failures kept, frozen keys unchanged since the file's commit."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from alliance.errors import BadInput
from alliance.negotiation.backtest.registry import FROZEN_KEYS, MUTABLE_KEYS, list_specs, load_spec, specs_frame

ROOT = Path(__file__).resolve().parents[3]


def test_every_spec_file_validates_and_is_named_by_its_id() -> None:
    ids = list_specs()
    assert {"compromise", "stacked-v1", "ensemble-v1"} <= set(ids)
    for sid in ids:
        assert load_spec(sid).id == sid
    dates = [load_spec(s).date_fixed for s in ids]
    assert dates == sorted(dates)


def test_the_failures_of_the_issue_are_recorded_with_their_holdout_figures() -> None:
    for sid, mae in (("stacked-v1", 25.01), ("ensemble-v1", 23.06)):
        s = load_spec(sid)
        assert s.status == "failed" and not s.search_inside_loop and not s.fixed_before_scoring
        assert s.outside_loop and s.holdout["mae_equal"] == mae
    assert load_spec("compromise").holdout["mae_equal"] == 23.00


def test_unknown_spec_is_one_line_naming_the_valid_ones() -> None:
    with pytest.raises(BadInput, match=r"unknown specification 'nope'; valid: .*compromise"):
        load_spec("nope")


def test_frozen_and_mutable_keys_partition_the_schema() -> None:
    assert "specification" in FROZEN_KEYS and "date_fixed" in FROZEN_KEYS
    assert not set(FROZEN_KEYS) & MUTABLE_KEYS
    assert {"status", "results", "holdout", "commit_fixed"} <= MUTABLE_KEYS


def test_specs_frame_and_cli_list_every_spec(cli) -> None:
    df = specs_frame()
    assert list(df["id"]) == list_specs()
    code, out, _ = cli("negotiate", "specs", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == list_specs()


def _git_history_available() -> bool:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return False
    r = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    return r.returncode == 0 and r.stdout.strip() == "false"


@pytest.mark.skipif(not _git_history_available(), reason="needs the full git history (tools/check_specs.py)")
def test_no_frozen_key_changed_since_each_spec_was_committed() -> None:
    spec = importlib.util.spec_from_file_location("check_specs", ROOT / "tools" / "check_specs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.problems() == []
