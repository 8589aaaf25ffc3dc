"""The whole site: the API under ``/api/v1`` and the web pages on every other address, on
one database and one clock (what ``oppgjor serve`` runs)."""

from __future__ import annotations

from fastapi import FastAPI

from oppgjor.api.app import create_app
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.store import Database
from oppgjor.web.app import create_web


def create_site(db: Database | None = None, *, clock: Clock = SYSTEM_CLOCK) -> FastAPI:
    site = create_app(db, clock=clock)
    web = create_web(site.state.db, clock=clock)
    web.state.api = site  # background jobs started from a page run on the API's one runner
    site.mount("/", web)
    return site
