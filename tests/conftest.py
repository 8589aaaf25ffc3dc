"""Shared fixtures: a migrated database on SQLite and, when OPPGJOR_TEST_POSTGRES_URL is set,
on PostgreSQL (each test in a database of its own); its url for tests that run the CLI on it.

Migrating takes seconds, so it is done once per test session (per xdist worker): into a SQLite
file that each test gets a copy of, and into a PostgreSQL template database that each test's
database is created from (``CREATE DATABASE ... TEMPLATE``). The schema is the migrations',
exactly; tests of the migrations themselves open databases of their own.

Every test's output is also checked for national ids (:mod:`leak_guard`)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

import leak_guard
from oppgjor.store import Database, resolve_url

PG_ENV = "OPPGJOR_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(leak_guard.NAME):
        config.pluginmanager.register(leak_guard.LeakGuard(config), leak_guard.NAME)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, closed (so checkpointed: no -wal file)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    Database(f"sqlite:///{path}").dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def _sqlite_copy(template: Path, target: Path) -> str:
    shutil.copy(template, target)  # keeps the template's mode (0600)
    return f"sqlite:///{target}"


def _opened(url: str) -> Iterator[Database]:
    db = Database(url)  # finds the copy at the newest revision: nothing to migrate
    try:
        yield db
    finally:
        db.dispose()


def _database_url(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class _PostgresTemplates:
    """Databases on the test server made from one migrated template; dropped afterwards."""

    def __init__(self, url: str) -> None:
        self.url = resolve_url(url)
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.template = f"tmpl_{uuid.uuid4().hex[:12]}"
        self._execute(f"CREATE DATABASE {self.template}")
        Database(_database_url(self.url, self.template)).dispose()  # no connection left open

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new database, migrated: its SQLAlchemy url."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        try:
            yield _database_url(self.url, name)
        finally:
            self._execute(f"DROP DATABASE {name} WITH (FORCE)")

    def close(self) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.admin.dispose()


@pytest.fixture(scope="session")
def _postgres_templates() -> Iterator[_PostgresTemplates]:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL to test against on this machine")
    templates = _PostgresTemplates(url)
    try:
        yield templates
    finally:
        templates.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database of the test's own (SQLite and PostgreSQL)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        yield from _opened(_sqlite_copy(template, tmp_path / "test.db"))
        return
    with request.getfixturevalue("_postgres_templates").database() as url:
        yield from _opened(url)


@pytest.fixture
def sqlite_db(_sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from _opened(_sqlite_copy(_sqlite_template, tmp_path / "test.db"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The url of a database of the test's own with no rows (migrated), for a command line
    (or another process) to open: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield _sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path / "cli.db")
        return
    with request.getfixturevalue("_postgres_templates").database() as url:
        yield url
