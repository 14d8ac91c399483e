"""Rebuild the embedded tables from the source files they cite, and check them against the shipped bytes and hashes.

Run by hand from the repository root (not package code: it reads the shared source folder, which the package
never does at run time)::

    python tools/build_tables.py --check            # rebuild every table in memory, compare, exit 0/1
    python tools/build_tables.py --write [TABLE...] # rewrite derived tables atomically, update sha256 in .meta.yaml

Each table has one build rule (``RULES``):

- ``copy``: the table is the cited source file, byte for byte (same columns, order, float formatting and line
  endings; the three NATO/SIPRI files keep their CRLF line endings). ``--check`` rebuilds it and compares bytes.
- ``primary``: the project compiled the table from notes; the table itself is the primary record. ``--check``
  checks its hash and cross-checks what the notes state (quoted wording, figures, named sources, ally names), but
  cannot rebuild it. ``--write`` re-pins its hash only when the table is named explicitly.

Exit codes: 0 every table agrees, 1 some table differs, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from alliance.errors import BadInput, one_of
from alliance.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
TABLES_DIR = ROOT / "src" / "alliance" / "data" / "tables"
SOURCE_DIR = ROOT.parent / "shared" / "data"

#: A cross-check of a primary table: (table bytes, source folder) -> problems found (empty when consistent).
CrossCheck = Callable[[bytes, Path], list[str]]


@dataclass(frozen=True)
class Rule:
    """How one embedded table is built: copied from a source file, or a primary compilation cross-checked."""

    table: str
    sources: tuple[str, ...]
    kind: str  # "copy" or "primary"
    cross_check: CrossCheck | None = None


@dataclass(frozen=True)
class Outcome:
    """The check of one table: rebuild status, whether its bytes match the recorded sha256, and why not."""

    table: str
    source: str
    status: str  # "rebuilt ok", "differs", "primary", "primary, notes disagree", "no source", "no rule"
    sha_ok: bool
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.sha_ok and self.status in ("rebuilt ok", "primary")


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


_HOST = re.compile(r"(?<![\w/.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s;,)]|$)", re.IGNORECASE)


def _hosts(text: str) -> set[str]:
    """Web hosts named in a free-text source field (``nato.int/...; ht.no`` -> ``{"nato.int", "ht.no"}``)."""
    return {m.lower() for m in _HOST.findall(text)}


def _allies_problems(table: bytes, sources: Path) -> list[str]:
    """Allies with armed forces are exactly NATO's 2026-edition rows (iso3 and name); README accession years agree."""
    allies = _rows(table)
    nato = _rows((sources / "nato/nato_defence_2026_edition_full.csv").read_bytes())
    expected = {(r["iso3"], r["country"]) for r in nato if not r["iso3"].startswith("NATO_")}
    armed = {(r["iso3"], r["name"]) for r in allies if r["has_armed_forces"] == "True"}
    problems = [f"{iso} {name} has no row in the 2026 edition" for iso, name in sorted(armed - expected)]
    problems += [
        f"2026 edition row {iso} {name} is not an ally with armed forces" for iso, name in sorted(expected - armed)
    ]
    readme = (sources / "nato/README.md").read_text(encoding="utf-8")
    joined = {name: int(year) for name, year in re.findall(r"([A-Z][A-Za-z ]+?) from (\d{4})", readme)}
    by_name = {r["name"]: int(r["accession_year"]) for r in allies}
    checked = {name: year for name, year in joined.items() if name in by_name}
    if not checked:
        problems.append("nato/README.md names no accession year to check")
    problems += [f"{n} joined {y} per nato/README.md, not {by_name[n]}" for n, y in checked.items() if by_name[n] != y]
    return problems


def _funding_problems(table: bytes, sources: Path) -> list[str]:
    """Every figure and every web host a row cites appears in the funding notes."""
    notes = (sources / "nato/nato_funding_and_burden_share.md").read_text(encoding="utf-8")
    numbers, hosts = set(re.findall(r"\d+(?:\.\d+)?", notes)), _hosts(notes)
    problems = []
    for r in _rows(table):
        if r["value"] not in numbers:
            problems.append(f"{r['fact']} {r['period']}: {r['value']} not in the notes")
        problems += [
            f"{r['fact']} {r['period']}: source {h} not in the notes" for h in sorted(_hosts(r["source"]) - hosts)
        ]
    return problems


_DATE = re.compile(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})")
_QUOTE = re.compile(r'\[([VP])\][^"\[]*"([^"]*)"')  # [V] "..." or [V] para 3: "..."


