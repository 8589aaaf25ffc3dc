"""The application: ``create_app(db)`` builds the API on one database.

Each router is one area of the API (``oppgjor.api.<area>``) and is listed in :data:`ROUTERS`;
every route names the permission it needs (:func:`oppgjor.api.deps.needs`)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from oppgjor import __version__
from oppgjor.api import (
    admin,
    appointments,
    booking,
    claims,
    document,
    helfo,
    isf,
    practice,
    problems,
    records,
    schedule,
    session,
    settlements,
    settlements_after,
    tariffs,
)
from oppgjor.api.idempotency import Idempotency
from oppgjor.api.limits import Limits
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.store import Database

PREFIX = "/api/v1"

DESCRIPTION = """\
oppgjor sitt API: Helfo-oppgjør (BKM), klinikkens registre og planlegger, ISF-kjøringer og
timebestilling for forsikringsselskaper.

* **Innlogging**: et token (`Authorization: Bearer opg_…`, lages med `oppgjor token create`)
  eller økten fra `POST /api/v1/session`.
* **Feil** er `application/problem+json` (RFC 9457) med funnene (kode, alvorlighet, sted, melding).
* **Optimistisk låsing**: svar har `ETag`; send den i `If-Match` når du endrer. Er posten endret
  av noen andre i mellomtiden, blir svaret 412.
* **Idempotens**: en POST som lager noe, kan sende `Idempotency-Key`; et nytt forsøk med samme
  nøkkel gir samme svar og lager ikke noe to ganger.
* Fødselsnumre vises maskert.
"""

ROUTERS: list[APIRouter] = [session.router, admin.router]
ROUTERS += [records.router, tariffs.router, appointments.router, practice.router]
ROUTERS += [settlements.router, settlements_after.router, claims.router, helfo.router]
ROUTERS += [schedule.router, booking.router]
ROUTERS += [isf.router]


def create_app(db: Database | None = None, *, clock: Clock = SYSTEM_CLOCK) -> FastAPI:
    """The API on *db* (the configured database when None), reading time from *clock*."""
    app = FastAPI(
        title="oppgjor API", version=__version__, description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs", redoc_url=None,
    )  # fmt: skip
    app.state.db = db if db is not None else Database()
    app.state.clock = clock
    problems.install(app)
    document.install(app)
    app.add_middleware(Idempotency)
    app.add_middleware(Limits)  # added last: it runs first, before anything is read
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    return app
