"""Shared CLI plumbing: the database, error handling and exit codes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from oppgjor.app.errors import Rejected, UseCaseError
from oppgjor.cli import crash
from oppgjor.cli.render import err, print_findings, print_json
from oppgjor.core.clock import SYSTEM_CLOCK
from oppgjor.store import Database, StoreError
from oppgjor.store.db import StoreAddress

# Exit codes (also in the README); 70 (crash.UNEXPECTED) an unexpected error, 130 Ctrl-C
OK, REJECTED, USAGE, NOT_FOUND, SAVED_WITH_BLOCKING, CONFLICT, DATABASE = 0, 1, 2, 3, 4, 5, 6
UNEXPECTED = crash.UNEXPECTED

JsonOption = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")]

_state: dict[str, Any] = {"url": None, "db": None}


def set_database_url(url: str | None) -> None:
    close_database()
    _state["url"] = url


def close_database() -> None:
    """Close the connections of the database the commands opened (if any)."""
    db: Database | None = _state["db"]
    _state["db"] = None
    if db is not None:
        db.dispose()


def database_url() -> str | None:
    """The url given (--database or $OPPGJOR_DATABASE_URL), None for the default."""
    url: str | None = _state["url"]
    return url


def database() -> Database:
    if _state["db"] is None:
        _state["db"] = Database(_state["url"])
    db: Database = _state["db"]
    return db


class GuardedGroup(TyperGroup):
    """The ``oppgjor`` command group: an unexpected exception in any command is logged
    (masked) and reported in one Norwegian sentence with exit code 70, never as a traceback."""

    def invoke(self, ctx: Any) -> Any:
        args = [*ctx._protected_args, *ctx.args]
        try:
            return super().invoke(ctx)
        except (TyperException, Exit, Abort, BrokenPipeError):
            raise
        except Exception as exc:
            command = crash.command_of(args, self.commands)
            raise Exit(crash.report(exc, command, _state["url"])) from None


@contextmanager
def handled(as_json: bool = False) -> Iterator[None]:
    """Turn use-case and database errors into a Norwegian message and an exit code."""
    try:
        yield
    except Rejected as exc:
        if as_json:
            print_json({"error": str(exc), "findings": [f.as_dict() for f in exc.findings]})
        else:
            print_findings(exc.findings, err)
            err.print(f"[bold red]Avvist:[/] {exc}")
        raise typer.Exit(REJECTED) from None
    except UseCaseError as exc:
        if as_json:
            print_json({"error": str(exc)})
        else:
            err.print(f"[bold red]Feil:[/] {exc}")
        raise typer.Exit(exc.exit_code) from None
    except StoreAddress as exc:
        err.print(f"[bold red]Feil:[/] {exc}")
        raise typer.Exit(USAGE) from None
    except StoreError as exc:
        err.print(f"[bold red]Databasefeil:[/] {exc}")
        raise typer.Exit(DATABASE) from None
    except OSError as exc:
        err.print(f"[bold red]Filfeil:[/] {exc.strerror}: {exc.filename}")
        raise typer.Exit(USAGE) from None


def now() -> datetime.datetime:
    """The time of the user's action: the one place the command line reads the clock."""
    return SYSTEM_CLOCK.now()
