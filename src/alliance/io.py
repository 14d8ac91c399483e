"""File input and output shared by every module: atomic writes and YAML/JSON parsing with one-line errors.

Results are written atomically: to a uniquely named temporary file in the target's folder, then renamed over the
target (``os.replace``), so a reader never sees a half-written file and an interrupted write leaves the old one.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from alliance.errors import BadInput

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["atomic_write", "loc_path", "parse_text", "validation_lines"]


def atomic_write(path: str | os.PathLike[str], content: bytes | str | Callable[[str], None]) -> Path:
    """Write ``content`` to ``path`` atomically.

    Args:
        path: the target file; its folder must exist.
        content: bytes, text (UTF-8), or a function that writes the file whose name it is given (for
            ``fig.savefig`` and the like).

    Raises:
        BadInput: the folder does not exist.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    # Created with mode 0o666 so the umask applies as for any file (mkstemp would make it 0600).
    tmp = str(folder / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}{target.suffix}")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        if callable(content):
            content(tmp)
        else:
            with open(tmp, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def parse_text(text: str, suffix: str, source: str) -> Any:
    """Parse YAML (with ``yaml.safe_load``) or, for a ``.json`` suffix, JSON; a syntax error is one-line BadInput."""
    if suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{source}: invalid YAML{where}: {problem}") from None


def loc_path(loc: Sequence[str | int]) -> str:
    """A pydantic error location as a path: ``("actors", 3, "salience")`` -> ``actors[3].salience``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
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
            msg = f"must be a number, got {err.get('input')!r}"
        elif kind.startswith("date"):
            msg = f"must be a date (YYYY-MM-DD), got {err.get('input')!r}"
        else:
            text = err["msg"].removeprefix("Value error, ")
            msg = text[0].lower() + text[1:]
        lines.append(f"{loc_path(loc)}: {msg}")
    return list(dict.fromkeys(lines))
