"""The parameters shipped with the package (``models/params/<name>.json``), read once and cached.

Fitted models (``choice``, ``synthesis``) and the conformal residuals of :mod:`alliance.negotiation.prediction`
read their files through :func:`shipped_params`; every call returns a fresh dictionary, so a caller may edit it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from alliance.errors import AllianceError

__all__ = ["shipped_params"]


@cache
def _text(name: str) -> str:
    try:
        return (resources.files("alliance.negotiation.models") / "params" / f"{name}.json").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AllianceError(
            f"the shipped parameters params/{name}.json cannot be read ({exc}); reinstall alliance"
        ) from None


def shipped_params(name: str) -> dict[str, Any]:
    """The parsed ``params/<name>.json`` (``choice``, ``synthesis``, ``conformal``, ``stacked``, ``ensemble``).

    Raises:
        AllianceError: the file is missing or damaged (one line naming it).
    """
    try:
        params = json.loads(_text(name))
    except json.JSONDecodeError as exc:
        raise AllianceError(
            f"the shipped parameters params/{name}.json are damaged: invalid JSON at line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}; reinstall alliance"
        ) from None
    if not isinstance(params, dict):
        raise AllianceError(f"the shipped parameters params/{name}.json are damaged: not a JSON object")
    return params
