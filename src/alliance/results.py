"""The result protocol: one shape for every answer alliance gives, whatever the subsystem.

Every result object (a negotiation :class:`~alliance.negotiation.Forecast`, the DEU backtest and its
cross-validations, the dynamics calibration, backtest and projection, :class:`~alliance.spending.Path2035`, the
brief, the claims check) is a frozen dataclass that mixes in :class:`Result` and so offers:

- ``to_frame()``: the main table as a DataFrame;
- ``to_dict()``: a JSON-ready dict (NaN -> None, NumPy scalars -> Python), with ``meta`` and the table's rows;
- ``plot(path=None, *, backend=None)``: the chart as a figure object, written with :func:`alliance.io.save_figure`
  when ``path`` is given (``.png``/``.svg``: matplotlib; ``.html``: interactive plotly);
- ``meta``: what the answer rests on (edition, year, unit, definition, assumptions, seeds);
- display: ``__rich_console__`` (a Rich table in a terminal) and ``_repr_html_`` (Jupyter).

The sweep engine and the web API call every subsystem through this protocol.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from alliance.errors import BadInput
from alliance.io import add_source_line, figure_backend, jsonable, save_figure

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console, ConsoleOptions
    from rich.table import Table

__all__ = ["Result", "frame_table", "meta_text"]


def _cell(v: Any) -> str:
    """A table cell as text: blanks for missing values, yes/no for booleans, thousands separators for floats."""
    import numpy as np
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating):
        f = float(v)
        return f"{f:,.2f}" if abs(f) < 1e15 else f"{f:.3g}"
    return str(v)


def frame_table(df: pd.DataFrame, title: str | None = None, caption: str | None = None) -> Table:
    """A DataFrame as a Rich table (numbers right-aligned); used by the CLI and by :class:`Result` display."""
    import pandas as pd
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False)
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def meta_text(meta: Mapping[str, Any]) -> str:
    """``meta`` as one line, ``key: value; ...`` (nested values compacted), for captions."""
    parts = []
    for key, value in meta.items():
        if isinstance(value, Mapping | list | tuple) and len(str(value)) > 80:
            continue
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


class Result:
    """Mixin for the frozen dataclasses that carry results (see the module docstring).

    A subclass implements :meth:`to_frame` and :attr:`meta`; it overrides :meth:`figure` if it has a chart,
    :attr:`title` for display, and :meth:`to_dict` when its JSON form is richer than ``meta`` plus rows.
    """

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result."""
        raise NotImplementedError

    @property
    def meta(self) -> dict[str, Any]:
        """What the answer rests on: edition, year, unit, definitions, assumptions, seeds."""
        return {}

    @property
    def title(self) -> str:
        """One line naming the result, shown above its table."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"meta": ..., "rows": [one dict per row of to_frame()]}``."""
        return {"meta": jsonable(self.meta), "rows": jsonable(self.to_frame())}

    def figure(self, backend: str = "matplotlib") -> Any:
        """The chart as a new matplotlib or plotly figure; results without a chart raise BadInput."""
        raise BadInput(f"{type(self).__name__} has no chart")

    @property
    def source(self) -> str:
        """The source line every chart of this result carries (``Source: NATO, ...``)."""
        return ""

    def plot(self, path: str | os.PathLike[str] | None = None, *, backend: str | None = None) -> Any:
        """The chart as a figure object; with ``path``, also written there (``.png``/``.svg``/``.html``).

        Args:
            path: the file to write; its suffix picks the backend (``.html``: plotly, else matplotlib).
            backend: ``"matplotlib"`` (default) or ``"plotly"`` when no path is given.
        """
        fig = add_source_line(self.figure(figure_backend(path, backend)), self.source)
        if path is not None:
            save_figure(fig, path)
        return fig

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        yield frame_table(self.to_frame(), title=self.title, caption=meta_text(self.meta) or None)

    def _repr_html_(self) -> str:
        head = f"<h4>{html.escape(self.title)}</h4>"
        caption = meta_text(self.meta)
        note = f"<p><small>{html.escape(caption)}</small></p>" if caption else ""
        return head + self.to_frame().to_html(index=False, na_rep="", escape=True) + note
