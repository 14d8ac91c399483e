"""File input and output shared by every module: atomic writes and YAML/JSON parsing with one-line errors.

Results are written atomically: to a uniquely named temporary file in the target's folder, then renamed over the
target (``os.replace``), so a reader never sees a half-written file and an interrupted write leaves the old one.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from alliance.errors import BadInput

__all__ = ["atomic_write", "parse_text"]


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
