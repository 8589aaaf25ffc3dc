"""An insurer's system books into the planner (``Permission.BOOKING``): what it may book, free
slots, book, move, cancel and read its own bookings.

A booking is a planner appointment (no series, no tariff lines: the insurer pays it, so it
never becomes a Helfo claim; the service's tariff or price stays on the service) and a
``booking`` row with the insurer's case reference (SakID). Two insurers racing for one slot:
the practitioner's row is held while the slot is checked and taken (PostgreSQL; SQLite's
writers run one at a time), and the unique index of active slots refuses a second booking even
if the check were skipped. The loser gets :class:`Conflict` «Timen er allerede tatt».

A client sees only its own bookings: another's is "not found", never "forbidden"."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from oppgjor.app.clinic import records
from oppgjor.app.clinic.schedule import audit
from oppgjor.app.errors import Conflict, NotFound, Rejected, Stale
from oppgjor.app.installation import TEST_INSTALLATION
from oppgjor.clinic.domain import schedule as domain
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    IdType,
    Patient,
    Practitioner,
)
from oppgjor.clinic.domain.records import check_patient
from oppgjor.clinic.domain.schedule import Booking, Service, Slot
from oppgjor.core.clock import FixedClock
from oppgjor.core.ids import national_id
from oppgjor.core.ids.errors import InvalidIdentifier
from oppgjor.store import Database, StoreDuplicate
from oppgjor.store.repos import Repos

AUDIT_KIND = "booking"
PATIENT_COUNTER, PATIENT_PREFIX = "booking_patient_ref", "PB"
TAKEN = "Timen er allerede tatt"


@dataclasses.dataclass(frozen=True)
class PatientIdentity:
    """Who the booking is for, as the insurer sends it."""

    national_id: str
    first_name: str
    last_name: str
    birth_date: datetime.date


@dataclasses.dataclass(frozen=True)
class BookingView:
    """A booking and its patient as the insurer sent it (the national id masked)."""

    booking: Booking
    national_id: str  # masked


# -- what a client may book ------------------------------------------------------------


def services(db: Database, client_ref: str | None) -> list[Service]:
    """The active services *client_ref* may book."""
    with db.reading() as repos:
        return [s for s in repos.schedule.services() if s.bookable_by(client_ref)]


def practitioners(db: Database, client_ref: str | None) -> list[Practitioner]:
    """The active practitioners who give a service *client_ref* may book."""
    with db.reading() as repos:
        giving = {p for s in repos.schedule.services() if s.bookable_by(client_ref)
                  for p in s.practitioner_refs}  # fmt: skip
        return [p for p in repos.practitioners() if p.ref in giving and p.active]


def _bookable(repos: Repos, client_ref: str | None, service_ref: str) -> Service:
    found = repos.schedule.service(service_ref)
    if found is None or not found.bookable_by(client_ref):
        raise NotFound(f"Fant ingen tjeneste «{service_ref}» som kan bookes.")
    return found


def _busy(repos: Repos, practitioner_ref: str, start: datetime.datetime,
          end: datetime.datetime, skip: int | None = None) -> list[domain.Interval]:  # fmt: skip
    """The practitioner's appointments of any kind (not cancelled) around [start, end)."""
    found = repos.appointments(practitioner_refs=[practitioner_ref],
                               start=start - datetime.timedelta(days=1), end=end)  # fmt: skip
    return [(a.start, a.end) for a in found
            if a.status is not AppointmentStatus.CANCELLED and a.id != skip]  # fmt: skip


def free_slots(
    db: Database, client_ref: str | None, service_ref: str, start: datetime.datetime,
    end: datetime.datetime, *, now: datetime.datetime, practitioner_ref: str | None = None,
) -> list[Slot]:  # fmt: skip
    """The free slots of the service in [start, end) (at most 31 days), by start time."""
    period = domain.check_period(start, end)
    if period:
        raise Rejected(period, "Ingen ledige timer ble søkt opp.")
    with db.reading() as repos:
        service = _bookable(repos, client_ref, service_ref)
        givers = sorted(service.practitioner_refs)
        if practitioner_ref is not None:
            givers = [p for p in givers if p == practitioner_ref]
        # each in one query for all the practitioners (and the same window as _busy)
        hours = repos.schedule.hours(practitioner_refs=givers)
        closed = repos.schedule.exceptions(practitioner_refs=givers, first=start.date(),
                                           last=end.date())  # fmt: skip
        busy = repos.schedule.busy(givers, start - datetime.timedelta(days=1),
                                   end + datetime.timedelta(days=1))  # fmt: skip
    slots: list[Slot] = []
    for p in givers:
        slots += domain.free_slots(p, service.duration_minutes,
                                   [h for h in hours if h.practitioner_ref == p],
                                   [x for x in closed if x.practitioner_ref == p],
                                   busy.get(p, []), start, end, now)  # fmt: skip
    return sorted(slots, key=lambda s: (s.start, s.practitioner_ref))


# -- booking ---------------------------------------------------------------------------


