"""The parameters shipped with the package (``models/params/<name>.json``), read once and cached.

Fitted models (``choice``, ``synthesis``) and the conformal residuals of :mod:`alliance.negotiation.prediction`
read their files through :func:`shipped_params`; every call returns a fresh dictionary, so a caller may edit it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["shipped_params"]


@cache
def _text(name: str) -> str:
    return (resources.files("alliance.negotiation.models") / "params" / f"{name}.json").read_text(encoding="utf-8")


def shipped_params(name: str) -> dict[str, Any]:
    """The parsed ``params/<name>.json`` (``choice``, ``synthesis``, ``conformal``, ``stacked``, ``ensemble``)."""
    params: dict[str, Any] = json.loads(_text(name))
    return params
