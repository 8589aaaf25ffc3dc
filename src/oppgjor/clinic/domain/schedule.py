"""Working hours, their exceptions, bookable services and the free slots they leave.

A practitioner works by a weekly pattern (:class:`WeeklyHours`: a weekday, from–to, valid from
a date and, optionally, to one). An exception (:class:`HoursException`) replaces the pattern on
one date: closed, or other hours (several exceptions on a date add up). A bookable service
(:class:`Service`) has a duration; a free slot for it is a stretch of that length inside the
opening hours that overlaps no appointment of any kind, and does not start in the past.

>>> monday = WeeklyHours("B1", 0, datetime.time(8), datetime.time(10), datetime.date(2026, 1, 1))
>>> day = datetime.date(2026, 3, 2)
>>> busy = [(at(day, 8, 30), at(day, 9, 15))]
>>> [f"{s.start:%H:%M}" for s in free_slots("B1", 30, [monday], [], busy,
...                                          at(day, 0), at(day, 23), at(day, 7))]
['08:00', '09:15']
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.core.findings import Finding, FindingCode, Severity

B = Severity.BLOCKING

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MAX_PERIOD_DAYS = 31  # the longest period free slots are looked for in at once
MAX_DURATION = 12 * 60  # minutes

TIMES = FindingCode("SCHEDULE_TIMES", B, "Arbeidstiden må slutte etter at den starter.")
VALIDITY = FindingCode("SCHEDULE_VALIDITY", B, "Gyldig til kan ikke være før gyldig fra.")
WEEKDAY = FindingCode("SCHEDULE_WEEKDAY", B, "Ukedagen må være 1 (mandag) til 7 (søndag).")
DURATION = FindingCode(
    "SCHEDULE_DURATION", B, "Varigheten til en tjeneste må være 5 til 720 minutter."
)
SERVICE_NAME = FindingCode("SCHEDULE_SERVICE_NAME", B, "Tjenesten må ha et navn.")
PRICE = FindingCode("SCHEDULE_PRICE", B, "Prisen kan ikke være negativ.")
NOT_OPEN = FindingCode("BOOKING_OUTSIDE_HOURS", B, "Timen ligger utenfor behandlerens arbeidstid.")
PAST = FindingCode("BOOKING_IN_THE_PAST", B, "Timen har allerede begynt eller er passert.")
TAKEN = FindingCode("BOOKING_TAKEN", B, "Timen er allerede tatt.")
NOT_GIVEN = FindingCode(
    "BOOKING_NOT_GIVEN", B, "Behandleren gir ikke tjenesten, eller tjenesten kan ikke bookes."
)
PERIOD = FindingCode("BOOKING_PERIOD", B, "Perioden må være fra 1 til 31 dager lang.")
OFF_GRID = FindingCode(
    "BOOKING_NOT_A_SLOT", B, "Timen må starte der en ledig time starter (se ledige timer)."
)
CODES = (
    TIMES, VALIDITY, WEEKDAY, DURATION, SERVICE_NAME, PRICE, NOT_OPEN, PAST, TAKEN, NOT_GIVEN,
    PERIOD, OFF_GRID,
)  # fmt: skip

Interval = tuple[datetime.datetime, datetime.datetime]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """The time *hour*:*minute* on *day*."""
    return datetime.datetime.combine(day, datetime.time(hour, minute))


@dataclass(frozen=True)
class WeeklyHours:
    """A practitioner works *weekday* (0 Monday … 6 Sunday) from *start* to *end*."""

    practitioner_ref: str
    weekday: int
    start: datetime.time
    end: datetime.time
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    id: int | None = None
    version: int = 1

    def applies(self, day: datetime.date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True)
class HoursException:
    """On *day* the practitioner's hours are these instead (*start* None: closed)."""

    practitioner_ref: str
    day: datetime.date
    start: datetime.time | None = None
    end: datetime.time | None = None
    note: str = ""
    id: int | None = None
    version: int = 1

    @property
    def closed(self) -> bool:
        return self.start is None or self.end is None


@dataclass(frozen=True)
class Service:
    """A treatment an insurer may book: its length, the tariff or price it carries, who gives
    it and which booking clients may book it."""

    ref: str
    name: str
    duration_minutes: int
    tariff_code: str | None = None
    price: Decimal | None = None
    practitioner_refs: frozenset[str] = field(default_factory=frozenset)
    client_refs: frozenset[str] = field(default_factory=frozenset)
    active: bool = True
    id: int | None = None
    version: int = 1

    def bookable_by(self, client_ref: str | None) -> bool:
        return self.active and client_ref is not None and client_ref in self.client_refs


@dataclass(frozen=True)
class Slot:
    practitioner_ref: str
    start: datetime.datetime
    end: datetime.datetime