def _wording(text: str) -> str:
    """Quoted wording compared without the notes' completion brackets and a final full stop."""
    return text.replace("[", "").replace("]", "").strip().rstrip(".")


def _summit_problems(table: bytes, sources: Path) -> list[str]:
    """Each summit's wording is the first [V]/[P] quote of its row in the notes, with that status, and cites its hosts."""
    notes = (sources / "nato/nato_texts_and_positions.md").read_text(encoding="utf-8")
    by_date: dict[str, tuple[list[str], str]] = {}
    for line in notes.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        date = _DATE.search(cells[0]) if line.startswith("|") and len(cells) == 4 else None
        if date:
            iso = datetime.strptime(" ".join(date.groups()), "%d %b %Y").date().isoformat()
            by_date[iso] = (cells, line)
    rows = _rows(table)
    problems = [f"notes row {d} missing from the table" for d in sorted(set(by_date) - {r["date"] for r in rows})]
    for r in rows:
        where = f"{r['summit']} {r['date']}"
        if r["date"] not in by_date:
            problems.append(f"{where}: no row with that date in the notes")
            continue
        cells, line = by_date[r["date"]]
        if r["summit"] not in cells[0]:
            problems.append(f"{where}: the notes row is {cells[0]!r}")
        code = re.search(r"PR\(\d{4}\)\d+", r["document"])
        if code and code.group() not in cells[0]:
            problems.append(f"{where}: {code.group()} not in the notes row")
        for topic, cell in (("russia", cells[1]), ("china", cells[2])):
            quotes = _QUOTE.findall(cell)
            status = {"V": "verbatim", "P": "paraphrase"}[quotes[0][0]] if quotes else "none"
            if status != r[f"{topic}_status"]:
                problems.append(f"{where}: {topic}_status {r[topic + '_status']!r}, the notes say {status!r}")
            elif quotes and _wording(quotes[0][1]) != _wording(r[f"{topic}_wording"]):
                problems.append(f"{where}: {topic}_wording differs from the notes' first quote")
        problems += [f"{where}: source {h} not in the notes row" for h in sorted(_hosts(r["sources"]) - _hosts(line))]
    return problems


def _nato25_problems(table: bytes, sources: Path) -> list[str]:
    """The 2025-edition extract holds every 2025-edition % of GDP the editions table has, with the same value."""
    extract = {(r["iso3"], r["year"]): r for r in _rows(table)}
    problems = []
    for r in _rows((sources / "nato/nato_defence_expenditure.csv").read_bytes()):
        if not r["edition"].startswith("NATO 2025"):
            continue
        row = extract.get((r["iso3"], r["year"]))
        if row is None or not row["pct_gdp"]:
            problems.append(f"{r['iso3']} {r['year']}: no pct_gdp in the extract")
        elif abs(float(row["pct_gdp"]) - float(r["pct_gdp"])) > 1e-9:
            problems.append(f"{r['iso3']} {r['year']}: pct_gdp {row['pct_gdp']}, the editions table {r['pct_gdp']}")
    if not any(
        r["edition"].startswith("NATO 2025")
        for r in _rows((sources / "nato/nato_defence_expenditure.csv").read_bytes())
    ):
        problems.append("nato/nato_defence_expenditure.csv has no 2025-edition row to check")
    return problems


def _sipri26_problems(table: bytes, sources: Path) -> list[str]:
    """The April 2026 extract covers the April 2025 extract's countries; 2015 shares of GDP agree within 0.3 pp
    (SIPRI's largest revision between the two releases: Portugal, 0.25 pp)."""
    old = {
        (r["iso3"], r["year"]): r for r in _rows((sources / "nato/sipri_milex_nato_extract_2014_2024.csv").read_bytes())
    }
    new = _rows(table)
    problems = [
        f"{c} is in the April 2025 extract but not in the April 2026 one"
        for c in sorted({k[0] for k in old} - {r["iso3"] for r in new})
    ]
    for r in new:
        before = old.get((r["iso3"], r["year"]))
        shares = before and r["share_gdp_pct"] and before["share_gdp_pct"]
        if shares and abs(float(r["share_gdp_pct"]) - float(before["share_gdp_pct"])) > 0.3:
            problems.append(f"{r['iso3']} {r['year']}: share of GDP {r['share_gdp_pct']} vs {before['share_gdp_pct']}")
    return problems


