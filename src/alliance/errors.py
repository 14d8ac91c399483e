"""Exceptions that the command line turns into exit codes.

``BadInput`` is a user mistake (exit code 2): an unknown country, a year out of range, a malformed
scenario file. ``AllianceError`` is a failure of the tool itself (exit code 1). Messages are one line that names
the bad value and what would be valid.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

__all__ = ["EXCERPT_CHARS", "AllianceError", "BadInput", "excerpt", "one_of"]

#: At most this many characters of a user's input are quoted in an error message.
EXCERPT_CHARS = 80

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = EXCERPT_CHARS, EXCERPT_CHARS, 40


class AllianceError(Exception):
    """A failure that is not the user's fault (exit code 1)."""


class BadInput(AllianceError, ValueError):
    """Invalid user input: a value, a flag, a file (exit code 2)."""


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters (``...`` marks the cut), computed without building the whole
    repr: a huge or deeply shared value from a hostile file costs no more than a short one."""
    try:
        text = _REPR.repr(value)
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        text = f"<a {type(value).__name__} too long to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_of(what: str, value: object, valid: Iterable[object]) -> BadInput:
    """Build the standard "unknown X 'v'; valid: a, b, c" error."""
    items = [str(v) for v in valid]
    shown = ", ".join(items[:40]) + (", ..." if len(items) > 40 else "")
    return BadInput(f"unknown {what} {excerpt(value)}; valid: {shown}")
