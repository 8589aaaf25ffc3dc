"""Save, import, list and export the clinic's records. Every call is one transaction; a call
with BLOCKING findings writes nothing and raises :class:`Rejected` with all of them.

*kind* is a key of the registry (:data:`oppgjor.app.clinic.kinds.KINDS`): ``departments``,
``practitioners``, ``patients``, ``referrers``, ``tariffs``, ``series``, ``appointments``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from oppgjor.app import files
from oppgjor.app.clinic import trail, validation
from oppgjor.app.clinic.kinds import KINDS, RecordKind
from oppgjor.app.errors import Conflict, NotFound, Rejected, UseCaseError
from oppgjor.app.installation import TEST_INSTALLATION, file_mode
from oppgjor.clinic.adapters import decoding, record_files
from oppgjor.clinic.adapters.record_files import Format, RowSpec
from oppgjor.clinic.adapters.rows import FILE_INVALID
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.core.findings import Finding, Severity
from oppgjor.core.ids import national_id
from oppgjor.store import Database
from oppgjor.store.audit import AuditEvent
from oppgjor.store.repos import Repos

Mode = Literal["create", "update", "upsert"]


@dataclass
class Report:
    """What a save or import did (or would have done), and its findings."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # the new appointments' ids, in order

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "findings": [f.as_dict() for f in self.findings],
        }


def blocks(kind: RecordKind, finding: Finding) -> bool:
    """Whether *finding* stops the write. A series may be saved incomplete."""
    if finding.severity is not Severity.BLOCKING:
        return False
    if kind.structural is not None:
        return finding.code in kind.structural or finding.code.startswith("IMPORT_")
    return True


def apply(
    db: Database,
    kind: str,
    items: Sequence[tuple[str, Any]],
    *,
    mode: Mode = "upsert",
    parse_findings: Sequence[Finding] = (),
    today: datetime.date | None = None,
    clock: Clock = SYSTEM_CLOCK,
    actor: str = trail.SYSTEM_ACTOR,
    rows: int | None = None,
) -> Report:
    """Validate *items* and write them in one transaction, or raise Rejected. Every record
    created or changed is an audit event (who: *actor*). *rows*: the number of rows the file
    had (else one per item)."""
    with db.transaction() as repos:
        return apply_in(
            repos, kind, items, mode=mode, parse_findings=parse_findings, today=today,
            clock=clock, actor=actor, rows=rows,
        )  # fmt: skip


def apply_in(
    repos: Repos,
    kind: str,
    items: Sequence[tuple[str, Any]],
    *,
    mode: Mode = "upsert",
    parse_findings: Sequence[Finding] = (),
    today: datetime.date | None = None,
    clock: Clock = SYSTEM_CLOCK,
    actor: str = trail.SYSTEM_ACTOR,
    rows: int | None = None,
) -> Report:
    """:func:`apply` inside a transaction the caller holds (for actions that write several
    kinds of records at once)."""
    entry = KINDS[kind]
    assert entry.validate is not None and entry.write is not None, f"{kind} is not written here"
    now = clock.now()
    today = today or now.date()
    report = Report(kind, rows=len(items) if rows is None else rows)
    allow = repos.get_setting(TEST_INSTALLATION) == "true"
    misfits, held = validation.oversized(kind, items)
    misfits += validation.unaddressable(items)
    fitting = [item for n, item in enumerate(items) if n not in held]
    checked, findings = entry.validate(repos, fitting, allow_synthetic=allow, today=today)
    # a field that could not be read is reported once: not again for the value put in its place
    unread = {(f.where.row, f.where.field) for f in parse_findings if f.where.row is not None}
    checks = [f for f in [*misfits, *findings] if (f.where.row, f.where.field) not in unread]
    report.findings = [*parse_findings, *checks]
    if any(blocks(entry, f) for f in report.findings):
        raise Rejected(report.findings, f"Ingenting ble lagret ({_rows_checked(report.rows)}).")
    _check_mode(repos, entry, checked, mode)
    befores = trail.before(repos, entry, checked)
    written = entry.write(repos, checked, report.findings, now)
    report.created, report.updated, report.unchanged = written[:3]
    report.ids = list(written.ids)
    trail.add(repos, entry, checked, written, befores, actor=actor, at=now)
    return report


def _rows_checked(rows: int) -> str:
    return f"{rows} rad sjekket" if rows == 1 else f"{rows} rader sjekket"


def _check_mode(repos: Repos, kind: RecordKind, records: Sequence[Any], mode: Mode) -> None:
    if mode == "upsert" or not kind.updatable:
        return
    for record in records:
        exists = repos.exists(kind.key, record.ref)
        if mode == "create" and exists:
            raise Conflict(
                f"{kind.noun.capitalize()} «{record.ref}» finnes allerede; bruk en annen nøkkel, "
                f"eller endre den med «oppgjor {kind.name} update {record.ref} --felt verdi»."
            )
        if mode == "update" and not exists:
            raise NotFound(f"«{record.ref}» finnes ikke.")


def save(
    db: Database,
    kind: str,
    record: Any,
    *,
    mode: Mode = "create",
    actor: str = trail.SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
) -> Report:
    """Save one record; located as e.g. ``avdeling[D1]`` in the findings."""
    label = KINDS[kind].label(record)
    return apply(db, kind, [(label, record)], mode=mode, actor=actor, clock=clock)


