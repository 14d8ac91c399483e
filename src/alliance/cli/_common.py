"""Options and output shared by every command: ``--format``, ``--year``, ``--edition``, ``--plot``.

Output goes through :func:`emit`, which renders a DataFrame (or a JSON-able object) as a Rich table, CSV or JSON.
"""

from __future__ import annotations

import json
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from alliance.errors import BadInput


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Year (default: the latest in the edition).")]
EditionOpt = Annotated[
    str | None, typer.Option("--edition", "-e", help="NATO edition: 2024, 2025 or 2026 (default: 2026).")
]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write a chart to FILE (.png or .html).")]


def check_plot_path(path: Path | None) -> None:
    """Reject a --plot file whose suffix is not .png or .html, before any work is done."""
    if path is not None and path.suffix.lower() not in (".png", ".html"):
        raise BadInput(f"--plot {str(path)!r}: the file must end in .png or .html")


def jsonable(obj: Any) -> Any:
    """Convert NumPy/pandas scalars, NaN and containers to plain JSON values (NaN -> null)."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    return obj


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-ready records."""
    return [jsonable(r) for r in df.to_dict(orient="records")]


def _fmt_cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating):
        f = float(v)
        return f"{f:,.2f}" if abs(f) < 1e15 else f"{f:.3g}"
    return str(v)


def console() -> Any:
    """A Rich console: the terminal's width on a terminal, 160 columns when piped (so tables don't squeeze)."""
    from rich.console import Console

    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


def print_table(df: pd.DataFrame, title: str | None = None, caption: str | None = None) -> None:
    """A DataFrame as a Rich table on stdout."""
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False)
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(_fmt_cell(v) for v in row))
    console().print(table)


def emit(
    data: pd.DataFrame | dict[str, Any] | list[Any],
    fmt: Format,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Write a result to stdout in the requested format."""
    if fmt is Format.json:
        payload = frame_records(data) if isinstance(data, pd.DataFrame) else jsonable(data)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        if not isinstance(data, pd.DataFrame):
            data = pd.json_normalize(jsonable(data))
        data.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        if isinstance(data, pd.DataFrame):
            print_table(data, title=title, caption=caption)
        else:
            from rich.console import Console
            from rich.pretty import Pretty

            Console().print(Pretty(jsonable(data)))
