"""Who is calling and whether they may: every route names the permission it needs.

``ctx: Ctx = needs(Permission.X)`` in a route's parameters authenticates the caller (a bearer
token, or the web session's cookie), refuses one who may not (401 without valid credentials,
403 without the permission) and hands the route the database, the caller and the time of the
action. The authorisation matrix test reads these from the routes: a route without one fails.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from oppgjor.access.domain.roles import Permission, Principal
from oppgjor.api.problems import ApiError
from oppgjor.app import access
from oppgjor.core.clock import Clock
from oppgjor.store import Database

SESSION_COOKIE = "oppgjor_session"

_bearer = HTTPBearer(
    auto_error=False, scheme_name="token",
    description="Token fra «oppgjor token create» (Authorization: Bearer opg_…).",
)  # fmt: skip
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, scheme_name="session",
    description="Økten fra innloggingen (POST /api/v1/session).",
)  # fmt: skip


@dataclass(frozen=True)
class Ctx:
    """What a route works with: the database, the caller and the time of the action."""

    db: Database
    principal: Principal
    now: datetime.datetime

    @property
    def actor(self) -> str:
        return self.principal.actor


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def clock(request: Request) -> Clock:
    c: Clock = request.app.state.clock
    return c


def caller_key(request: Request) -> str:
    """A stable name for the credentials a request carries (for idempotency keys): a hash."""
    auth = request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE) or "-"
    return hashlib.sha256(auth.encode()).hexdigest()[:32]


def authenticate(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: str | None = Depends(_cookie),
) -> Principal:
    db, now = database(request), clock(request).now()
    if bearer is not None:
        return access.from_token(db, bearer.credentials, now)
    if request.headers.get("authorization"):
        raise ApiError(401, "Bruk «Authorization: Bearer <token>».",
                       headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    if session:
        return access.from_session(db, session, now)
    raise ApiError(401, "Logg inn, eller send et token (Authorization: Bearer …).",
                   headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


class Needs:
    """A route's rule: the caller must hold *permission* (None: any caller who is logged in)."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    def __call__(self, request: Request, principal: Principal = Depends(authenticate)) -> Ctx:
        if self.permission is not None and not principal.may(self.permission):
            raise ApiError(403, f"Du har ikke tilgang til dette ({self.permission.value}).")
        return Ctx(database(request), principal, clock(request).now())

    def __repr__(self) -> str:
        return f"Needs({self.permission.value if self.permission else 'any'})"


def needs(permission: Permission | None) -> Any:
    """``ctx: Ctx = needs(Permission.X)``: the route's rule, and its context."""
    return Depends(Needs(permission))


# -- optimistic locking over HTTP --------------------------------------------------------


def etag(version: int | str) -> str:
    """The ETag of a version (a settlement's number, or a record's content hash)."""
    return f'"{version}"'


def if_match(request: Request) -> str | None:
    """The version the caller saw (``If-Match``), without quotes; None if not sent."""
    value = request.headers.get("if-match")
    if value is None or value.strip() == "*":
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


def expected_version(request: Request) -> int | None:
    """``If-Match`` as a settlement version; 412 if it is not one."""
    seen = if_match(request)
    if seen is None:
        return None
    if not seen.isdigit() or len(seen) > 9:
        raise ApiError(412, 'If-Match må være en ETag dette API-et har gitt (f.eks. "3").')
    return int(seen)
