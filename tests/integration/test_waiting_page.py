"""The API's claim list (``pool.waiting_page``) gives, page by page, the same claims with the
same refreshed content as ``settlements.waiting``, which refreshes every waiting claim on each
call: on the demo clinic, with every filter, and after records change (through the use cases,
which is how records change). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest

from oppgjor.app.clinic import appointments, demo, updates
from oppgjor.app.helfo import pool
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import Claim, SettlementType
from oppgjor.store import Database

NOW = datetime.datetime(2026, 3, 2, 10, 0)
Period = tuple[datetime.date, datetime.date] | None


def expected(
    db: Database, type_: SettlementType | None, who: str | None, period: Period
) -> list[Claim]:
    return st.waiting(db, type_, practitioner=who, period=period, now=NOW)


def pages(
    db: Database, type_: SettlementType | None, who: str | None, period: Period, size: int
) -> tuple[set[int], list[Claim]]:
    """Every page of the list, in order; and the totals each page reported."""
    totals, found, offset = set(), [], 0
    while True:
        total, page = pool.waiting_page(db, type_, who, period, offset, size, NOW)
        totals.add(total)
        found += page
        if len(page) < size:
            return totals, found
        offset += size


@pytest.fixture
def clinic(db: Database) -> Database:
    demo.seed(db, now=NOW)
    return db


def test_every_page_is_waiting_s_slice_with_every_filter_and_after_changes(clinic):
    db = clinic
    # before anything has run: the first page creates the missing claims, as waiting does
    total, first = pool.waiting_page(db, None, None, None, 0, 50, NOW)
    everything = expected(db, None, None, None)
    assert len(everything) > 300 and total == len(everything)
    assert first == everything[:50]
    months = sorted({c.content.service_date.replace(day=1) for c in everything})
    period = (months[1], months[1] + datetime.timedelta(days=40))
    who = everything[0].content.practitioner_ref
    for type_, practitioner, within in [
        (None, None, None),
        (SettlementType.FBV, None, None),
        (SettlementType.BKM, who, None),
        (None, None, period),
        (None, who, (period[0], datetime.date.max)),
    ]:
        want = expected(db, type_, practitioner, within)
        totals, got = pages(db, type_, practitioner, within, 37)
        assert want and totals == {len(want)}
        assert got == want
    # beyond the end: the total, no claims
    assert pool.waiting_page(db, None, None, None, 10**6, 50, NOW) == (len(everything), [])

    # records change through the use cases: the list follows at once (the claims it shows
    # and the order and filters it pages by), before waiting has refreshed anything
    moved, changed = everything[3], everything[10]
    other = next(
        c.content.practitioner_ref for c in everything if c.content.practitioner_ref != who
    )
    early = datetime.datetime.combine(moved.content.service_date, datetime.time(6, 30))
    appointments.update(db, moved.appointment_ref or "", {"practitioner_ref": other,
                        "start": early.isoformat(timespec="minutes")}, actor="t",
                        now=NOW)  # fmt: skip
    appointments.update(db, changed.appointment_ref or "", {"refund_type": "1"}, actor="t",
                        now=NOW)  # fmt: skip
    code = next(c.content.diagnosis_code for c in everything
                if c.content.diagnosis_system == changed.content.diagnosis_system
                and c.content.diagnosis_code != changed.content.diagnosis_code)  # fmt: skip
    updates.update(db, "series", changed.content.series_ref or "", {"diagnosis_code": code},
                   actor="t")  # fmt: skip
    _, head = pool.waiting_page(db, None, other, None, 0, 5, NOW)
    assert head[0].number == moved.number
    assert head[0].content.service_time == early
    totals, got = pages(db, None, None, None, 50)
    want = expected(db, None, None, None)
    assert got == want and totals == {len(want)}
    after = {c.number: c for c in want}
    assert after[changed.number].content.copayment_reason == "F"
    assert after[changed.number].content.diagnosis_code == code
    assert after[changed.number].content != changed.content


def test_the_write_lock_is_taken_only_when_something_changed(clinic):
    db = clinic
    assert pool.bring_up_to_date(db, NOW) is True  # the claims of the demo's appointments
    assert pool.bring_up_to_date(db, NOW) is False
    some = expected(db, None, None, None)[0]
    assert pool.bring_up_to_date(db, NOW) is False  # waiting's own pass changed no record
    updates.update(db, "series", some.content.series_ref or "", {"refund_type": "1"}, actor="t")
    assert pool.bring_up_to_date(db, NOW) is True
    assert pool.bring_up_to_date(db, NOW) is False
