"""Options and output shared by every command: ``--format``, ``--year``, ``--edition``, ``--country``, ``--plot``.

Output goes through :func:`emit`, which renders a DataFrame (or a JSON-able object) as a Rich table, CSV or JSON.
Nothing here imports pandas or NumPy at module level: ``alliance --help`` stays light.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pandas as pd


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Year (default: the latest in the edition).")]
EditionOpt = Annotated[
    str | None, typer.Option("--edition", "-e", help="NATO edition: 2024, 2025 or 2026 (default: 2026).")
]
CountryOpt = Annotated[
    list[str] | None,
    typer.Option("--country", "-c", help="Restrict to this ally (ISO3 code or name); repeat for several."),
]
PlotOpt = Annotated[
    Path | None,
    typer.Option("--plot", help="Write a chart to FILE: .png or .svg (matplotlib), .html (interactive plotly)."),
]


def check_plot(path: Path | None) -> None:
    """Reject a --plot file with a bad suffix or a missing folder, before any work is done."""
    if path is not None:
        from alliance.io import check_figure_path

        check_figure_path(path, "--plot")


def plot_to(result: Any, path: Path | None) -> None:
    """Write a result's chart (``result.plot(path)``) and say so on stderr."""
    if path is not None:
        result.plot(path)
        print(f"alliance: wrote {path}", file=sys.stderr)


def note(text: str, fmt: Format) -> None:
    """Caveats go to stderr for csv/json (stdout stays machine-readable); tables show them as a caption."""
    if text and fmt is not Format.table:
        print(f"alliance: note: {text}", file=sys.stderr)


@contextmanager
def progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr for a long step; yields the ``progress(done, total)`` callback to pass on.

    Only on a terminal: when stderr is a file or a pipe, the callback does nothing (Rich would still end with an
    empty line, and stderr must hold only the messages, one line each, e.g. after Ctrl-C).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True)
    if not err.is_terminal:
        yield lambda done, total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def console() -> Any:
    """A Rich console: the terminal's width on a terminal, 160 columns when piped (so tables don't squeeze)."""
    from rich.console import Console

    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


def emit(
    data: pd.DataFrame | dict[str, Any] | list[Any],
    fmt: Format,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Write a result to stdout in the requested format."""
    import pandas as pd

    from alliance.io import frame_records, jsonable

    if fmt is Format.json:
        payload = frame_records(data) if isinstance(data, pd.DataFrame) else jsonable(data)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        from alliance.io import round_frame

        if not isinstance(data, pd.DataFrame):
            data = pd.json_normalize(jsonable(data))
        round_frame(data).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif isinstance(data, pd.DataFrame):
        from alliance.results import frame_table

        console().print(frame_table(data, title=title, caption=caption))
    else:
        from rich.pretty import Pretty

        console().print(Pretty(jsonable(data)))
