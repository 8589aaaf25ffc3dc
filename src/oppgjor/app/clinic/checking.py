"""Check a record as the user edits it: the findings a save would give, nothing written.

The web's forms ask this while the user types (and when a record is shown): the same
validators, size limits and reading of values as a save or an import, so the messages are the
ones the command line shows. Also what a form page needs beside: a record with its content tag,
and a page of records found by a search.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oppgjor.app.clinic import records, validation
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.clinic.tags import content_tag
from oppgjor.app.clinic.updates import changed
from oppgjor.app.errors import NotFound, Rejected
from oppgjor.app.installation import TEST_INSTALLATION
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.adapters.rows import RowReader
from oppgjor.clinic.domain.records import check_practice
from oppgjor.core.findings import Finding
from oppgjor.store import Database


@dataclass(frozen=True)
class Shown:
    """A record as a form shows it: its fields as text (identity number masked), its
    content tag (the version the form edits) and the record itself."""

    row: dict[str, str]
    tag: str
    record: Any


def shown(db: Database, kind: str, ref: str) -> Shown:
    """Record *ref* of *kind* as a form shows it (NotFound if there is none)."""
    spec = KINDS[kind].rows
    assert spec is not None, f"{kind} has no fields"
    record = records.get_record(db, kind, ref)
    row = spec.row_of(records.masked(kind, record))
    return Shown(row, content_tag(spec, record), record)


def shown_practice(db: Database) -> Shown | None:
    """The practice as its form shows it; None when it is not registered yet."""
    with db.reading() as repos:
        practice = repos.get_practice()
    if practice is None:
        return None
    return Shown(PRACTICE.row_of(practice), content_tag(PRACTICE, practice), practice)


def check(
    db: Database, kind: str, ref: str | None, values: Mapping[str, str], *, today: datetime.date
) -> list[Finding]:
    """The findings record *ref* of *kind* would have with the fields *values* names
    changed (*ref* None: a new record of those values). Nothing is written."""
    entry = KINDS[kind]
    spec = entry.rows
    assert spec is not None and entry.validate is not None, f"{kind} is not checked here"
    label = entry.noun
    try:
        if ref is None:
            reader = RowReader(dict(values), label)
            record = spec.build(reader)
            if reader.findings:
                return list(reader.findings)
        else:
            stored = records.get_record(db, kind, ref)
            record = changed(spec, stored, values, label)
    except Rejected as refused:
        return list(refused.findings)
    items = [(label, record)]
    misfits, held = validation.oversized(kind, items)
    misfits += validation.unaddressable(items)
    if held:
        return misfits
    with db.reading() as repos:
        allow = repos.get_setting(TEST_INSTALLATION) == "true"
        _, found = entry.validate(repos, items, allow_synthetic=allow, today=today)
    return [*misfits, *found]


def check_practice_values(db: Database, values: Mapping[str, str]) -> list[Finding]:
    """The findings the practice would have with the fields *values* names changed."""
    with db.reading() as repos:
        stored = repos.get_practice()
    try:
        if stored is None:
            reader = RowReader(dict(values), "praksis")
            practice = PRACTICE.build(reader)
            if reader.findings:
                return list(reader.findings)
        else:
            practice = changed(PRACTICE, stored, values, "praksis")
    except Rejected as refused:
        return list(refused.findings)
    return check_practice(practice)[1]


def search(
    db: Database, kind: str, text: str, *, limit: int, offset: int
) -> tuple[list[dict[str, str]], int]:
    """A page of the records of *kind* whose fields (as shown: identity numbers masked)
    hold *text* (any case), as rows with their ``key``; and how many match in all."""
    entry = KINDS[kind]
    spec = entry.rows
    assert spec is not None, f"{kind} has no fields"
    wanted = text.strip().casefold()
    rows = []
    for record in records.list_records(db, kind):
        row = spec.row_of(records.masked(kind, record))
        if wanted and not any(wanted in value.casefold() for value in row.values()):
            continue
        rows.append({"key": str(spec.key(record) or f"#{getattr(record, 'id', '')}"), **row})
    return rows[offset : offset + limit], len(rows)


def template_names(db: Database) -> list[str]:
    with db.reading() as repos:
        return [t.name for t in repos.templates()]


def require(db: Database, kind: str, ref: str) -> None:
    """NotFound unless record *ref* of *kind* exists."""
    with db.reading() as repos:
        if not repos.exists(kind, ref):
            raise NotFound(f"Fant ikke {KINDS[kind].noun} «{ref}».")
