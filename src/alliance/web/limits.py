"""The limits of the HTTP API, and the middleware that enforces the request body size.

A request over a limit gets a 4xx with one line naming the limit: 413 for a body too large, 422 for runs or a
scenario too large (the field named), 429 when the concurrent background jobs are all taken.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BodyLimit", "Limits"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server.

    Attributes:
        max_body_bytes: largest request body (a posted scenario: hague-2025 is about 110 kB as JSON).
        max_sim_runs: runs of one simulation request (the library allows 100,000; a request is answered inline).
        max_sweep_runs: runs of one sweep job.
        max_jobs: background jobs running at once; another start is refused with 429.
        max_actors: actors of a posted scenario (pivotal actors re-solve it 3 x actors times).
        max_issues: issues of a posted scenario.
    """

    max_body_bytes: int = 1_000_000
    max_sim_runs: int = 5_000
    max_sweep_runs: int = 20_000
    max_jobs: int = 2
    max_actors: int = 64
    max_issues: int = 12


async def _reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: refuse a request body over ``max_bytes`` with 413, before the app reads any of it.

    A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked) is read up to
    the limit and then replayed to the app, so no route ever sees a body over the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_large = f"request body over {self.max_bytes:,} bytes; valid: at most {self.max_bytes:,} bytes"
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _reply(send, 400, f"content-length {declared.decode(errors='replace')!r} is not a number")
                return
            if size > self.max_bytes:
                await _reply(send, 413, too_large)
                return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                await _reply(send, 413, too_large)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
