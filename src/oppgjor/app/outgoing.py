"""Files that leave the building, crash-safe (ADR 0012), for every channel of every slice.

The use case commits its intent first (the message id and the content's hash); then the file
is written whole into a staging folder on the destination's filesystem (:func:`stage`), the
intent is committed as staged, and the file is moved into the destination with one atomic
step (:func:`deliver`). Whoever finds an intent after a crash finishes it from the state it
was committed in: a staged file still in staging is delivered, one no longer there has been
delivered already and is never written again.

Work on one subject (a settlement, an invoice) is serialised by an exclusive lock that the
operating system releases when the process dies (:func:`holding`), so a run after a kill finds
the subject free and the intent waiting.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from oppgjor.app import files
from oppgjor.app.errors import Conflict

TEMPORARY = ".tmp"
STAGED = ".staged"
_SUBJECT = re.compile(r"(?:oppgjor|subject-)(\d+)-")


class Busy(Conflict):
    """Another process is sending the same subject right now."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


@contextmanager
def holding(lock_dir: Path, key: str, busy: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the exclusive lock *key* for the block; raise :class:`Busy` (*busy* says why)
    when another process holds it, or with *wait* wait for it. A killed holder's lock is
    released by the system."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / f".lock-{key}", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(busy) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def staged_path(staging: Path, subject_id: int, intent: str) -> Path:
    return staging / f"oppgjor{subject_id}-{intent}{STAGED}"


def stage(staging: Path, subject_id: int, intent: str, data: bytes, mode: int) -> Path:
    """Write *data* whole into *staging* with *mode* (a hidden temporary file, fsync, rename,
    fsync of the folder): the staged file."""
    target = staged_path(staging, subject_id, intent)
    files.write_private(target, data, mode)
    sync_folder(staging)
    return target


def deliver(staged: Path, destination: Path, content_hash: str) -> bool:
    """Move the staged file to *destination* in one atomic step, never over another file.
    False when the staged file is gone: it was delivered before (and may already have been
    taken by the receiver), so it is not written again."""
    try:
        os.link(staged, destination)
    except FileNotFoundError:
        if not staged.exists():
            return False
        raise
    except FileExistsError:
        if file_digest(destination) != content_hash:
            raise FileExistsError(errno.EEXIST, "finnes allerede", str(destination)) from None
        # a run before was killed between the link and the unlink: delivered already
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if destination.exists():  # without hard links: a rename that never overwrites
            raise FileExistsError(errno.EEXIST, "finnes allerede", str(destination)) from None
        os.rename(staged, destination)
        sync_folder(destination.parent)
        return True
    sync_folder(destination.parent)
    staged.unlink(missing_ok=True)
    sync_folder(staged.parent)
    return True


def staged_files(staging: Path, subject_id: int) -> dict[str, Path]:
    """The files staged in *staging* for *subject_id*, by the intent they were staged for."""
    prefix = f"oppgjor{subject_id}-"
    if not staging.is_dir():
        return {}
    return {
        path.name[len(prefix) : -len(STAGED)]: path for path in staging.glob(f"{prefix}*{STAGED}")
    }


def discard(staging: Path, subject_id: int, intent: str) -> None:
    """Remove what an abandoned intent left in staging (a partial or whole staged file)."""
    staged = staged_path(staging, subject_id, intent)
    staged.unlink(missing_ok=True)
    if staging.is_dir():
        for partial in staging.glob(f".{staged.name}.*{TEMPORARY}"):  # files.write_private's
            partial.unlink(missing_ok=True)


def temporaries(folder: Path) -> dict[int, list[Path]]:
    """Hidden temporary files a killed write left in *folder*, by the subject they belong to
    (they may hold personal data): removed once their subject's lock is free."""
    found: dict[int, list[Path]] = {}
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        hidden = path.name.startswith(".") and path.name.endswith(TEMPORARY)
        if hidden and (m := _SUBJECT.search(path.name)):
            found.setdefault(int(m[1]), []).append(path)
    return found


def sync_folder(folder: Path) -> None:
    """Make a rename in *folder* durable (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
