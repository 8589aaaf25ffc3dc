"""Files a caller uploads for ISF (an activity file, weights, settings, definitions, cases):
kept owner-only, refused at once when empty, too large or of a kind that cannot be read."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from oppgjor.app.errors import UseCaseError
from oppgjor.app.isf import runs
from oppgjor.core.redact import redact

MAX_UPLOAD_ENV = "OPPGJOR_ISF_MAX_UPLOAD_MB"
MAX_UPLOAD_MB = 512  # an activity file; the other files are small
MAX_SMALL = 32 * 1024 * 1024  # weights, settings, definitions, names, cases
CHUNK = 1024 * 1024


class UploadRefused(UseCaseError):
    """An uploaded file cannot be used; told at once, nothing is started."""


class UploadTooLarge(UploadRefused):
    """An uploaded file is larger than allowed."""


@dataclass(frozen=True)
class Upload:
    """A file the caller sent: the name it gave (only its suffix is used) and its bytes."""

    name: str
    stream: IO[bytes]


def max_upload() -> int:
    """The largest activity file accepted, in bytes ($OPPGJOR_ISF_MAX_UPLOAD_MB)."""
    try:
        megabytes = int(os.environ.get(MAX_UPLOAD_ENV, MAX_UPLOAD_MB))
    except ValueError:
        megabytes = MAX_UPLOAD_MB
    return max(1, megabytes) * 1024 * 1024


def suffix(upload: Upload, allowed: tuple[str, ...], what: str) -> str:
    """The upload's suffix, one of *allowed*; refused otherwise."""
    found = Path(upload.name or "").suffix.lower()
    if found not in allowed:
        raise UploadRefused(
            f"{what} må være {', '.join(s.lstrip('.').upper() for s in allowed)} "
            f"(filnavnet «{redact(upload.name or '')[:100]}» har ikke en slik endelse)."
        )
    return found


def save(upload: Upload, path: Path, limit: int, what: str) -> None:
    """Copy *upload* to *path* (owner-only), refusing it when empty or over *limit* bytes."""
    written = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        while chunk := upload.stream.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise UploadTooLarge(f"{what} er større enn {limit // (1024 * 1024)} MB.")
            handle.write(chunk)
    if written == 0:
        raise UploadRefused(f"{what} er tom.")


def without_folder(exc: UseCaseError, folder: Path) -> UseCaseError:
    """*exc* with the server's folder taken out of its text (the caller knows the files by
    what they sent)."""
    text = str(exc).replace(f"{folder}{os.sep}", "").replace(str(folder), "")
    return UseCaseError(text)


def group_uploaded(definitions: Upload, cases: Upload) -> list[runs.GroupedCase]:
    """``isf group`` on uploaded files: the definitions (zip or json) and the cases."""
    with tempfile.TemporaryDirectory(prefix="oppgjor-group-") as name:
        folder = Path(name)
        defs = folder / ("definitions" + suffix(definitions, (".zip", ".json"),
                                                "Definisjonsdataene"))  # fmt: skip
        save(definitions, defs, MAX_SMALL, "Definisjonsdataene")
        save(cases, folder / "cases.csv", MAX_SMALL, "Kasusfilen")
        try:
            return runs.group_regression_file(defs, folder / "cases.csv")
        except UploadRefused:
            raise
        except UseCaseError as exc:
            raise without_folder(exc, folder) from None
