"""The HTTP API and the dashboard: a FastAPI app over the public Python functions (``pip install -e '.[web]'``).

:func:`create_app` builds the app: JSON endpoints under ``/api`` (one router per subsystem in
:mod:`alliance.web.routes`), each a thin call of the function the command line uses; the dashboard at ``/`` with
every asset served locally (:mod:`alliance.web.static`); the OpenAPI spec at ``/openapi.json`` and its Swagger page
at ``/docs`` (also served from local assets: no request leaves the machine). ``alliance serve`` runs it under
uvicorn on 127.0.0.1. FastAPI is imported only when the app is built, so ``import alliance.web`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance.web.limits import Limits

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Limits", "create_app"]


def create_app(limits: Limits | None = None, *, store_dir: str | None = None) -> FastAPI:
    """The FastAPI app: the API under ``/api``, the dashboard at ``/``, the OpenAPI spec at ``/openapi.json``.

    Args:
        limits: request body size, runs per simulation and per sweep, concurrent jobs, scenario size
            (default: :class:`Limits` ()).
        store_dir: folder for the sweep stores of background jobs (default: a new temporary folder).
    """
    from alliance.web.app import build_app

    return build_app(limits or Limits(), store_dir=store_dir)
