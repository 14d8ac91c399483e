"""File input and output shared by every module: atomic writes, YAML/JSON parsing with one-line errors, JSON-ready
values and figures.

Results are written atomically (:mod:`alliance.atomic`): to a temporary file in the target's folder, flushed, then
renamed over the target, so a reader never sees a half-written file and an interrupted write leaves the old one.

Figures: :func:`save_figure` is the one writer of charts. ``.png`` and ``.svg`` are matplotlib figures; ``.html``
is always an interactive plotly page with plotly.js inlined (works offline). Every ``plot`` function and method
picks its backend from the file it is asked to write (:func:`figure_backend`), so ``.html`` means the same thing
everywhere; a matplotlib figure asked for ``.html``, or a plotly figure for ``.png``/``.svg`` (that needs kaleido,
which is not installed offline), is refused with a one-line :class:`~alliance.errors.BadInput`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from alliance.atomic import atomic_write, check_output_path, staged_writes
from alliance.errors import BadInput, excerpt, one_of

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import ValidationError

__all__ = [
    "FIGURE_SUFFIXES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "SAFE_LOADER",
    "check_file_size",
    "check_readable_file",
    "check_shape",
    "atomic_write",
    "add_source_line",
    "check_figure_path",
    "check_output_path",
    "figure_backend",
    "column_decimals",
    "frame_records",
    "jsonable",
    "load_yaml",
    "loc_path",
    "mpl_figure",
    "parse_text",
    "read_user_file",
    "round_frame",
    "save_figure",
    "staged_writes",
    "tidy_float",
    "validation_lines",
]


#: Largest user file read (scenario, claims, DEU, related-spending files): 16 MiB. The largest bundled file is 150 kB.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Most values (mappings, lists and scalars, aliases counted as often as they are used) a YAML/JSON document may
#: expand to: 1,000,000. A 1,000-actor, 20-issue scenario is about 300,000; a "billion laughs" is 10**9.
MAX_NODES = 1_000_000
#: Deepest nesting of mappings and lists in a YAML/JSON document: 64 (scenario files need 6).
MAX_DEPTH = 64


def check_file_size(path: str | os.PathLike[str], what: str, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a file larger than ``limit`` bytes (before reading it) with a one-line :class:`BadInput`."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the reader reports a missing or unreadable file
    if size > limit:
        raise BadInput(f"{what} {excerpt(str(path))}: {size:,} bytes; the limit is {limit:,} bytes ({limit >> 20} MiB)")


def check_readable_file(path: str | os.PathLike[str], what: str) -> Path:
    """``path`` as a Path after checking it names an existing regular file (not a folder, not a device).

    Raises:
        BadInput: one line: not found, a directory, not a regular file, or a name the system refuses (too long,
            a NUL byte).
    """
    shown = excerpt(str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise BadInput(f"{what} {shown} not found") from None
    except (OSError, ValueError) as exc:  # ENAMETOOLONG, ENOTDIR, EACCES on a folder, "embedded null byte"
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadInput(f"{what} {shown}: {reason}") from None
    import stat

    if stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{what} {shown} is a directory; give a file")
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(f"{what} {shown} is not a regular file (a device or a pipe?); give a file")
    return Path(path)


def read_user_file(path: str | os.PathLike[str], what: str, suffixes: Sequence[str] | None = None) -> tuple[str, str]:
    """``(text, suffix)`` of a user's file (UTF-8), the suffix lower-cased.

    Args:
        path: the file.
        what: how messages name it, e.g. ``"scenario file"``.
        suffixes: the accepted suffixes (any when None).

    Raises:
        BadInput: an unsupported suffix, a missing file, a directory, a file larger than :data:`MAX_FILE_BYTES`,
            or one that cannot be read as UTF-8 text.
    """
    if not isinstance(path, str | os.PathLike):
        raise BadInput(f"{what}: expected a file path, got {excerpt(path)}")
    p = Path(path)
    shown = excerpt(str(path))
    suffix = p.suffix.lower()
    if suffixes is not None and suffix not in suffixes:
        valid = ", ".join(suffixes)
        raise BadInput(f"{what} {shown}: unsupported extension {excerpt(suffix or '(none)')}; valid: {valid}")
    check_readable_file(p, what)
    check_file_size(p, what)
    try:
        return p.read_text(encoding="utf-8"), suffix
    except UnicodeDecodeError as exc:
        raise BadInput(f"{what} {shown}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BadInput(f"{what} {shown}: cannot read: {exc.strerror or exc}") from None


#: The safe YAML loader, libyaml's C parser where PyYAML was built with it (about 10x faster on the bundled
#: scenario files; same safe constructor, so the same documents load to the same values).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentTooLarge(BadInput):
    """A YAML/JSON document past :data:`MAX_NODES` values or :data:`MAX_DEPTH` levels."""


def check_shape(data: Any, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed document that expands to more than ``max_nodes`` values, nests deeper than ``max_depth``
    or refers to itself.

    YAML aliases make one mapping or list appear many times: nine aliases of nine aliases ... ("billion
    laughs") is a 1 kB file that expands to 10**9 values, which every consumer (validation, error messages,
    ``repr``) would walk. The walk here visits each distinct container once (iteratively, no recursion), counting
    what it expands to, so a bomb is refused in microseconds.

    Raises:
        DocumentTooLarge: one line with the limit passed.
    """
    if not isinstance(data, dict | list):
        return
    done: dict[int, tuple[int, int]] = {}  # id -> (values it expands to, depth)
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, dict | list)]
        if not finished:
            if key in done:
                continue
            if key in active:
                raise DocumentTooLarge("the document refers to itself (a recursive YAML alias); that cannot be valid")
            active.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in active:
                    raise DocumentTooLarge(
                        "the document refers to itself (a recursive YAML alias); that cannot be valid"
                    )
                if id(child) not in done:
                    stack.append((child, False))
            continue
        active.discard(key)
        size = 1 + len(node) + sum(done[id(c)][0] - 1 for c in children)
        depth = 1 + max((done[id(c)][1] for c in children), default=0)
        if size > max_nodes:
            raise DocumentTooLarge(
                f"the document expands to more than {max_nodes:,} values (YAML aliases used too often?); "
                f"the limit is {max_nodes:,}"
            )
        if depth > max_depth:
            raise DocumentTooLarge(f"the document nests deeper than {max_depth} levels; the limit is {max_depth}")
        done[key] = (size, depth)


