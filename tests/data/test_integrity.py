"""Integrity of the embedded data at load: every table is checked against the sha256 of its ``.meta.yaml`` the
first time a process loads it; a damaged or edited table, or a missing/broken record, is a one-line error naming
it. Each test damages a COPY of the tables (the package's own folder is never touched)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from alliance import data
from alliance.errors import AllianceError, BadInput

TABLES = Path(data.__file__).parent / "tables"


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the embedded tables that ``alliance.data`` reads instead of its own (caches cleared around)."""
    copy = tmp_path / "tables"
    shutil.copytree(TABLES, copy)
    monkeypatch.setattr(data, "_TABLES", copy)
    data.clear_caches()
    yield copy
    monkeypatch.undo()
    data.clear_caches()


def _truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # a half-written file


def _edit_a_value(path: Path) -> None:
    # Poland's capital latitude, one digit: still a valid table with the right shape
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    i = next(k for k, line in enumerate(lines) if line.startswith("POL,"))
    lines[i] = lines[i].replace("52.2", "53.2", 1)
    assert lines[i] != text.splitlines(keepends=True)[i]
    path.write_text("".join(lines), encoding="utf-8")


def test_the_shipped_tables_all_pass_and_are_hashed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    data.clear_caches()
    calls: list[int] = []
    real = hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda *a: calls.append(1) or real(*a))
    for name in data.list_tables():
        assert data.table_problem(name) is None
        data.load_table(name)
        data.table_bytes(name)
    assert len(calls) == len(data.list_tables())  # one hash per table per process, however often it is loaded


@pytest.mark.parametrize("damage", [_truncate, _edit_a_value])
def test_a_damaged_table_is_refused_naming_it(tables: Path, damage: Callable[[Path], None]) -> None:
    damage(tables / "allies.csv")
    for load in (data.load_allies, lambda: data.load_table("allies.csv"), lambda: data.table_bytes("allies.csv")):
        with pytest.raises(AllianceError) as exc:
            load()
        assert not isinstance(exc.value, BadInput)  # a damaged installation is not the user's input: exit 1
        msg = str(exc.value)
        assert "\n" not in msg and "embedded table allies.csv is damaged or edited" in msg
        assert "allies.meta.yaml" in msg
    assert data.load_spending() is not None  # the other tables still load


@pytest.mark.parametrize("name", data.list_tables())
def test_every_table_is_covered_by_the_check(tables: Path, name: str) -> None:
    path = tables / name
    path.write_bytes(path.read_bytes() + b"\n")  # a trailing newline: same rows, different bytes
    assert not data.check_table(name)
    with pytest.raises(AllianceError, match=f"embedded table {name} is damaged"):
        data.load_table(name)


def test_the_deu_calibration_file_and_council_votes_are_checked(tables: Path) -> None:
    from alliance.negotiation.backtest import deu

    deu._embedded.cache_clear()
    try:
        _truncate(tables / "deu3_calibration.tsv")
        with pytest.raises(AllianceError, match="deu3_calibration.tsv is damaged"):
            deu.load_deu("deu-calibration")
    finally:
        deu._embedded.cache_clear()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.unlink(), "allies.meta.yaml of embedded table allies.csv is missing"),
        (lambda p: p.write_text("producer: [unclosed\n"), "allies.meta.yaml of embedded table allies.csv is not valid"),
        (lambda p: p.write_text("- a list\n"), "is not a mapping"),
        (lambda p: p.write_text("producer: x\n"), "records no valid sha256"),
        (lambda p: p.write_text("sha256: 1234\n"), "records no valid sha256"),
    ],
)
def test_a_missing_or_broken_metadata_record_is_one_line(tables: Path, damage, message: str) -> None:
    damage(tables / "allies.meta.yaml")
    with pytest.raises(AllianceError, match=message) as exc:
        data.load_allies()
    assert "\n" not in str(exc.value) and not isinstance(exc.value, BadInput)


