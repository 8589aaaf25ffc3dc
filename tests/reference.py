"""Where the shared reference material is: ``../shared`` next to the checkout (as on every
machine here and in CI), or $OPPGJOR_SHARED_DIR. Licensed files are read there, never copied."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "OPPGJOR_SHARED_DIR"


def shared() -> Path:
    root = Path(os.environ.get(ENV) or Path(__file__).resolve().parents[2] / "shared")
    if not (root / "reference").is_dir():
        raise FileNotFoundError(
            f"The shared reference material is not at {root}; put the checkout next to "
            f"'shared/' or set {ENV}."
        )
    return root
