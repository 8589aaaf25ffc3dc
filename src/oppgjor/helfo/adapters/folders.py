"""The message server's folders (DIPS Communicator style): outbox, inbox, archive, quarantine.

Files are written atomically (temporary file in the same folder, fsync, rename) under names
that carry no personal data and cannot collide.
"""

from __future__ import annotations

import datetime
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
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def move(path: Path, folder: Path) -> Path:
    """Move *path* into *folder*, never overwriting: a clash gets a numbered name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    os.replace(path, target)
    return target


def quarantine(path: Path, folders: Folders, reason: str) -> Path:
    """Move an unusable file to quarantine, with the reason beside it."""
    target = move(path, folders.quarantine)
    (target.parent / (target.name + ".reason.txt")).write_text(reason + "\n", encoding="utf-8")
    return target
