"""Read DEU files (Decision-making in the European Union) into negotiation scenarios, one per issue.

The DEU data sets (Thomson et al. 2006, *The European Union Decides*; DEU III: Arregui & Perarnaud 2021,
doi:10.34810/data53, CC BY 4.0) code, for each contested issue of an EU legislative proposal, the position (0-100)
and salience (0-100) of the Commission (``com``), the European Parliament (``ep``) and each member state, the
reference point (``rp``) and the adopted outcome (``out``). The calibration half (225 issues) is embedded in the
package as ``deu3_calibration.tsv``; ``load_deu("deu-calibration")`` reads it.

Decisions documented here (each one a choice the file leaves open):

- **Coded actor.** An actor takes part in an issue when it has *both* a position and a salience. The files carry
  saliences for actors with no position (1,867 cells in the calibration half) and a few positions with no
  salience (40 cells); both are treated as not coded. This is the rule behind the README's reference figures
  (plain mean 23.66, median actor 27.70: with position-only actors included they would be 23.57 and 27.61).
- **Reference point.** ``rp`` is taken as given: blank -> unknown (``Issue.reversion = None``); 0 is 0. The README
  warns a 0 may mean "not coded" on some rows, but nothing in a row tells which, and a rule such as "0 is
  missing" would discard the many genuine status-quo-at-0 issues. ``metadata["rp_coded"]`` records blank vs given.
- **Dates.** ``intro`` is DD-MM-YY (two-digit years >= 50 are 19xx). DD-MM-YYYY is accepted. Strings shaped
  YYYY-MM-DD are a spreadsheet's reading of DD-MM-YY as YY-MM-DD (``2029-09-04`` is 29 Sep 2004, matching the
  proposal id ``d04218``; ``1930-05-05`` is 30 May 2005) and are read back that way.
- **Decision rule.** ``counvte`` QMV (and variants such as ``QMV(10)``) -> a weighted qualified majority at the
  threshold in force at the introduction date (pre-Nice 62/87; Nice 255/345, 258/352 with Croatia - the
  EU-27 shares, also used for the EU-25 months, whose 232/321 is close; double
  majority from 1 Nov 2014: 65 % of population and 55 % of states); ``Unan`` -> consensus.
- **Capabilities** (``capability=``): ``equal`` - every coded actor 1. ``votes`` - the Council weights in force
  at the introduction date: pre-Nice (EU-15, total 87) before 1 Nov 2004, when the Nice weights took effect;
  Nice weights from 1 Nov 2004 (Croatia, from 1 Jul 2013, has 7); population shares (2016) from 1 Nov 2014,
  when the double majority replaced weighted votes. A state coded on a pre-Nice issue that has no pre-Nice
  weight (an issue introduced before, and decided after, the 2004 enlargement) switches the whole issue to
  the Nice weights. ``population`` - the 2016 population shares on every issue (a what-if). The Commission and
  the Parliament are not Council voters; they get, by convention, the *mean member-state capability of the
  issue* (each as strong as an average state). This follows the Council-centric reading of EU power that
  Thomson & Hosli (2006, JCMS 44(2)) and Thomson et al. (2006, ch. 1 and 10) found forecasts better than a
  supranational one; it is a convention, never tuned on outcomes. Under ``equal`` they count 1 like a state.
- **Roles.** The Commission is the scenario's chair (it proposes and, under QMV, can only be overruled by
  unanimity; it casts no Council vote). The Parliament holds a veto under codecision (COD) and none under
  consultation (CNS). Member states hold a veto under unanimity; under QMV the ``veto`` flag is kept True (the
  rule's threshold decides).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance.errors import BadInput, excerpt, one_of
from alliance.negotiation.models.batch import Batch
from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario

__all__ = [
    "ACTORS",
    "model_batch",
    "rule_thresholds",
    "CAPABILITIES",
    "DEUBatch",
    "EMBEDDED",
    "MEMBER_STATES",
    "deu_batch",
    "deu_frame",
    "load_deu",
]

#: Member-state codes in DEU column order (``bu`` Bulgaria, ``cr`` Croatia, ``el`` Greece).
MEMBER_STATES: tuple[str, ...] = (
    "at",
    "be",
    "bu",
    "cr",
    "cy",
    "cz",
    "dk",
    "ee",
    "fi",
    "fr",
    "de",
    "el",
    "hu",
    "ie",
    "it",
    "lv",
    "lt",
    "lu",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "si",
    "sk",
    "es",
    "se",
    "uk",
)
#: Every DEU actor: the Commission, the Parliament, then the member states (30 in all).
ACTORS: tuple[str, ...] = ("com", "ep", *MEMBER_STATES)
CAPABILITIES: tuple[str, ...] = ("equal", "votes", "population")
#: The name of the embedded calibration half.
EMBEDDED = "deu-calibration"
_EMBEDDED_TABLE = "deu3_calibration.tsv"

NICE_START = date(2004, 11, 1)  # Nice Treaty weights applied from 1 Nov 2004
CROATIA_ACCESSION = date(2013, 7, 1)
DOUBLE_MAJORITY_START = date(2014, 11, 1)  # Lisbon double majority from 1 Nov 2014

_REQUIRED = ("prnr", "isnr", "intro", "proc", "counvte", "rp", "out")
_TEXT_COLUMNS = ("prname", "type", "council")

Capability = Literal["equal", "votes", "population"]


@dataclass(frozen=True)
class DEUBatch:
    """Issues of a DEU file as padded arrays, the form the backtest kernels compute on.

    Shapes: ``positions``, ``salience`` (0-1) and ``capability`` are ``(issues, 30)`` in :data:`ACTORS` order,
    NaN where the actor is not coded; ``reversion`` and ``outcome`` are ``(issues,)`` (NaN where unknown).
    """

    issue: np.ndarray
    proposal: np.ndarray
    procedure: np.ndarray
    voting_rule: np.ndarray
    positions: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    reversion: np.ndarray
    outcome: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """True where the actor is coded on the issue."""
        return ~np.isnan(self.positions)

    def __len__(self) -> int:
        return int(self.positions.shape[0])


# --------------------------------------------------------------------------------------------------- reading


def _read_text(path_or_name: str | Path) -> tuple[str, str]:
    """The file's text and a label for messages; the embedded name reads the packaged table."""
    if not isinstance(path_or_name, str | os.PathLike):
        raise BadInput(f"DEU file: expected a path or {EMBEDDED!r}, got {excerpt(path_or_name)}")
    if str(path_or_name) == EMBEDDED:
        from alliance.data import table_bytes

        return table_bytes(_EMBEDDED_TABLE).decode("utf-8"), EMBEDDED
    from alliance.io import check_file_size, check_readable_file

    path = Path(path_or_name)
    try:
        check_readable_file(path, "DEU file")
    except BadInput as exc:
        hint = f"; give a path to a DEU file or {EMBEDDED!r}" if str(exc).endswith("not found") else ""
        raise BadInput(f"{exc}{hint}") from None
    check_file_size(path, "DEU file")
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc), str(path)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"DEU file {str(path)!r}: not a text file (neither UTF-8 nor cp1252)")  # pragma: no cover


