"""The planner's warning for an appointment outside the practitioner's working hours."""

import datetime

from oppgjor.clinic.domain.model import Appointment
from oppgjor.clinic.domain.planner import OUTSIDE_HOURS, outside_hours
from oppgjor.core.findings import Severity

DAY = datetime.date(2026, 3, 2)


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(DAY, datetime.time(hour, minute))


def appointment(start: datetime.datetime, end: datetime.datetime) -> Appointment:
    return Appointment("B1", "P1", start, end)


def test_inside_one_opening_is_fine() -> None:
    opening = [(at(8), at(12)), (at(13), at(16))]
    assert outside_hours("avtale", appointment(at(13), at(16)), opening) == []


def test_across_a_break_or_after_hours_is_a_warning() -> None:
    opening = [(at(8), at(12)), (at(13), at(16))]
    (found,) = outside_hours("avtale", appointment(at(11, 30), at(13, 30)), opening)
    assert found.code == OUTSIDE_HOURS.code and found.severity is Severity.WARNING
    assert "08:00–12:00, 13:00–16:00" in found.message and "11:30–13:30" in found.message


def test_a_closed_day_says_so() -> None:
    (found,) = outside_hours("avtale", appointment(at(9), at(10)), [])
    assert "stengt" in found.message
