"""Concurrency says what happened (issue 11 §6): the same action from several processes at
once; exactly one wins, the others exit 5 "endret av noen andre", nothing is done twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from soak import races
from soak.figures import Figures
from soak.world import Settlements, World

from oppgjor.store import Database

SMALL = ["submit", "send", "correct", "pay", "credit"]  # five races on each database
CONTENDERS = 3


@pytest.fixture
def sqlite_ready(world: World) -> Iterator[tuple[World, Database, Settlements]]:
    db = world.open()
    yield world, db, Settlements(db)
    db.dispose()


@pytest.fixture(scope="module")
def pg_ready(pg_world: World) -> Iterator[tuple[World, Database, Settlements]]:
    db = pg_world.open()
    yield pg_world, db, Settlements(db)
    db.dispose()


def _race(ready: tuple[World, Database, Settlements], name: str) -> dict[str, str]:
    """What went wrong in one race: failure kind -> its first example (empty: nothing)."""
    world, db, settlements = ready
    trial = Figures().trial(name)
    races.run_race(world, db, settlements, races.BY_NAME[name], CONTENDERS, trial)
    assert trial.runs == 1
    return {kind: trial.examples.get(kind, "") for kind in trial.failures}


@pytest.mark.parametrize("name", SMALL)
def test_one_wins_and_the_others_are_told_on_sqlite(sqlite_ready, name):  # type: ignore[no-untyped-def]
    assert _race(sqlite_ready, name) == {}


@pytest.mark.parametrize("name", SMALL)
def test_one_wins_and_the_others_are_told_on_postgresql(pg_ready, name):  # type: ignore[no-untyped-def]
    assert _race(pg_ready, name) == {}


def test_two_inbox_readers_apply_each_receipt_once(pg_ready):  # type: ignore[no-untyped-def]
    # on PostgreSQL the harness holds the receipts' table while both readers list the inbox,
    # so the overlap is certain (on SQLite it is likely: make soak counts it there)
    assert _race(pg_ready, "inbox") == {}
