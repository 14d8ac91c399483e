"""Acceptance harness of issue 14: try `alliance` as a hostile user would, in subprocesses with timeouts.

Seven classes of cases are generated (CLI flags, negotiation scenario files, simulation scenario files,
--plot/--output/stdout, corrupted embedded tables, interrupts, Python API); each runs in its own process and is
judged against the documented behaviour (docs/reliability.md): a clean result (exit 0), or one line and exit 2
(bad input) or 1 (a damaged installation), or 130/143 on SIGINT/SIGTERM; never a traceback, never a hang past the
case's limit, never a partial or leftover file. Prints one row per class: tried, handled well, failures listed.

    python tools/hostile.py                    # every class (several hundred cases; ~10-20 min on 2 cores)
    python tools/hostile.py --only cli,api     # some classes
    python tools/hostile.py --jobs 4 --show    # more workers; print every failing case

Corrupted tables are tried on a temporary copy of the installed package's tables: the subprocess points
``alliance.data._TABLES`` at the copy (this script's own ``HOSTILE_TABLES`` variable; the package reads no
environment variable for it). Nothing here is imported by the package or run by the test suite, except the few
cases ``tests/test_hostile_harness.py`` runs as a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Runs ``alliance`` in a subprocess; with HOSTILE_TABLES set, on a copy of the embedded tables.
PRELUDE = (
    "import os, sys\n"
    "if os.environ.get('HOSTILE_TABLES'):\n"
    "    from pathlib import Path\n"
    "    import alliance.data as _d\n"
    "    _d._TABLES = Path(os.environ['HOSTILE_TABLES'])\n"
    "from alliance.cli import main\n"
    "main(sys.argv[1:])\n"
)
#: Runs a Python API snippet: exit 0 on success, 2 on BadInput (one line), 1 with a traceback on anything else.
API_PRELUDE = (
    "import sys, traceback, warnings\n"
    "from alliance.errors import BadInput\n"
    "try:\n"
    "    exec(compile(sys.argv[1], '<case>', 'exec'), {})\n"
    "except BadInput as exc:\n"
    "    print(f'BadInput: {exc}', file=sys.stderr); sys.exit(2)\n"
    "except Exception:\n"
    "    traceback.print_exc(); sys.exit(1)\n"
)
CLASSES = ("cli", "negotiation", "simulation", "output", "tables", "interrupts", "api")
TITLES = {
    "cli": "CLI flags",
    "negotiation": "negotiation scenario files",
    "simulation": "simulation scenario files",
    "output": "`--plot` / `--output` / stdout",
    "tables": "corrupted embedded tables",
    "interrupts": "interrupts (SIGINT/TERM/KILL)",
    "api": "Python API",
}
OK, BAD, FAILED = frozenset({0}), frozenset({2}), frozenset({1})


@dataclass
class Case:
    """One hostile try: a command line (or an API snippet) and what it must answer."""

    cls: str
    name: str
    argv: list[str] = field(default_factory=list)
    code: str | None = None  # a Python API snippet instead of a command line
    expect: frozenset[int] = BAD
    timeout: float = 120.0
    env: dict[str, str] = field(default_factory=dict)
    stdout: str | None = None  # a file stdout is sent to (e.g. /dev/full), or "closed", or "pipe-head"
    watch: list[Path] = field(default_factory=list)  # output targets: no partial file, no leftover temp file
    kill: tuple[int, float] | None = None  # (signal, seconds after start)
    setup: Callable[[], None] | None = None
    check: Callable[[subprocess.CompletedProcess[str]], str | None] | None = None  # extra judgement


@dataclass
class Outcome:
    case: Case
    problem: str | None  # None: handled well
    seconds: float
    code: int | None = None


# ----------------------------------------------------------------------------------------------------- running
def _command(case: Case) -> list[str]:
    if case.code is not None:
        return [sys.executable, "-c", API_PRELUDE, case.code]
    return [sys.executable, "-c", PRELUDE, *case.argv]


def _snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    return {p: (p.read_bytes() if p.is_file() else None) for p in paths}


def _complete(path: Path, data: bytes) -> bool:
    """Whether a written file looks whole: a CSV ends with a newline, a PNG has its end chunk, HTML its end tag."""
    suffix = path.suffix.lower()
    if not data:
        return False
    if suffix == ".csv" or suffix in (".yaml", ".json"):
        return data.endswith(b"\n")
    if suffix == ".png":
        return data.startswith(b"\x89PNG") and data.rstrip().endswith(b"IEND\xaeB`\x82")
    if suffix == ".svg":
        return data.rstrip().endswith(b"</svg>")
    if suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    return True


def _leftovers(paths: list[Path]) -> list[str]:
    found = []
    for folder in {p.parent for p in paths}:
        if folder.is_dir():
            mine = tuple(f".{p.name}." for p in paths if p.parent == folder)  # this case's targets only
            found += [q.name for q in folder.iterdir() if ".alliance-tmp-" in q.name and q.name.startswith(mine)]
    return found


def run_case(case: Case) -> Outcome:
    """Run one case in a subprocess and judge it (module docstring)."""
    if case.setup is not None:
        case.setup()
    before = _snapshot(case.watch)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "120", **case.env}
    start = time.perf_counter()
    out_fh: Any = subprocess.PIPE
    closed = False
    if case.stdout == "closed":
        out_fh, closed = subprocess.DEVNULL, True
    elif case.stdout not in (None, "pipe-head"):
        out_fh = open(case.stdout, "wb")  # noqa: SIM115 - closed below
    try:
        if case.kill is None and case.stdout != "pipe-head" and not closed:
            try:
                proc = subprocess.run(
                    _command(case), stdout=out_fh, stderr=subprocess.PIPE, text=True, timeout=case.timeout, env=env
                )
            except subprocess.TimeoutExpired:
                return Outcome(case, f"hang (no answer in {case.timeout:g} s)", time.perf_counter() - start)
        else:
            proc = _run_special(case, env, out_fh, closed)
            if isinstance(proc, str):
                return Outcome(case, proc, time.perf_counter() - start)
    finally:
        if case.stdout not in (None, "pipe-head", "closed"):
            out_fh.close()
    seconds = time.perf_counter() - start
    return Outcome(case, _judge(case, proc, before), seconds, proc.returncode)


def _run_special(case: Case, env: dict[str, str], out_fh: Any, closed: bool) -> subprocess.CompletedProcess[str] | str:
    """A case that is interrupted, whose stdout is closed, or piped into a reader that stops after one line."""
    cmd = _command(case)
    if closed:  # stdout closed before the command starts (``alliance brief >&-``)
        cmd = ["sh", "-c", 'exec "$@" >&-', "sh", *cmd]
    stdout = subprocess.PIPE if case.stdout == "pipe-head" else out_fh
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)
    try:
        if case.stdout == "pipe-head":
            assert proc.stdout is not None
            proc.stdout.readline()
            proc.stdout.close()
        if case.kill is not None:
            sig, delay = case.kill
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(sig)
        _, err = proc.communicate(timeout=case.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return f"hang (no answer in {case.timeout:g} s)"
    except ValueError:  # communicate() on the closed stdout of a pipe-head case
        err = proc.stderr.read() if proc.stderr else ""
        proc.wait(case.timeout)
    return subprocess.CompletedProcess(cmd, proc.returncode, "", err)


def _judge(case: Case, proc: subprocess.CompletedProcess[str], before: dict[Path, bytes | None]) -> str | None:
    err = proc.stderr or ""
    if "Traceback (most recent call last)" in err:
        last = [line for line in err.strip().splitlines() if line.strip()][-1:]
        return f"traceback: {last[0][:160] if last else ''}"
    if proc.returncode not in case.expect:
        first = next((line for line in err.splitlines() if line.strip()), "")
        return f"exit {proc.returncode}, expected {'/'.join(map(str, sorted(case.expect)))}: {first[:140]}"
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("alliance: note:", "alliance: wrote"))]
    if proc.returncode in (1, 2) and len(lines) != 1:
        return f"{len(lines)} lines on stderr, expected one: {' | '.join(lines[:3])[:160]}"
    if proc.returncode in (1, 2) and len(lines[0]) > 1000:
        return f"a {len(lines[0]):,}-character error line"
    left = _leftovers(case.watch)
    if left:
        return f"temporary file left: {left[0]}"
    for path, old in before.items():
        now = path.read_bytes() if path.is_file() else None
        if proc.returncode != 0 and now != old:
            return f"{path.name} changed by a command that failed"
        if now is not None and now != old and not _complete(path, now):
            return f"{path.name} is partial ({len(now)} bytes)"
    if case.check is not None:
        return case.check(proc)
    return None


# ------------------------------------------------------------------------------------------------ the classes
def cli_cases(tmp: Path) -> Iterator[Case]:
    """Every numeric, choice and list flag of every command, with hostile values."""
    ints_bad = ["-1", "1e9", "99999999999999999999", "nan", "abc", "", "1.5", "0x10"]
    floats_bad = ["-1", "nan", "inf", "-inf", "1e308", "abc", "", "101"]
    plans: list[tuple[list[str], str, list[str], list[str]]] = [
        # (command, flag, bad values, good values)
        (["spending"], "--target", floats_bad + ["0"], ["2", "3.5"]),
        (["spending"], "--year", ints_bad + ["1800", "2100"], ["2024"]),
        (["spending"], "--edition", ["1999", "abc", "", "2023"], ["2024", "2025"]),
        (["spending"], "--country", ["Atlantis", "", "ISL", "x" * 500], ["UK", "Holland"]),
        (["spending", "gaps"], "--target", floats_bad, ["5"]),
        (["spending", "shares"], "--year", ints_bad, ["2024"]),
        (["spending", "olson-zeckhauser"], "--exclude", ["Atlantis", "ISL", ""], ["USA"]),
        (["spending", "hague-path"], "--core", floats_bad, ["3"]),
        (["spending", "hague-path"], "--related", floats_bad[:5], ["1"]),
        (["spending", "hague-path"], "--by", ints_bad + ["2020", "3000"], ["2030"]),
        (["spending", "hague-path"], "--trend-years", ints_bad + ["0", "1000"], ["3"]),
        (["spending", "hague-path"], "--halflife", floats_bad + ["0"], ["2"]),
        (
            ["spending", "hague-path"],
            "--gdp-growth",
            ["USA", "USA=x", "Atlantis=1", "USA=nan", "=", "USA=1e308"],
            ["USA=2.0"],
        ),
        (["spending", "path2035"], "--target", floats_bad, ["3.5"]),
        (["spending", "path2035"], "--by", ints_bad, ["2030"]),
        (["spending", "hague"], "--related", ["USA", "USA=x", "USA=-1", "USA=inf", "nope.csv"], ["USA=1.0"]),
        (["spending", "series"], "", ["Atlantis", "", "ISL", "x" * 300], ["POL", "Britain"]),
        (["spending", "measures"], "--year", ints_bad[:4], ["2024"]),
        (["brief"], "--gap-target", floats_bad, ["2"]),
        (["brief"], "--year", ints_bad[:4], ["2025"]),
        (["negotiate", "hague-2025"], "--model", ["magic", "", ",", "all,magic", "x" * 300], ["median", "median,nash"]),
        (["negotiate", "hague-2025", "--model", "eum"], "--rounds", ints_bad + ["0", "101"], ["3"]),
        (["negotiate", "hague-2025", "--model", "compromise"], "--rounds", ["5"], []),
        (["negotiate", "hague-2025", "--model", "compromise"], "--format", ["xml", ""], ["json", "csv"]),
        (
            ["negotiate", "backtest", "deu-calibration", "--model", "compromise"],
            "--bootstrap",
            ints_bad + ["100001"],
            ["0", "50"],
        ),
        (
            ["negotiate", "backtest", "deu-calibration", "--model", "compromise"],
            "--seed",
            ints_bad[:2] + ["nan"],
            ["7", "99999999999999999999"],
        ),
        (["negotiate", "backtest", "deu-calibration", "--model", "compromise"], "--capability", ["gdp", ""], ["votes"]),
        (["negotiate", "backtest", "deu-calibration"], "--cv", ints_bad + ["1", "100000"], []),
        (["negotiate", "backtest", "deu-calibration", "--cv", "3"], "--cv-seeds", ints_bad + ["0", "101"], []),
        (["negotiate", "backtest", "deu-calibration", "--cv", "3", "--nested"], "--pool", ["x", ""], []),
        (["simulate"], "--until", ints_bad + ["2026", "2051"], ["2030"]),
        (["simulate"], "--runs", ints_bad + ["0", "100001"], ["30"]),
        (["simulate", "--runs", "30"], "--seed", ints_bad[:2] + ["nan", "abc"], ["1", "99999999999999999999"]),
        (["simulate", "--runs", "30"], "--method", ["magic", ""], ["trend", "persistence"]),
        (["simulate", "--runs", "30"], "--target", floats_bad, ["5"]),
        (["simulate", "--runs", "30", "--target", "3.5"], "--by", ints_bad + ["2026", "2051"], ["2030"]),
        (["simulate", "scenarios", "--runs", "30"], "--year", ints_bad[:4] + ["2020"], ["2030"]),
        (["simulate", "scenarios"], "--runs", ints_bad[:4] + ["0"], []),
        (["simulate", "calibrate"], "--first", ints_bad[:4] + ["2030", "1900"], []),
        (["data", "meta"], "", ["nope.csv", "../../etc/passwd", "", "x" * 300], ["allies.csv"]),
        (["claims"], "", ["/tmp", "nope.yaml", "/dev/zero", "x" * 300 + ".yaml"], []),
    ]
    for cmd, flag, bad, good in plans:
        for value in bad:
            argv = [*cmd, *([flag, value] if flag else [value])]
            yield Case("cli", " ".join(argv)[:90], argv, expect=BAD)
        for value in good:
            argv = [*cmd, *([flag, value] if flag else [value])]
            yield Case("cli", " ".join(argv)[:90], argv, expect=OK, timeout=300)
    for argv in (
        ["--nonsense"],
        ["spending", "--nonsense"],
        ["negotiate"],
        ["simulate", "bogus", "x"],
        ["data", "meta"],
    ):
        yield Case("cli", " ".join(argv), argv, expect=frozenset({0, 2}))


def _scenario_base() -> dict[str, Any]:
    return {
        "name": "h",
        "issues": [{"name": "a", "low": 0, "high": 100, "reversion": 40}, {"name": "b", "low": 0, "high": 10}],
        "actors": [
            {
                "name": "X",
                "capability": 2,
                "issues": {"a": {"position": 20, "salience": 60}, "b": {"position": 2, "salience": 30}},
            },
            {
                "name": "Y",
                "capability": 1,
                "issues": {"a": {"position": 80, "salience": 40}, "b": {"position": 9, "salience": 70}},
            },
            {"name": "Z", "capability": 1, "issues": {"a": {"position": 50, "salience": 50}}},
        ],
    }


def _laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nname: *a{levels}\nissues: *a{levels}\nactors: *a{levels}\n"


def _mutations() -> Iterator[tuple[str, Callable[[dict[str, Any]], Any], frozenset[int]]]:
    """(label, edit of the base scenario, expected exit codes)."""
    hostile = {"str": "abc", "list": [1, 2], "dict": {"k": 1}, "null": None, "huge": 1e308, "neg": -5, "bool": True,
               "nanstr": ".nan", "inf": float("inf"), "long": "x" * 100_000, "int": 10**30}  # fmt: skip
    paths: list[tuple[str, Callable[[dict[str, Any], Any], None]]] = [
        ("name", lambda d, v: d.__setitem__("name", v)),
        ("issues", lambda d, v: d.__setitem__("issues", v)),
        ("actors", lambda d, v: d.__setitem__("actors", v)),
        ("issues[0].low", lambda d, v: d["issues"][0].__setitem__("low", v)),
        ("issues[0].high", lambda d, v: d["issues"][0].__setitem__("high", v)),
        ("issues[0].reversion", lambda d, v: d["issues"][0].__setitem__("reversion", v)),
        ("issues[0].name", lambda d, v: d["issues"][0].__setitem__("name", v)),
        ("actors[0].capability", lambda d, v: d["actors"][0].__setitem__("capability", v)),
        ("actors[0].name", lambda d, v: d["actors"][0].__setitem__("name", v)),
        ("actors[0].issues", lambda d, v: d["actors"][0].__setitem__("issues", v)),
        ("actors[0].issues.a.position", lambda d, v: d["actors"][0]["issues"]["a"].__setitem__("position", v)),
        ("actors[0].issues.a.salience", lambda d, v: d["actors"][0]["issues"]["a"].__setitem__("salience", v)),
        ("actors[0].veto", lambda d, v: d["actors"][0].__setitem__("veto", v)),
        ("rule", lambda d, v: d.__setitem__("rule", v)),
        ("salience_scale", lambda d, v: d.__setitem__("salience_scale", v)),
        ("chair", lambda d, v: d.__setitem__("chair", v)),
    ]
    valid = {("name", "str"), ("name", "long"), ("actors[0].name", "str"), ("actors[0].name", "long"),
             ("actors[0].name", "nanstr"),
             ("chair", "null"), ("issues[0].reversion", "null"), ("actors[0].veto", "bool"), ("issues[0].low", "neg")}  # fmt: skip
    numeric = {"issues[0].low", "issues[0].high", "issues[0].reversion", "actors[0].capability",
               "actors[0].issues.a.position", "actors[0].issues.a.salience"}  # fmt: skip
    for path, setter in paths:
        for label, value in hostile.items():
            if (path, label) in valid:
                expect = OK
            elif label == "bool" and path in numeric:
                expect = frozenset({0, 2})  # pydantic's lax mode reads true as 1: not hostile
            else:
                expect = BAD
            yield f"{path}={label}", (lambda d, s=setter, v=value: s(d, v)), expect
    yield "one actor", lambda d: d.__setitem__("actors", d["actors"][:1]), OK
    yield "nobody on issue a", lambda d: [a["issues"]["a"].__setitem__("salience", 0) for a in d["actors"]], OK
    yield "all capability 0", lambda d: [a.__setitem__("capability", 0) for a in d["actors"]], OK
    yield "capability 1e15", lambda d: d["actors"][0].__setitem__("capability", 1e15), OK
    yield "capability 1e16", lambda d: d["actors"][0].__setitem__("capability", 1e16), BAD
    yield "duplicate actor", lambda d: d["actors"].append(dict(d["actors"][0])), BAD
    yield "duplicate issue", lambda d: d["issues"].append(dict(d["issues"][0])), BAD
    yield "unknown key", lambda d: d.__setitem__("extra", 1), BAD
    yield (
        "unknown actor issue",
        lambda d: d["actors"][0]["issues"].__setitem__("zz", {"position": 1, "salience": 1}),
        BAD,
    )
    yield "1001 actors", lambda d: d.__setitem__("actors", [
        {"name": f"A{k}", "capability": 1, "issues": {"a": {"position": k % 100, "salience": 50}}} for k in range(1001)]), BAD  # fmt: skip
    yield "201 issues", lambda d: d.__setitem__("issues", [{"name": f"i{k}"} for k in range(201)]), BAD
    yield "no issues", lambda d: d.__setitem__("issues", []), BAD
    yield "no actors", lambda d: d.__setitem__("actors", []), BAD
    yield "scale 1e300", lambda d: d["issues"][0].update(low=-1e300, high=1e300), BAD
    yield "low == high", lambda d: d["issues"][0].update(low=5, high=5), BAD
    yield "bounds reversed", lambda d: d["actors"][0]["issues"]["a"].__setitem__("bounds", [90, 10]), BAD
    yield "qmv without thresholds", lambda d: d.__setitem__("rule", {"kind": "qmv"}), BAD
    yield "qmv threshold 2", lambda d: d.__setitem__("rule", {"kind": "qmv", "capability_threshold": 2}), BAD
    yield "two chairs", lambda d: [a.__setitem__("chair", True) for a in d["actors"][:2]], BAD


def negotiation_cases(tmp: Path) -> Iterator[Case]:
    """Scenario files: every field with hostile values, edge cases that must work, syntax and size attacks."""
    import yaml

    folder = tmp / "negotiation"
    folder.mkdir()
    k = 0
    for label, edit, expect in _mutations():
        d = json.loads(json.dumps(_scenario_base()))
        edit(d)
        for suffix in (".yaml", ".json"):
            k += 1
            path = folder / f"s{k}{suffix}"
            text = json.dumps(d, allow_nan=True) if suffix == ".json" else yaml.safe_dump(d, sort_keys=False)
            path.write_text(text, encoding="utf-8")
            yield Case(
                "negotiation", f"{label} ({suffix})", ["negotiate", str(path), "--model", "compromise"], expect=expect
            )
    # every model on the edge cases that must work
    for label, edit in (("one actor", lambda d: d.__setitem__("actors", d["actors"][:1])),
                        ("nobody on issue a", lambda d: [a["issues"]["a"].__setitem__("salience", 0) for a in d["actors"]])):  # fmt: skip
        d = _scenario_base()
        edit(d)
        path = folder / f"{label.replace(' ', '_')}.yaml"
        path.write_text(yaml.safe_dump(d), encoding="utf-8")
        yield Case("negotiation", f"{label}, --model all", ["negotiate", str(path), "--model", "all", "-f", "json"],
                   expect=OK, timeout=300)  # fmt: skip
    raw: list[tuple[str, bytes, str, frozenset[int]]] = [
        ("billion laughs", _laughs().encode(), ".yaml", BAD),
        ("recursive alias", b"name: &x [*x]\n", ".yaml", BAD),
        ("deep yaml", b"x: " + b"[" * 5000 + b"]" * 5000, ".yaml", BAD),
        ("deep json", b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ".json", BAD),
        ("bigint yaml", b"name: " + b"9" * 6000, ".yaml", BAD),
        ("bigint json", b'{"name": ' + b"9" * 6000 + b"}", ".json", BAD),
        ("empty", b"", ".yaml", BAD),
        ("whitespace", b"   \n\n", ".yaml", BAD),
        ("a list", b"- 1\n- 2\n", ".yaml", BAD),
        ("a scalar", b"42\n", ".yaml", BAD),
        ("binary", bytes(range(256)) * 10, ".yaml", BAD),
        ("latin-1", "name: caf\u00e9\n".encode("latin-1"), ".yaml", BAD),
        ("utf-8 BOM", b"\xef\xbb\xbf" + b"name: x\n", ".yaml", BAD),
        ("NUL bytes", b"name: a\x00b\n", ".yaml", BAD),
        ("tabs", b"name:\tx\n\tissues: []\n", ".yaml", BAD),
        ("python tag", b"name: !!python/object/apply:os.system ['echo pwned']\n", ".yaml", BAD),
        ("duplicate keys", b"name: a\nname: b\nissues: []\nactors: []\n", ".yaml", BAD),
        ("invalid json", b'{"name": "a",}', ".json", BAD),
        ("json NaN", b'{"name": NaN}', ".json", BAD),
        ("unclosed quote", b'name: "abc\n', ".yaml", BAD),
        ("csv blank actor", b"actor,capability,position,salience\nA,1,10,50\n,2,90,50\nB,1,40,50\n", ".csv", BAD),
        ("csv inf", b"actor,capability,position,salience\nA,1,inf,50\nB,1,40,50\n", ".csv", BAD),
        ("csv nan", b"actor,capability,position,salience\nA,1,nan,50\nB,1,40,50\n", ".csv", BAD),
        ("csv 1e308 capability", b"actor,capability,position,salience\nA,1e308,10,50\nB,1e308,40,50\n", ".csv", BAD),
        ("csv missing column", b"actor,capability,position\nA,1,10\n", ".csv", BAD),
        ("csv extra column", b"actor,capability,position,salience,zz\nA,1,10,50,1\n", ".csv", BAD),
        ("csv duplicate", b"actor,capability,position,salience\nA,1,10,50\nA,1,40,50\n", ".csv", BAD),
        ("csv header only", b"actor,capability,position,salience\n", ".csv", BAD),
        ("csv empty", b"", ".csv", BAD),
        ("csv ragged", b"actor,capability,position,salience\nA,1,10,50,7,8\n", ".csv", BAD),
        ("csv quotes", b'actor,capability,position,salience\n"A,1,10,50\n', ".csv", BAD),
        ("csv one actor", b"actor,capability,position,salience\nA,1,10,50\n", ".csv", OK),
        ("csv negative salience", b"actor,capability,position,salience\nA,1,10,-5\nB,1,40,50\n", ".csv", BAD),
        ("csv salience 1000", b"actor,capability,position,salience\nA,1,10,1000\nB,1,40,50\n", ".csv", BAD),
        ("tsv good", b"actor\tcapability\tposition\tsalience\nA\t1\t10\t50\nB\t2\t40\t60\n", ".tsv", OK),
        (
            "csv 2000 actors",
            ("actor,capability,position,salience\n" + "".join(f"A{k},1,{k % 100},50\n" for k in range(2000))).encode(),
            ".csv",
            BAD,
        ),
    ]
    for label, data, suffix, expect in raw:
        k += 1
        path = folder / f"r{k}{suffix}"
        path.write_bytes(data)
        yield Case("negotiation", label, ["negotiate", str(path), "--model", "compromise"], expect=expect, timeout=60)
    big = folder / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    yield Case("negotiation", "17 MiB file", ["negotiate", str(big)], expect=BAD, timeout=60)
    for label, arg in (("a folder", str(folder)), ("a folder with a suffix", str(folder) + "/"), ("/dev/zero", "/dev/zero"),
                       ("a missing file", str(folder / "none.yaml")), ("a 300-char name", str(folder / ("x" * 300 + ".yaml"))),
                       ("bad suffix", str(folder / "s1.txt")), ("unknown bundled name", "nope")):  # fmt: skip
        yield Case("negotiation", label, ["negotiate", arg], expect=BAD)


def simulation_cases(tmp: Path) -> Iterator[Case]:
    import yaml

    from alliance.dynamics.schema import scenario_from_file  # noqa: F401 - fail early if the package is missing

    folder = tmp / "simulation"
    folder.mkdir()
    base_path = (
        Path(__import__("alliance.dynamics", fromlist=["x"]).__file__).parent / "scenario_files" / "us-drawdown.yaml"
    )
    base = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    hostile = {"str": "abc", "list": [1], "dict": {"k": 1}, "null": None, "huge": 1e308, "neg": -5, "inf": float("inf"),
               "int": 10**30}  # fmt: skip
    keys = [k for k in base if k not in ("description", "assumptions")]
    k = 0
    for key in keys:
        for label, value in hostile.items():
            d = json.loads(json.dumps(base))
            d[key] = value
            k += 1
            path = folder / f"s{k}.yaml"
            path.write_text(yaml.safe_dump(d), encoding="utf-8")
            expect = frozenset({0, 2}) if (key, label) in {("name", "str"), ("seed", "int")} else BAD
            yield Case(
                "simulation", f"{key}={label}", ["simulate", "--scenario", str(path), "--runs", "20"], expect=expect
            )
    raw = [
        ("billion laughs", _laughs().encode(), BAD),
        ("deep", b"x: " + b"[" * 5000 + b"]" * 5000, BAD),
        ("empty", b"", BAD),
        ("binary", bytes(range(256)) * 4, BAD),
        ("python tag", b"name: !!python/name:os.system\n", BAD),
        ("list", b"- 1\n", BAD),
        ("unknown key", yaml.safe_dump({**base, "zz": 1}).encode(), BAD),
        ("valid copy", yaml.safe_dump(base).encode(), OK),
        ("until 2050 runs 10", yaml.safe_dump({**base, "until": 2050, "runs": 10}).encode(), OK),
        ("runs 100001", yaml.safe_dump({**base, "runs": 100_001}).encode(), BAD),
        ("seed -1", yaml.safe_dump({**base, "seed": -1}).encode(), BAD),
    ]
    for label, data, expect in raw:
        k += 1
        path = folder / f"r{k}.yaml"
        path.write_bytes(data)
        argv = ["simulate", "--scenario", str(path)] + ([] if label.startswith(("until", "runs")) else ["--runs", "20"])
        yield Case("simulation", label, argv, expect=expect, timeout=180)
    for label, arg in (("folder", str(folder)), ("/dev/zero", "/dev/zero"), ("missing", str(folder / "n.yaml")),
                       ("bad suffix", str(folder / "x.csv")), ("unknown name", "nope")):  # fmt: skip
        yield Case("simulation", label, ["simulate", "--scenario", arg], expect=BAD)


def output_cases(tmp: Path) -> Iterator[Case]:
    folder = tmp / "output"
    folder.mkdir()
    (folder / "adir.png").mkdir()
    (folder / "adir.csv").mkdir()
    old = folder / "old.csv"
    long_ok = folder / ("y" * 240 + ".csv")
    cmds: list[tuple[str, list[str], str]] = [
        ("spending gaps --plot", ["spending", "gaps", "--target", "3.5", "--plot"], ".png"),
        ("oz --plot", ["spending", "olson-zeckhauser", "--plot"], ".html"),
        ("negotiate --plot", ["negotiate", "hague-2025", "--model", "median", "--plot"], ".svg"),
        ("simulate --plot", ["simulate", "--runs", "20", "--plot"], ".png"),
        ("simulate --output", ["simulate", "--runs", "20", "--output"], ".csv"),
        ("template --output", ["negotiate", "template", "--force", "--output"], ".yaml"),
    ]
    for label, cmd, suffix in cmds:
        good = folder / f"good_{len(label)}{suffix}"
        yield Case("output", f"{label} good", [*cmd, str(good)], expect=OK, watch=[good], timeout=180)
        for what, target, expect in (
            ("a folder", folder / f"adir{suffix}" if suffix in (".png", ".csv") else folder, BAD),
            ("missing folder", folder / "no" / f"x{suffix}", BAD),
            ("bad suffix", folder / "x.gif", BAD),
            ("300-byte name", folder / ("z" * 300 + suffix), BAD),
            ("/dev/full", Path("/dev/full"), BAD),
            ("NUL in name", Path(str(folder / "a") + "\x00" + suffix), BAD),
        ):
            if what == "NUL in name":
                continue  # argv cannot carry a NUL byte
            watch = [target] if what == "bad suffix" else []  # the others cannot be files
            if what == "bad suffix" and "template" in label:
                expect = OK  # the template is text: any file name will do
            yield Case("output", f"{label} to {what}", [*cmd, str(target)], expect=expect, watch=watch)
    yield Case("output", "simulate --output 240-char name", ["simulate", "--runs", "20", "--output", str(long_ok)],
               expect=OK, watch=[long_ok], timeout=180)  # fmt: skip
    old.write_text("old content\n", encoding="utf-8")
    yield Case("output", "--output over an old file, --plot fails", ["simulate", "--runs", "20", "--output", str(old), "--plot",
               str(folder / "adir.png")], expect=BAD, watch=[old])  # fmt: skip
    old2 = folder / "old2.csv"  # a file of its own: cases run at the same time
    old2.write_text("old content\n", encoding="utf-8")
    yield Case(
        "output",
        "--output over an old file",
        ["simulate", "--runs", "20", "--output", str(old2)],
        expect=OK,
        watch=[old2],
    )
    for cmd in (
        ["brief"],
        ["spending", "-f", "csv"],
        ["negotiate", "template"],
        ["simulate", "--runs", "20", "-f", "json"],
    ):
        yield Case("output", f"{' '.join(cmd)} > /dev/full", cmd, expect=BAD, stdout="/dev/full")
        yield Case("output", f"{' '.join(cmd)} >&-", cmd, expect=BAD, stdout="closed")
        yield Case("output", f"{' '.join(cmd)} | head -1", cmd, expect=frozenset({0, 141}), stdout="pipe-head")
    yield Case("output", "--plot under --cv", ["negotiate", "backtest", "deu-calibration", "--cv", "3", "--plot",
               str(folder / "cv.png")], expect=BAD)  # fmt: skip
    yield Case(
        "output",
        "template over an existing file",
        ["negotiate", "template", "--output", str(old)],
        expect=BAD,
        watch=[old],
    )


def table_cases(tmp: Path) -> Iterator[Case]:
    import alliance.data as data

    source = Path(str(data._TABLES))
    names = data.list_tables()
    backtest = ["negotiate", "backtest", "deu-calibration", "--model", "compromise", "--bootstrap", "0"]
    runs: dict[str, list[str]] = {  # a command that loads the table (default: alliance data show TABLE)
        "allies.csv": ["brief"],
        "nato_spending_2026_full.csv": ["spending"],
        "deu3_calibration.tsv": backtest,
        "eu_council_votes.csv": [*backtest, "--capability", "votes"],
        "nato_common_funding.csv": ["claims"],
        "nato_spending_2025_extract.csv": ["spending", "--edition", "2025"],
        "nato_spending_editions.csv": ["spending", "--edition", "2024"],
    }

    def damaged(name: str, how: str) -> Callable[[], None]:
        def make() -> None:
            target = tmp / "tables" / f"{name}-{how}"
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target)
            path = target / name
            meta = target / (name.rsplit(".", 1)[0] + ".meta.yaml")
            raw = path.read_bytes()
            if how == "truncated":
                path.write_bytes(raw[: len(raw) // 2])
            elif how == "edited":
                i = next(j for j in range(len(raw) - 1, 0, -1) if chr(raw[j]).isdigit())
                path.write_bytes(raw[:i] + bytes([48 + (raw[i] - 47) % 10]) + raw[i + 1 :])
            elif how == "no-meta":
                meta.unlink()
            elif how == "broken-meta":
                meta.write_text("sha256: [unclosed\n", encoding="utf-8")
            elif how == "empty":
                path.write_bytes(b"")

        return make

    for name in names:
        argv = runs.get(name, ["data", "show", name])
        for how in ("truncated", "edited", "no-meta", "broken-meta", "empty"):
            if how in ("no-meta", "broken-meta", "empty") and name not in (
                "allies.csv",
                "deu3_calibration.tsv",
                "nato_spending_2026_full.csv",
            ):
                continue
            yield Case("tables", f"{name} {how}: {' '.join(argv[:3])}", argv, expect=FAILED,
                       env={"HOSTILE_TABLES": str(tmp / "tables" / f"{name}-{how}")}, setup=damaged(name, how), timeout=180)  # fmt: skip
        if name in ("allies.csv", "nato_spending_2026_full.csv"):
            yield Case("tables", f"{name} edited: data list", ["data", "list"], expect=FAILED,
                       env={"HOSTILE_TABLES": str(tmp / "tables" / f"{name}-edited")}, setup=damaged(name, "edited"))  # fmt: skip


def interrupt_cases(tmp: Path) -> Iterator[Case]:
    folder = tmp / "interrupts"
    folder.mkdir()
    long_cmds = [
        ("simulate scenarios", ["simulate", "scenarios", "--runs", "100000"]),
        ("nested cv", ["negotiate", "backtest", "deu-calibration", "--cv", "5", "--nested", "--cv-seeds", "20"]),
        (
            "backtest all models",
            ["negotiate", "backtest", "deu-calibration", "--model", "all", "--bootstrap", "100000"],
        ),
        ("simulate --output", ["simulate", "--runs", "100000", "-f", "csv"]),
    ]
    for k, (label, cmd) in enumerate(long_cmds):
        for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            for delay in (2.5, 4.0, 6.0, 9.0):
                target = folder / f"out{k}_{sig}_{delay}.csv"
                target.write_text("old\n", encoding="utf-8")
                argv = [*cmd, "--output", str(target)] if label == "simulate --output" else cmd
                yield Case("interrupts", f"{label}: {signal.Signals(sig).name} at {delay:g} s", argv,
                           expect=frozenset({code}), kill=(sig, delay), watch=[target], timeout=120,
                           check=_interrupted_line(code))  # fmt: skip
    # SIGKILL leaves a temporary file at most; the next write to the same target removes it and completes
    for delay in (3.0, 5.0, 7.0, 9.0):
        target = folder / f"killed_{delay}.csv"
        target.write_text("old\n", encoding="utf-8")
        yield Case("interrupts", f"SIGKILL at {delay:g} s then rerun", ["simulate", "--runs", "100000", "-f", "csv", "--output", str(target)],
                   expect=frozenset({-9, 0}), kill=(signal.SIGKILL, delay), timeout=180)  # fmt: skip
        yield Case("interrupts", f"rerun after SIGKILL at {delay:g} s", ["simulate", "--runs", "50", "-f", "csv", "--output", str(target)],
                   expect=OK, watch=[target], timeout=180)  # fmt: skip


def _interrupted_line(code: int) -> Callable[[subprocess.CompletedProcess[str]], str | None]:
    def check(proc: subprocess.CompletedProcess[str]) -> str | None:
        lines = [ln for ln in (proc.stderr or "").splitlines() if ln.strip()]
        if len(lines) != 1 or not lines[0].startswith("alliance: "):
            return f"{len(lines)} lines on stderr after the signal, expected one: {' | '.join(lines[:2])[:120]}"
        return None

    return check


def api_cases(tmp: Path) -> Iterator[Case]:
    """Bad calls (each must raise BadInput naming the parameter), wrong types, and valid calls that must work."""
    bad = [
        "alliance.project(runs='10')", "alliance.project(runs=10.5)", "alliance.project(runs=0)", "alliance.project(runs=10**8)",
        "alliance.project(seed=-1)", "alliance.project(seed='x')", "alliance.project(until='2030')", "alliance.project(until=2020)",
        "alliance.project('nope')", "alliance.project(42)", "alliance.project('/tmp/')", "alliance.project(method='magic')",
        "alliance.calibrate(first=2030)", "alliance.calibrate(first='x')", "alliance.calibrate(last=1900)",
        "alliance.simulate_backtest(runs=-1)", "alliance.simulate_backtest(seed=-1)", "alliance.simulate_backtest(runs='5')",
        "D.calibrated_backtest(runs=0)", "D.compare_scenarios([])", "D.compare_scenarios(runs=-3)", "D.compare_scenarios(['nope'])",
        "D.summary([])", "D.summary(runs='x')", "D.compliance('baseline', 3.5)", "D.compliance(D.project(runs=20), 'x')",
        "D.compliance(D.project(runs=20), 3.5, by=1900)", "D.compliance(D.project(runs=20), float('nan'))",
        "D.compliance(D.project(runs=20), 3.5, related=1.0)",
        "alliance.meets_target(2, countries=[])", "alliance.meets_target(2, countries=5)", "alliance.meets_target(2, countries=[1])",
        "alliance.meets_target(2, year='abc')", "alliance.meets_target(2, year=2.5)", "alliance.meets_target(2, edition=1999)",
        "alliance.meets_target(float('nan'))", "alliance.meets_target(-1)", "alliance.meets_target('x')", "alliance.meets_target(None)",
        "alliance.count_meeting(2, year=1800)", "alliance.gap_to_target('x')", "alliance.gap_to_target(3.5, year=3000)",
        "alliance.burden_shares(prices='gold')", "alliance.burden_shares(year='x')", "alliance.olson_zeckhauser(years=[])",
        "alliance.olson_zeckhauser(years=[1900])", "alliance.olson_zeckhauser(alpha=2)", "alliance.olson_zeckhauser(alpha='x')",
        "alliance.olson_zeckhauser(size='big')", "alliance.olson_zeckhauser(exclude=['Atlantis'])",
        "alliance.olson_zeckhauser(exclude=[c for c in alliance.load_allies()['iso3'] if c != 'ISL'])",
        "alliance.hague_path(by='x')", "alliance.hague_path(by=1900)", "alliance.hague_path(gdp_growth='fast')",
        "alliance.hague_path(gdp_growth={'USA': 'x'})", "alliance.hague_path(gdp_growth={'Atlantis': 1.0})",
        "alliance.hague_path(trend_years='5')", "alliance.hague_path(halflife='x')", "alliance.hague_path(halflife=-1)",
        "alliance.scenario_2035(target='x')", "alliance.scenario_2035(by=2000)", "S.series('Atlantis')", "S.series(None)",
        "S.series(42)", "S.measures(year=1800)", "S.europe_vs_russia(release='x')", "S.hague_check(related='x')",
        "S.hague_check(related=-5)", "S.hague_check(related={'Atlantis': 1})", "S.compare_editions(year=1900)", "S.ranking('x')",
        "alliance.check_claims('/tmp')", "alliance.check_claims('/nonexistent.yaml')", "alliance.check_claims(42)",
        "alliance.load_spending(edition='x')", "alliance.load_spending(edition=2023)", "alliance.load_comparators(release='1999')",
        "alliance.load_scenario('/tmp')", "alliance.load_scenario(None)", "alliance.load_scenario(42)", "alliance.load_scenario('x'*5000)",
        "alliance.forecast('hague-2025', 'magic')", "alliance.forecast('hague-2025', None)", "alliance.forecast('hague-2025', 3)",
        "alliance.forecast('hague-2025', 'eum', rounds='10')", "alliance.forecast('hague-2025', 'eum', rounds=-1)",
        "alliance.forecast('hague-2025', 'eum', rounds=10**9)", "alliance.forecast('hague-2025', 'eum', q='x')",
        "alliance.forecast('hague-2025', 'eum', q=5)", "alliance.forecast('hague-2025', 'compromise', bogus=1)",
        "alliance.forecast_all('hague-2025', ['magic'])", "alliance.forecast_all('hague-2025', [])",
        "alliance.load_deu('/tmp')", "alliance.load_deu(capability='gdp')", "alliance.load_deu(42)",
        "alliance.deu_backtest(alliance.load_deu(), 'magic')", "alliance.deu_backtest(alliance.load_deu(), 'compromise', bootstrap=-1)",
        "alliance.deu_backtest(alliance.load_deu(), 'compromise', bootstrap='10')",
        "alliance.deu_backtest(alliance.load_deu(), 'compromise', bootstrap=10**9)",
        "alliance.deu_backtest(alliance.load_deu(), 'compromise', seed=-1)", "alliance.deu_backtest(alliance.load_deu(), 'compromise', seed='x')",
        "alliance.deu_backtest([], 'compromise')", "alliance.deu_backtest('nonsense', 'compromise')",
        "alliance.cross_validate(alliance.load_deu(), k='5')", "alliance.cross_validate(alliance.load_deu(), k=1)",
        "alliance.cross_validate(alliance.load_deu(), k=5, seeds=[])", "alliance.cross_validate(alliance.load_deu(), k=5, seeds=[-1])",
        "alliance.cross_validate(alliance.load_deu(), k=5, seeds=range(10**8))", "alliance.nested_cv(alliance.load_deu(), k=0)",
        "N.predictive('hague-2025', 'magic')", "N.predictive(42)", "N.synthesis_weights('gdp')", "N.resolved_uncertainty(42)",
        "B.brief(top=-1)", "B.brief(top='x')", "B.brief(gap_target='x')", "A.metadata('nope.csv')", "A.load_table('../../etc/passwd')",
        "A.common_funding_fact('nope')", "alliance.forecast('hague-2025').plot('/tmp')", "alliance.forecast('hague-2025').plot('/tmp/x.gif')",
        "D.project(runs=20).plot('/nonexistent/x.png')",
    ]  # fmt: skip
    prelude = (
        "import alliance, alliance.dynamics as D, alliance.spending as S, alliance.negotiation as N, alliance.data as A\n"
        "import alliance.brief as B\n"
        "from alliance.negotiation.scenario import Actor, Issue, Scenario\n"
    )
    for call in bad:
        yield Case("api", call[:90], code=prelude + call, expect=BAD, timeout=180)
    python_scenarios = [
        ("position 545 on 0-100", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 545}, {'a': .5}),))", BAD),
        ("salience 5", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 50}, {'a': 5}),))", BAD),
        ("capability 1e308", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1e308, {'a': 50}, {'a': .5}),))", BAD),
        ("capability -1", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', -1, {'a': 50}, {'a': .5}),))", BAD),
        ("capability 'x'", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 'x', {'a': 50}, {'a': .5}),))", BAD),
        ("position 'x'", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 'x'}, {'a': .5}),))", BAD),
        ("unknown issue", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'b': 5}, {'b': .5}),))", BAD),
        ("low > high", "Scenario('p', (Issue('a', 100, 0),), (Actor('X', 1, {'a': 50}, {'a': .5}),))", BAD),
        ("no actors", "Scenario('p', (Issue('a', 0, 100),), ())", BAD),
        ("no issues", "Scenario('p', (), (Actor('X', 1, {}, {}),))", BAD),
        ("actors not Actor", "Scenario('p', (Issue('a', 0, 100),), ('X',))", BAD),
        ("duplicate actors", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 5}, {'a': .5}),) * 2)", BAD),
        ("chair unknown", "Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 5}, {'a': .5}),), chair='Y')", BAD),
        ("reversion 200", "Scenario('p', (Issue('a', 0, 100, reversion=200),), (Actor('X', 1, {'a': 5}, {'a': .5}),))", BAD),
        ("valid one actor", "Scenario('p', (Issue('a', 0, 100, reversion=20),), (Actor('X', 1, {'a': 50}, {'a': .5}),))", OK),
    ]  # fmt: skip
    for label, expr, expect in python_scenarios:
        for fn in (
            "alliance.forecast(sc, 'compromise')",
            "alliance.forecast_all(sc, ['median', 'eum'])",
            "N.predictive(sc, 'compromise')",
        ):
            yield Case(
                "api",
                f"Scenario {label}: {fn.split('(')[0]}",
                code=prelude + f"sc = {expr}\n{fn}",
                expect=expect,
                timeout=180,
            )
    good = [
        "assert alliance.gap_to_target(3.5, year=2025).shape[0] == 32",
        "assert alliance.meets_target(2, countries='UK').shape[0] == 1",
        "assert len(alliance.olson_zeckhauser(exclude='USA')) == 13",
        "r = alliance.forecast('hague-2025', 'eum', rounds=3); assert r.outcome.shape == (4,)",
        "assert set(alliance.forecast_all('hague-2025', 'median')) == {'median'}",
        "p = alliance.project('us-drawdown', until=2030, runs=50, seed=0); assert p.to_frame().shape[0] > 0",
        "import numpy as np; p = alliance.project(runs=np.int64(30), seed=np.int64(1)); assert p.scenario.runs == 30",
        "assert N.resolved_uncertainty('hague-2025').shape[0] > 0",
        "import math; f = alliance.forecast(Scenario('p', (Issue('a', 0, 100, reversion=50),), (Actor('X', 1, {'a': 20}, {'a': 0}), Actor('Y', 1, {'a': 70}, {'a': 0}))), 'nash'); assert math.isnan(f.outcome[0]) and 'nobody' in f.notes['a']",
        "f = alliance.forecast(Scenario('p', (Issue('a', 0, 100),), (Actor('X', 1, {'a': 20}, {'a': 0.5}), Actor('Y', 3, {'a': 60}, {'a': 0.5}))), 'compromise'); assert abs(f.outcome[0] - 50) < 1e-9",
    ]  # fmt: skip
    for call in good:
        yield Case("api", f"valid: {call[:80]}", code=prelude + call, expect=OK, timeout=180)


GENERATORS: dict[str, Callable[[Path], Iterator[Case]]] = {
    "cli": cli_cases,
    "negotiation": negotiation_cases,
    "simulation": simulation_cases,
    "output": output_cases,
    "tables": table_cases,
    "interrupts": interrupt_cases,
    "api": api_cases,
}


# ------------------------------------------------------------------------------------------------------ report
def run(classes: list[str], jobs: int, tmp: Path, limit: int | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for cls in classes:
        cases = list(GENERATORS[cls](tmp))[:limit]
        sequential = cls in ("interrupts", "tables")  # signals need timing; table copies are large
        if sequential:
            for c in cases:
                outcomes.append(run_case(c))
                _tick(outcomes[-1])
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                for out in pool.map(run_case, cases):
                    outcomes.append(out)
                    _tick(out)
        print(file=sys.stderr)
    return outcomes


def _tick(out: Outcome) -> None:
    print("." if out.problem is None else "F", end="", file=sys.stderr, flush=True)


def table(outcomes: list[Outcome], show: bool) -> str:
    rows = ["| class | tried | handled well | failures |", "|---|---:|---:|---|"]
    for cls in CLASSES:
        mine = [o for o in outcomes if o.case.cls == cls]
        if not mine:
            continue
        bad = [o for o in mine if o.problem is not None]
        kinds: dict[str, int] = {}
        for o in bad:
            kind = o.problem.split(":")[0].split(" (")[0] if o.problem else ""
            kinds[kind] = kinds.get(kind, 0) + 1
        listed = "; ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])) or "none"
        rows.append(f"| {TITLES[cls]} | {len(mine)} | {len(mine) - len(bad)} | {listed} |")
    total = len(outcomes)
    good = sum(o.problem is None for o in outcomes)
    rows.append(f"| **all** | **{total}** | **{good}** | |")
    text = "\n".join(rows)
    failing = [o for o in outcomes if o.problem is not None]
    if show or failing:
        text += "\n\nFailures:\n" + "\n".join(f"- [{o.case.cls}] {o.case.name}: {o.problem}" for o in failing)
    slow = max(outcomes, key=lambda o: o.seconds, default=None)
    if slow is not None:
        text += f"\n\nLongest case: {slow.seconds:.1f} s ({slow.case.cls}: {slow.case.name})"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(CLASSES), help=f"comma-separated classes: {', '.join(CLASSES)}")
    parser.add_argument("--jobs", type=int, default=3, help="cases run at once (interrupts run one at a time)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many cases per class")
    parser.add_argument("--show", action="store_true", help="list every failing case")
    parser.add_argument("--json", type=Path, default=None, help="also write every outcome to this JSON file")
    args = parser.parse_args(argv)
    classes = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in classes if c not in GENERATORS]
    if unknown:
        parser.error(f"unknown class(es) {', '.join(unknown)}; valid: {', '.join(CLASSES)}")
    with tempfile.TemporaryDirectory(prefix="alliance-hostile-") as tmp:
        start = time.perf_counter()
        outcomes = run(classes, args.jobs, Path(tmp), args.limit)
        print(table(outcomes, args.show))
        print(f"\n{len(outcomes)} cases in {time.perf_counter() - start:.0f} s")
    if args.json is not None:
        args.json.write_text(json.dumps([{"class": o.case.cls, "case": o.case.name, "problem": o.problem,
                                          "exit": o.code, "seconds": round(o.seconds, 2)} for o in outcomes], indent=1))  # fmt: skip
    return 0 if all(o.problem is None for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
