"""Use cases of an appointment's life after it is created: update, mark attended / not
attended / cancelled / planned, delete, and a filtered list a page at a time.

Each change is one transaction: the appointment is checked with the planner's rules (as when
it was created), its claim follows it (:mod:`oppgjor.app.helfo.follow`, ADR 0016), and an
audit event records who changed what. BLOCKING findings or a refusal write nothing. An
appointment is named by its ref, or ``#<id>`` if it was stored without one.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from oppgjor.app.clinic import validation
from oppgjor.app.clinic.tags import check_tag
from oppgjor.app.errors import Forbidden, NotFound, Rejected, UseCaseError
from oppgjor.app.helfo import follow
from oppgjor.app.history import Entry
from oppgjor.app.history import history as record_history
from oppgjor.clinic.adapters.record_rows import APPOINTMENTS
from oppgjor.clinic.adapters.rows import RowReader
from oppgjor.clinic.domain import planner
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus
from oppgjor.core.changes import differences, snapshot
from oppgjor.core.findings import Finding
from oppgjor.store import Database
from oppgjor.store.appointments import AppointmentFilter
from oppgjor.store.audit import record_change
from oppgjor.store.repos import Repos

AUDIT_KIND = "appointment"

# the fields an update may change (the row spec's columns), and ``duration`` in minutes
FIELDS = ("start", "end", "duration", "practitioner_ref", "patient_ref", "lines", "series_ref",
          "refund_type")  # fmt: skip


@dataclass(frozen=True)
class Changed:
    """What a change did: the appointment now (None when deleted), the fields that changed
    (``{field: (before, after)}`` as the user writes them), findings that did not block, and
    what happened to its claim (bokmål)."""

    appointment: Appointment | None
    changes: dict[str, tuple[Any, Any]]
    findings: list[Finding] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        a = self.appointment
        return "" if a is None else key_of(a)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref or None,
            "appointment": None
            if self.appointment is None
            else APPOINTMENTS.row_of(self.appointment),
            "changes": {k: {"before": b, "after": a} for k, (b, a) in self.changes.items()},
            "findings": [f.as_dict() for f in self.findings],
            "claims": self.claims,
        }


@dataclass(frozen=True)
class Page:
    """One page of a filtered list, and how many match in all."""

    appointments: list[Appointment]
    total: int
    offset: int
    limit: int | None


def key_of(a: Appointment) -> str:
    """How the appointment is named: its ref, else ``#<id>``."""
    return a.ref or f"#{a.id}"


def shown(a: Appointment) -> dict[str, Any]:
    """The fields as the user reads and writes them (times to the minute, lines as text)."""
    row = APPOINTMENTS.row_of(a)
    return {k: v for k, v in row.items() if k != "ref"}


@dataclass(frozen=True)
class Guard:
    """What the caller saw and may touch: the appointment's content tag when read (Stale if
    it changed since) and, for a practitioner, whose appointments are theirs (another's is
    not found)."""

    expected: str | None = None
    owner: str | None = None


NO_GUARD = Guard()


def get(db: Database, key: str, *, owner: str | None = None) -> Appointment:
    """One appointment (by ref or ``#<id>``); for *owner*, only one of theirs."""
    with db.reading() as repos:
        found = repos.appointment(key)
    if found is None or (owner is not None and found.practitioner_ref != owner):
        raise NotFound(f"Fant ikke avtale «{key}».")
    return found


def history(db: Database, key: str, *, owner: str | None = None) -> list[Entry]:
    """An appointment's history, oldest first (also of one deleted); for *owner*, only of
    one of theirs that exists."""
    if owner is not None:
        key = key_of(get(db, key, owner=owner))
    entries, _ = record_history(db, AUDIT_KIND, key)
    return entries


def _get(repos: Repos, key: str, guard: Guard = NO_GUARD) -> Appointment:
    """The appointment to change, held until the change commits (no lost update)."""
    found = repos.appointment(key, hold=True)
    if found is None or (guard.owner is not None and found.practitioner_ref != guard.owner):
        raise NotFound(f"Fant ikke avtale «{key}».")
    check_tag(APPOINTMENTS, found, guard.expected, "Avtalen")
    return found


