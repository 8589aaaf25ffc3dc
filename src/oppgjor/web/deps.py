"""Who is looking at a page and whether they may: every page and form names its permission.

``ctx: Page = page(Permission.X)`` in a route's parameters reads the session cookie (the same
session the API's ``POST /api/v1/session`` makes), sends a visitor who is not logged in to the
login page, answers 403 to one without the permission, and refuses a write whose ``Origin`` or
``Sec-Fetch-Site`` names another site (the cookie is also SameSite=Strict). The web's route
table test reads these rules from the routes: a route without one fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from oppgjor.access.domain.roles import Permission, Principal
from oppgjor.api.deps import SAFE_METHODS, SESSION_COOKIE, Ctx, clock, database, same_origin
from oppgjor.app import signin
from oppgjor.app.access import Unauthenticated


class LoginNeeded(Exception):
    """No valid session: the visitor is sent to the login page, and back here afterwards."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


class NotAllowed(Exception):
    """The user is logged in but may not do this (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Page(Ctx):
    """What a page works with: the API's context (database, user, time of the action) and
    the request."""

    request: Request

    def may(self, permission: Permission) -> bool:
        return self.principal.may(permission)


def back_to(request: Request) -> str:
    """Where to return after logging in: this page (a GET), or the page the form was on."""
    if request.method in SAFE_METHODS and not request.headers.get("hx-request"):
        path = request.url.path
        return path + (f"?{request.url.query}" if request.url.query else "")
    current = request.headers.get("hx-current-url", "")
    host = request.headers.get("host", "")
    for scheme in ("http://", "https://"):
        if current.startswith(scheme + host + "/"):
            return current[len(scheme + host) :]
    return "/"


def login_url(target: str) -> str:
    return "/logg-inn" if target in ("", "/") else f"/logg-inn?neste={quote(target, safe='/')}"


def safe_target(target: str | None) -> str:
    """A place on this site to go back to (never another site, however it is written: a
    browser drops tabs and newlines from a link, and reads ``\\`` as ``/``).

    >>> [safe_target(t) for t in ("/oppgjor/3", "//evil.example", "/\t/evil.example", "https://x")]
    ['/oppgjor/3', '/', '/', '/']
    """
    if not target or any(ord(c) < 0x21 or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return "/"
    return target


def principal_of(request: Request) -> Principal:
    """The session's user; LoginNeeded without a valid session, NotAllowed for a write
    that does not come from oppgjor's own pages."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        raise LoginNeeded(back_to(request))
    if request.method not in SAFE_METHODS and not same_origin(request):
        raise NotAllowed("Endringer må gjøres fra oppgjors egne sider.")
    try:
        return signin.from_session(database(request), value, clock(request).now())
    except Unauthenticated:
        raise LoginNeeded(back_to(request)) from None


class Needs:
    """A page's rule: the user must hold *permission* (None: any user who is logged in)."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    def __call__(self, request: Request) -> Page:
        principal = principal_of(request)
        if self.permission is not None and not principal.may(self.permission):
            raise NotAllowed("Rollen din gir ikke tilgang til dette.")
        return Page(database(request), principal, clock(request).now(), request)

    def __repr__(self) -> str:
        return f"Needs({self.permission.value if self.permission else 'any'})"


def page(permission: Permission | None) -> Any:
    """``ctx: Page = page(Permission.X)``: the route's rule, and its context."""
    return Depends(Needs(permission))
