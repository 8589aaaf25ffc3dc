"""Installation-wide settings (stored in the database)."""

from __future__ import annotations

from oppgjor.app import files
from oppgjor.app.errors import UseCaseError
from oppgjor.store import Database

TEST_INSTALLATION = "test_installation"


def is_test_installation(db: Database) -> bool:
    with db.transaction() as repos:
        return repos.get_setting(TEST_INSTALLATION) == "true"


def set_test_installation(db: Database, value: bool) -> None:
    with db.transaction() as repos:
        repos.set_setting(TEST_INSTALLATION, "true" if value else "false")


FILE_MODE = "file_mode"
DEFAULT_FILE_MODE = files.DEFAULT_MODE  # owner writes, the message server's group reads


def file_mode(db: Database) -> int:
    """The permission bits of files oppgjor writes that hold personal data (outbox messages,
    exports): never world-readable, whatever the setting says."""
    with db.transaction() as repos:
        text = repos.get_setting(FILE_MODE)
    mode = int(text, 8) if text else DEFAULT_FILE_MODE
    return mode & 0o770


def set_file_mode(db: Database, mode: str) -> int:
    """Set the mode from an octal text such as ``0640``; world bits are refused."""
    try:
        value = int(mode, 8)
    except ValueError:
        raise UseCaseError(f"Filmodus må være et oktalt tall som 0640, ikke «{mode}».") from None
    if value & ~0o770 or (value & 0o600) != 0o600:
        raise UseCaseError(
            "Filmodus må gi eieren lese- og skriverett og andre ingen rettigheter (f.eks. 0640)."
        )
    with db.transaction() as repos:
        repos.set_setting(FILE_MODE, f"{value:04o}")
    return value
