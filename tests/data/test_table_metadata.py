"""Every embedded table's metadata (a column dictionary with units that matches the table, and its hash), and
``tools/build_tables.py``, which rebuilds the tables from the shared sources they cite."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import yaml

from alliance import data

#: How a ``dtype`` in a column dictionary is checked against the column as ``load_table`` reads it.
DTYPE_CHECKS = {
    "string": pd.api.types.is_string_dtype,
    "int64": lambda dtype: dtype == "int64",
    "float64": lambda dtype: dtype == "float64",
    "bool": pd.api.types.is_bool_dtype,
}


@pytest.mark.parametrize("name", data.list_tables())
def test_column_dictionary_covers_exactly_the_table_columns(name: str) -> None:
    columns = data.metadata(name).get("columns")
    assert isinstance(columns, dict), f"{name}: .meta.yaml has no columns mapping"
    table = data.load_table(name)
    assert list(columns) == list(table.columns), f"{name}: dictionary and table disagree on columns or their order"
    for col, entry in columns.items():
        assert set(entry) == {"description", "unit", "dtype"}, f"{name}:{col} keys {sorted(entry)}"
        assert isinstance(entry["description"], str) and entry["description"].strip(), f"{name}:{col} description"
        assert isinstance(entry["unit"], str) and entry["unit"].strip(), f"{name}:{col} unit"
        assert entry["dtype"] in DTYPE_CHECKS, f"{name}:{col} dtype {entry['dtype']!r}"
        assert DTYPE_CHECKS[entry["dtype"]](table[col].dtype), (
            f"{name}:{col} is {table[col].dtype}, not {entry['dtype']}"
        )


@pytest.mark.parametrize("name", data.list_tables())
def test_recorded_sha256_matches_the_table(name: str) -> None:
    assert hashlib.sha256(data.table_bytes(name)).hexdigest() == data.metadata(name)["sha256"]


def test_units_name_the_price_basis_of_money_columns() -> None:
    # A money column without its price basis is how current and constant USD get mixed up.
    for name in data.list_tables():
        for col, entry in data.metadata(name)["columns"].items():
            if entry["unit"].startswith("USD million"):
                assert "current prices" in entry["unit"] or "constant" in entry["unit"], f"{name}:{col}"
            if "constant2021" in col:
                assert "constant 2021 prices" in entry["unit"], f"{name}:{col}"
            if col.endswith("_pct") or col == "pct_gdp":
                assert entry["unit"].startswith("percent"), f"{name}:{col}"


# --- tools/build_tables.py -------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
TABLES = ROOT / "src" / "alliance" / "data" / "tables"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_tables", ROOT / "tools" / "build_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_tables"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


bt = _load_tool()


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared source folder {SHARED} not present (only on the dev machine)")
def test_build_tables_check_agrees_with_the_shared_sources() -> None:
    outcomes = {o.table: o for o in bt.check_all(TABLES, SHARED)}
    assert set(outcomes) == set(data.list_tables())
    for rule in bt.RULES:
        o = outcomes[rule.table]
        assert o.sha_ok, o
        assert o.status == ("rebuilt ok" if rule.kind == "copy" else "primary"), o
    res = subprocess.run(
        [sys.executable, "tools/build_tables.py", "--check", "--source-dir", str(SHARED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def _sandbox(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped tables, and a source folder rebuilt from them (copy tables are their sources)."""
    tables, sources = tmp_path / "tables", tmp_path / "sources"
    shutil.copytree(TABLES, tables)
    for rule in bt.RULES:
        if rule.kind == "copy":
            (sources / rule.sources[0]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(TABLES / rule.table, sources / rule.sources[0])
    return tables, sources


def test_a_changed_source_is_reported_and_write_rebuilds_the_table_and_its_hash(tmp_path: Path) -> None:
    tables, sources = _sandbox(tmp_path)
    name = "bdm1994_emissions.csv"
    assert bt.check_table(name, tables, sources).status == "rebuilt ok"
    source = sources / "known_answers" / name
    new = source.read_bytes().replace(b"Greece,0.08,7,0.7", b"Greece,0.08,7,0.75")
    source.write_bytes(new)
    outcome = bt.check_table(name, tables, sources)
    assert (outcome.status, outcome.sha_ok, outcome.ok) == ("differs", True, False)
    assert "line 11" in outcome.note
    meta_before = yaml.safe_load((tables / "bdm1994_emissions.meta.yaml").read_text(encoding="utf-8"))
    assert bt.main(["--write", name, "--source-dir", str(sources), "--tables-dir", str(tables)]) == 0
    assert (tables / name).read_bytes() == new
    meta_after = yaml.safe_load((tables / "bdm1994_emissions.meta.yaml").read_text(encoding="utf-8"))
    assert meta_after["sha256"] == hashlib.sha256(new).hexdigest()
    assert {**meta_after, "sha256": meta_before["sha256"]} == meta_before  # nothing else in the metadata moved
    assert bt.check_table(name, tables, sources).ok


def test_check_exits_1_on_a_hash_mismatch_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables, sources = _sandbox(tmp_path)
    (tables / "us_forces_dmdc.csv").write_bytes((tables / "us_forces_dmdc.csv").read_bytes() + b"\n")
    outcome = bt.check_table("us_forces_dmdc.csv", tables, sources)
    assert outcome.status == "differs" and not outcome.sha_ok
    assert bt.main(["--check", "--source-dir", str(sources), "--tables-dir", str(tables)]) == 1
    assert "us_forces_dmdc.csv" in capsys.readouterr().out


def test_write_all_never_repins_an_edited_primary_table_unless_named(tmp_path: Path) -> None:
    tables, sources = _sandbox(tmp_path)
    allies = tables / "allies.csv"
    allies.write_bytes(allies.read_bytes().replace(b"Tirana,41.33", b"Tirana,41.34"))
    args = ["--source-dir", str(sources), "--tables-dir", str(tables)]
    assert bt.main(["--write", *args]) == 0
    assert bt.recorded_sha(tables, "allies.csv") == data.metadata("allies.csv")["sha256"]  # still the old hash
    assert bt.main(["--write", "allies.csv", *args]) == 0
    assert bt.recorded_sha(tables, "allies.csv") == hashlib.sha256(allies.read_bytes()).hexdigest()


def test_write_rejects_an_unknown_table_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables, sources = _sandbox(tmp_path)
    assert bt.main(["--write", "nope.csv", "--source-dir", str(sources), "--tables-dir", str(tables)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope.csv" in err and "allies.csv" in err


NOTES = """| Summit | Russia key phrase | China key phrase | Source(s) |
|---|---|---|---|
| Wales, 5 Sep 2014 (PR(2014)120) | [V] "Russia's actions challenge us[ all]" (para 1) | none found | scribd.com/doc ; turkishnews.com |
| London Declaration, 4 Dec 2019 | [P] "Russia is a threat." | [P] para 2: "China is a challenge." | indrastra.com/x |
"""
HEADER = "summit,date,document,russia_wording,russia_status,china_wording,china_status,sources\n"
WALES = (
    "Wales,2014-09-05,Wales Declaration PR(2014)120,Russia's actions challenge us all.,verbatim,,none,scribd.com/doc\n"
)
LONDON = "London,2019-12-04,London Declaration,Russia is a threat.,paraphrase,China is a challenge.,paraphrase,indrastra.com\n"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("", "", None),
        ("all.,verbatim", "all.,paraphrase", "russia_status 'paraphrase', the notes say 'verbatim'"),
        ("us all.", "us most.", "russia_wording differs"),
        ("PR(2014)120", "PR(2014)121", "PR(2014)121 not in the notes row"),
        ("scribd.com/doc", "scribd.com/doc; example.org", "source example.org not in the notes row"),
        ("2014-09-05", "2014-09-04", "no row with that date"),
    ],
)
def test_summit_cross_check_compares_wording_status_and_sources_with_the_notes(
    tmp_path: Path, old: str, new: str, problem: str | None
) -> None:
    (tmp_path / "nato").mkdir()
    (tmp_path / "nato" / "nato_texts_and_positions.md").write_text(NOTES, encoding="utf-8")
    table = (HEADER + WALES.replace(old, new, 1) + LONDON).encode("utf-8")
    problems = bt._summit_problems(table, tmp_path)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared source folder {SHARED} not present (only on the dev machine)")
def test_2025_extract_cross_check_catches_a_changed_percent_of_gdp() -> None:
    table = (TABLES / "nato_spending_2025_extract.csv").read_bytes()
    assert bt._nato25_problems(table, SHARED) == []
    # Poland's 2025e in the 2025 edition is 4.480549 (watzke); a typo must be caught against the editions table.
    assert b"4.480549" in table
    problems = bt._nato25_problems(table.replace(b"4.480549", b"4.48055"), SHARED)
    assert problems == ["POL 2025: pct_gdp 4.48055, the editions table 4.480549"]


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared source folder {SHARED} not present (only on the dev machine)")
def test_sipri_2026_cross_check_flags_a_share_far_from_the_previous_release() -> None:
    table = (TABLES / "sipri_milex_2026_extract.csv").read_bytes()
    assert bt._sipri26_problems(table, SHARED) == []
    bad = table.replace(b"ALB,Albania,2015,1.15,", b"ALB,Albania,2015,2.15,")
    assert bad != table
    assert any(p.startswith("ALB 2015: share of GDP 2.15") for p in bt._sipri26_problems(bad, SHARED))