def load_yaml(text: str) -> Any:
    """What ``yaml.safe_load`` does, with :data:`SAFE_LOADER` (the safe constructor either way), bounded by
    :func:`check_shape`.

    Raises:
        yaml.YAMLError: a syntax error.
        BadInput: a document too large or too deep, or a number too long to convert.
    """
    loader = SAFE_LOADER(text)
    try:
        data = loader.get_single_data()
    except RecursionError:  # the pure-Python parser, on deep nesting
        raise DocumentTooLarge(f"the document nests deeper than {MAX_DEPTH} levels; the limit is {MAX_DEPTH}") from None
    except ValueError as exc:  # int('1' * 5000): Python's 4,300-digit limit
        raise BadInput(" ".join(str(exc).split(";")[0].split())) from None
    finally:
        loader.dispose()
    check_shape(data)
    return data


def parse_text(text: str, suffix: str, source: str) -> Any:
    """Parse YAML (safe loader) or, for a ``.json`` suffix, JSON, bounded by :func:`check_shape`.

    Every problem is a one-line :class:`BadInput` naming ``source``: a syntax error with its line and column,
    a document too large or too deep, a number too long.
    """
    src = source if len(source) <= 200 else excerpt(source)
    if suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{src}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise BadInput(
                f"{src}: the document nests deeper than {MAX_DEPTH} levels; the limit is {MAX_DEPTH}"
            ) from None
        except ValueError as exc:
            raise BadInput(f"{src}: {' '.join(str(exc).split(';')[0].split())}") from None
        try:
            check_shape(data)
        except BadInput as exc:
            raise BadInput(f"{src}: {exc}") from None
        return data
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{src}: invalid YAML{where}: {excerpt(str(problem), 120).strip(chr(39))}") from None
    except BadInput as exc:
        raise BadInput(f"{src}: {exc}") from None


def loc_path(loc: Sequence[str | int]) -> str:
    """A pydantic error location as a path: ``("actors", 3, "salience")`` -> ``actors[3].salience``."""
    out = ""
    for part in loc:
        text = str(part) if len(str(part)) <= 40 else str(part)[:37] + "..."
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + text
    return out or "(top level)"


