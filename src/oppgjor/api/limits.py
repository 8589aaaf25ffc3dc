"""How much a request may send, and who may send much: before any body is read.

A body of more than :data:`ANONYMOUS` bytes (or of unknown length) is read only for a caller
with valid credentials (FastAPI reads a form before the route's rule is asked, so an upload
would otherwise reach the disk first); no body may be larger than :data:`MAXIMUM`."""

from __future__ import annotations

import os
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oppgjor.api.deps import principal_of
from oppgjor.api.problems import ApiError, problem
from oppgjor.app.errors import UseCaseError

ANONYMOUS = 1 << 20  # 1 MiB: logging in needs far less
MAXIMUM = int(os.environ.get("OPPGJOR_MAX_REQUEST_MB", "1024")) << 20
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Limits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _UNSAFE:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        length = request.headers.get("content-length")
        size = int(length) if length is not None and length.isdigit() else None
        if length is None and "transfer-encoding" not in request.headers:
            size = 0  # no body at all
        path = request.url.path
        if size is not None and size > MAXIMUM:
            await problem(413, f"Forespørselen er større enn {MAXIMUM >> 20} MB.",
                          instance=path)(scope, receive, send)  # fmt: skip
            return
        if size is None or size > ANONYMOUS:
            refusal = await run_in_threadpool(_refusal, request)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, _counted(receive), send)


def _refusal(request: Request) -> Any:
    try:
        principal_of(request)
    except ApiError as exc:
        return problem(exc.status, exc.detail, instance=request.url.path, headers=exc.headers)
    except UseCaseError as exc:
        return problem(401, str(exc), instance=request.url.path,
                       headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    return None


def _counted(receive: Receive) -> Receive:
    """*receive*, ending the request as a disconnect once more than MAXIMUM bytes came."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAXIMUM:
                return {"type": "http.disconnect"}
        return message

    return counted
