"""Backup and restore of a SQLite database with SQLite's online backup API.

A backup is consistent while others write: it holds SQLite's write lock while it copies
(writers wait, as for any other write, up to their busy timeout; readers go on), so it holds
every transaction committed before the copy ended and none in part. It is written into a
temporary file beside the target and renamed into place when whole and checked.

A restore copies a checked backup into the database through the same API, after making sure
no one else has the database open (in WAL mode an open connection can be seen: switching the
journal mode needs the database to oneself). PostgreSQL has its own tools (pg_dump,
pg_restore); see the README.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from oppgjor.store.db import MIGRATIONS

LOCK_WAIT_SECONDS = 30.0  # how long a backup waits for a running write to finish


class BackupError(Exception):
    """The backup or restore was refused; nothing was changed. The message is Norwegian."""


class InUse(BackupError):
    """The database is open elsewhere."""


class Exists(BackupError):
    """The target exists and --force was not given."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str  # the migration the database is at
    pages: int


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database url, or None (PostgreSQL, an in-memory database)."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    database = url.split("///", 1)[1].split("?", 1)[0]
    return None if database in ("", ":memory:") else Path(database)


def known_revisions() -> set[str]:
    """Every migration revision this version of oppgjor has."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def check(path: Path) -> BackupInfo:
    """*path* as an oppgjor database (intact, at a migration this version knows), or raise."""
    if not path.is_file():
        raise BackupError(f"Finner ikke filen {path}.")
    try:
        with contextlib.closing(_connect(path, read_only=True)) as c:
            if c.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} er skadet (SQLite quick_check feilet).")
            pages = int(c.execute("PRAGMA page_count").fetchone()[0])
            revision = _revision(c)
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} er ikke en oppgjor-database (ikke SQLite).") from None
    if revision is None or revision[0] not in known_revisions():
        found = "ingen" if revision is None else f"«{revision[0]}»"
        raise BackupError(
            f"{path} har migreringsversjon {found}, som denne versjonen av oppgjor ikke kjenner "
            "(en annen database, eller laget av en nyere oppgjor)."
        )
    return BackupInfo(path, str(revision[0]), pages)


def backup(
    source: Path,
    target: Path,
    *,
    mode: int,
    force: bool = False,
    on_copied: Callable[[], None] | None = None,
) -> BackupInfo:
    """Copy the database *source* to *target* (permission bits *mode*). *on_copied* is called
    when the copy is complete and writers are still held off: everything committed until then
    is in the backup."""
    if target.exists() and not force:
        raise Exists(f"{target} finnes allerede; bruk --force for å skrive over den.")
    if not source.is_file():
        raise BackupError(f"Databasen {source} finnes ikke.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(target) as partial:
        os.chmod(partial, mode)
        with _write_lock(source), contextlib.closing(_connect(source)) as reader:
            with contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as copy:
                reader.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE").fetchone()  # one file, no -wal
            if on_copied is not None:
                on_copied()
        info = check(partial)
        os.replace(partial, target)
    return BackupInfo(target, info.revision, info.pages)


def restore(backup_file: Path, target: Path, *, force: bool = False) -> BackupInfo:
    """Replace the database *target* with *backup_file* (checked first). Refused while the
    database is open elsewhere, and, without *force*, when *target* exists."""
    info = check(backup_file)
    if target.exists() and not force:
        raise Exists(
            f"Databasen {target} finnes; gjenoppretting erstatter alt i den. Bruk --force."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(target, timeout=0, isolation_level=None)) as live:
        try:
            live.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.OperationalError:
            raise InUse(
                f"Databasen {target} er i bruk (et annet oppgjor-program har den åpen); "
                "avslutt det og prøv igjen."
            ) from None
        with contextlib.closing(_connect(backup_file, read_only=True)) as source:
            source.backup(live)
        live.execute("PRAGMA journal_mode=WAL").fetchone()
    return BackupInfo(target, info.revision, info.pages)


def _revision(connection: sqlite3.Connection) -> tuple[str] | None:
    try:
        found: tuple[str] | None = connection.execute(
            "SELECT version_num FROM alembic_version"
        ).fetchone()
    except sqlite3.OperationalError:  # no such table
        return None
    return found


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)


@contextlib.contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    """Hold SQLite's write lock on *path*: no one commits until it is released."""
    with contextlib.closing(_connect(path)) as lock:
        try:
            lock.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            raise InUse(f"Databasen {path} er opptatt med en lang skriving; prøv igjen.") from None
        try:
            yield
        finally:
            lock.execute("ROLLBACK")


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    try:
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
