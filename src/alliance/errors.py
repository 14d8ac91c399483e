"""Exceptions that the command line turns into exit codes.

``BadInput`` is a user mistake (exit code 2): an unknown country, a year out of range, a malformed
scenario file. ``AllianceError`` is a failure of the tool itself (exit code 1). Messages are one line that names
the bad value and what would be valid.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Iterable

__all__ = [
    "EXCERPT_CHARS",
    "MAX_BOOTSTRAP",
    "AllianceError",
    "BadInput",
    "excerpt",
    "one_of",
    "real_number",
    "whole_number",
]

#: Most bootstrap replicates any function takes (the default is 2,000; 100,000 on DEU's 84 proposals is ~67 MB).
MAX_BOOTSTRAP = 100_000

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


def _n(v: float) -> str:
    """A bound as written in a message: 100,000 with separators, years (2027) and small numbers without."""
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    return f"{v:g}"


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"between {_n(lo)} and {_n(hi)}"
    if lo is not None:
        return f">= {_n(lo)}"
    if hi is not None:
        return f"<= {_n(hi)}"
    return "any"


def whole_number(what: str, value: object, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as an int after checking it is a whole number (int or NumPy integer, not a bool, not a string)
    within ``lo``..``hi`` (inclusive; None: unbounded).

    Raises:
        BadInput: ``"{what} '10': must be a whole number between 1 and 100,000"``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise BadInput(f"{what} {excerpt(value)}: must be a whole number {_range_text(lo, hi)}")
    v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise BadInput(f"{what} {v if abs(v) < 10**30 else excerpt(v)}: must be {_range_text(lo, hi)}")
    return v


def real_number(what: str, value: object, lo: float | None = None, hi: float | None = None) -> float:
    """``value`` as a float after checking it is a finite real number (not a bool, not a string) within
    ``lo``..``hi`` (inclusive; None: unbounded).

    Raises:
        BadInput: ``"{what} 'x': must be a number between 0 and 1"``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BadInput(f"{what} {excerpt(value)}: must be a number {_range_text(lo, hi)}")
    v = float(value)
    if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
        raise BadInput(f"{what} {excerpt(value)}: must be a finite number {_range_text(lo, hi)}")
    return v
