"""The ``oppgjor`` command's entry point. Ctrl-C ends it with a short message and exit code
130, also while it is still starting (the commands load for a moment first): no traceback.
Every action is one transaction, so an interrupted action has written nothing.

An unexpected error ends it with a short message, exit code 70 and the details in a masked
log file (:mod:`oppgjor.cli.crash`): in a command (the command group reports it), or while the
commands load (reported here)."""

from __future__ import annotations

import sys

INTERRUPTED = 130
MESSAGE = (
    "Avbrutt. En handling lagres helt eller ikke i det hele tatt; "
    "se med list eller show hva som er lagret."
)


def main() -> None:
    try:
        from oppgjor.cli.main import app

        app()
    except KeyboardInterrupt:  # before Typer runs: while the commands are loading
        _interrupted()
    except SystemExit as done:  # Typer ends an interrupted command with 130, silently
        if done.code == INTERRUPTED:
            _interrupted()
        raise
    except Exception as exc:  # raised while loading, or past the command group
        from oppgjor.cli import crash

        raise SystemExit(crash.report(exc)) from None


def _interrupted() -> None:
    print(MESSAGE, file=sys.stderr)
    raise SystemExit(INTERRUPTED)