def _detect_separator(header: str, label: str) -> str:
    """Tab, semicolon or comma: the one that splits the header into the most fields."""
    counts = {sep: header.count(sep) for sep in ("\t", ";", ",")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] == 0:
        raise BadInput(f"{label}: the header has no tab, semicolon or comma; a DEU file is tab- or semicolon-separated")
    return sep


def _raw_frame(path_or_name: str | Path) -> tuple[pd.DataFrame, str, str]:
    text, label = _read_text(path_or_name)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise BadInput(f"{label}: the file is empty; expected a DEU header row (prnr, isnr, intro, ...)")
    sep = _detect_separator(lines[0], label)
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL, engine="python"
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise BadInput(f"{label}: cannot parse as a DEU table: {' '.join(str(exc).split())}") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise BadInput(f"{label}: missing DEU column(s) {', '.join(repr(c) for c in missing)}")
    if not any(f"p{a}" in df.columns and f"s{a}" in df.columns for a in ACTORS):
        raise BadInput(f"{label}: no actor columns; expected pairs such as 'pcom'/'scom', 'pde'/'sde'")
    if df.empty:
        raise BadInput(f"{label}: the file has a header but no issue rows")
    return df, label, sep


def _number(cell: str, row: int, column: str, label: str, sep: str, *, bounded: bool = True) -> float:
    """A 0-100 number or NaN for a blank; a decimal comma is accepted in semicolon files."""
    s = cell.strip()
    if s == "" or s.upper() in {"NA", "NAN", "."}:
        return math.nan
    if sep == ";":
        s = s.replace(",", ".")
    try:
        v = float(s)
    except ValueError:
        v = math.nan
    if math.isnan(v) or (bounded and not 0.0 <= v <= 100.0):
        raise BadInput(f"{label}: row {row}, column {column!r}: {cell!r} is not a number 0-100")
    return v


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _parse_date(cell: str, row: int, label: str) -> date:
    """DD-MM-YY (DEU), DD-MM-YYYY, or the spreadsheet mangling YYYY-MM-DD of DD-MM-YY (module docstring)."""
    s = cell.strip()
    m = _DMY.match(s)
    if m:
        day, month, yr = int(m.group(1)), int(m.group(2)), m.group(3)
        year = int(yr) if len(yr) == 4 else (1900 + int(yr) if int(yr) >= 50 else 2000 + int(yr))
    else:
        m = _YMD.match(s)
        if not m:
            raise BadInput(f"{label}: row {row}, column 'intro': {cell!r} is not a date DD-MM-YY")
        day, month, yy = int(m.group(1)) % 100, int(m.group(2)), int(m.group(3))
        year = 1900 + yy if yy >= 50 else 2000 + yy
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput(f"{label}: row {row}, column 'intro': {cell!r} is not a valid date DD-MM-YY") from None


