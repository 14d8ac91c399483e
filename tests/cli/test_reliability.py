"""The command line under faults (docs/reliability.md): interrupts of a real process (SIGINT, SIGTERM, SIGKILL),
a closed pipe, stdout on a full disk, output targets that cannot be written, and flags that would drop a chart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance.atomic import TMP_MARK

#: ``alliance ARGS`` as a user runs it (the console script calls this same ``main``).
ALLIANCE = [sys.executable, "-c", "from alliance.cli import main; main()"]

#: A process that writes ``argv[1]`` atomically under the command line's signal handling, slowly: it prints
#: ``writing`` once the temporary file holds half the content, then waits to be signalled.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from alliance.cli import main, _signals
from alliance.io import atomic_write

def slow(name):
    Path(name).write_text("half of the new content")
    print("writing", flush=True)
    time.sleep(120)

with _signals():
    atomic_write(sys.argv[1], slow)
"""


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _start_slow_writer(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    assert [n for n in _files(target.parent) if TMP_MARK in n], "the writer holds a temporary file"
    return proc


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, sig: int) -> None:
    target = tmp_path / "rows.csv"
    target.write_text("old content")
    proc = _start_slow_writer(target)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _files(tmp_path) == ["rows.csv"] and target.read_text() == "old content"


def test_sigkill_during_a_write_leaves_the_target_intact_and_the_next_run_sweeps_the_leftover(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("old content")
    proc = _start_slow_writer(target)
    proc.kill()
    proc.wait(timeout=60)
    leftovers = [n for n in _files(tmp_path) if TMP_MARK in n]
    assert len(leftovers) == 1 and target.read_text() == "old content"
    res = subprocess.run(
        [*ALLIANCE, "negotiate", "template", "--output", str(target), "--force"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert _files(tmp_path) == ["mine.yaml"] and target.read_text().startswith("#")


def _interrupt_simulation(tmp_path: Path, sig: int) -> subprocess.CompletedProcess[str]:
    """SIGINT/SIGTERM to ``alliance simulate --runs 100000 --output ... --plot ...`` while it simulates."""
    args = ["simulate", "--runs", "100000", "--until", "2050", "--output", "rows.csv", "--plot", "fan.png"]
    proc = subprocess.Popen([*ALLIANCE, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    assert proc.poll() is None, "the simulation ended before the signal: make it longer"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.slow
def test_ctrl_c_during_a_simulation_exits_130_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    res = _interrupt_simulation(tmp_path, signal.SIGINT)
    assert (res.returncode, res.stderr) == (130, "alliance: interrupted\n")
    assert _files(tmp_path) == []


@pytest.mark.slow
def test_sigterm_during_a_simulation_exits_143_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    res = _interrupt_simulation(tmp_path, signal.SIGTERM)
    assert (res.returncode, res.stderr) == (143, "alliance: terminated (SIGTERM)\n")
    assert _files(tmp_path) == []


@pytest.mark.slow
def test_ctrl_c_during_a_cross_validation_with_progress_exits_130_with_one_line() -> None:
    args = ["negotiate", "backtest", "deu-calibration", "--cv", "5", "--nested"]
    proc = subprocess.Popen([*ALLIANCE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    assert proc.poll() is None, "the cross-validation ended before the signal"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, out, err) == (130, "", "alliance: interrupted\n")  # no empty line from the progress bar


def test_a_closed_stdout_is_a_write_error_not_a_traceback() -> None:
    res = subprocess.run([*ALLIANCE, "data", "list"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         close_fds=True, preexec_fn=lambda: os.close(1))  # fmt: skip
    assert (res.returncode, res.stderr) == (2, "alliance: error: cannot write to standard output: it is closed\n")


def test_keyboard_interrupt_inside_a_command_exits_130_with_one_line(cli, monkeypatch) -> None:
    import alliance.data

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(alliance.data, "catalog", interrupted)
    assert cli("data", "list") == (130, "", "alliance: interrupted\n")


def test_a_closed_pipe_ends_quietly_with_141() -> None:
    # a table large enough that the reader closes the pipe while alliance is still writing
    cmd = " ".join([*(f"'{a}'" for a in ALLIANCE), "data", "show", "nato_spending_editions.csv", "-f", "csv"])
    res = subprocess.run(
        ["bash", "-c", f"{cmd} 2>err.txt | head -1; echo ${{PIPESTATUS[0]}}; cat err.txt"],
        capture_output=True,
        text=True,
        cwd=os.environ.get("TMPDIR", "/tmp"),
    )
    lines = res.stdout.splitlines()
    assert lines[0].startswith("country,iso3,year")
    assert lines[1] == "141" and lines[2:] == []  # no "Exception ignored", no traceback


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_stdout_on_a_full_disk_is_one_line_and_exit_2(fmt: str) -> None:
    with open("/dev/full", "w") as full:
        res = subprocess.run([*ALLIANCE, "brief", "--format", fmt], stdout=full, stderr=subprocess.PIPE, text=True)
    assert res.returncode == 2
    assert res.stderr == "alliance: error: cannot write to standard output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_output_to_a_full_disk_is_one_line_and_exit_2(cli) -> None:
    code, _, err = cli("negotiate", "template", "--output", "/dev/full", "--force")
    assert (code, err) == (2, "alliance: error: cannot write '/dev/full': no space left on the device\n")
    assert Path("/dev/full").is_char_device()


def test_output_and_plot_targets_that_are_folders_are_refused_before_any_work(cli, tmp_path: Path) -> None:
    (tmp_path / "rows.csv").mkdir()
    (tmp_path / "chart.png").mkdir()
    cases = [
        (["simulate", "--output", tmp_path / "rows.csv"], "--output"),
        (["spending", "gaps", "--plot", tmp_path / "chart.png"], "--plot"),
        (["negotiate", "template", "--output", tmp_path / "rows.csv", "--force"], "--output"),
        (["brief", "--plot", tmp_path / "chart.png"], "--plot"),
    ]
    for args, flag in cases:
        code, out, err = cli(*args)
        assert code == 2 and out == "", args
        assert err.startswith(f"alliance: error: {flag} ") and err.endswith("it is a folder; give a file name\n")
    assert _files(tmp_path / "rows.csv") == [] and _files(tmp_path / "chart.png") == []


def test_an_unwritable_folder_is_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("chmod does not restrict this user (root)")
        code, _, err = cli("negotiate", "template", "--output", locked / "mine.yaml")
        assert code == 2 and "permission denied" in err and err.count("\n") == 1
        code, _, err = cli("spending", "gaps", "--plot", locked / "gaps.png")
        assert code == 2 and "permission denied" in err and err.count("\n") == 1
    finally:
        locked.chmod(0o755)


def test_a_230_character_file_name_is_written(cli, tmp_path: Path) -> None:
    target = tmp_path / ("m" * 225 + ".yaml")
    assert len(target.name) == 230
    code, _, err = cli("negotiate", "template", "--output", target)
    assert code == 0, err
    assert _files(tmp_path) == [target.name] and target.read_text().startswith("#")
    code, _, err = cli("negotiate", "template", "--output", tmp_path / ("m" * 300 + ".yaml"))
    assert code == 2 and "longer than" in err and err.count("\n") == 1


def test_simulate_output_is_not_written_when_the_plot_fails(cli, tmp_path: Path, monkeypatch) -> None:
    from alliance.dynamics.projection import Projection
    from alliance.errors import AllianceError

    def broken(self: Projection, backend: str = "matplotlib") -> None:
        raise AllianceError("the chart could not be drawn")

    monkeypatch.setattr(Projection, "figure", broken)
    args = ["simulate", "--runs", "20", "--until", "2028", "--output", tmp_path / "rows.csv"]
    code, _, err = cli(*args, "--plot", tmp_path / "fan.png", "-f", "csv")
    assert (code, err.splitlines()[-1]) == (1, "alliance: failed: the chart could not be drawn")
    assert _files(tmp_path) == []  # neither file, no temporary file
    monkeypatch.undo()
    code, _, err = cli(*args, "-f", "csv")
    assert code == 0, err
    assert _files(tmp_path) == ["rows.csv"]


@pytest.mark.parametrize(
    "args",
    [
        ["negotiate", "backtest", "deu-calibration", "--cv", "5", "--plot", "x.png"],
        ["negotiate", "backtest", "deu-calibration", "--cv", "5", "--nested", "--plot", "x.png"],
        ["simulate", "backtest", "--bands", "--plot", "x.png"],
    ],
)
def test_plot_with_a_mode_that_has_no_chart_is_refused_not_ignored(cli, tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / a) if a == "x.png" else a for a in args]
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("alliance: error: --plot does not combine with") and err.count("\n") == 1
    assert _files(tmp_path) == []
