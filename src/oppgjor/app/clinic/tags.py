"""A record's content tag: the version a caller names when it changes the record (optimistic
locking over HTTP). Records keep no version number, so the tag is a hash of what is stored;
it is computed here only."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from oppgjor.app.errors import Stale
from oppgjor.clinic.adapters.record_files import RowSpec

STALE = "{what} er endret av noen andre siden du hentet den; hent den på nytt og prøv igjen."


def content_tag(spec: RowSpec, record: Any) -> str:
    """The version of *record* as stored: a hash of its fields as a row (full, unmasked)."""
    row = spec.row_of(record)
    if getattr(record, "id", None) is not None:
        row = {**row, "#id": str(record.id)}
    text = json.dumps(row, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_tag(spec: RowSpec, stored: Any, expected: str | None, what: str) -> None:
    """Stale if the caller names a version (*expected*) that is not *stored*'s."""
    if expected is not None and content_tag(spec, stored) != expected:
        raise Stale(STALE.format(what=what))