def _edited(before: Appointment, changes: Mapping[str, str | None]) -> Appointment:
    """*before* with *changes* applied, read like an import row (same values, same
    messages); a moved start keeps the length unless an end or duration is given."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise UseCaseError(
            f"Ukjent felt: {', '.join(unknown)}. Felt som kan endres: {', '.join(FIELDS)}."
        )
    row = APPOINTMENTS.row_of(before)
    row.update({k: v or "" for k, v in changes.items() if k in row})
    reader = RowReader(row, f"avtale[{key_of(before)}]")
    after: Appointment = APPOINTMENTS.build(reader)
    end = after.end
    if changes.get("duration") is not None:
        end = after.start + datetime.timedelta(minutes=_minutes(changes["duration"] or ""))
    elif "end" not in changes and "start" in changes and after.start != datetime.datetime.min:
        end = after.start + (before.end - before.start)
    if reader.findings:
        raise Rejected(reader.findings, "Avtalen ble ikke endret.")
    return dataclasses.replace(after, end=end, ref=before.ref, id=before.id)


def _minutes(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 24 * 60:
        raise UseCaseError(f"Varighet «{value}»: skriv antall minutter (1–1440).")
    return int(value)


def _check(repos: Repos, before: Appointment, after: Appointment) -> list[Finding]:
    """The planner's rules on the changed appointment against the others (not itself). Only
    what the change brings stops it: a finding the appointment had already (its series
    since given to another patient, say) is shown, and does not keep it from being
    cancelled or moved."""
    found = _findings(repos, after)
    had = {(f.code, str(f.where)) for f in _findings(repos, before)}
    if any(f.blocking and (f.code, str(f.where)) not in had for f in found):
        raise Rejected(found, "Avtalen ble ikke endret.")
    return found


def _findings(repos: Repos, appointment: Appointment) -> list[Finding]:
    assert appointment.id is not None
    label = f"avtale[{key_of(appointment)}]"
    misfits, _ = validation.oversized("appointments", [(label, appointment)])
    ctx = validation.planner_context(repos, [appointment], exclude_ids=frozenset({appointment.id}))
    return [*misfits, *planner.check_appointments([(label, appointment)], ctx)]


def _change(
    db: Database,
    key: str,
    make: Any,
    *,
    action: str | None,
    actor: str,
    now: datetime.datetime,
    guard: Guard,
) -> Changed:
    """Load, change with *make* (before -> after), check, guard the claim, write, audit,
    let the claim follow: one transaction."""
    with db.transaction() as repos:
        before = _get(repos, key, guard)
        after: Appointment = make(before)
        if guard.owner is not None and after.practitioner_ref != guard.owner:
            raise Forbidden(
                f"Avtalen kan ikke gis til en annen behandler ({after.practitioner_ref}) av "
                "en behandler."
            )
        changes = differences(shown(before), shown(after))
        if not changes:
            return Changed(before, {})
        findings = _check(repos, before, after)
        follow.guard_change(repos, before, after)
        repos.replace_appointment(after)
        event = record_change(
            now, actor, AUDIT_KIND, key_of(before), snapshot(before), snapshot(after), action
        )
        if event is not None:
            repos.audit.add(event)
        notes = follow.follow(repos, before.id or 0, after, actor=actor, now=now)
        return Changed(after, changes, findings, notes)


def update(
    db: Database,
    key: str,
    changes: Mapping[str, str | None],
    *,
    actor: str,
    now: datetime.datetime,
    guard: Guard = NO_GUARD,
) -> Changed:
    """Change only the given fields (``start``, ``end`` or ``duration``, ``practitioner_ref``,
    ``patient_ref``, ``lines`` as ``FBV01*1;FBV02``, ``series_ref``, ``refund_type``; an empty
    value clears an optional field)."""
    return _change(
        db, key, lambda before: _edited(before, changes), action=None, actor=actor, now=now,
        guard=guard,
    )  # fmt: skip


_ONCE_BEGUN = frozenset({AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW})
STATUS_WORDS = {
    AppointmentStatus.ATTENDED: "møtt",
    AppointmentStatus.NO_SHOW: "ikke møtt",
    AppointmentStatus.CANCELLED: "avlyst",
    AppointmentStatus.PLANNED: "planlagt",
}


def mark(
    db: Database,
    key: str,
    status: AppointmentStatus,
    *,
    actor: str,
    now: datetime.datetime,
    guard: Guard = NO_GUARD,
) -> Changed:
    """Møtt, ikke møtt, avlyst, or planned again; the claim follows. Whether the patient came
    is known once the appointment has begun: a later one is refused (it would be billed)."""

    def marked(before: Appointment) -> Appointment:
        if status in _ONCE_BEGUN and before.start > now:
            raise UseCaseError(
                f"Avtalen begynner {before.start:%d.%m.%Y kl. %H:%M}; den kan merkes som "
                f"«{STATUS_WORDS[status]}» først når den har begynt. Ingenting ble endret."
            )
        return dataclasses.replace(before, status=status)

    return _change(
        db,
        key,
        marked,
        action=status.value,
        actor=actor,
        now=now,
        guard=guard,
    )


def delete(
    db: Database, key: str, *, actor: str, now: datetime.datetime, guard: Guard = NO_GUARD
) -> Changed:
    """Delete an appointment whose claims Helfo has never seen (its open claim goes too)."""
    with db.transaction() as repos:
        before = _get(repos, key, guard)
        follow.guard_change(repos, before, None)
        notes = follow.follow(repos, before.id or 0, None, actor=actor, now=now)
        repos.delete_appointment(before.id or 0)
        event = record_change(now, actor, AUDIT_KIND, key_of(before), snapshot(before), None)
        if event is not None:
            repos.audit.add(event)
        return Changed(None, {k: (v, None) for k, v in shown(before).items() if v}, [], notes)


def page(
    db: Database, where: AppointmentFilter, *, limit: int | None = 50, offset: int = 0
) -> Page:
    """The appointments matching *where*, by start time, *limit* (None: all) from *offset*."""
    if where.start and where.end and where.start >= where.end:
        raise UseCaseError("Fra-datoen er etter til-datoen.")
    with db.reading() as repos:
        found, total = repos.appointment_page(where, limit=limit, offset=offset)
    return Page(found, total, offset, limit)
