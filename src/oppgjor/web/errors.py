"""Errors as pages: in Norwegian, with the findings, never a stack trace.

A full page request gets an error page with the status; an htmx request gets the message as a
fragment that htmx puts in the page's message area (``HX-Retarget: #meldinger``), so the page
the user was working on stays as it was. A visitor who is not logged in goes to the login page.
Addresses under ``/api/`` keep the API's problem JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from oppgjor.api.deps import SESSION_COOKIE, clock, database
from oppgjor.api.problems import TITLES, problem, use_case_problem
from oppgjor.app import signin
from oppgjor.app.errors import Rejected, UseCaseError
from oppgjor.core.findings import Finding
from oppgjor.core.redact import redact
from oppgjor.store import StoreBusy, StoreDuplicate, StoreError
from oppgjor.web.deps import LoginNeeded, NotAllowed, Page, login_url
from oppgjor.web.render import felt, is_htmx, render

log = logging.getLogger("oppgjor.web")


def error_page(request: Request, status: int, message: str,
               findings: list[Finding] | None = None) -> Response:  # fmt: skip
    """The error as a page, or as a fragment for the message area of the page it came from."""
    data: dict[str, Any] = {"title": TITLES.get(status, "Feil"), "detail": redact(message),
            "findings": findings or []}  # fmt: skip
    if is_htmx(request):
        headers = {"HX-Retarget": "#meldinger", "HX-Reswap": "innerHTML"}
        return render(request, "_error.html", status=status, headers=headers, **data)
    return render(_page_of(request), "error.html", status=status, **data)


def _page_of(request: Request) -> Page | Request:
    """The logged-in user's page context, so an error page keeps the menu; the bare request
    for a visitor (or when the session cannot be read)."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return request
    try:
        principal = signin.from_session(database(request), value, clock(request).now())
    except Exception:  # the error page must not fail on its own
        return request
    return Page(database(request), principal, clock(request).now(), request)


def _status_of(exc: UseCaseError) -> int:
    return use_case_problem(exc).status_code


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, exc: LoginNeeded) -> Response:
        target = login_url(exc.back_to)
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(NotAllowed)
    async def _forbidden(request: Request, exc: NotAllowed) -> Response:
        return error_page(request, 403, exc.message)

    @app.exception_handler(UseCaseError)
    async def _use_case(request: Request, exc: UseCaseError) -> Response:
        findings = list(exc.findings) if isinstance(exc, Rejected) else []
        return error_page(request, _status_of(exc), str(exc), findings)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [e for e in exc.errors() if e.get("loc")]
        if errors and all(e["loc"][0] == "path" for e in errors):  # /oppgjor/abc
            return error_page(request, 404, "Siden finnes ikke. Sjekk adressen.")
        fields = sorted({felt(str(e["loc"][-1])) for e in errors})
        where = ", ".join(f"«{f}»" for f in fields) or "skjemaet"
        return error_page(request, 422, f"Sjekk {where}: verdien mangler eller kan ikke brukes. "
                                        "Ingenting ble lagret.")  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return problem(exc.status_code, "Ingen slik adresse i API-et.",
                           instance=request.url.path)  # fmt: skip
        texts = {404: "Siden finnes ikke. Sjekk adressen, eller gå til oversikten.",
                 405: "Denne adressen tar ikke imot slike forespørsler."}  # fmt: skip
        return error_page(request, exc.status_code, texts.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        if isinstance(exc, StoreBusy):
            return error_page(request, 503, "Databasen er opptatt akkurat nå; prøv igjen.")
        if isinstance(exc, StoreDuplicate):
            return error_page(request, 409, "Noen andre lagret det samme samtidig; last siden "
                                            "på nytt.")  # fmt: skip
        return error_page(request, 409, str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("uventet feil i %s %s: %s", request.method, request.url.path,
                  redact(f"{type(exc).__name__}: {exc}"))  # fmt: skip
        return error_page(request, 500, "En uventet feil oppstod; den er logget, og handlingen "
                                        "ble ikke fullført.")  # fmt: skip
