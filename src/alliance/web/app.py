"""The FastAPI app: routers, error handlers, limits, the dashboard and its local assets.

Errors never carry a stack trace: a :class:`~alliance.errors.BadInput` raised by the library is a 422 naming the
field it is about (``detail[0].loc``) and the valid values (``error``, one line); a malformed request is FastAPI's
422 with the same ``error`` line added; a failure of the tool is a 500 with one line; anything unexpected is a 500
saying "internal error". Every response is JSON except the dashboard and its assets.
"""

from __future__ import annotations

import re
import tempfile
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from alliance import __version__
from alliance.errors import AllianceError, BadInput
from alliance.web.jobs import Busy, JobManager
from alliance.web.limits import BodyLimit, Limits

__all__ = ["build_app"]

_STATIC = resources.files("alliance.web") / "static"
#: Dashboard assets: name -> media type (plotly.min.js comes from the installed plotly package).
_ASSETS = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "docs.js": "text/javascript",
    "topojson/world_110m.json": "application/json",
}
_SECURITY_HEADERS = {
    # Only this server: scripts, styles, data and the map's topojson (plotly draws with inline styles).
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _error(status: int, message: str, loc: list[str | int] | None = None, kind: str = "bad_input") -> JSONResponse:
    """A JSON error: ``error`` is one line; ``detail`` follows FastAPI's shape (a list of ``loc, msg, type``)."""
    detail: Any = [{"loc": loc or [], "msg": message, "type": kind}] if status == 422 else message
    return JSONResponse({"error": message, "detail": detail}, status_code=status)


def _field_of(message: str, request: Request) -> list[str | int]:
    """Where a library error points: the query or path parameter it names (by name, else by its value); the
    body for a posted request; else nothing."""
    text = message.lower()
    params = [("path", k, v) for k, v in request.path_params.items()]
    params += [("query", k, v) for k, v in request.query_params.multi_items()]
    named: list[tuple[int, list[str | int]]] = []  # (where the message first names the parameter, location)
    for where, name, _ in params:
        for spelling in {name.lower(), name.lower().replace("_", " ")}:
            m = re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", text)
            if m:
                named.append((m.start(), [where, name]))
    if named:
        return min(named)[1]
    for where, name, value in params:
        if value and (f"'{value}'" in message or f"{value}" in message.split()):
            return [where, str(name)]
    if request.method in ("POST", "PUT", "PATCH"):
        return ["body"]
    return []


def _validation_line(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)) or "request"
        parts.append(f"{loc}: {_one_line(err.get('msg', 'invalid'))}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": _one_line(e.get("msg", "")), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": _validation_line(errors), "detail": errors}, status_code=422)

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> JSONResponse:
        message = _one_line(str(exc))
        return _error(422, message, _field_of(message, request))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return _error(429, _one_line(str(exc)))

    @app.exception_handler(AllianceError)
    async def failed(request: Request, exc: AllianceError) -> JSONResponse:
        return _error(500, f"failed: {_one_line(str(exc))}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": _one_line(str(exc.detail)), "detail": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace in a response; the server's log keeps it.
        return _error(500, "internal error: the server could not answer this request", kind="internal")


def _asset(name: str) -> Response:
    if name == "plotly.min.js":
        path = resources.files("plotly") / "package_data" / "plotly.min.js"
        return FileResponse(str(path), media_type="text/javascript", headers={"cache-control": "max-age=3600"})
    media = _ASSETS.get(name)
    if media is None:
        raise StarletteHTTPException(404, f"no asset {name!r}; valid: plotly.min.js, {', '.join(_ASSETS)}")
    return Response((_STATIC / name).read_bytes(), media_type=media, headers={"cache-control": "no-cache"})


def build_app(limits: Limits, *, store_dir: str | None = None) -> FastAPI:
    """The app (see :func:`alliance.web.create_app`)."""
    from alliance.web.routes import claims, negotiation, simulation, spending, sweeps

    app = FastAPI(
        title="alliance",
        version=__version__,
        description="NATO burden-sharing, consensus forecasts and spending simulations on embedded, sourced data. "
        "Every endpoint is a thin call of the public Python function the `alliance` command uses.",
        docs_url=None,  # FastAPI's Swagger and ReDoc pages load their scripts from a CDN: /docs is served locally
        redoc_url=None,
    )
    app.state.limits = limits
    app.state.jobs = JobManager(limits.max_jobs)
    app.state.store_dir = store_dir or tempfile.mkdtemp(prefix="alliance-web-")
    _install_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for key, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    for module in (spending, claims, negotiation, simulation, sweeps):
        app.include_router(module.router, prefix="/api")

    @app.get("/api/health", tags=["meta"], summary="Liveness, version and the server's limits")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "limits": limits.__dict__}

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse((_STATIC / "index.html").read_text(encoding="utf-8"), headers={"cache-control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse((_STATIC / "docs.html").read_text(encoding="utf-8"))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name:path}", include_in_schema=False)
    def static(name: str) -> Response:
        return _asset(name)

    return app
