"""Free slots, opening hours and the refusal of a slot: pure functions, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

from oppgjor.clinic.domain import schedule as s
from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.clinic.domain.schedule import HoursException, Service, Slot, WeeklyHours, at

MON = datetime.date(2026, 3, 2)
TUE, WED = MON + datetime.timedelta(days=1), MON + datetime.timedelta(days=2)
T = datetime.time
WEEK = [WeeklyHours("B1", d, T(8), T(12), datetime.date(2026, 1, 1)) for d in range(5)]
EARLY = at(MON, 0)


def starts(slots: list[Slot]) -> list[str]:
    return [f"{x.start:%a %H:%M}" for x in slots]


def test_slots_follow_each_other_from_the_opening_at_the_services_length() -> None:
    found = s.free_slots("B1", 60, WEEK, [], [], at(MON, 0), at(TUE, 0), EARLY)
    assert starts(found) == ["Mon 08:00", "Mon 09:00", "Mon 10:00", "Mon 11:00"]
    assert all(x.end - x.start == datetime.timedelta(minutes=60) for x in found)


def test_a_slot_that_does_not_fit_before_closing_is_not_offered() -> None:
    found = s.free_slots("B1", 45, WEEK, [], [], at(MON, 0), at(TUE, 0), EARLY)
    assert starts(found)[-1] == "Mon 11:00"  # 11:00–11:45; 11:45–12:30 would pass closing


def test_appointments_of_any_kind_take_their_time_and_the_next_slot_starts_after() -> None:
    busy = [(at(MON, 8, 45), at(MON, 9, 10)), (at(MON, 10), at(MON, 10, 30))]
    found = s.free_slots("B1", 30, WEEK, [], busy, at(MON, 0), at(TUE, 0), EARLY)
    assert starts(found) == ["Mon 08:00", "Mon 09:10", "Mon 10:30", "Mon 11:00", "Mon 11:30"]


def test_the_past_and_times_outside_the_period_are_left_out() -> None:
    found = s.free_slots("B1", 60, WEEK, [], [], at(MON, 9, 30), at(TUE, 10), at(MON, 10, 5))
    assert starts(found) == ["Mon 11:00", "Tue 08:00", "Tue 09:00"]


def test_validity_and_weekdays_decide_which_pattern_applies() -> None:
    hours = [
        WeeklyHours("B1", 0, T(8), T(9), datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)),
        WeeklyHours("B1", 0, T(14), T(15), datetime.date(2026, 3, 2)),
        WeeklyHours("B1", 2, T(12), T(13), datetime.date(2026, 1, 1)),
    ]
    found = s.free_slots("B1", 60, hours, [], [], at(MON, 0), at(WED, 23), EARLY)
    assert starts(found) == ["Mon 14:00", "Wed 12:00"]


def test_an_exception_closes_the_day_or_replaces_its_hours() -> None:
    closed = HoursException("B1", MON)
    other = [HoursException("B1", TUE, T(13), T(14)), HoursException("B1", TUE, T(14), T(15))]
    found = s.free_slots("B1", 60, WEEK, [closed, *other], [], at(MON, 0), at(WED, 0), EARLY)
    assert starts(found) == ["Tue 13:00", "Tue 14:00"]
    assert closed.closed and not other[0].closed


def test_overlapping_weekly_lines_are_merged() -> None:
    hours = [*WEEK, WeeklyHours("B1", 0, T(11), T(13), datetime.date(2026, 1, 1))]
    assert s.opening(MON, hours, []) == [(at(MON, 8), at(MON, 13))]


def test_refusal_says_why_a_slot_cannot_be_booked() -> None:
    busy = [(at(MON, 9), at(MON, 9, 30))]
    refused = s.refusal(Slot("B1", at(MON, 9, 15), at(MON, 9, 45)), WEEK, [], busy, EARLY)
    assert refused is not None and refused.code == "BOOKING_TAKEN"
    assert "Timen er allerede tatt" in refused.message
    late = s.refusal(Slot("B1", at(MON, 11, 45), at(MON, 12, 15)), WEEK, [], [], EARLY)
    assert late is not None and late.code == "BOOKING_OUTSIDE_HOURS"
    closed = s.refusal(Slot("B1", at(MON, 9), at(MON, 10)), WEEK, [HoursException("B1", MON)],
                       [], EARLY)  # fmt: skip
    assert closed is not None and closed.code == "BOOKING_OUTSIDE_HOURS"
    past = s.refusal(Slot("B1", at(MON, 9), at(MON, 10)), WEEK, [], [], at(MON, 9, 1))
    assert past is not None and past.code == "BOOKING_IN_THE_PAST"
    assert s.refusal(Slot("B1", at(MON, 9, 30), at(MON, 10)), WEEK, [], busy, EARLY) is None


def test_checks_of_hours_exceptions_services_and_periods() -> None:
    bad = WeeklyHours("B1", 7, T(10), T(9), datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))
    assert [f.code for f in s.check_hours(bad, "x")] == [
        "SCHEDULE_WEEKDAY", "SCHEDULE_TIMES", "SCHEDULE_VALIDITY"]  # fmt: skip
    assert s.check_hours(WEEK[0], "x") == []
    assert [f.code for f in s.check_exception(HoursException("B1", MON, T(9)), "x")] == [
        "SCHEDULE_TIMES"]  # fmt: skip
    service = Service("F", " ", 3, price=Decimal("-1"))
    assert [f.code for f in s.check_service(service, "x")] == [
        "SCHEDULE_SERVICE_NAME", "SCHEDULE_DURATION", "SCHEDULE_PRICE"]  # fmt: skip
    assert s.check_period(at(MON, 0), at(MON, 0)) != []
    assert s.check_period(at(MON, 0), at(MON, 0) + datetime.timedelta(days=31)) == []


def test_only_the_clients_named_may_book_an_active_service() -> None:
    service = Service("F", "Fysio", 30, client_refs=frozenset({"IF"}))
    assert service.bookable_by("IF") and not service.bookable_by("TRYG")
    assert not service.bookable_by(None)
    assert not Service("F", "Fysio", 30, client_refs=frozenset({"IF"}), active=False).bookable_by(
        "IF"
    )


def test_a_bookings_state_follows_its_appointment() -> None:
    def booking(active: bool, status: AppointmentStatus | None) -> s.Booking:
        return s.Booking(1, "IF", "F", "B1", "P1", at(MON, 9), at(MON, 10), "SAK", active, 1,
                         EARLY, EARLY, "A1", appointment_status=status)  # fmt: skip

    assert booking(True, AppointmentStatus.PLANNED).state is s.BookingState.BOOKED
    assert booking(True, AppointmentStatus.ATTENDED).state is s.BookingState.ATTENDED
    assert booking(True, AppointmentStatus.CANCELLED).state is s.BookingState.CANCELLED
    assert booking(True, None).state is s.BookingState.CANCELLED  # the clinic deleted it
    assert booking(False, AppointmentStatus.PLANNED).state is s.BookingState.CANCELLED
