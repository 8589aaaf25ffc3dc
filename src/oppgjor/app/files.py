"""Files oppgjor writes that hold personal data (exports of patients, accounting lines, ISF
records): never readable by others than the owner and the group the installation's file mode
gives (:func:`oppgjor.app.installation.file_mode`, 0640 by default), whatever the umask.

A file is written whole or not at all: into a temporary file beside it, created with the mode
(so it is never readable by others, not even for a moment), then renamed over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

# owner writes, the group (a message server's) reads, nobody else: installation.file_mode's
# default, and the mode of files written where there is no installation (ISF runs)
DEFAULT_MODE = 0o640


def write_private(path: Path, data: str | bytes, mode: int) -> None:
    """Write *data* (text as UTF-8) to *path* with permission bits *mode*."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # mkstemp made it 0600; the umask plays no part
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def reserve(path: Path, mode: int) -> None:
    """Create (or empty) *path* with *mode* before a library writes into it, so the file it
    fills is never readable by others; call :func:`restrict` when it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(descriptor, mode)
    finally:
        os.close(descriptor)


def restrict(path: Path, mode: int) -> None:
    """Set *path*'s permission bits to *mode* (after a library replaced the file)."""
    os.chmod(path, mode)
