"""Exceptions that the command line turns into exit codes.

``BadInput`` is a user mistake (exit code 2): an unknown country, a year out of range, a malformed
scenario file. ``AllianceError`` is a failure of the tool itself (exit code 1). Messages are one line that names
the bad value and what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["AllianceError", "BadInput", "one_of"]


class AllianceError(Exception):
    """A failure that is not the user's fault (exit code 1)."""


class BadInput(AllianceError, ValueError):
    """Invalid user input: a value, a flag, a file (exit code 2)."""


def one_of(what: str, value: object, valid: Iterable[object]) -> BadInput:
    """Build the standard "unknown X 'v'; valid: a, b, c" error."""
    items = [str(v) for v in valid]
    shown = ", ".join(items[:40]) + (", ..." if len(items) > 40 else "")
    return BadInput(f"unknown {what} {value!r}; valid: {shown}")
