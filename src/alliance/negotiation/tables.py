"""Scenarios as tables: one row per actor and issue (or the one-issue ``actor, capability, position, salience``
table of the Bueno de Mesquita data), to and from :class:`~alliance.negotiation.scenario.Scenario`.

A table is turned into the same dictionary a YAML file gives (:func:`frame_to_dict`);
:func:`alliance.negotiation.schema.scenario_from_frame` validates it with ``scenario_from_dict``, so every check
and error message is shared. This module does not import the schema (the schema imports it).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from alliance.errors import BadInput, excerpt
from alliance.negotiation.scenario import Scenario

__all__ = ["NAME_RE", "frame_to_dict", "scenario_frame"]

#: Valid names of scenarios, issues and actors in a scenario file.
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")

_TABLE_REQUIRED = ("actor", "capability", "position", "salience")
_TABLE_OPTIONAL = ("issue", "veto", "chair", "basis", "low", "high", "reversion", "lower_bound", "upper_bound", "title")


def frame_to_dict(df: pd.DataFrame, *, name: str = "table", source: str | None = None) -> dict[str, Any]:
    """The scenario-file dictionary of a table: one row per actor (one issue) or per actor and issue.

    Columns ``actor, capability, position, salience`` are required. With an ``issue`` column each row is one
    actor on one issue; without it the table is one issue named ``name``. Optional columns: ``veto``,
    ``chair``, ``basis``, ``title``, per issue ``low``, ``high``, ``reversion``, and per row ``lower_bound``,
    ``upper_bound``. Without ``low``/``high`` an issue's scale is the range of the positions stated on it. The
    salience scale is 1 if every salience is <= 1, else 100.

    Raises:
        BadInput: one line naming a missing column, a bad value (by row) or the invalid field.
    """
    where = f"{source}: " if source else ""
    cols = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in _TABLE_REQUIRED if c not in cols]
    if missing:
        raise BadInput(
            f"invalid scenario table {where}missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(_TABLE_REQUIRED)} (optional: {', '.join(_TABLE_OPTIONAL)})"
        )
    unknown = [str(c) for c in cols if c not in _TABLE_REQUIRED + _TABLE_OPTIONAL]
    if unknown:
        raise BadInput(
            f"invalid scenario table {where}unknown column(s) {', '.join(unknown)}; "
            f"valid: {', '.join(_TABLE_REQUIRED + _TABLE_OPTIONAL)}"
        )
    t = df.rename(columns={v: k for k, v in cols.items()}).reset_index(drop=True)
    if t.empty:
        raise BadInput(f"invalid scenario table {where}no rows")
    issue_name = name if NAME_RE.match(name) else re.sub(r"[^A-Za-z0-9_.\-]", "_", name) or "issue"
    if "issue" not in t.columns:
        t["issue"] = issue_name
    numeric = [c for c in ("capability", "position", "salience", "low", "high", "reversion") if c in t.columns]
    numeric += [c for c in ("lower_bound", "upper_bound") if c in t.columns]
    for c in numeric:
        vals = pd.to_numeric(t[c], errors="coerce")
        required = c in _TABLE_REQUIRED
        bad = (vals.isna() & (t[c].notna() | required)) | vals.isin([math.inf, -math.inf])
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise BadInput(
                f"invalid scenario table {where}row {row + 1}, column {c}: must be a finite number, "
                f"got {_cell(t[c].iloc[row])}"
            )
        t[c] = vals
    for c in ("actor", "issue"):
        text = t[c].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip())
        blank = text == ""
        if blank.any():  # a blank actor must not vanish while its position still sets the scale
            row = int(blank.to_numpy().nonzero()[0][0])
            raise BadInput(f"invalid scenario table {where}row {row + 1}, column {c}: must not be blank")
        t[c] = text
    dup = t.duplicated(["actor", "issue"])
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0])
        raise BadInput(
            f"invalid scenario table {where}row {row + 1}: actor {t['actor'].iloc[row]!r} appears twice on issue "
            f"{t['issue'].iloc[row]!r}"
        )
    scale = 1 if float(t["salience"].max()) <= 1.0 else 100
    issues = []
    for issue, g in t.groupby("issue", sort=False):
        lo = _first(g, "low", None)
        hi = _first(g, "high", None)
        lo = float(g["position"].min()) if lo is None else lo
        hi = float(g["position"].max()) if hi is None else hi
        if lo == hi:  # every actor at one point: give the scale some width so it is valid
            lo, hi = lo - 0.5, hi + 0.5
        d: dict[str, Any] = {"name": issue, "low": lo, "high": hi}
        rev = _first(g, "reversion", None)
        if rev is not None:
            d["reversion"] = rev
        issues.append(d)
    actors = []
    for actor, g in t.groupby("actor", sort=False):
        caps = g["capability"].unique()
        if len(caps) > 1:
            raise BadInput(f"invalid scenario table {where}actor {actor!r} has several capabilities {list(caps)}")
        ad: dict[str, Any] = {"name": actor, "capability": float(caps[0]), "issues": {}}
        for key in ("veto", "chair"):
            if key in g.columns and g[key].notna().any():
                ad[key] = _truthy(g[key].dropna().iloc[0])
        if "title" in g.columns and g["title"].notna().any():
            ad["title"] = str(g["title"].dropna().iloc[0])
        for r in g.itertuples(index=False):
            e: dict[str, Any] = {"position": float(r.position), "salience": float(r.salience)}
            lb, ub = getattr(r, "lower_bound", math.nan), getattr(r, "upper_bound", math.nan)
            if not (pd.isna(lb) and pd.isna(ub)):
                e["bounds"] = [float(r.position if pd.isna(lb) else lb), float(r.position if pd.isna(ub) else ub)]
            basis = getattr(r, "basis", None)
            if isinstance(basis, str) and basis.strip():
                e["basis"] = basis
            ad["issues"][str(r.issue)] = e
        actors.append(ad)
    return {"name": issue_name, "salience_scale": scale, "issues": issues, "actors": actors}


def _cell(v: object) -> str:
    """A table cell as quoted in an error: a blank (NaN) is "a blank cell", a value at most 80 characters."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "a blank or NaN cell"
    return excerpt(v if isinstance(v, str) else float(v) if isinstance(v, int | float) else str(v))


def _first(g: pd.DataFrame, col: str, default: float | None) -> float | None:
    if col in g.columns and g[col].notna().any():
        return float(g[col].dropna().iloc[0])
    return default


def _truthy(v: object) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y", "t")
    return bool(v)


def scenario_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per actor and issue: capability, position, salience (0-1), veto, chair, bounds, basis, evidence
    (statement / weak / rule / assumption, where stated) and the ids of the sources cited."""
    rows = []
    for a in scenario.actors:
        for issue in scenario.issue_names:
            pos = a.positions.get(issue)
            if pos is None:
                continue
            b = a.bounds.get(issue)
            rows.append(
                {
                    "issue": issue,
                    "actor": a.name,
                    "capability": float(a.capability),
                    "position": float(pos),
                    "salience": float(a.saliences.get(issue, 1.0)),
                    "veto": bool(a.veto and not a.chair),
                    "chair": bool(a.chair),
                    "lower_bound": math.nan if b is None else float(b[0]),
                    "upper_bound": math.nan if b is None else float(b[1]),
                    "basis": a.basis.get(issue, ""),
                    "evidence": a.evidence.get(issue, ""),
                    "sources": ", ".join(a.sources.get(issue, ())),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------------
# files and bundled scenarios
# ---------------------------------------------------------------------------------------------------------------