# -- checks ------------------------------------------------------------------------------


def check_hours(h: WeeklyHours, label: str) -> list[Finding]:
    found = []
    if not 0 <= h.weekday <= 6:
        found.append(WEEKDAY(f"Ukedag {h.weekday + 1} finnes ikke.", f"{label}.weekday"))
    if h.end <= h.start:
        found.append(TIMES(f"Slutt {h.end:%H:%M} er ikke etter start {h.start:%H:%M}.",
                           f"{label}.end"))  # fmt: skip
    if h.valid_to is not None and h.valid_to < h.valid_from:
        found.append(VALIDITY(f"Gyldig til {h.valid_to:%d.%m.%Y} er før gyldig fra "
                              f"{h.valid_from:%d.%m.%Y}.", f"{label}.valid_to"))  # fmt: skip
    return found


def check_exception(e: HoursException, label: str) -> list[Finding]:
    if (e.start is None) != (e.end is None):
        return [TIMES("Gi både start og slutt, eller ingen av dem (stengt).", f"{label}.end")]
    if e.start is not None and e.end is not None and e.end <= e.start:
        return [TIMES(f"Slutt {e.end:%H:%M} er ikke etter start {e.start:%H:%M}.", f"{label}.end")]
    return []


def check_service(s: Service, label: str) -> list[Finding]:
    found = []
    if not s.name.strip():
        found.append(SERVICE_NAME("Gi tjenesten et navn.", f"{label}.name"))
    if not 5 <= s.duration_minutes <= MAX_DURATION:
        found.append(DURATION(f"Varighet {s.duration_minutes} minutter: bruk 5–720.",
                              f"{label}.duration_minutes"))  # fmt: skip
    if s.price is not None and s.price < 0:
        found.append(PRICE(f"Pris {s.price} er negativ.", f"{label}.price"))
    return found


def check_period(start: datetime.datetime, end: datetime.datetime) -> list[Finding]:
    """A period to look for free slots in: *start* before *end*, at most 31 days.

    >>> [f.code for f in check_period(at(datetime.date(2026, 3, 1), 0),
    ...                               at(datetime.date(2026, 4, 2), 0))]
    ['BOOKING_PERIOD']
    """
    if end <= start or end - start > datetime.timedelta(days=MAX_PERIOD_DAYS):
        return [PERIOD(f"Perioden {start:%d.%m.%Y %H:%M}–{end:%d.%m.%Y %H:%M} kan ikke brukes; "
                       f"«til» må være etter «fra», høyst {MAX_PERIOD_DAYS} dager senere.",
                       "periode")]  # fmt: skip
    return []


# -- opening hours and free slots ----------------------------------------------------------


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def opening(
    day: datetime.date, hours: Sequence[WeeklyHours], exceptions: Sequence[HoursException]
) -> list[Interval]:
    """The practitioner's opening hours on *day*: the exceptions of the day if there are any
    (closed: none), else the weekly pattern.

    >>> d = datetime.date(2026, 3, 2)
    >>> opening(d, [], [HoursException("B1", d, datetime.time(12), datetime.time(13))])
    [(datetime.datetime(2026, 3, 2, 12, 0), datetime.datetime(2026, 3, 2, 13, 0))]
    """
    today = [e for e in exceptions if e.day == day]
    if today:
        return _merged(
            (datetime.datetime.combine(day, e.start), datetime.datetime.combine(day, e.end))
            for e in today
            if e.start is not None and e.end is not None
        )
    return _merged(
        (datetime.datetime.combine(day, h.start), datetime.datetime.combine(day, h.end))
        for h in hours
        if h.applies(day)
    )


def _days(start: datetime.datetime, end: datetime.datetime) -> Iterable[datetime.date]:
    day = start.date()
    while datetime.datetime.combine(day, datetime.time()) < end:
        yield day
        day += datetime.timedelta(days=1)


def free_slots(
    practitioner_ref: str,
    minutes: int,
    hours: Sequence[WeeklyHours],
    exceptions: Sequence[HoursException],
    busy: Sequence[Interval],
    start: datetime.datetime,
    end: datetime.datetime,
    now: datetime.datetime,
) -> list[Slot]:
    """The free slots of *minutes* in [*start*, *end*): inside the opening hours, clear of
    every *busy* interval, not before *now*. Slots follow each other from the opening; after
    an appointment the next one starts where it ends."""
    length = datetime.timedelta(minutes=minutes)
    taken = _merged(busy)
    slots: list[Slot] = []
    for day in _days(start, end):
        for open_start, open_end in opening(day, hours, exceptions):
            t = open_start
            while t + length <= open_end:
                clash = next((b for b in taken if b[0] < t + length and t < b[1]), None)
                if clash is not None:
                    t = clash[1]
                    continue
                if t >= now and start <= t and t + length <= end:
                    slots.append(Slot(practitioner_ref, t, t + length))
                t += length
    return slots


