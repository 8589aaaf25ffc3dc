"""The web pages: ``create_web(db)`` builds them as their own application (HTML errors, no
OpenAPI), mounted under the API by :func:`oppgjor.web.site.create_site`.

Each router is one area of the pages (``oppgjor.web.<area>``), listed in :data:`PAGES`; every
route names the permission it needs (:func:`oppgjor.web.deps.page`), except the login form."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.store import Database
from oppgjor.web import errors, isf, login, overview, planner, planner_appointment, registers
from oppgjor.web.render import HERE
from oppgjor.web.settings import router as settings_pages
from oppgjor.web.settings_access import router as access_pages
from oppgjor.web.settlement_payout import router as payout_pages
from oppgjor.web.settlement_status import router as status_pages
from oppgjor.web.settlements import router as settlement_pages

PAGES: list[APIRouter] = [login.router, overview.router]
PAGES += [registers.router]  # Registre
PAGES += [settlement_pages]  # Oppgjør: the tabs, a new draft, a draft
PAGES += [status_pages, payout_pages]  # Oppgjør after Send inn
PAGES += [planner.router, planner_appointment.router]
PAGES += [isf.router]
PAGES += [settings_pages, access_pages]  # Innstillinger

# pages run only their own files: no inline script or style, no other site, never in a frame
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_web(db: Database, *, clock: Clock = SYSTEM_CLOCK) -> FastAPI:
    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    web.state.db = db
    web.state.clock = clock
    errors.install(web)

    @web.middleware("http")
    async def _headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    web.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in PAGES:
        web.include_router(router)
    return web
