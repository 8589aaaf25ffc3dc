"""The API over HTTP (FastAPI's TestClient), on SQLite and PostgreSQL (the ``db`` fixture).

``api`` is a :class:`World`: a client, and a bearer token for each role and for two booking
clients, so a test asks ``api.as_("settlement-office").post(...)``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from oppgjor.access.domain.roles import Role
from oppgjor.api.app import create_app
from oppgjor.app import access
from oppgjor.core.clock import FixedClock
from oppgjor.store import Database

NOW = datetime.datetime(2026, 3, 2, 10, 0)
PASSWORD = "et-langt-passord-1"
PRINCIPALS = ("administrator", "settlement-office", "practitioner", "read-only", "IF", "TRYG")
SCOPES = {
    "administrator": ["read", "write", "settlement", "admin"],
    "settlement-office": ["read", "write", "settlement"],
    "practitioner": ["read", "write"],
    "read-only": ["read"],
}


class World:
    def __init__(self, db: Database, clock: FixedClock) -> None:
        self.db = db
        self.clock = clock
        self.app = create_app(db, clock=clock)
        self.client = TestClient(self.app, raise_server_exceptions=False)
        self.tokens: dict[str, str] = {}

    def user(self, role: str, username: str | None = None, practitioner: str | None = None,
             password: str | None = None) -> str:  # fmt: skip
        """A user of *role* with a token of the scopes the role can use; returns the token.
        Without *password* the user cannot log in (and no Argon2 hash is spent on it)."""
        name = username or role.replace("-", "")
        access.create_user(
            self.db, name, role=Role(role), password=password, practitioner_ref=practitioner,
            actor="test", now=self.clock.now(),
        )  # fmt: skip
        made = access.create_token(
            self.db, f"test {name}", username=name, scopes=SCOPES[role], actor="test",
            now=self.clock.now(),
        )  # fmt: skip
        self.tokens[name] = made.value
        return made.value

    def booking_client(self, ref: str) -> str:
        access.create_client(self.db, ref, f"{ref} Forsikring", actor="test", now=self.clock.now())
        made = access.create_token(
            self.db, f"booking {ref}", client_ref=ref, scopes=["booking"], actor="test",
            now=self.clock.now(),
        )  # fmt: skip
        self.tokens[ref] = made.value
        return made.value

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def as_(self, who: str) -> Caller:
        return Caller(self.client, self.headers(who))


class Caller:
    """The client with one caller's token on every request."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.auth = headers

    def request(self, method: str, url: str, **kwargs):  # type: ignore[no-untyped-def]
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.request("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def api(db: Database) -> Iterator[World]:
    """The API on an empty database (SQLite and PostgreSQL), with a token-holding user of each
    role but the practitioner (who needs a practitioner record: ``api.user("practitioner",
    practitioner="B1")`` once one exists); the read-only user can also log in (PASSWORD)."""
    world = World(db, FixedClock(NOW))
    world.user("administrator")
    world.user("settlement-office")
    world.user("read-only", password=PASSWORD)
    world.booking_client("IF")
    world.booking_client("TRYG")
    with world.client:
        yield world
