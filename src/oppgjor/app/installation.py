"""Installation-wide settings (stored in the database)."""

from __future__ import annotations

from oppgjor.store import Database

TEST_INSTALLATION = "test_installation"


def is_test_installation(db: Database) -> bool:
    with db.transaction() as repos:
        return repos.get_setting(TEST_INSTALLATION) == "true"


def set_test_installation(db: Database, value: bool) -> None:
    with db.transaction() as repos:
        repos.set_setting(TEST_INSTALLATION, "true" if value else "false")
