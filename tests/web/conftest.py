"""The web pages over HTTP (FastAPI's TestClient) on the whole site (API and pages).

``site`` is a :class:`Site` on an empty SQLite database: ``site.as_("settlement-office")`` is a
client logged in (through the login form) as a user of that role. Pages are translation only;
the use cases behind them are tested on SQLite and PostgreSQL elsewhere."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from oppgjor.access.domain.roles import Role
from oppgjor.app import access
from oppgjor.core.clock import FixedClock
from oppgjor.store import Database
from oppgjor.web.site import create_site

NOW = datetime.datetime(2026, 3, 2, 10, 0)
PASSWORD = "et-langt-passord-1"


class Site:
    def __init__(self, db: Database, clock: FixedClock) -> None:
        self.db = db
        self.clock = clock
        self.app = create_site(db, clock=clock)
        self.clients: list[TestClient] = []

    def client(self) -> TestClient:
        """A new browser, not logged in (redirects are not followed: tests look at them)."""
        made = TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)
        self.clients.append(made)
        return made

    def user(self, role: str, username: str | None = None,
             practitioner: str | None = None) -> str:  # fmt: skip
        name = username or role.replace("-", "")
        access.create_user(self.db, name, role=Role(role), password=PASSWORD,
                           practitioner_ref=practitioner, actor="test",
                           now=self.clock.now())  # fmt: skip
        return name

    def login(self, username: str) -> TestClient:
        browser = self.client()
        answer = browser.post("/logg-inn", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        return browser

    def as_(self, role: str, practitioner: str | None = None) -> TestClient:
        """A client logged in as a new user of *role*."""
        name = f"{role.replace('-', '')}{len(self.clients)}"
        return self.login(self.user(role, name, practitioner))


def opened(db: Database) -> Iterator[Site]:
    world = Site(db, FixedClock(NOW))
    yield world
    for client in world.clients:
        client.close()


@pytest.fixture
def site(sqlite_db: Database) -> Iterator[Site]:
    yield from opened(sqlite_db)


def htmx(**extra: str) -> dict[str, str]:
    """The headers htmx sends with its requests."""
    return {"HX-Request": "true", **extra}
