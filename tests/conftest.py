"""Shared fixtures: a migrated database on SQLite and, when OPPGJOR_TEST_POSTGRES_URL is set,
on PostgreSQL (each test in a schema of its own); its url for tests that run the CLI on it.

Every test's output is also checked for national ids (:mod:`leak_guard`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

import leak_guard
from oppgjor.store import Database, resolve_url

PG_ENV = "OPPGJOR_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(leak_guard.NAME):
        config.pluginmanager.register(leak_guard.LeakGuard(config), leak_guard.NAME)


def _sqlite(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    yield db
    db.dispose()


@contextmanager
def _postgres_schema() -> Iterator[tuple[str, str]]:
    """A new schema on the test server: (SQLAlchemy url, schema name); dropped afterwards."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to test against on this machine")
    url = resolve_url(url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _postgres() -> Iterator[Database]:
    with _postgres_schema() as (url, schema):
        db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield from _sqlite(tmp_path)
    else:
        yield from _postgres()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    yield from _sqlite(tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The url of an empty database, for a command line (or another process) to open: a
    SQLite file, or a PostgreSQL schema of its own (named in the url's options)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    with _postgres_schema() as (url, schema):
        yield f"{url}?options=-csearch_path%3D{schema}"