def _patient_findings(repos: Repos, who: PatientIdentity, today: datetime.date) -> Patient:
    """The patient as a record (its ref not yet given), or Rejected with the findings."""
    allow = repos.get_setting(TEST_INSTALLATION) == "true"
    value = national_id.compact(who.national_id)
    try:
        kind = IdType(national_id.kind(value).value) if len(value) == 11 else IdType.FNR
    except (InvalidIdentifier, ValueError):
        kind = IdType.FNR
    patient = Patient("(ny)", kind, value, who.first_name.strip(), who.last_name.strip(),
                      who.birth_date)  # fmt: skip
    checked, findings = check_patient(patient, allow_synthetic=allow, today=today)
    if any(f.blocking for f in findings):
        raise Rejected(findings, "Timen ble ikke booket.")
    return checked


def _patient_ref(repos: Repos, who: PatientIdentity, actor: str, now: datetime.datetime
                 ) -> str:  # fmt: skip
    """The patient holding the national id, or a new one (ref ``PB000001``)."""
    patient = _patient_findings(repos, who, now.date())
    stored = repos.patients_by_identity([patient.id_value])
    ref = ""
    while not stored and (not ref or repos.exists("patients", ref)):
        # the counter's row lock makes a concurrent booking for the same new patient wait;
        # then its patient is found here and used
        [n] = repos.counter_numbers(PATIENT_COUNTER, 1)
        ref = f"{PATIENT_PREFIX}{n:06d}"
        stored = repos.patients_by_identity([patient.id_value])
    if stored:
        return next(iter(stored.values()))
    made = dataclasses.replace(patient, ref=ref)
    records.apply_in(repos, "patients", [(f"pasient[{ref}]", made)], mode="create",
                     clock=FixedClock(now), actor=actor)  # fmt: skip
    return ref