def validation_lines(
    exc: ValidationError,
    *,
    valid_keys: Callable[[tuple[str | int, ...]], Iterable[str]] | None = None,
    ignore_loc: Iterable[str] = (),
    number_types: tuple[str, ...] = ("float_parsing", "float_type"),
) -> list[str]:
    """One ``path: message`` line per pydantic error, worded for users (duplicates dropped).

    Args:
        exc: the validation error.
        valid_keys: for an unknown key, the keys valid at its location (appended as ``; valid: ...``).
        ignore_loc: location parts to drop (the branch names pydantic adds for union types).
        number_types: error types (or their prefixes) reported as "must be a number, got ...".
    """
    skip = set(ignore_loc)
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in skip))
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "unknown key"
            if valid_keys is not None:
                msg += f"; valid: {', '.join(valid_keys(loc))}"
        elif kind == "missing":
            msg = "required"
        elif kind == "literal_error":
            msg = f"must be one of {err.get('ctx', {}).get('expected', '')}"
        elif kind.startswith(number_types):
            msg = f"must be a number, got {excerpt(err.get('input'))}"
        elif kind.startswith("date"):
            msg = f"must be a date (YYYY-MM-DD), got {excerpt(err.get('input'))}"
        else:
            text = err["msg"].removeprefix("Value error, ")
            msg = text[0].lower() + text[1:]
        lines.append(f"{loc_path(loc)}: {msg}")
    return list(dict.fromkeys(lines))


# ---------------------------------------------------------------------------------------------------------------
# JSON-ready values
# ---------------------------------------------------------------------------------------------------------------
def jsonable(obj: Any) -> Any:
    """Plain JSON values from NumPy/pandas scalars and arrays, DataFrames (records), dataclasses and containers.

    NaN, infinities, ``pd.NA`` and ``pd.NaT`` become ``None``; timestamps and dates become ISO strings. NumPy and
    pandas are looked up in ``sys.modules`` rather than imported: an object cannot be of a library that was never
    loaded, and the pure-NumPy models stay free of pandas.
    """
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if isinstance(obj, Mapping):
        return {str(k): _keyed(str(k), jsonable(v)) for k, v in obj.items()}
    if pd is not None and isinstance(obj, pd.DataFrame):
        return frame_records(obj)
    if (pd is not None and isinstance(obj, pd.Series)) or (np is not None and isinstance(obj, np.ndarray)):
        return jsonable(obj.tolist())
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
        return jsonable({k: getattr(obj, k) for k in obj.__dataclass_fields__})
    if np is not None and isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if pd is not None and (obj is pd.NA or obj is pd.NaT):
        return None
    if isinstance(obj, dt.date):  # datetime and pandas Timestamp are dates too
        return obj.isoformat()
    return obj


def column_decimals(column: str) -> int | None:
    """Decimal places a column is written with in CSV and JSON: the precision its source publishes.

    Shares of GDP and other percentages: 2 (NATO publishes 2 decimals); USD million: 2 (the finest source, NATO's
    constant 2021 USD to 0.01 million); USD billion, thousands of persons: 1; probabilities (``p_*``, ``*_prob``):
    3; None for other columns (only float noise is removed, see :func:`tidy_float`).
    """
    name = column.lower()
    if name.startswith(("rho", "slope")) or name.endswith(("p_value", "p_one_sided")):
        return 4
    if name.startswith("p_") or name.endswith("_prob"):
        return 3
    if "pct" in name:
        return 2
    if "ratio" in name:
        return 3
    if name.endswith("_million") or "_million_" in name:
        return 2
    if "_bn" in name or name.endswith("_thousands") or name.endswith("_million_persons"):
        return 1
    if "per_capita" in name:
        return 1
    return None


def tidy_float(value: float, decimals: int | None = None) -> float:
    """``value`` rounded to ``decimals``, or to 12 significant digits when None (1.8399999999999999 -> 1.84)."""
    if not math.isfinite(value):
        return value
    if decimals is not None:
        return round(value, decimals)
    return float(f"{value:.12g}")


def round_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose float columns are rounded to their source precision (:func:`column_decimals`)."""
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("float"):
            dec = column_decimals(str(col))
            out[col] = out[col].map(lambda v, d=dec: tidy_float(v, d) if isinstance(v, float) else v)
    out.attrs = dict(df.attrs)
    return out


def _keyed(key: str, value: Any) -> Any:
    """A JSON value under ``key``: a float is written at the precision its name implies (:func:`column_decimals`)."""
    return tidy_float(value, column_decimals(key)) if isinstance(value, float) else value


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-ready records (one dict per row), floats at their source precision."""
    return [jsonable(r) for r in round_frame(df).to_dict(orient="records")]


