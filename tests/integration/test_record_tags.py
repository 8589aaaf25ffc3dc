"""A record's content tag and the ``expected`` version of the update use cases (optimistic
locking without version numbers), on SQLite and PostgreSQL: a stale tag writes nothing."""

import datetime

import pytest

from oppgjor.app.clinic import appointments, records, single, updates
from oppgjor.app.clinic.appointments import Guard
from oppgjor.app.clinic.tags import content_tag
from oppgjor.app.errors import Forbidden, NotFound, Stale
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.adapters.record_rows import APPOINTMENTS, DEPARTMENTS
from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.core.clock import FixedClock
from tests.clinic_world import WORLD, load_world

NOW = datetime.datetime(2026, 3, 2, 12, 0)
NOON = FixedClock(NOW)


def test_an_update_with_a_stale_tag_changes_nothing(db):
    made = single.create(db, "departments", {"ref": "D1", "name": "En"}, clock=NOON)
    tag = content_tag(DEPARTMENTS, made.record)
    assert made.key == "D1" and made.record.name == "En"
    done = updates.update(db, "departments", "D1", {"name": "To"}, expected=tag, clock=NOON)
    assert done.record.name == "To" and content_tag(DEPARTMENTS, done.record) != tag
    with pytest.raises(Stale, match="endret av noen andre"):
        updates.update(db, "departments", "D1", {"name": "Tre"}, expected=tag, clock=NOON)
    assert records.get_record(db, "departments", "D1").name == "To"


def test_the_practice_with_a_stale_tag_is_refused(db):
    first = updates.set_practice(db, {"name": "A AS", "org_nr": "974760673"}, clock=NOON)
    tag = content_tag(PRACTICE, first.record)
    updates.update_practice(db, {"name": "B AS"}, expected=tag, clock=NOON)
    with pytest.raises(Stale):
        updates.set_practice(db, {"name": "C AS"}, expected=tag, clock=NOON)


def test_an_appointment_guard_names_the_version_and_the_owner(db):
    load_world(db, WORLD, NOW)
    a1 = appointments.get(db, "A1")
    tag = content_tag(APPOINTMENTS, a1)
    with pytest.raises(NotFound):
        appointments.get(db, "A1", owner="B2")
    with pytest.raises(NotFound):
        appointments.mark(db, "A1", AppointmentStatus.CANCELLED, actor="b2", now=NOW,
                          guard=Guard(owner="B2"))  # fmt: skip
    appointments.mark(db, "A1", AppointmentStatus.CANCELLED, actor="b1", now=NOW,
                      guard=Guard(expected=tag, owner="B1"))  # fmt: skip
    with pytest.raises(Stale):
        appointments.update(db, "A1", {"lines": "LE2"}, actor="b1", now=NOW,
                            guard=Guard(expected=tag))  # fmt: skip
    assert appointments.get(db, "A1").status is AppointmentStatus.CANCELLED
    assert [e.action for e in appointments.history(db, "A1", owner="B1")][-1] == "cancelled"
    with pytest.raises(NotFound):
        appointments.get(db, "#99999999999999999999999")  # larger than any id


def test_a_practitioner_cannot_hand_an_appointment_to_another(db):
    load_world(db, WORLD, NOW)
    with pytest.raises(Forbidden, match="annen behandler"):
        appointments.update(db, "A1", {"practitioner_ref": "B2"}, actor="b1", now=NOW,
                            guard=Guard(owner="B1"))  # fmt: skip
    assert appointments.get(db, "A1").practitioner_ref == "B1"
    moved = appointments.update(db, "A1", {"practitioner_ref": "B2"}, actor="kontor", now=NOW)
    assert moved.appointment.practitioner_ref == "B2"  # the clinic's office may
