"""Backup and restore (SQLite; PostgreSQL has pg_dump and pg_restore)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from oppgjor.app import installation
from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.store import Database, resolve_url
from oppgjor.store import backup as store_backup
from oppgjor.store.backup import BackupInfo

POSTGRESQL = (
    "Databasen er PostgreSQL: ta sikkerhetskopi med pg_dump og gjenopprett med pg_restore "
    "(se README, «Sikkerhetskopi»)."
)


class FileProblem(UseCaseError):
    """The file is not a usable oppgjor database (exit 2: a file error)."""

    exit_code = 2


def backup(
    url: str | None,
    target: Path,
    *,
    force: bool = False,
    on_copied: Callable[[], None] | None = None,
) -> BackupInfo:
    """Copy the database at *url* to *target*, with the installation's file mode."""
    source = _sqlite_file(url)
    db = Database(url)  # migrated, like every command; and the file mode is a setting
    try:
        mode = installation.file_mode(db)
    finally:
        db.dispose()
    try:
        return store_backup.backup(source, target, mode=mode, force=force, on_copied=on_copied)
    except (store_backup.Exists, store_backup.InUse) as exc:
        raise Conflict(str(exc)) from None
    except store_backup.BackupError as exc:
        raise FileProblem(str(exc)) from None


def restore(url: str | None, backup_file: Path, *, force: bool = False) -> BackupInfo:
    """Replace the database at *url* with *backup_file* (checked first; refused while the
    database is open elsewhere, and without *force* when it exists)."""
    target = _sqlite_file(url)
    try:
        return store_backup.restore(backup_file, target, force=force)
    except (store_backup.Exists, store_backup.InUse) as exc:
        raise Conflict(str(exc)) from None
    except store_backup.BackupError as exc:
        raise FileProblem(str(exc)) from None


def _sqlite_file(url: str | None) -> Path:
    path = store_backup.sqlite_file(resolve_url(url))
    if path is None:
        if resolve_url(url).startswith("sqlite"):
            raise FileProblem("En database i minnet kan ikke sikkerhetskopieres.")
        raise FileProblem(POSTGRESQL)
    return path
