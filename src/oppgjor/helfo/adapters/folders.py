"""The message server's folders (DIPS Communicator style): outbox, inbox, archive, quarantine.

Files are written atomically (temporary file in the same folder, fsync, rename) under names
that carry no personal data and cannot collide.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PENDING_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Folders:
    outbox: Path
    inbox: Path
    archive: Path
    quarantine: Path

    @classmethod
    def under(cls, base: Path) -> Folders:
        return cls(base / "outbox", base / "inbox", base / "archive", base / "quarantine")

    def ensure(self) -> None:
        for folder in (self.outbox, self.inbox, self.archive, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)


def message_file_name(settlement_id: int, msg_id: str, when: datetime.datetime) -> str:
    """``bkm-20261123T101500-oppgjor12-<msgid>.xml``: sortable, unique by the message id."""
    return f"bkm-{when:%Y%m%dT%H%M%S}-oppgjor{settlement_id}-{msg_id}.xml"


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write *data* as *folder*/*name* so a reader sees the whole file or none of it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        raise FileExistsError(f"{target} finnes allerede")
    tmp = folder / f".{name}{PENDING_SUFFIX}"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    _fsync_dir(folder)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform; the rename is still atomic
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def incoming(folder: Path) -> list[Path]:
    """The files waiting in *folder*, oldest name first (hidden and temporary files skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())


NAME_MAX = 255  # bytes in one file name on the file systems a message server uses
REASON_SUFFIX = ".reason.txt"


def fitted(name: str, extra: str = "") -> str:
    """*name* + *extra*, shortened (if needed) to fit one file name of ``NAME_MAX`` bytes: the
    start of *name* is kept, followed by ``~`` and a short hash of the whole name, so the
    result stays unique and recognisably paired with the file it belongs to.

    >>> fitted("svar.xml", ".reason.txt")
    'svar.xml.reason.txt'
    >>> long = fitted("x" * 250 + ".xml", ".reason.txt")
    >>> len(long.encode()), long.startswith("x" * 200), long.endswith(".reason.txt")
    (255, True, True)
    """
    if len((name + extra).encode()) <= NAME_MAX:
        return name + extra
    tag = "~" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    room = NAME_MAX - len((tag + extra).encode())
    head = name.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return head + tag + extra


def _clash_name(path: Path, n: int) -> str:
    """The *n*-th free name for *path*: ``stem.n.suffix``, shortened to fit."""
    suffix = path.suffix if len(path.suffix.encode()) <= 16 else ""
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    return fitted(stem, f".{n}{suffix}")


def move(path: Path, folder: Path) -> Path:
    """Move *path* into *folder*, never overwriting: a clash gets a numbered name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / _clash_name(path, n)
        n += 1
    os.replace(path, target)
    return target


def reason_path(target: Path) -> Path:
    """Where the reason for quarantined *target* is written: ``<name>.reason.txt``, or for a
    name too long for that, its start, a short hash of the name and ``.reason.txt``."""
    return target.parent / fitted(target.name, REASON_SUFFIX)


def quarantine(path: Path, folders: Folders, reason: str) -> Path:
    """Move an unusable file to quarantine, with the reason beside it; a reason file whose
    name had to be shortened also names the file it belongs to."""
    target = move(path, folders.quarantine)
    beside = reason_path(target)
    text = reason + "\n"
    if beside.name != target.name + REASON_SUFFIX:
        text += f"Fil: {target.name}\n"
    beside.write_text(text, encoding="utf-8")
    return target
