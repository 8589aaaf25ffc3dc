"""Every endpoint × every caller → allowed or refused, as the tables in ``tests/api/matrix``
say. A caller who is refused gets 401 (no token, an expired or a revoked one) or 403 (a valid
token without the right); one who is allowed gets anything else (a 404 or 422 for the made-up
ids and empty bodies used here means the rule let the request through).

Run on SQLite: the rules do not depend on the database."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest

from oppgjor.app import access
from oppgjor.core.clock import FixedClock
from oppgjor.store import Database
from tests.api import matrix
from tests.api.conftest import NOW, World
from tests.clinic_world import WORLD, load_world

CALLERS = ("administrator", "settlement-office", "practitioner", "read-only", "IF", "TRYG")
REFUSED_ALWAYS = ("nobody", "expired", "revoked")


def _tables() -> dict[tuple[str, str], frozenset[str]]:
    allowed: dict[tuple[str, str], frozenset[str]] = {}
    for info in pkgutil.iter_modules(matrix.__path__):
        module = importlib.import_module(f"{matrix.__name__}.{info.name}")
        for key, who in module.ALLOWED.items():
            assert key not in allowed, f"{key} is in two matrix tables"
            allowed[key] = who
    return allowed


ALLOWED = _tables()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('matrix')}/db.sqlite")
    w = World(db, FixedClock(NOW))
    load_world(db, WORLD, NOW)
    for role in ("administrator", "settlement-office", "read-only"):
        w.user(role, username=role.replace("-", ""))
    w.user("practitioner", username="practitioner", practitioner="B1")
    w.booking_client("IF")
    w.booking_client("TRYG")
    w.tokens["administrator"] = w.tokens.pop("administrator")
    w.tokens["settlement-office"] = w.tokens.pop("settlementoffice")
    w.tokens["read-only"] = w.tokens.pop("readonly")
    old = access.create_token(db, "utløpt", username="administrator", scopes=["read", "admin"],
                              lifetime=datetime.timedelta(minutes=1), actor="t",
                              now=NOW - datetime.timedelta(hours=1))  # fmt: skip
    w.tokens["expired"] = old.value
    gone = access.create_token(db, "trukket", username="administrator", scopes=["read", "admin"],
                               actor="t", now=NOW)  # fmt: skip
    access.revoke_token(db, gone.id, actor="t", now=NOW)
    w.tokens["revoked"] = gone.value
    with w.client:
        yield w
    db.dispose()


def _operations(world: World) -> dict[tuple[str, str], dict[str, object]]:
    """Every operation of the API, as its OpenAPI document (the public contract) lists it."""
    doc = world.client.get("/api/v1/openapi.json").json()
    return {
        (method.upper(), path): op
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
    }


def test_every_endpoint_has_a_row_and_every_row_an_endpoint(world: World) -> None:
    routes = set(_operations(world))
    assert routes - ALLOWED.keys() == set(), "endpoints without a row in tests/api/matrix"
    assert ALLOWED.keys() - routes == set(), "rows for endpoints that do not exist"


def test_every_endpoint_but_the_public_ones_asks_for_credentials(world: World) -> None:
    for key, op in _operations(world).items():
        public = ALLOWED.get(key) == matrix.PUBLIC
        assert bool(op.get("security")) != public, key


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


def _request(world: World, who: str, method: str, path: str) -> int:
    headers = {} if who == "nobody" else {"Authorization": f"Bearer {world.tokens[who]}"}
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    world.client.cookies.clear()
    return world.client.request(method, _url(path), headers=headers, **body).status_code


@pytest.mark.parametrize("case", sorted(ALLOWED), ids=lambda c: f"{c[0]} {c[1]}")
def test_the_matrix(world: World, case: tuple[str, str]) -> None:
    method, path = case
    allowed = ALLOWED[case]
    if allowed == matrix.PUBLIC:
        assert _request(world, "nobody", method, path) not in (401, 403)
        return
    answers = {}
    for who in (*CALLERS, *REFUSED_ALWAYS):
        answers[who] = _request(world, who, method, path)
    expected = {
        who: ("allowed" if who in allowed else 403 if who in CALLERS else 401) for who in answers
    }
    seen = {who: ("allowed" if code not in (401, 403) else code) for who, code in answers.items()}
    assert seen == expected
