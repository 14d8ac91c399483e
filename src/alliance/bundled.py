"""Scenario files bundled with the package, found by name: one catalogue for every subsystem.

Negotiation scenarios live in ``alliance/negotiation/scenarios/``, spending-simulation scenarios in
``alliance/dynamics/scenario_files/``; each subsystem declares its folder once as a :class:`Bundled` and gets
the names, the text of one file and a catalogue table from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance.errors import BadInput, excerpt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Bundled", "looks_like_path"]

_SUFFIXES = (".yaml", ".yml", ".json")


def looks_like_path(name_or_path: str | os.PathLike[str]) -> bool:
    """True when a scenario argument names a file (a Path, a folder separator or a suffix), not a bundled name."""
    text = str(name_or_path)
    return isinstance(name_or_path, os.PathLike) or "/" in text or "\\" in text or bool(Path(text).suffix)


@dataclass(frozen=True)
class Bundled:
    """A folder of bundled YAML/JSON scenario files.

    Attributes:
        package: the package holding the folder, e.g. ``alliance.negotiation``.
        folder: the folder's name inside it, e.g. ``scenarios``.
        files: the file types a user's own scenario may have, for error messages (``.yaml/.json``).
    """

    package: str
    folder: str
    files: str = ".yaml/.json"

    def _root(self) -> Any:
        return resources.files(self.package) / self.folder

    def names(self) -> list[str]:
        """Names (file stems) of the bundled files, sorted."""
        root = self._root()
        if not root.is_dir():
            return []
        return sorted(p.name.rsplit(".", 1)[0] for p in root.iterdir() if p.name.endswith(_SUFFIXES))

    def text(self, name: str) -> tuple[str, str]:
        """``(text, suffix)`` of the bundled file ``name``.

        Raises:
            BadInput: no such file; the message lists the bundled names and says a path works too.
        """
        if name in self.names():  # only a listed name touches the file system (no over-long or odd names)
            for suffix in _SUFFIXES:
                res = self._root() / f"{name}{suffix}"
                if res.is_file():
                    return res.read_text(encoding="utf-8"), suffix
        shown = ", ".join(self.names()) or "(none bundled)"
        raise BadInput(f"unknown scenario {excerpt(name)}; bundled: {shown}; or give a path to a {self.files} file")

    def catalog(self, row: Callable[[str], Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
        """One row per bundled file, ``row(name)`` giving its columns (``columns``, in order)."""
        import pandas as pd

        return pd.DataFrame([dict(row(name)) for name in self.names()], columns=list(columns))
