"""Run the ``oppgjor`` command and kill this very process (SIGKILL, as ``kill -9`` does) at
its K-th durable step: a file written, synced, renamed, linked or removed, or a database
commit, just before or just after the step.

    python kill_at.py K before|after COUNT_FILE -- helfo send 3

K = 0 kills nothing and writes the number of steps to COUNT_FILE: a test runs that first,
then kills at every step in turn.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def main() -> None:
    k, when, count_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    args = sys.argv[sys.argv.index("--") + 1 :]
    from sqlalchemy.engine import Connection

    from oppgjor.cli.main import app

    steps = [0]

    def step(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*a: Any, **kw: Any) -> Any:
            steps[0] += 1
            if steps[0] == k and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = fn(*a, **kw)
            if steps[0] == k and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return wrapped

    for name in ("fsync", "replace", "rename", "link", "unlink"):
        setattr(os, name, step(getattr(os, name)))
    Connection._commit_impl = step(Connection._commit_impl)  # type: ignore[method-assign]
    try:
        app(args)
    finally:
        if k == 0:
            with open(count_file, "w") as handle:
                handle.write(str(steps[0]))


if __name__ == "__main__":
    main()
