"""An unexpected error in a command: a short Norwegian message, exit code 70 and the details in
a log file — never a traceback on the screen (a database error's traceback would show the
values of the statement: national ids, names, birth dates).

The log file holds the command (its words and option names, never the values given), the time
and the traceback, with every value a database echoes removed and national ids masked
(:func:`oppgjor.core.redact.redact`); it is readable by its owner only. It lives in
``$OPPGJOR_LOG_DIR``, else beside the SQLite database (``var/`` for ``make run``, the data
folder ``~/.local/share/oppgjor`` for the default database), else (PostgreSQL) in
``$XDG_STATE_HOME/oppgjor`` (``~/.local/state/oppgjor``).

Only the standard library and ``core`` at import: this also reports errors raised while the
commands load.
"""

from __future__ import annotations

import datetime
import os
import sys
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path

from oppgjor.core.redact import redact

UNEXPECTED = 70  # sysexits' EX_SOFTWARE: an internal error (README's exit codes)
LOG_DIR_ENV = "OPPGJOR_LOG_DIR"
LOG_NAME = "oppgjor.log"
LOG_MODE = 0o600


def log_dir(database_url: str | None = None) -> Path:
    """Where the log file goes (see the module's text)."""
    configured = os.environ.get(LOG_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    url = database_url or os.environ.get("OPPGJOR_DATABASE_URL")
    if not url:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "oppgjor"
    if url.startswith("sqlite") and "///" in url:
        database = url.split("///", 1)[1].split("?", 1)[0]
        if database and database != ":memory:":
            return Path(database).parent
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "oppgjor"


def command_of(args: Iterable[str], commands: Mapping[str, object] | None) -> str:
    """The command's words and the names of the options given, never a value: ``patient
    create --id-value --first-name``. *commands* maps a group's names to its commands (an
    object with a ``commands`` mapping is a group)."""
    words: list[str] = []
    for arg in args:
        if commands is not None and arg in commands:
            words.append(arg)
            commands = getattr(commands[arg], "commands", None)
        elif arg.startswith("-"):
            words.append(arg.split("=", 1)[0])
    return " ".join(words)


def write_log(exc: BaseException, command: str, folder: Path) -> Path:
    """Append the masked details of *exc* to the log file in *folder*; return the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    details = "".join(traceback.format_exception(exc))
    entry = f"--- {when} oppgjor {command}\n{details}\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, LOG_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), LOG_MODE)
        handle.write(redact(entry))
    return path


def report(exc: BaseException, command: str = "", database_url: str | None = None) -> int:
    """Log *exc*, tell the user in a few words where the details are, return the exit code."""
    kind = type(exc).__name__
    try:
        where = f"detaljer i loggfilen {write_log(exc, command, log_dir(database_url))}"
    except OSError as failed:
        where = f"loggfilen kunne ikke skrives ({failed.strerror})"
    print(
        f"Uventet feil ({kind}); {where}. En handling lagres helt eller ikke i det hele "
        "tatt; se med list eller show hva som er lagret.",
        file=sys.stderr,
    )
    return UNEXPECTED
