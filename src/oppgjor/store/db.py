"""Engine, migrations and transactions.

SQLite file by default (created on first use), PostgreSQL when ``OPPGJOR_DATABASE_URL`` (or the
url given) points to one. Every user action runs in one :meth:`Database.transaction`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)

from oppgjor.core.redact import redact

ENV_URL = "OPPGJOR_DATABASE_URL"
READING = "oppgjor_reading"  # execution option: a read that waits for no writer
MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(RuntimeError):
    """The database refused a write (a conflicting key, a value that does not fit, a lost
    update) or is unreachable. The message is shown to the user: it names what went wrong, never
    the values (the driver's first line only, national ids masked)."""


class StoreBusy(StoreError):
    """The database is busy (locked longer than the wait) or unreachable: nothing was wrong
    with what was asked, so the same action may simply be tried again."""


class StoreDuplicate(StoreError):
    """The database refused a row because one with the same key exists (a unique constraint):
    someone else was first (two bookings of one slot, two requests with one key)."""


class StoreAddress(StoreError):
    """The database's url cannot be read (a typing error in --database): a usage error."""


def _without_password(url: str) -> str:
    """*url* as it may be shown: the user and password in it hidden, national ids masked."""
    return redact(re.sub(r"^([A-Za-z0-9+]+:/*)[^@]*@", r"\1***@", url))


def reason(exc: Exception) -> str:
    """What the database said, without the values it was given: the first line of the
    driver's message (PostgreSQL puts the row's values on a ``DETAIL`` line), masked."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return redact(first)


def _is_duplicate(exc: IntegrityError) -> bool:
    """A unique constraint refused the row (PostgreSQL's SQLSTATE 23505, SQLite's text)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(orig)


def default_sqlite_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oppgjor" / "oppgjor.db"


def resolve_url(url: str | None = None) -> str:
    """The database url: *url*, else $OPPGJOR_DATABASE_URL, else the user's SQLite file."""
    url = url or os.environ.get(ENV_URL)
    if not url:
        path = default_sqlite_path()
        url = f"sqlite:///{path}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE (see _sqlite_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """Take SQLite's write lock when a transaction starts: concurrent user actions then run
    one after the other (waiting up to busy_timeout), so an optimistic-lock check reads the
    latest version instead of failing midway with "database is locked". A read
    (:meth:`Database.reading`) takes no lock: WAL lets it see the last commit at once."""
    reading = conn.get_execution_options().get(READING, False)
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def make_engine(url: str, **options: Any) -> Engine:
    # a database error names the statement, never its values (national ids, names)
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database.split("?", 1)[0])
            path.parent.mkdir(parents=True, exist_ok=True)
            # it holds national ids: a new file is its owner's only (SQLite gives the -wal and
            # -shm files the database file's mode)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        # one pooled connection per thread: closing the last connection of a WAL database
        # checkpoints it, which made every short transaction pay for a checkpoint
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _foreign_keys(conn: Any, on: bool) -> None:
    """SQLite's foreign keys on or off; only outside a transaction (the raw connection, so no
    transaction is begun)."""
    conn.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


class Database:
    """One database: migrated on open, used through :meth:`transaction`."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, **options: Any) -> None:
        self.url = resolve_url(url)
        try:
            self.engine = make_engine(self.url, **options)
        except (ArgumentError, NoSuchModuleError):
            raise StoreAddress(
                f"«{_without_password(self.url)}» er ikke en database-URL; skriv f.eks. "
                "sqlite:///sti/til/oppgjor.db eller postgresql://bruker@vert/database."
            ) from None
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """The url without a password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.migrating() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise StoreBusy(
                f"Får ikke kontakt med databasen {self.describe()}: {reason(exc)}"
            ) from None
        except DatabaseError as exc:  # e.g. a file that is not a SQLite database
            raise StoreError(
                f"Databasen {self.describe()} kan ikke brukes: {reason(exc)}"
            ) from None

    @contextmanager
    def migrating(self) -> Iterator[Connection]:
        """A connection in one transaction for Alembic. On SQLite its foreign keys are off (a
        table a migration rebuilds must not cascade to its children when the old one is
        dropped, migration 0006) and checked before the commit."""
        with self.engine.connect() as conn:
            sqlite = self.dialect == "sqlite"
            if sqlite:
                _foreign_keys(conn, False)
            try:
                with conn.begin():
                    yield conn
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise StoreError("Migreringen ville brutt en fremmednøkkel.")
            finally:
                if sqlite:
                    _foreign_keys(conn, True)

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def transaction(self) -> Iterator[Repos]:
        """All reads and writes of one user action; committed at the end, or none of them."""
        try:
            with self.engine.begin() as conn:
                yield Repos(conn)
        except IntegrityError as exc:
            if _is_duplicate(exc):
                raise StoreDuplicate(f"Databasen avviste endringen: {reason(exc)}") from None
            raise StoreError(f"Databasen avviste endringen: {reason(exc)}") from None
        except DataError as exc:
            raise StoreError(f"Databasen avviste en verdi: {reason(exc)}") from None
        except OperationalError as exc:
            raise StoreBusy(
                f"Databasen er opptatt eller utilgjengelig; prøv igjen ({reason(exc)})."
            ) from None

    @contextmanager
    def reading(self) -> Iterator[Repos]:
        """Reads only, without waiting for an action that is writing: what was last committed
        (an action notes what it saw before it waits for its turn to write)."""
        try:
            with self.engine.connect() as plain:
                conn = plain.execution_options(**{READING: True})
                with conn.begin():
                    yield Repos(conn)
        except OperationalError as exc:
            raise StoreBusy(
                f"Databasen er opptatt eller utilgjengelig; prøv igjen ({reason(exc)})."
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()


from oppgjor.store.repos import Repos  # noqa: E402  (Repos needs nothing from here)
