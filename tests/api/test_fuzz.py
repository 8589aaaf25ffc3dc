"""Property-based fuzzing of every operation in the OpenAPI document (schemathesis): whatever
the values, the API never answers 5xx, and what it answers is what the document says (status
codes, content types, bodies matching their schema).

It runs on a SQLite database holding the small synthetic clinic (``tests.clinic_world``), as
an administrator (scopes read, write, settlement and admin) with a new token for every case,
so a case that revokes a token or logs out does not lock out the ones after it. The examples
are few per operation and derandomised (the same ones on every run, in CI too). Every
operation of the app is fuzzed, whatever area adds it; none is left out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oppgjor.access.domain.roles import Role
from oppgjor.api.app import create_app
from oppgjor.app import access
from oppgjor.core.clock import FixedClock
from oppgjor.store import Database
from tests.api.conftest import NOW, SCOPES
from tests.clinic_world import WORLD, load_world

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance,
    response_schema_conformance,
]  # fmt: skip


# The schema is read from the app when the module is loaded (schemathesis's lazy loader does
# not run on this pytest); the app gets its database in the fixture, before the first case.
APP = create_app(Database("sqlite://", migrate=False), clock=FixedClock(NOW))
# The fuzzing phase only (positive and negative cases, max_examples each): the coverage
# phase's boundary cases are some seventy requests per operation, too slow for every run.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(APP.openapi(), config=CONFIG)
schema.app = APP


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("fuzz")
    patch = pytest.MonkeyPatch()
    patch.setenv("OPPGJOR_WORK_DIR", str(folder / "work"))  # ISF runs' files
    db = Database(f"sqlite:///{folder}/db.sqlite")
    load_world(db, WORLD, NOW)
    access.create_user(db, "administrator", role=Role.ADMINISTRATOR, password=None,
                       actor="fuzz", now=NOW)  # fmt: skip
    access.create_client(db, "IF", "IF Forsikring", actor="fuzz", now=NOW)
    APP.state.db = db
    yield db
    patch.undo()
    db.dispose()


def _fresh_token(db: Database) -> str:
    made = access.create_token(
        db, "fuzz", username="administrator", scopes=SCOPES["administrator"], actor="fuzz",
        now=NOW,
    )  # fmt: skip
    return made.value


@schema.parametrize()
@settings(
    max_examples=10, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_every_operation_answers_as_documented(case: schemathesis.Case, fuzzed: Database) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {_fresh_token(fuzzed)}"}, checks=CHECKS
    )
