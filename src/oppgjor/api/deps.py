"""Who is calling and whether they may: every route names the permission it needs.

``ctx: Ctx = needs(Permission.X)`` in a route's parameters authenticates the caller (a bearer
token, or the web session's cookie), refuses one who may not (401 without valid credentials,
403 without the permission) and hands the route the database, the caller and the time of the
action. The authorisation matrix test reads these from the routes: a route without one fails.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from oppgjor.access.domain.roles import Permission, Principal
from oppgjor.api.problems import ApiError
from oppgjor.app import signin
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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def caller_key(principal: Principal) -> str:
    """Whose idempotency keys these are: the user's or the booking client's (not the token's,
    so a retry with a new token of the same user is the same caller)."""
    if principal.user_id is not None:
        return f"user:{principal.user_id}"
    return f"client:{principal.client_id}"


def same_origin(request: Request) -> bool:
    """A browser's write with the session cookie must come from the API's own pages: the
    cookie is SameSite=Strict, and ``Origin`` / ``Sec-Fetch-Site`` (which browsers send and
    pages cannot forge) must not name another site (a sibling subdomain included)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin.split("://", 1)[-1].rstrip("/") == request.headers.get("host", "")


def principal_of(request: Request) -> Principal:
    """Who sends *request*: the bearer token's owner, or the session's user; ApiError (401)
    without valid credentials, (403) for a cross-site write with the session cookie."""
    db, now = database(request), clock(request).now()
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "Bruk «Authorization: Bearer <token>».",
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        return signin.from_token(db, value.strip(), now)
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        if request.method not in SAFE_METHODS and not same_origin(request):
            raise ApiError(403, "Endringer med innloggingsøkten må komme fra oppgjors egne sider.")
        return signin.from_session(db, session, now)
    raise ApiError(401, "Logg inn, eller send et token (Authorization: Bearer …).",
                   headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def authenticate(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: str | None = Depends(_cookie),
) -> Principal:
    """The dependency (its two security schemes document the API's ways in)."""
    return principal_of(request)


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
