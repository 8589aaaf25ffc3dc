"""``Idempotency-Key`` on POST: a client's retry never does the work twice.

The first request with a key (per caller: the credentials it carries) is noted before it runs
and its answer kept; a retry with the same key and the same request gets the kept answer again
(with ``Idempotent-Replayed: true``). The same key on another request is refused (422); a retry
while the first is still running gets 409. An answer of 5xx is not kept: the retry runs anew.
Keys are kept for :data:`KEPT`.

Nothing secret is kept: the request's hash leaves out the values of JSON fields that hold a
secret (a password, a token), and an answer marked ``Cache-Control: no-store`` (a new token,
shown once) is kept without its body: a retry is told the request was done (409)."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from enum import Enum
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from oppgjor.access.domain.roles import Principal
from oppgjor.api.deps import caller_key, principal_of
from oppgjor.api.problems import ApiError, problem
from oppgjor.app.errors import UseCaseError
from oppgjor.store import Database, StoreDuplicate

HEADER = "idempotency-key"
KEPT = datetime.timedelta(days=2)
_KEPT_HEADERS = ("content-type", "etag", "location")
_SECRET = re.compile(r"pass|secret|token", re.IGNORECASE)  # field names whose values stay out
_SECRET_ANSWER = "x-oppgjor-secret-answer"  # kept in place of an answer that held a secret


class _State(Enum):
    NEW = "new"
    RUNNING = "running"
    OTHER = "other"


_swept: dict[str, datetime.datetime] = {}  # when this process last removed old keys


def _begin(db: Database, caller: str, key: str, request_hash: str,
           now: datetime.datetime) -> _State | tuple[int, dict[str, str], str]:  # fmt: skip
    try:
        with db.transaction() as repos:
            seen = repos.idempotency.get(caller, key)
            if seen is None:
                last = _swept.get(db.url)
                if last is None or now - last > datetime.timedelta(minutes=10) or now < last:
                    repos.idempotency.forget_before(now - KEPT)
                    _swept[db.url] = now
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


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "" if _SECRET.search(str(k)) else _without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def _hashed(request: Request, body: bytes) -> bytes:
    """What of the body identifies the request: no multipart boundary, no secret's value."""
    body = _without_boundary(request, body)
    if "json" not in request.headers.get("content-type", "").lower():
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return json.dumps(_without_secrets(data), sort_keys=True).encode()


def _principal(request: Request) -> Principal | None:
    try:
        return principal_of(request)
    except (ApiError, UseCaseError):
        return None


class Idempotency(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return await call_next(request)
        path = request.url.path
        if not 1 <= len(key) <= 200 or not key.isprintable():
            return problem(400, "Idempotency-Key må ha 1–200 synlige tegn.", instance=path)
        # who asks is known before anything is read, kept or replayed; a caller without valid
        # credentials gets the route's own answer (401), and nothing is kept
        principal = await run_in_threadpool(_principal, request)
        if principal is None:
            return await call_next(request)
        body = await request.body()
        parts = [request.method.encode(), f"{path}?{request.url.query}".encode()]
        request_hash = hashlib.sha256(b"\0".join([*parts, _hashed(request, body)])).hexdigest()
        db: Database = request.app.state.db
        caller = caller_key(principal)
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
            if headers.get(_SECRET_ANSWER):
                return problem(409, "Forespørselen med denne Idempotency-Key er allerede utført, "
                               "og svaret viste en hemmelighet som bare vises én gang. Hent "
                               "oversikten, eller lag en ny.", instance=path)  # fmt: skip
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
        text = content.decode("utf-8", "replace")
        kind = response.headers.get("content-type", "")
        # a file (the portal's BKM, a CSV) or an answer marked no-store (a new token, a revealed
        # national id) is not kept: a retry is told it was done
        if "no-store" in response.headers.get("cache-control", "") or "json" not in kind:
            kept, text = {**kept, _SECRET_ANSWER: "1"}, ""
        keep = None if response.status_code >= 500 else (response.status_code, kept, text)
        await run_in_threadpool(_end, db, caller, key, keep)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(content, status_code=response.status_code, headers=headers)
