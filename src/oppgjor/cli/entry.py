"""The ``oppgjor`` command's entry point. Ctrl-C ends it with a short message and exit code
130, also while it is still starting (the commands load for a moment first): no traceback.
Every action is one transaction, so an interrupted action has written nothing."""

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


def _interrupted() -> None:
    print(MESSAGE, file=sys.stderr)
    raise SystemExit(INTERRUPTED)