def test_the_command_line_refuses_a_half_written_table_with_one_line_and_exit_1(tables: Path, cli) -> None:
    # before issue 14, a half-written allies.csv made `alliance spending` report "15 of 15 allies at 2%" (exit 0)
    _truncate(tables / "allies.csv")
    code, out, err = cli("spending", "--format", "csv")
    assert (code, out) == (1, "")
    assert err.startswith("alliance: failed: embedded table allies.csv is damaged") and err.count("\n") == 1


def test_an_edited_spending_table_is_refused_by_the_commands_that_read_it(tables: Path, cli) -> None:
    path = tables / "nato_spending_editions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2.0", ",2.1", 1), encoding="utf-8")
    code, _, err = cli("spending", "--year", "2025", "--format", "json")
    assert code == 1 and "nato_spending_editions.csv is damaged" in err and err.count("\n") == 1


def test_data_list_shows_every_table_and_exits_1_naming_the_failures(tables: Path, cli) -> None:
    _edit_a_value(tables / "allies.csv")
    (tables / "summit_texts.meta.yaml").unlink()
    code, out, err = cli("data", "list", "--format", "csv")
    assert code == 1
    rows = dict(line.split(",", 1)[0:2] for line in out.splitlines()[1:])
    assert set(rows) == set(data.list_tables())
    status = {line.split(",")[0]: line.rsplit(",", 1)[1] for line in out.splitlines()[1:]}
    assert {n for n, ok in status.items() if ok == "False"} == {"allies.csv", "summit_texts.csv"}
    assert err.startswith(
        "alliance: failed: 2 embedded table(s) fail the integrity check: allies.csv, summit_texts.csv"
    )
    assert err.count("\n") == 1


def test_data_list_exits_0_when_every_table_checks_out(cli) -> None:
    data.clear_caches()
    code, out, err = cli("data", "list", "--format", "csv")
    assert (code, err) == (0, "")
    assert all(line.endswith(",True") for line in out.splitlines()[1:])


# --- the other shipped files: fitted parameters (no hash of their own; their JSON is checked) ---------------------


@pytest.mark.parametrize("name", ["stacked", "ensemble", "choice", "synthesis", "conformal"])
def test_damaged_shipped_parameters_are_one_line_naming_the_file(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    from alliance.negotiation.models import shipped

    real = shipped._text
    monkeypatch.setattr(shipped, "_text", lambda n: '{"weights": [1, 2' if n == name else real(n))
    with pytest.raises(AllianceError, match=rf"params/{name}.json are damaged: invalid JSON at line 1") as exc:
        shipped.shipped_params(name)
    assert "\n" not in str(exc.value) and not isinstance(exc.value, BadInput)


def test_the_stacked_model_reads_the_checked_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    from alliance.negotiation.models import shipped, stacked

    assert stacked.load_params() == shipped.shipped_params("stacked")
    monkeypatch.setattr(shipped, "_text", lambda n: "[]")
    with pytest.raises(AllianceError, match="params/stacked.json are damaged: not a JSON object"):
        stacked.load_params()


def test_damaged_shipped_calibrations_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli) -> None:
    from alliance.dynamics import fitting

    params = tmp_path / "params"
    params.mkdir()
    original = (Path(fitting.__file__).parent / "params" / "calibrations.json").read_text(encoding="utf-8")
    (params / "calibrations.json").write_text(original[: len(original) // 2], encoding="utf-8")

    class Files:
        @staticmethod
        def files(package: str) -> Path:
            return tmp_path

    monkeypatch.setattr(fitting, "resources", Files)
    fitting._shipped_file.cache_clear()
    fitting._calibrate_cached.cache_clear()
    try:
        with pytest.raises(AllianceError, match="params/calibrations.json are damaged") as exc:
            fitting._shipped_file()
        assert "\n" not in str(exc.value)
        code, out, err = cli("simulate", "--runs", "10", "--until", "2028", "-f", "csv")
        assert (code, out) == (1, "") and err.startswith("alliance: failed: the shipped calibrations")
    finally:
        monkeypatch.undo()
        fitting._shipped_file.cache_clear()
        fitting._calibrate_cached.cache_clear()