def import_file(
    db: Database,
    kind: str,
    data: bytes,
    fmt: Format = "csv",
    *,
    encoding: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    actor: str = trail.SYSTEM_ACTOR,
) -> Report:
    """Import a CSV (or JSON) file's bytes, in *encoding* or the one detected (UTF-8, or
    Windows-1252 as Excel writes it, said in an INFO finding)."""
    decoded = decoding.decode(data, encoding, csv_columns=fmt == "csv")
    if decoded.text is None:
        raise Rejected(decoded.findings, "Filen ble ikke importert.")
    return import_text(db, kind, decoded.text, fmt, clock, noted=decoded.findings, actor=actor)


def import_text(
    db: Database,
    kind: str,
    text: str,
    fmt: Format = "csv",
    clock: Clock = SYSTEM_CLOCK,
    noted: Sequence[Finding] = (),
    actor: str = trail.SYSTEM_ACTOR,
) -> Report:
    """Import a CSV (or JSON) file's text: validated whole, applied in one transaction.
    *noted*: findings about the file itself, reported with the rest."""
    found = record_files.read_file(_rows(kind), text, fmt)
    findings = [*noted, *found.findings]
    if any(f.code == FILE_INVALID.code for f in findings):
        raise Rejected(findings, f"Filen ble ikke importert ({_rows_checked(found.rows)}).")
    # rows with bad fields are checked too (every bad field is reported); never written
    items = [(f"rad {line}", record) for line, record in found.records]
    return apply(
        db, kind, items, mode="upsert", parse_findings=findings, clock=clock, actor=actor,
        rows=found.rows,
    )  # fmt: skip


def list_records(db: Database, kind: str) -> list[Any]:
    with db.reading() as repos:
        return list(KINDS[kind].read(repos))


def list_page(
    db: Database, kind: str, *, limit: int | None = None, offset: int = 0
) -> tuple[list[Any], int]:
    """The records of *kind* from *offset*, at most *limit* (None or 0: all), and how many
    there are in all."""
    if offset < 0 or (limit is not None and limit < 0):
        raise UseCaseError("--limit og --offset kan ikke være negative.")
    found = list_records(db, kind)
    end = offset + limit if limit else None
    return found[offset:end], len(found)


# the field of a record that holds a person's identity number (a national id, a D- or
# H-number, or another country's number): masked wherever records are shown
IDENTITY_FIELD = "id_value"
AUDIT_KIND = "patient"  # the kind of record the audit trail names for patients


def holds_national_ids(kind: str) -> bool:
    return IDENTITY_FIELD in _rows(kind).columns


def masked(kind: str, record: Any) -> Any:
    """*record* with its identity number masked (``150586*****``), for listings and screens."""
    if not holds_national_ids(kind):
        return record
    value = getattr(record, IDENTITY_FIELD)
    return dataclasses.replace(record, **{IDENTITY_FIELD: national_id.mask(value)})


def export_text(db: Database, kind: str, fmt: Format = "csv", *, mask: bool = True) -> str:
    """Every record of *kind* as a file's text; identity numbers masked unless *mask* is
    False (a file for the clinic's own use: see :func:`export_file`)."""
    found = list_records(db, kind)
    return record_files.write(_rows(kind), [masked(kind, r) for r in found] if mask else found, fmt)


def export_file(
    db: Database, kind: str, path: Path, fmt: Format, *, actor: str, at: datetime.datetime
) -> int:
    """Write every record of *kind*, identity numbers in full (the file can be imported
    again), to *path* with the installation's file mode; an export of patients is recorded
    in the audit trail (with the file written, or not at all). Returns the number of records."""
    mode = file_mode(db)
    with db.transaction() as repos:  # the event is kept only if the file was written
        found = list(KINDS[kind].read(repos))
        if holds_national_ids(kind):
            detail = {"file": path.name, "records": len(found)}
            repos.audit.add(AuditEvent(at, actor, AUDIT_KIND, "*", "export", detail))
        files.write_private(path, record_files.write(_rows(kind), found, fmt), mode)
    return len(found)


def reveal(db: Database, kind: str, ref: str, *, actor: str, at: datetime.datetime) -> Any:
    """One record with its identity number in full, and an audit event saying who saw it
    when (in the same transaction: no reveal without its record)."""
    spec = _rows(kind)
    with db.transaction() as repos:
        found = [r for r in KINDS[kind].read(repos) if spec.key(r) == ref]
        if not found:
            raise NotFound(f"Fant ikke {KINDS[kind].noun} «{ref}».")
        if holds_national_ids(kind):
            detail = {"field": IDENTITY_FIELD}
            repos.audit.add(AuditEvent(at, actor, AUDIT_KIND, ref, "reveal", detail))
        return found[0]


def get_record(db: Database, kind: str, ref: str) -> Any:
    spec = _rows(kind)
    for record in list_records(db, kind):
        # a record without a key of its own (an appointment stored without a ref): #<id>
        if (spec.key(record) or f"#{getattr(record, 'id', '')}") == ref:
            return record
    raise NotFound(f"Fant ikke {KINDS[kind].noun} «{ref}».")


def _rows(kind: str) -> RowSpec:
    spec = KINDS[kind].rows
    assert spec is not None, f"{kind} has no file format"
    return spec
