"""``Idempotency-Key`` on POST: a client's retry never does the work twice.

The first request with a key (per caller: the credentials it carries) is noted before it runs
and its answer kept; a retry with the same key and the same request gets the kept answer again
(with ``Idempotent-Replayed: true``). The same key on another request is refused (422); a retry
while the first is still running gets 409. An answer of 5xx is not kept: the retry runs anew.
Keys are kept for :data:`KEPT`."""

from __future__ import annotations

import datetime
import hashlib
from enum import Enum

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from oppgjor.api.deps import caller_key
from oppgjor.api.problems import problem
from oppgjor.store import Database, StoreDuplicate

HEADER = "idempotency-key"
KEPT = datetime.timedelta(days=2)
_KEPT_HEADERS = ("content-type", "etag", "location")


class _State(Enum):
    NEW = "new"
    RUNNING = "running"
    OTHER = "other"


def _begin(db: Database, caller: str, key: str, request_hash: str,
           now: datetime.datetime) -> _State | tuple[int, dict[str, str], str]:  # fmt: skip
    try:
        with db.transaction() as repos:
            seen = repos.idempotency.get(caller, key)
            if seen is None:
                repos.idempotency.forget_before(now - KEPT)
                repos.idempotency.begin(caller, key, request_hash, now)
                return _State.NEW
    except StoreDuplicate:
        return _State.RUNNING
    if seen.request_hash != request_hash:
        return _State.OTHER
    if seen.status_code is None:
        return _State.RUNNING
    return seen.status_code, seen.headers, seen.body


def _end(db: Database, caller: str, key: str, response: tuple[int, dict[str, str], str] | None
         ) -> None:  # fmt: skip
    with db.transaction() as repos:
        if response is None:
            repos.idempotency.forget(caller, key)
        else:
            repos.idempotency.finish(caller, key, *response)


def _without_boundary(request: Request, body: bytes) -> bytes:
    """*body* without a multipart body's boundary: a client's retry of an upload picks a new
    random boundary, yet it is the same request."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/"):
        return body
    boundary = next((p.split("=", 1)[1].strip().strip('"') for p in kind.split(";")
                     if p.strip().lower().startswith("boundary=")), "")  # fmt: skip
    return body.replace(boundary.encode(), b"") if boundary else body


class Idempotency(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return await call_next(request)
        path = request.url.path
        if not 1 <= len(key) <= 200 or not key.isprintable():
            return problem(400, "Idempotency-Key må ha 1–200 synlige tegn.", instance=path)
        body = await request.body()
        parts = [request.method.encode(), f"{path}?{request.url.query}".encode()]
        request_hash = hashlib.sha256(
            b"\0".join([*parts, _without_boundary(request, body)])
        ).hexdigest()
        db: Database = request.app.state.db
        caller = caller_key(request)
        now = request.app.state.clock.now()
        state = await run_in_threadpool(_begin, db, caller, key, request_hash, now)
        if state is _State.RUNNING:
            return problem(409, "En forespørsel med samme Idempotency-Key kjører fortsatt.",
                           instance=path)  # fmt: skip
        if state is _State.OTHER:
            return problem(422, "Idempotency-Key er allerede brukt på en annen forespørsel.",
                           instance=path)  # fmt: skip
        if isinstance(state, tuple):
            status, headers, text = state
            return Response(text, status_code=status,
                            headers={**headers, "Idempotent-Replayed": "true"})  # fmt: skip
        try:
            response = await call_next(request)
            chunks = [c if isinstance(c, bytes) else c.encode()
                      async for c in response.body_iterator]  # type: ignore[attr-defined]  # fmt: skip
        except BaseException:
            await run_in_threadpool(_end, db, caller, key, None)
            raise
        content = b"".join(chunks)
        kept = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
        keep = None if response.status_code >= 500 else (
            response.status_code, kept, content.decode("utf-8", "replace"))  # fmt: skip
        await run_in_threadpool(_end, db, caller, key, keep)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(content, status_code=response.status_code, headers=headers)
