"""The small versions of the reliability suite (``soak/``; ``make soak`` runs the big ones):
a seeded demo clinic made once per session and copied for each test; PostgreSQL in a schema
of its own when OPPGJOR_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from soak.world import World, copied_world, postgres_url, postgres_world, seed, sqlite_world


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("soak-template")
    with sqlite_world(folder) as world:
        seed(world)
    return folder


@pytest.fixture
def world(template: Path, tmp_path: Path) -> Iterator[World]:
    with copied_world(template, tmp_path / "world") as copy:
        yield copy


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not postgres_url():
        pytest.skip("OPPGJOR_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    with postgres_world(tmp_path_factory.mktemp("soak-pg")) as world:
        seed(world)
        yield world