RULES: tuple[Rule, ...] = (
    Rule("allies.csv", ("nato/nato_defence_2026_edition_full.csv", "nato/README.md"), "primary", _allies_problems),
    Rule("bdm1994_emissions.csv", ("known_answers/bdm1994_emissions.csv",), "copy"),
    Rule("deu3_calibration.tsv", ("deu/deu3_calibration.tsv",), "copy"),
    Rule("eu_council_votes.csv", ("deu/council_votes.csv",), "copy"),
    Rule("nato_common_funding.csv", ("nato/nato_funding_and_burden_share.md",), "primary", _funding_problems),
    Rule("nato_spending_2026_full.csv", ("nato/nato_defence_2026_edition_full.csv",), "copy"),
    Rule("nato_spending_editions.csv", ("nato/nato_defence_expenditure.csv",), "copy"),
    Rule("nato_spending_2025_extract.csv", ("nato/nato_defence_expenditure.csv",), "primary", _nato25_problems),
    Rule("sipri_milex_extract.csv", ("nato/sipri_milex_nato_extract_2014_2024.csv",), "copy"),
    Rule(
        "sipri_milex_2026_extract.csv", ("nato/sipri_milex_nato_extract_2014_2024.csv",), "primary", _sipri26_problems
    ),
    Rule("summit_texts.csv", ("nato/nato_texts_and_positions.md",), "primary", _summit_problems),
    Rule("us_forces_dmdc.csv", ("nato/us_troops_europe_dmdc.csv",), "copy"),
)
_BY_TABLE = {rule.table: rule for rule in RULES}


def embedded_tables(tables_dir: Path) -> list[str]:
    """File names of the tables in ``tables_dir`` (as ``alliance.data.list_tables`` finds them)."""
    return sorted(p.name for p in tables_dir.iterdir() if p.suffix in (".csv", ".tsv") and not p.name.startswith("."))


def meta_path(tables_dir: Path, table: str) -> Path:
    return tables_dir / f"{table.rsplit('.', 1)[0]}.meta.yaml"


def recorded_sha(tables_dir: Path, table: str) -> str:
    meta = yaml.safe_load(meta_path(tables_dir, table).read_text(encoding="utf-8"))
    return str(meta.get("sha256", "")) if isinstance(meta, dict) else ""


def rebuild(rule: Rule, source_dir: Path) -> bytes:
    """The bytes a ``copy`` table must have: its source file as it is (no filter, rename or reformatting)."""
    if rule.kind != "copy":
        raise ValueError(f"{rule.table} is a primary compilation and has no rebuild")
    return (source_dir / rule.sources[0]).read_bytes()


def _first_difference(shipped: bytes, rebuilt: bytes) -> str:
    old, new = shipped.splitlines(keepends=True), rebuilt.splitlines(keepends=True)
    for n, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"line {n}: shipped {a[:50]!r}, rebuilt {b[:50]!r}"
    return f"shipped {len(old)} lines, rebuilt {len(new)}"


def check_table(table: str, tables_dir: Path, source_dir: Path) -> Outcome:
    """Rebuild (or cross-check) one table and compare it with the shipped bytes and recorded sha256."""
    shipped = (tables_dir / table).read_bytes()
    sha_ok = hashlib.sha256(shipped).hexdigest() == recorded_sha(tables_dir, table)
    rule = _BY_TABLE.get(table)
    if rule is None:
        return Outcome(table, "-", "no rule", sha_ok, "add a Rule for it in tools/build_tables.py")
    missing = [s for s in rule.sources if not (source_dir / s).is_file()]
    label = ", ".join(rule.sources)
    if missing:
        return Outcome(table, label, "no source", sha_ok, f"missing {', '.join(missing)}")
    if rule.kind == "copy":
        rebuilt = rebuild(rule, source_dir)
        if rebuilt == shipped:
            return Outcome(table, label, "rebuilt ok", sha_ok, "byte-identical")
        return Outcome(table, label, "differs", sha_ok, _first_difference(shipped, rebuilt))
    assert rule.cross_check is not None
    problems = rule.cross_check(shipped, source_dir)
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        return Outcome(table, label, "primary, notes disagree", sha_ok, problems[0] + more)
    return Outcome(table, label, "primary", sha_ok, "project compilation; agrees with its notes")


def check_all(tables_dir: Path = TABLES_DIR, source_dir: Path = SOURCE_DIR) -> list[Outcome]:
    """Check every shipped table, plus every rule whose table is missing."""
    present = embedded_tables(tables_dir)
    outcomes = [check_table(t, tables_dir, source_dir) for t in present]
    outcomes += [
        Outcome(r.table, ", ".join(r.sources), "no table", False, "rule without a shipped table")
        for r in RULES
        if r.table not in present
    ]
    return outcomes