def _procedure(cell: str, row: int, label: str) -> str:
    s = cell.strip().upper()
    if s in {"COD", "CNS"}:
        return s
    raise BadInput(f"{label}: row {row}, column 'proc': {cell!r} is not a procedure; valid: COD, CNS")


def _voting_rule(cell: str, row: int, label: str) -> str:
    s = cell.strip().upper()
    if s.startswith("QMV"):
        return "QMV"
    if s.startswith("UNAN"):
        return "Unanimity"
    raise BadInput(f"{label}: row {row}, column 'counvte': {cell!r} is not a voting rule; valid: QMV, Unan")


# ----------------------------------------------------------------------------------------------- capabilities


def _votes_table() -> dict[str, dict[str, float]]:
    """Column -> member state -> value of the Council votes table (plain dicts: looked up for every issue)."""
    from alliance.data import load_table

    table = load_table("eu_council_votes.csv").set_index("actor")
    columns = ("votes_pre_nice", "votes_nice", "population_share_2016_pct")
    return {col: {str(k): float(v) for k, v in table[col].items()} for col in columns}


def _era(intro: date) -> str:
    if intro >= DOUBLE_MAJORITY_START:
        return "double-majority"
    if intro >= NICE_START:
        return "nice"
    return "pre-nice"


def _state_capabilities(
    states: Sequence[str], intro: date, capability: str, votes: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Capability of each coded member state under the chosen scheme (module docstring)."""
    if capability == "equal":
        return dict.fromkeys(states, 1.0)
    population = votes["population_share_2016_pct"]
    if capability == "population":
        return {s: population[s] for s in states}
    era = _era(intro)
    if era == "double-majority":
        return {s: population[s] for s in states}
    pre = votes["votes_pre_nice"]
    if era == "pre-nice" and all(not math.isnan(pre[s]) for s in states):
        return {s: pre[s] for s in states}
    return {s: votes["votes_nice"][s] for s in states}


def _rule(voting_rule: str, intro: date) -> DecisionRule:
    if voting_rule == "Unanimity":
        return DecisionRule(kind="consensus")
    era = _era(intro)
    if era == "double-majority":
        return DecisionRule(kind="qmv", capability_threshold=0.65, count_threshold=0.55)
    if era == "nice":
        total = 352.0 if intro >= CROATIA_ACCESSION else 345.0
        return DecisionRule(kind="qmv", capability_threshold=(258.0 if total == 352.0 else 255.0) / total)
    return DecisionRule(kind="qmv", capability_threshold=62.0 / 87.0)


# ------------------------------------------------------------------------------------------------- public API


def _check_capability(capability: str) -> str:
    if capability not in CAPABILITIES:
        raise one_of("capability", capability, CAPABILITIES)
    return capability


def deu_frame(path_or_name: str | Path = EMBEDDED, capability: Capability | str = "equal") -> pd.DataFrame:
    """A DEU file in long form, one row per issue and coded actor, validated and typed.

    Columns: ``proposal, issue, name, type, council, procedure, voting_rule, intro, actor, position, salience``
    (0-100, as coded), ``capability``, ``capability_population`` (the ``population`` scheme's capability, whatever
    ``capability`` is; read by the ``ensemble`` model), ``reversion``, ``outcome``, ``rp_coded``. Issues with no coded actor appear
    once with ``actor`` empty, so no issue is lost. Raises :class:`BadInput` naming the row (1 = first data row)
    and column of any malformed cell.
    """
    records, attrs = _deu_records(path_or_name, capability)
    out_df = pd.DataFrame.from_records([r | {"intro": pd.Timestamp(r["intro"])} for r in records])
    out_df.attrs.update(attrs)
    return out_df


def _deu_records(path_or_name: str | Path, capability: Capability | str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rows of :func:`deu_frame` as dicts (``intro`` a date) and the frame's attrs (source, capability, sep)."""
    capability = _check_capability(capability)
    df, label, sep = _raw_frame(path_or_name)
    votes = _votes_table()
    actors = [a for a in ACTORS if f"p{a}" in df.columns and f"s{a}" in df.columns]
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    for idx, row in enumerate(df.to_dict(orient="records"), start=1):
        issue = str(row["isnr"]).strip()
        proposal = str(row["prnr"]).strip()
        if not issue:
            raise BadInput(f"{label}: row {idx}, column 'isnr': the issue id is blank")
        if not proposal:
            raise BadInput(f"{label}: row {idx}, column 'prnr': the proposal id is blank")
        if issue in seen:
            raise BadInput(f"{label}: row {idx}, column 'isnr': issue {issue!r} appears twice")
        seen.add(issue)
        intro = _parse_date(str(row["intro"]), idx, label)
        proc = _procedure(str(row["proc"]), idx, label)
        vrule = _voting_rule(str(row["counvte"]), idx, label)
        rp = _number(str(row["rp"]), idx, "rp", label, sep)
        out = _number(str(row["out"]), idx, "out", label, sep)
        coded: dict[str, tuple[float, float]] = {}
        for a in actors:
            p = _number(str(row[f"p{a}"]), idx, f"p{a}", label, sep)
            s = _number(str(row[f"s{a}"]), idx, f"s{a}", label, sep)
            if not (math.isnan(p) or math.isnan(s)):
                coded[a] = (p, s)
        states = [a for a in coded if a in MEMBER_STATES]
        caps = _state_capabilities(states, intro, capability, votes)
        inst_cap = 1.0 if capability == "equal" else (float(np.mean(list(caps.values()))) if caps else 1.0)
        pop = _state_capabilities(states, intro, "population", votes)
        inst_pop = float(np.mean(list(pop.values()))) if pop else 1.0
        base = {
            "proposal": proposal,
            "issue": issue,
            "name": str(row.get("prname", "")).strip(),
            "type": str(row.get("type", "")).strip(),
            "council": str(row.get("council", "")).strip(),
            "procedure": proc,
            "voting_rule": vrule,
            "intro": intro,
            "reversion": rp,
            "outcome": out,
            "rp_coded": not math.isnan(rp),
        }
        if not coded:
            records.append(
                {**base, "actor": "", "position": math.nan, "salience": math.nan, "capability": math.nan}
                | {"capability_population": math.nan}
            )
        for a, (p, s) in coded.items():
            cap = caps.get(a, inst_cap)
            records.append(
                {**base, "actor": a, "position": p, "salience": s, "capability": cap}
                | {"capability_population": pop.get(a, inst_pop)}
            )
    return records, {"source": label, "capability": capability, "separator": sep}


def load_deu(path_or_name: str | Path = EMBEDDED, capability: Capability | str = "equal") -> list[Scenario]:
    """Read a DEU file into scenarios, one per issue, in file order.

    Args:
        path_or_name: a DEU file (tab- or semicolon-separated, DEU column names, blank = not coded; the separator
            is detected from the header) or ``"deu-calibration"`` for the embedded calibration half.
        capability: ``equal``, ``votes`` (Council weights in force at the introduction date) or ``population``
            (2016 population shares); see the module docstring for the Commission and Parliament.

    Returns:
        Scenarios with one :class:`Issue` (scale 0-100, ``reversion`` = rp or None, ``outcome`` = out or None),
        the coded actors (salience on 0-1), the Council's decision rule, ``chair="com"`` when the Commission is
        coded, and ``metadata``: proposal, issue, name, type, council, procedure (COD/CNS), voting_rule
        (QMV/Unanimity), intro (ISO date), era, capability, rp_coded, source, and the procedural roles
        ``agenda_setter="com"`` and ``co_legislator="ep"`` (read by the ``stacked`` model), and
        ``capability_sets={"population": {actor: capability}}`` (read by the ``ensemble`` model). The embedded
        file is parsed once per capability scheme; later calls return a new list of the same (frozen) scenarios.
    """
    if str(path_or_name) == EMBEDDED:
        return list(_embedded(_check_capability(capability)))
    return _scenarios(path_or_name, capability)


@functools.cache
def _embedded(capability: str) -> tuple[Scenario, ...]:
    return tuple(_scenarios(EMBEDDED, capability))


def _scenarios(path_or_name: str | Path, capability: Capability | str) -> list[Scenario]:
    records, attrs = _deu_records(path_or_name, capability)
    by_issue: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_issue.setdefault(str(rec["issue"]), []).append(rec)
    scenarios: list[Scenario] = []
    for issue_id, grp in by_issue.items():
        first = grp[0]
        coded = [r for r in grp if r["actor"] != ""]
        intro = first["intro"]
        rp = None if math.isnan(first["reversion"]) else float(first["reversion"])
        out = None if math.isnan(first["outcome"]) else float(first["outcome"])
        name = str(issue_id)
        issue = Issue(name=name, low=0.0, high=100.0, reversion=rp, outcome=out, description=str(first["name"]))
        codecision = first["procedure"] == "COD"
        unanimity = first["voting_rule"] == "Unanimity"
        actors = []
        for r in coded:
            a = str(r["actor"])
            actors.append(
                Actor(
                    name=a,
                    capability=float(r["capability"]),
                    positions={name: float(r["position"])},
                    saliences={name: float(r["salience"]) / 100.0},
                    veto=(codecision if a == "ep" else (a != "com")),
                    chair=a == "com",
                )
            )
        meta = {
            "proposal": str(first["proposal"]),
            "issue": name,
            "name": str(first["name"]),
            "type": str(first["type"]),
            "council": str(first["council"]),
            "procedure": str(first["procedure"]),
            "voting_rule": str(first["voting_rule"]),
            "intro": intro.isoformat(),
            "era": _era(intro),
            "capability": attrs["capability"],
            "rp_coded": bool(first["rp_coded"]),
            "source": attrs["source"],
            "agenda_setter": "com",
            "co_legislator": "ep",
            "capability_sets": {"population": {str(r["actor"]): float(r["capability_population"]) for r in coded}},
        }
        scenarios.append(
            Scenario(
                name=name,
                issues=(issue,),
                actors=tuple(actors),
                rule=_rule(str(first["voting_rule"]), intro),
                description=f"DEU {first['proposal']} {first['name']}".strip(),
                chair="com" if any(a.name == "com" for a in actors) else None,
                metadata=meta | {"unanimity": unanimity},
            )
        )
    return scenarios


def deu_batch(scenarios: Sequence[Scenario]) -> DEUBatch:
    """Stack one-issue scenarios into padded ``(issues, 30)`` arrays in :data:`ACTORS` order.

    Actors outside :data:`ACTORS` (a non-DEU scenario) are rejected: the padding is the DEU actor set.
    """
    n = len(scenarios)
    pos = np.full((n, len(ACTORS)), np.nan)
    sal = np.full((n, len(ACTORS)), np.nan)
    cap = np.full((n, len(ACTORS)), np.nan)
    index = {a: k for k, a in enumerate(ACTORS)}
    rev = np.full(n, np.nan)
    out = np.full(n, np.nan)
    for i, sc in enumerate(scenarios):
        if len(sc.issues) != 1:
            raise BadInput(f"scenario {sc.name!r}: a DEU backtest needs one issue per scenario, got {len(sc.issues)}")
        it = sc.issues[0]
        rev[i] = np.nan if it.reversion is None else it.reversion
        out[i] = np.nan if it.outcome is None else it.outcome
        for a in sc.actors:
            if a.name not in index:
                raise one_of("DEU actor", a.name, ACTORS)
            k = index[a.name]
            if it.name in a.positions:
                pos[i, k] = a.positions[it.name]
                sal[i, k] = a.saliences.get(it.name, 1.0)
                cap[i, k] = a.capability
    meta = [sc.metadata for sc in scenarios]
    return DEUBatch(
        issue=np.array([sc.name for sc in scenarios], dtype=object),
        proposal=np.array(
            [str(m.get("proposal", sc.name)) for m, sc in zip(meta, scenarios, strict=True)], dtype=object
        ),
        procedure=np.array([str(m.get("procedure", "")) for m in meta], dtype=object),
        voting_rule=np.array([str(m.get("voting_rule", "")) for m in meta], dtype=object),
        positions=pos,
        salience=sal,
        capability=cap,
        reversion=rev,
        outcome=out,
    )


def model_batch(batch: DEUBatch) -> tuple[Batch, np.ndarray]:
    """The DEU issues as a model :class:`Batch` (runs = issues, 30 actors, 1 issue) and the co-legislator mask.

    Vetoes as in :func:`load_deu`: every member state; the EP under codecision only; the
    Commission (the chair) none.
    """
    n, a = batch.positions.shape
    chair = np.zeros((n, a), dtype=bool)
    chair[:, ACTORS.index("com")] = True
    colegis = np.zeros((n, a), dtype=bool)
    colegis[:, ACTORS.index("ep")] = True
    veto = ~chair
    veto[:, ACTORS.index("ep")] = batch.procedure == "COD"
    nan3 = np.full((n, a, 1), np.nan)
    mb = Batch(
        positions=batch.positions[:, :, None],
        salience=np.nan_to_num(batch.salience, nan=0.0)[:, :, None],
        capability=np.nan_to_num(batch.capability, nan=0.0),
        veto=veto,
        chair=chair,
        low=np.array([0.0]),
        high=np.array([100.0]),
        reversion=batch.reversion[:, None],
        lower_bound=nan3,
        upper_bound=nan3.copy(),
    )
    return mb, colegis


def rule_thresholds(scenarios: Sequence[Scenario]) -> tuple[np.ndarray, bool]:
    """``(issues,)`` share of Council capability a proposal needs (1 under unanimity), for the procedural feature.

    The share is on capability (votes or population) on every DEU issue; see
    :func:`alliance.negotiation.models.procedural.rule_threshold`.
    """
    from alliance.negotiation.models.procedural import rule_threshold

    return np.array([rule_threshold(sc)[0] for sc in scenarios]), True
