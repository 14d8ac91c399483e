"""What a spending table rests on, in a form that survives ``pd.concat``.

Every function of :mod:`alliance.spending` returns a DataFrame whose rows carry ``edition`` and ``year`` (or
``base_year``) columns, and whose ``attrs`` hold the rest: the edition note, the target, totals, the
Olson-Zeckhauser trend, caveats. pandas drops ``attrs`` when frames of different years are concatenated, so take
them out first: :func:`meta` returns them as a JSON-ready dict, and :func:`as_result` wraps a table and its
metadata in a :class:`SpendingTable` (the result protocol: ``to_frame()``, ``to_dict()``, ``meta``, display)::

    tables = [as_result(gap_to_target(3.5, year=y)) for y in (2024, 2025)]
    rows = pd.concat([t.frame for t in tables])          # per-row edition and year survive
    totals = {t.meta["year"]: t.meta["total"] for t in tables}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alliance.io import jsonable
from alliance.results import Result

__all__ = ["SpendingTable", "as_result", "meta"]


def meta(df: pd.DataFrame) -> dict[str, Any]:
    """The metadata of a table of :mod:`alliance.spending` (edition, year, notes, totals, trend...), JSON-ready."""
    return dict(jsonable(dict(df.attrs)))


@dataclass(frozen=True)
class SpendingTable(Result):
    """A spending table with its metadata held apart from the frame (see the module docstring)."""

    frame: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.info)

    @property
    def title(self) -> str:
        return f"NATO edition {self.info.get('edition', '')}, {self.info.get('year', '')}"


def as_result(df: pd.DataFrame) -> SpendingTable:
    """Wrap a table of :mod:`alliance.spending` and a copy of its metadata (:func:`meta`) in a :class:`SpendingTable`."""
    return SpendingTable(frame=df.copy(), info=meta(df))
