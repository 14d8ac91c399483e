"""Atomic writes under faults: temporary names within NAME_MAX, failures as one-line BadInput, no temporary file
left by an exception or Ctrl-C, leftovers of a killed process swept, devices written in place, staged writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance.atomic import TMP_MARK, atomic_write, check_output_path, staged_writes, sweep_temp_files, temp_name
from alliance.errors import BadInput


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_temp_name_is_hidden_marked_and_within_name_max(tmp_path: Path) -> None:
    short = temp_name(tmp_path / "rows.csv")
    assert short.parent == tmp_path and short.name.startswith(".rows.csv" + TMP_MARK)
    long_target = tmp_path / ("é" * 60 + "x" * 110 + ".csv")  # 234 bytes in UTF-8: valid, but no room for a suffix
    tmp = temp_name(long_target)
    assert len(tmp.name.encode()) <= os.pathconf(tmp_path, "PC_NAME_MAX")
    tmp.name.encode().decode("utf-8")  # cut on a character boundary
    assert TMP_MARK in tmp.name


def test_a_230_character_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 226 + ".csv")
    assert len(target.name) == 230
    atomic_write(target, "a,b\n")
    assert target.read_text() == "a,b\n" and _names(tmp_path) == [target.name]


def test_a_name_longer_than_the_file_system_allows_is_one_line_bad_input(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 300 + ".csv")
    with pytest.raises(BadInput, match="longer than 255 bytes"):
        check_output_path(target, "--output")
    with pytest.raises(BadInput, match="file name is too long") as exc:
        atomic_write(target, "x")
    assert "\n" not in str(exc.value)


def test_a_folder_as_the_target_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    (folder / "keep").write_text("k")
    for call in (lambda: atomic_write(folder, "x"), lambda: check_output_path(folder, "--output")):
        with pytest.raises(BadInput, match="it is a folder"):
            call()
    assert _names(folder) == ["keep"] and _names(tmp_path) == ["out.csv"]


def test_a_full_device_is_one_line_bad_input_and_is_not_replaced() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with pytest.raises(BadInput, match=r"cannot write '/dev/full': no space left on the device"):
        atomic_write("/dev/full", "x" * 100_000)
    assert Path("/dev/full").is_char_device()  # written in place: never renamed over
    assert not [p for p in Path("/dev").iterdir() if TMP_MARK in p.name]


def test_dev_null_is_written_in_place() -> None:
    atomic_write(os.devnull, "discarded")
    assert Path(os.devnull).is_char_device()


def test_a_symlink_target_keeps_the_link_and_replaces_the_file(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_an_unwritable_folder_is_one_line_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user chmod does not restrict (root)")
        with pytest.raises(BadInput, match="permission denied"):
            check_output_path(folder / "x.csv", "--output")
        with pytest.raises(BadInput, match="permission denied"):
            atomic_write(folder / "x.csv", "x")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, OSError])
def test_no_temporary_file_survives_an_interrupt_inside_the_writer(tmp_path: Path, error: type[BaseException]) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    seen: list[str] = []

    def writer(name: str) -> None:
        Path(name).write_text("half")
        seen.append(name)
        raise error(28, "No space left on device") if error is OSError else error()

    with pytest.raises(BadInput if error is OSError else error):
        atomic_write(target, writer)
    assert seen and not Path(seen[0]).exists()  # the writer did create the temporary file
    assert target.read_text() == "old" and _names(tmp_path) == ["out.csv"]


def test_the_removal_is_armed_before_the_temporary_file_exists(tmp_path: Path, monkeypatch) -> None:
    """An interrupt that lands right after the file is created (before anything is written) leaves nothing."""
    import alliance.atomic as atomic

    real_fdopen = os.fdopen

    def interrupted_fdopen(fd: int, *args, **kwargs):
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fdopen", interrupted_fdopen)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.csv", "x")
    monkeypatch.setattr(atomic.os, "fdopen", real_fdopen)
    assert _names(tmp_path) == []


def test_a_leftover_of_a_killed_process_is_swept_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    dead = tmp_path / f".out.csv{TMP_MARK}{_dead_pid()}-0123456789abcdef"
    dead.write_text("half")
    live = tmp_path / f".out.csv{TMP_MARK}{os.getpid()}-fedcba9876543210"  # a write in progress: kept
    live.write_text("in progress")
    other = tmp_path / f".other.csv{TMP_MARK}{_dead_pid()}-0123456789abcdef"  # another target's: not ours to judge
    other.write_text("x")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert _names(tmp_path) == sorted([live.name, other.name, "out.csv"])
    os.utime(live, (0, 0))  # a day old: stale even if the pid is alive
    assert sweep_temp_files(target) == [live]


def test_a_leftover_of_a_long_name_is_swept_too(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 226 + ".csv")
    leftover = temp_name(target)
    pid = _dead_pid()
    leftover = leftover.with_name(leftover.name.replace(f"{TMP_MARK}{os.getpid()}-", f"{TMP_MARK}{pid}-"))
    leftover.write_text("half")
    atomic_write(target, "new")
    assert _names(tmp_path) == [target.name]


def test_staged_writes_commit_together_or_not_at_all(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    b.write_text("old b")
    with pytest.raises(RuntimeError), staged_writes():
        atomic_write(a, "new a")
        assert not a.exists()  # not renamed before the block ends
        raise RuntimeError("the plot failed")
    assert _names(tmp_path) == ["b.csv"] and b.read_text() == "old b"
    with staged_writes():
        atomic_write(a, "new a")
        atomic_write(b, "new b")
        assert not a.exists() and b.read_text() == "old b"
    assert a.read_text() == "new a" and b.read_text() == "new b" and _names(tmp_path) == ["a.csv", "b.csv"]
