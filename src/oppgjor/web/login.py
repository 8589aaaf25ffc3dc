"""Innlogging: the login form, logging in (the same session as the API's) and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from oppgjor.api.deps import SESSION_COOKIE, clock, database, same_origin
from oppgjor.app import signin
from oppgjor.app.access import Unauthenticated
from oppgjor.web.deps import NotAllowed, safe_target
from oppgjor.web.render import redirect, render

router = APIRouter()

# the login form is the one page without a rule: anyone may see it
OPEN = frozenset({("GET", "/logg-inn"), ("POST", "/logg-inn"), ("POST", "/logg-ut")})


@router.get("/logg-inn")
def login_form(request: Request, neste: str | None = None) -> Response:
    return render(request, "login.html", target=safe_target(neste), username="")


@router.post("/logg-inn")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    neste: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not same_origin(request):
        raise NotAllowed("Innloggingen må komme fra oppgjors egen side.")
    target = safe_target(neste)
    if not username.strip() or not password:
        return render(request, "login.html", status=422, target=target, username=username,
                      error="Skriv inn både brukernavn og passord.")  # fmt: skip
    remote = request.client.host if request.client else "-"
    try:
        secret, _ = signin.login(database(request), username, password, remote=remote,
                                 now=clock(request).now())  # fmt: skip
    except signin.Throttled as exc:
        return render(request, "login.html", status=429, target=target, username=username,
                      error=str(exc), headers={"Retry-After": str(exc.retry_after)})  # fmt: skip
    except Unauthenticated as exc:
        return render(request, "login.html", status=401, target=target, username=username,
                      error=str(exc))  # fmt: skip
    response = redirect(request, target)
    response.set_cookie(
        SESSION_COOKIE, secret.value, max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/",
    )  # fmt: skip
    return response


@router.post("/logg-ut")
def logout(request: Request) -> Response:
    if not same_origin(request):
        raise NotAllowed("Utloggingen må komme fra oppgjors egen side.")
    value = request.cookies.get(SESSION_COOKIE)
    if value:
        signin.logout(database(request), value, clock(request).now())
    response = redirect(request, "/logg-inn", "Du er logget ut.")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
