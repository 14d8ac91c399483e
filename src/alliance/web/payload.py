"""JSON bodies of the API: a table as ``{"meta": ..., "rows": [...]}``, a result through its ``to_dict()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliance.io import frame_records, jsonable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["table"]


def table(df: pd.DataFrame, **extra: Any) -> dict[str, Any]:
    """A DataFrame of the library as JSON: its ``attrs`` (edition, year, notes, totals...) as ``meta``, one record
    per row as ``rows``, and any ``extra`` keys (e.g. the chart's ``source`` line)."""
    return {"meta": jsonable(dict(df.attrs)), "rows": frame_records(df), **jsonable(extra)}