# ---------------------------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------------------------
#: File suffix -> the plotting library that draws it.
FIGURE_SUFFIXES: dict[str, str] = {".png": "matplotlib", ".svg": "matplotlib", ".html": "plotly"}
_SUFFIX_TEXT = ".png, .svg or .html"


def check_figure_path(path: str | os.PathLike[str], what: str = "plot file") -> Path:
    """The path of a chart to write: its suffix is one of :data:`FIGURE_SUFFIXES` and it can be written
    (:func:`~alliance.atomic.check_output_path`: the folder exists, the target is not a folder, the name fits).

    Called before any work is done, so a bad file name fails at once; ``what`` names the argument in the
    message (the CLI passes ``--plot``).
    """
    target = Path(path)
    if target.suffix.lower() not in FIGURE_SUFFIXES:
        raise BadInput(f"{what} {str(target)!r}: the file must end in {_SUFFIX_TEXT}")
    return check_output_path(target, what)


def figure_backend(path: str | os.PathLike[str] | None = None, backend: str | None = None) -> str:
    """``"matplotlib"`` or ``"plotly"``: the suffix of ``path`` decides; without a path, ``backend`` (default
    matplotlib)."""
    if path is not None:
        return FIGURE_SUFFIXES[check_figure_path(path).suffix.lower()]
    chosen = backend or "matplotlib"
    if chosen not in ("matplotlib", "plotly"):
        raise one_of("plot backend", chosen, ["matplotlib", "plotly"])
    return chosen


def mpl_figure(width: float, height: float) -> Any:
    """A new matplotlib figure on the Agg canvas, made without pyplot (no global state, no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def source_line_of(fig: Any) -> str:
    """The source line a chart carries ("" if none): matplotlib's ``supxlabel``, plotly's ``source`` annotation."""
    if hasattr(fig, "write_html"):
        texts = [a.text for a in fig.layout.annotations if a.name == "source"]
        return str(texts[0]) if texts else ""
    label = getattr(fig, "_supxlabel", None)
    return " ".join(str(label.get_text()).split()) if label is not None else ""


def add_source_line(fig: Any, text: str) -> Any:
    """Put ``text`` (``Source: NATO, ...``) at the bottom left of a chart, once; returns the figure.

    NATO's terms ask for attribution and SIPRI's for its wording, so every chart the package draws carries one.
    """
    if not text or source_line_of(fig):
        return fig
    if hasattr(fig, "write_html"):
        fig.add_annotation(
            text=text,
            name="source",
            xref="paper",
            yref="paper",
            x=0,
            y=-0.12,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            font={"size": 10, "color": "#555"},
        )
        fig.update_layout(margin={"b": 110})
    else:
        import textwrap

        width = int(fig.get_figwidth() * 19)  # characters of 7-point text that fit the figure's width
        fig.supxlabel(textwrap.fill(text, width), x=0.01, ha="left", fontsize=7, color="#555")
    return fig


def save_figure(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write a chart atomically: a matplotlib figure to ``.png``/``.svg``, a plotly figure to ``.html``.

    The ``.html`` page is self-contained (plotly.js inlined), so it opens offline.

    Raises:
        BadInput: another suffix, a missing folder, or a figure of the wrong kind for the suffix.
    """
    target = check_figure_path(path)
    suffix = target.suffix.lower()
    is_plotly = hasattr(fig, "write_html")
    if is_plotly != (FIGURE_SUFFIXES[suffix] == "plotly"):
        kind = "plotly" if is_plotly else "matplotlib"
        hint = (
            "a plotly figure is written as .html only (.png/.svg would need kaleido)"
            if is_plotly
            else ".html is an interactive plotly page: ask the plot for backend='plotly', or write .png/.svg"
        )
        raise BadInput(f"plot file {str(target)!r}: a {kind} figure cannot be saved as {suffix}; {hint}")
    if is_plotly:
        atomic_write(target, lambda tmp: fig.write_html(tmp, include_plotlyjs=True, full_html=True))
    else:
        atomic_write(target, lambda tmp: fig.savefig(tmp, format=suffix[1:], dpi=120))
    return target
