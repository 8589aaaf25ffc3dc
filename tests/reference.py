"""Where the shared reference material is: ``../shared`` next to the checkout (as on every
machine here and in CI), or $OPPGJOR_SHARED_DIR. Licensed files are read there, never copied.

Without it the tests that read it skip, saying why; the rest of the suite runs. Modules name
their paths with :func:`path` (never fails, so collection never does), and a test or fixture
that reads the material calls :func:`require` or carries the :data:`needed` mark; a
parametrisation read from it uses :func:`cases`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

ENV = "OPPGJOR_SHARED_DIR"


def root() -> Path:
    return Path(os.environ.get(ENV) or Path(__file__).resolve().parents[2] / "shared")


def missing() -> str | None:
    """Why the reference material cannot be read, or None."""
    where = root()
    if (where / "reference").is_dir():
        return None
    return (
        f"the shared reference material is not at {where} (put the checkout next to "
        f"'shared/' or set {ENV})"
    )


def path(*parts: str) -> Path:
    """A path in the reference material (not checked: see :func:`require`)."""
    return root().joinpath(*parts)


def require(*parts: str) -> Path:
    """A path in the reference material; the test skips, saying why, without it."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    return path(*parts)


def shared() -> Path:
    """The reference material's folder, for scripts (benchmarks): raises without it."""
    reason = missing()
    if reason is not None:
        raise FileNotFoundError(reason)
    return root()


needed = pytest.mark.skipif(missing() is not None, reason=missing() or "")


def cases(load: Callable[[], Iterable[Any]], width: int = 1) -> list[Any]:
    """Parameters read from the reference material; without it, one skipped case."""
    if missing() is None:
        return list(load())
    blank = (None,) * width
    return [pytest.param(*blank, marks=needed, id="no-shared-material")]