def _check_slot(repos: Repos, slot: Slot, now: datetime.datetime, skip: int | None = None
                ) -> None:  # fmt: skip
    """Hold the practitioner and check the slot: Conflict if taken, Rejected if not open."""
    repos.hold("practitioners", slot.practitioner_ref)
    hours = repos.schedule.hours(slot.practitioner_ref)
    closed = repos.schedule.exceptions(slot.practitioner_ref, first=slot.start.date(),
                                       last=slot.start.date())  # fmt: skip
    busy = _busy(repos, slot.practitioner_ref, slot.start, slot.end, skip)
    refused = domain.refusal(slot, hours, closed, busy, now)
    if refused is not None and refused.code == domain.TAKEN.code:
        raise Conflict(f"{refused.message}")
    if refused is None:
        day = datetime.datetime.combine(slot.start.date(), datetime.time())
        next_day = day + datetime.timedelta(days=1)
        minutes = int((slot.end - slot.start).total_seconds() // 60)
        offered = domain.free_slots(
            slot.practitioner_ref, minutes, hours, closed,
            _busy(repos, slot.practitioner_ref, day, next_day, skip), day, next_day, now,
        )  # fmt: skip
        refused = domain.off_grid(slot, offered)
    if refused is not None:
        raise Rejected([refused], "Timen ble ikke booket.")


@contextmanager
def _one_per_slot() -> Iterator[None]:
    """The unique index of active slots refused the booking: someone else was first."""
    try:
        yield
    except StoreDuplicate:
        raise Conflict(f"{TAKEN}: en annen booket den samme timen samtidig; velg en annen "
                       "ledig time.") from None  # fmt: skip


def book(
    db: Database, client_ref: str, service_ref: str, practitioner_ref: str,
    start: datetime.datetime, who: PatientIdentity, case_ref: str, *, actor: str,
    now: datetime.datetime,
) -> BookingView:  # fmt: skip
    """Book the slot at *start* for the patient: a planner appointment the clinic sees at once
    and the insurer's booking of it. Nothing is written when it is refused."""
    with _one_per_slot(), db.transaction() as repos:
        service = _bookable(repos, client_ref, service_ref)
        _gives(service, practitioner_ref)
        slot = Slot(practitioner_ref, start,
                    start + datetime.timedelta(minutes=service.duration_minutes))  # fmt: skip
        _check_slot(repos, slot, now)
        patient_ref = _patient_ref(repos, who, actor, now)
        repos.schedule.release_slot(practitioner_ref, start)
        [ref] = repos.new_appointment_refs(1)
        appointment = Appointment(practitioner_ref, patient_ref, slot.start, slot.end, ref=ref)
        records.apply_in(repos, "appointments", [(f"avtale[{ref}]", appointment)],
                         mode="create", clock=FixedClock(now), actor=actor)  # fmt: skip
        stored = repos.appointment(ref)
        assert stored is not None and stored.id is not None
        booking_id = repos.schedule.add_booking(
            client_ref=client_ref, service_ref=service.ref, practitioner_ref=practitioner_ref,
            patient_ref=patient_ref, appointment_id=stored.id, start=slot.start, end=slot.end,
            case_ref=case_ref, now=now,
            named=(who.first_name.strip(), who.last_name.strip(), who.birth_date),
        )  # fmt: skip
        made = _own(repos, client_ref, booking_id)
        audit(repos, now, actor, AUDIT_KIND, str(booking_id), None, made.booking)
        return made


def _gives(service: Service, practitioner_ref: str) -> None:
    if practitioner_ref not in service.practitioner_refs:
        finding = domain.NOT_GIVEN(
            f"Behandler «{practitioner_ref}» gir ikke tjenesten «{service.ref}».",
            "bestilling.practitioner_ref",
        )  # fmt: skip
        raise Rejected([finding], "Timen ble ikke booket.")


# -- its own bookings ------------------------------------------------------------------


def _own(repos: Repos, client_ref: str, booking_id: int, hold: bool = False) -> BookingView:
    found = repos.schedule.booking(booking_id, hold=hold)
    if found is None or found.client_ref != client_ref:
        raise NotFound(f"Fant ikke bestilling {booking_id}.")
    [patient] = repos.patients([found.patient_ref])
    return BookingView(found, national_id.mask(patient.id_value))


def one(db: Database, client_ref: str, booking_id: int) -> BookingView:
    with db.reading() as repos:
        return _own(repos, client_ref, booking_id)


def own(db: Database, client_ref: str, *, limit: int = 100, offset: int = 0
        ) -> list[BookingView]:  # fmt: skip
    """The client's bookings, by start time."""
    with db.reading() as repos:
        found = repos.schedule.bookings(client_ref=client_ref, limit=limit, offset=offset)
        patients = {p.ref: p for p in repos.patients({b.patient_ref for b in found})}
        return [BookingView(b, national_id.mask(patients[b.patient_ref].id_value))
                for b in found]  # fmt: skip


def _changeable(repos: Repos, client_ref: str, booking_id: int, expected: int | None,
                now: datetime.datetime) -> BookingView:  # fmt: skip
    view = _own(repos, client_ref, booking_id, hold=True)
    b = view.booking
    if expected is not None and expected != b.version:
        raise Stale(f"Bestilling {booking_id} er endret av noen andre (versjon {b.version}); "
                    "hent den på nytt.")  # fmt: skip
    if b.state is not domain.BookingState.BOOKED:
        raise Conflict(f"Bestilling {booking_id} er {_STATE_WORDS[b.state]} og kan ikke endres.")
    if b.start < now:
        raise Conflict(f"Timen i bestilling {booking_id} har begynt; den kan ikke endres nå.")
    return view


_STATE_WORDS = {
    domain.BookingState.BOOKED: "booket",
    domain.BookingState.ATTENDED: "gjennomført",
    domain.BookingState.NO_SHOW: "registrert som ikke møtt",
    domain.BookingState.CANCELLED: "avbestilt",
}


def _appointment(repos: Repos, b: Booking) -> Appointment:
    found = repos.appointment(b.appointment_ref or "", hold=True)
    assert found is not None
    return found


def cancel(db: Database, client_ref: str, booking_id: int, *, expected: int | None,
           actor: str, now: datetime.datetime) -> BookingView:  # fmt: skip
    """Cancel the client's own booking: its appointment is cancelled too."""
    with db.transaction() as repos:
        before = _changeable(repos, client_ref, booking_id, expected, now).booking
        appointment = _appointment(repos, before)
        _replace(repos, appointment, dataclasses.replace(
            appointment, status=AppointmentStatus.CANCELLED), actor, now, "cancelled")  # fmt: skip
        repos.schedule.change_booking(booking_id, now=now, active=False)
        after = _own(repos, client_ref, booking_id)
        audit(repos, now, actor, AUDIT_KIND, str(booking_id), before, after.booking,
               "cancelled")  # fmt: skip
        return after


def move(
    db: Database, client_ref: str, booking_id: int, start: datetime.datetime,
    practitioner_ref: str | None = None, *, expected: int | None, actor: str,
    now: datetime.datetime,
) -> BookingView:  # fmt: skip
    """Move the client's own booking to another free slot (of the same service)."""
    with _one_per_slot(), db.transaction() as repos:
        before = _changeable(repos, client_ref, booking_id, expected, now).booking
        service = _bookable(repos, client_ref, before.service_ref)
        who = practitioner_ref or before.practitioner_ref
        _gives(service, who)
        slot = Slot(who, start, start + (before.end - before.start))
        appointment = _appointment(repos, before)
        _check_slot(repos, slot, now, skip=appointment.id)
        repos.schedule.release_slot(who, start)
        moved = dataclasses.replace(appointment, practitioner_ref=who, start=slot.start,
                                    end=slot.end)  # fmt: skip
        _replace(repos, appointment, moved, actor, now, None)
        repos.schedule.change_booking(booking_id, now=now, practitioner_ref=who,
                                      start=slot.start, end=slot.end)  # fmt: skip
        after = _own(repos, client_ref, booking_id)
        audit(repos, now, actor, AUDIT_KIND, str(booking_id), before, after.booking, "moved")
        return after


def _replace(repos: Repos, before: Appointment, after: Appointment, actor: str,
             now: datetime.datetime, action: str | None) -> None:  # fmt: skip
    repos.replace_appointment(after)
    audit(repos, now, actor, "appointment", before.ref or f"#{before.id}", before, after,
           action)  # fmt: skip