_SHA_LINE = re.compile(r"^sha256: [0-9a-f]{64}$", re.MULTILINE)


def _meta_text(tables_dir: Path, table: str) -> str:
    """The table's .meta.yaml text, which must hold exactly one ``sha256:`` line for ``pin_sha`` to replace."""
    path = meta_path(tables_dir, table)
    if not path.is_file():
        raise BadInput(f"{table} has no metadata file {path.name}")
    text = path.read_text(encoding="utf-8")
    if len(_SHA_LINE.findall(text)) != 1:
        raise BadInput(f"{path.name}: expected exactly one 'sha256: <64 hex digits>' line")
    return text


def pin_sha(tables_dir: Path, table: str) -> bool:
    """Set ``sha256`` in the table's .meta.yaml to the hash of its bytes (other lines untouched); True if changed."""
    text = _meta_text(tables_dir, table)
    new = _SHA_LINE.sub(f"sha256: {hashlib.sha256((tables_dir / table).read_bytes()).hexdigest()}", text)
    if new == text:
        return False
    atomic_write(meta_path(tables_dir, table), new)
    return True


def write_tables(names: Sequence[str], tables_dir: Path, source_dir: Path) -> list[tuple[str, str]]:
    """Rewrite derived tables from their sources and pin their hashes; re-pin named primary tables' hashes.

    Args:
        names: tables to write; empty means every derived table (primary tables are re-pinned only when named,
            so a hand edit is never accepted silently).
        tables_dir: folder of the shipped tables.
        source_dir: folder of the shared source files.

    Returns:
        (table, what was done) for each table considered.
    """
    for name in names:
        if name not in _BY_TABLE:
            raise one_of("table", name, sorted(_BY_TABLE))
    selected = list(RULES) if not names else [_BY_TABLE[n] for n in names]
    for rule in selected:  # every source and metadata file checked before anything is written
        _meta_text(tables_dir, rule.table)
        source = source_dir / rule.sources[0]
        if rule.kind == "copy" and not source.is_file():
            raise BadInput(f"source {str(source)!r} of {rule.table} does not exist")
    done = []
    for rule in selected:
        if rule.kind == "primary":
            if not names:
                done.append((rule.table, "primary: left as is (name it to re-pin its sha256)"))
                continue
            done.append(
                (rule.table, "primary: sha256 re-pinned" if pin_sha(tables_dir, rule.table) else "primary: unchanged")
            )
            continue
        rebuilt, target = rebuild(rule, source_dir), tables_dir / rule.table
        changed = not target.is_file() or target.read_bytes() != rebuilt
        if changed:
            atomic_write(target, rebuilt)
        pinned = pin_sha(tables_dir, rule.table)
        done.append((rule.table, "rewritten" if changed else ("sha256 re-pinned" if pinned else "unchanged")))
    return done


def _print_check(outcomes: list[Outcome], console: Console) -> None:
    table = Table(title="Embedded tables rebuilt from their sources")
    table.add_column("table", no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("rebuild", no_wrap=True)
    table.add_column("sha256", no_wrap=True)
    table.add_column("note")
    for o in outcomes:
        style = "green" if o.ok else "red"
        table.add_row(o.table, o.source, f"[{style}]{o.status}[/]", "ok" if o.sha_ok else "[red]differs[/]", o.note)
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="rebuild every table in memory and compare (exit 0/1)")
    mode.add_argument("--write", action="store_true", help="rewrite derived tables and pin sha256 in .meta.yaml")
    ap.add_argument("tables", nargs="*", metavar="TABLE", help="tables to write (default: every derived table)")
    ap.add_argument("--source-dir", type=Path, default=SOURCE_DIR, help="shared source folder (default: %(default)s)")
    ap.add_argument("--tables-dir", type=Path, default=TABLES_DIR, help="shipped tables (default: %(default)s)")
    args = ap.parse_args(argv)
    console = Console()
    try:
        if not args.source_dir.is_dir():
            raise BadInput(f"--source-dir {str(args.source_dir)!r} is not a folder; give the shared data folder")
        if args.check:
            if args.tables:
                raise BadInput("--check takes no TABLE: it checks every table")
            outcomes = check_all(args.tables_dir, args.source_dir)
            _print_check(outcomes, console)
            return 0 if all(o.ok for o in outcomes) else 1
        for table, what in write_tables(args.tables, args.tables_dir, args.source_dir):
            console.print(f"{table}: {what}")
        return 0
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
