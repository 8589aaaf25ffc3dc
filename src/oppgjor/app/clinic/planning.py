"""What the planner's pages read: a practitioner's days (working hours and their exceptions,
the appointments with the patient's name and the insurer that booked them), the choices a new
appointment is made from, and the planner's findings on an appointment as it is typed, before
anything is saved (the same rules a save runs, and a warning outside working hours)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oppgjor.app.clinic import appointments, single, validation
from oppgjor.app.clinic.tags import content_tag
from oppgjor.app.errors import NotFound, Rejected
from oppgjor.clinic.adapters.record_rows import APPOINTMENTS
from oppgjor.clinic.domain import planner
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    Patient,
    Practitioner,
    TreatmentSeries,
)
from oppgjor.clinic.domain.schedule import HoursException, Interval, WeeklyHours, opening
from oppgjor.core.findings import Finding
from oppgjor.store import Database
from oppgjor.store.repos import Repos

LABEL = "avtale"
MAX_DAYS = 7
DAY_START = datetime.time(8)


@dataclass(frozen=True)
class Entry:
    """An appointment as the planner shows it."""

    appointment: Appointment
    key: str
    patient: str  # the patient's name
    lines: str  # the tariffs as written, ``FBV01 LE2*2``
    insurer: str | None = None  # the insurer that booked it (its name)

    @property
    def tag(self) -> str:
        """The version shown: a change naming it is refused if someone changed it since."""
        return content_tag(APPOINTMENTS, self.appointment)


@dataclass(frozen=True)
class Day:
    day: datetime.date
    opening: list[Interval]
    exception: str | None  # the day's other hours or closed, in words; None: the pattern
    entries: list[Entry]


@dataclass(frozen=True)
class Plan:
    practitioners: list[Practitioner]
    practitioner: Practitioner | None
    days: list[Day]


@dataclass(frozen=True)
class Choices:
    practitioners: list[Practitioner]
    patients: list[Patient]
    series: list[TreatmentSeries]


def _practitioners(repos: Repos, owner: str | None) -> list[Practitioner]:
    return [p for p in repos.practitioners() if owner is None or p.ref == owner]


def choices(db: Database, *, owner: str | None = None, search: str = "") -> Choices:
    """Practitioners (for *owner*: only them), patients (matching *search* by name or ref)
    and treatment series a new appointment is made from."""
    words = search.lower().split()
    with db.reading() as repos:
        patients = [
            p
            for p in repos.patients()
            if all(w in f"{p.ref} {p.first_name} {p.last_name}".lower() for w in words)
        ]
        return Choices(_practitioners(repos, owner), patients, repos.series())


def plan(
    db: Database, practitioner_ref: str | None, first: datetime.date, count: int = 1, *,
    owner: str | None = None,
) -> Plan:  # fmt: skip
    """*count* days from *first* for one practitioner (*owner*: always theirs; none given:
    the first active one)."""
    count = max(1, min(count, MAX_DAYS))
    last = first + datetime.timedelta(days=count - 1)
    with db.reading() as repos:
        everyone = _practitioners(repos, owner)
        chosen = _chosen(everyone, owner or practitioner_ref)
        if chosen is None:
            return Plan(everyone, None, [])
        hours = repos.schedule.hours(chosen.ref)
        exceptions = repos.schedule.exceptions(chosen.ref, first=first, last=last)
        entries = _entries(repos, chosen.ref, first, last)
    days = [first + datetime.timedelta(days=n) for n in range(count)]
    return Plan(everyone, chosen, [_day(d, hours, exceptions, entries) for d in days])


def _chosen(everyone: list[Practitioner], ref: str | None) -> Practitioner | None:
    if ref is None:
        return next((p for p in everyone if p.active), everyone[0] if everyone else None)
    found = next((p for p in everyone if p.ref == ref), None)
    if found is None:
        raise NotFound(f"Fant ikke behandler «{ref}».")
    return found


def _entries(repos: Repos, ref: str, first: datetime.date, last: datetime.date) -> list[Entry]:
    start = datetime.datetime.combine(first, datetime.time())
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    found = repos.appointments(practitioner_refs=[ref], start=start, end=end)
    return _described(repos, found, ref)


def _described(repos: Repos, found: list[Appointment], practitioner_ref: str) -> list[Entry]:
    """*found* with the patients' names and the insurers that booked them."""
    names = {p.ref: f"{p.first_name} {p.last_name}" for p in
             repos.patients({a.patient_ref for a in found})}  # fmt: skip
    clients = {c.ref: c.name for c in repos.access.clients()}
    refs = {a.ref for a in found}
    booked = {
        b.appointment_ref: clients.get(b.client_ref, b.client_ref)
        for b in repos.schedule.bookings(practitioner_ref=practitioner_ref)
        if b.appointment_ref is not None and b.appointment_ref in refs and b.active
    }
    return [_entry(a, names, booked) for a in found]