def refusal(
    slot: Slot,
    hours: Sequence[WeeklyHours],
    exceptions: Sequence[HoursException],
    busy: Sequence[Interval],
    now: datetime.datetime,
    label: str = "bestilling",
) -> Finding | None:
    """Why *slot* cannot be booked (in the past, outside the opening hours, taken), or None.

    >>> d = datetime.date(2026, 3, 2)
    >>> h = [WeeklyHours("B1", 0, datetime.time(8), datetime.time(10), d)]
    >>> refusal(Slot("B1", at(d, 9, 30), at(d, 10, 30)), h, [], [], at(d, 7)).code
    'BOOKING_OUTSIDE_HOURS'
    >>> refusal(Slot("B1", at(d, 9), at(d, 9, 30)), h, [], [(at(d, 9, 15), at(d, 10))],
    ...         at(d, 7)).code
    'BOOKING_TAKEN'
    >>> refusal(Slot("B1", at(d, 9), at(d, 9, 30)), h, [], [], at(d, 7)) is None
    True
    """
    when = f"{slot.start:%d.%m.%Y %H:%M}"
    if slot.start < now:
        return PAST(f"Timen {when} er passert; velg en ledig time fram i tid.", f"{label}.start")
    inside = any(
        a <= slot.start and slot.end <= b for a, b in opening(slot.start.date(), hours, exceptions)
    )
    if not inside:
        return NOT_OPEN(f"Behandler «{slot.practitioner_ref}» arbeider ikke {when}–"
                        f"{slot.end:%H:%M}; velg en ledig time.", f"{label}.start")  # fmt: skip
    if any(a < slot.end and slot.start < b for a, b in busy):
        return TAKEN(f"Timen er allerede tatt ({when} hos behandler «{slot.practitioner_ref}»); "
                     "velg en annen ledig time.", f"{label}.start")  # fmt: skip
    return None


def off_grid(slot: Slot, offered: Sequence[Slot], label: str = "bestilling") -> Finding | None:
    """A slot that fits but is not one of those *offered* (free slots follow on from each
    other): booked, it would leave gaps too short for the service on both sides.

    >>> d = datetime.date(2026, 3, 2)
    >>> free = [Slot("B1", at(d, 8), at(d, 8, 30)), Slot("B1", at(d, 8, 30), at(d, 9))]
    >>> off_grid(Slot("B1", at(d, 8, 10), at(d, 8, 40)), free).code
    'BOOKING_NOT_A_SLOT'
    >>> off_grid(free[1], free) is None
    True
    """
    if any(o.start == slot.start and o.practitioner_ref == slot.practitioner_ref for o in offered):
        return None
    starts = ", ".join(f"{o.start:%H:%M}" for o in offered[:8]) or "ingen"
    return OFF_GRID(f"Timen {slot.start:%d.%m.%Y %H:%M} er ikke en av de ledige timene den "
                    f"dagen (de starter {starts}).", f"{label}.start")  # fmt: skip


# -- bookings ----------------------------------------------------------------------------


class BookingState(StrEnum):
    """A booking as the insurer sees it: the appointment's life, or cancelled."""

    BOOKED = "booked"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


_STATES = {
    AppointmentStatus.PLANNED: BookingState.BOOKED,
    AppointmentStatus.ATTENDED: BookingState.ATTENDED,
    AppointmentStatus.NO_SHOW: BookingState.NO_SHOW,
    AppointmentStatus.CANCELLED: BookingState.CANCELLED,
}


@dataclass(frozen=True)
class Booking:
    """An insurer's booking: the planner appointment it made, and the insurer's case (SakID).
    *active* is False once the insurer cancelled it (or the slot was given up). The patient's
    name and birth date are kept as the insurer sent them: the insurer is shown those, never
    what the clinic's record of the patient says."""

    id: int
    client_ref: str
    service_ref: str
    practitioner_ref: str
    patient_ref: str
    start: datetime.datetime
    end: datetime.datetime
    case_ref: str
    active: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    appointment_ref: str | None = None
    first_name: str = ""  # the patient as the insurer named them
    last_name: str = ""
    birth_date: datetime.date | None = None
    appointment_status: AppointmentStatus | None = None

    @property
    def state(self) -> BookingState:
        """Cancelled by the insurer, or the appointment's status (cancelled or deleted by the
        clinic: cancelled)."""
        if not self.active or self.appointment_status is None:
            return BookingState.CANCELLED
        return _STATES[self.appointment_status]