def entry(db: Database, key: str, *, owner: str | None = None) -> Entry:
    """One appointment as the planner shows it (for *owner*: only one of theirs)."""
    found = appointments.get(db, key, owner=owner)
    with db.reading() as repos:
        return _described(repos, [found], found.practitioner_ref)[0]


def series_of(db: Database, patient_ref: str) -> list[TreatmentSeries]:
    """The patient's treatment series (an appointment is linked to one of them)."""
    with db.reading() as repos:
        return repos.series(patient_ref=patient_ref) if patient_ref else []


def _entry(a: Appointment, names: Mapping[str, str], booked: Mapping[str, str]) -> Entry:
    lines = appointments.shown(a)["lines"]
    name = names.get(a.patient_ref, a.patient_ref)
    return Entry(a, appointments.key_of(a), name, lines, booked.get(a.ref or ""))


def _day(
    day: datetime.date, hours: Sequence[WeeklyHours], exceptions: Sequence[HoursException],
    entries: list[Entry],
) -> Day:  # fmt: skip
    today = [e for e in exceptions if e.day == day]
    words = None
    if today:
        words = "; ".join(
            ("stengt" if e.closed else f"{e.start:%H:%M}–{e.end:%H:%M}")
            + (f" ({e.note})" if e.note else "")
            for e in today
        )
    mine = [e for e in entries if e.appointment.day == day]
    return Day(day, opening(day, hours, exceptions), words, mine)


def first_free(day: Day, minutes: int = 30) -> datetime.datetime:
    """The first start on *day* with *minutes* clear of its appointments, from the opening
    (none: 08:00); after the day's end, the opening again."""
    length = datetime.timedelta(minutes=minutes)
    opens = day.opening[0][0] if day.opening else datetime.datetime.combine(day.day, DAY_START)
    busy = sorted((e.appointment.start, e.appointment.end) for e in day.entries
                  if e.appointment.status is not AppointmentStatus.CANCELLED)  # fmt: skip
    t = opens
    for start, end in busy:
        if start < t + length and t < end:
            t = max(t, end)
    return t if t.date() == day.day else opens


def check(
    db: Database, values: Mapping[str, str], *, key: str | None = None,
    owner: str | None = None,
) -> list[Finding]:  # fmt: skip
    """The planner's findings on an appointment as typed, nothing saved: a new one (*key*
    None) or the appointment *key* with *values* instead (a move: not against itself)."""
    row = dict(values)
    exclude: frozenset[int] = frozenset()
    if key is not None:
        before = appointments.get(db, key, owner=owner)
        row = {**appointments.shown(before), **row}
        exclude = frozenset({before.id or 0})
    try:
        typed: Appointment = single.record_from("appointments", row, LABEL)
    except Rejected as refused:
        return list(refused.findings)
    with db.reading() as repos:
        ctx = validation.planner_context(repos, [typed], exclude_ids=exclude)
        found = planner.check_appointments([(LABEL, typed)], ctx)
        return [*found, *_hours_findings(repos, typed)]


def _hours_findings(repos: Repos, a: Appointment) -> list[Finding]:
    """Outside working hours, when the practitioner has working hours registered at all."""
    hours = repos.schedule.hours(a.practitioner_ref)
    exceptions = repos.schedule.exceptions(a.practitioner_ref, first=a.day, last=a.day)
    if (not hours and not exceptions) or a.end <= a.start:
        return []
    return planner.outside_hours(LABEL, a, opening(a.day, hours, exceptions))
