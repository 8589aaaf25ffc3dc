"""Two users changing the same record at the same moment (issue 12, found in review): the
second change waits for the first and starts from what it wrote, so neither is lost and the
history names what each one changed. On SQLite a writing transaction runs alone; on
PostgreSQL the record's row is held while it is changed.

Each test starts user B's change, and while B is inside its transaction (after it has read
the record) user A's change starts in another thread; A must wait for B."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

from oppgjor.app.clinic import appointments, demo, updates
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus
from oppgjor.store import Database

NOW = datetime.datetime(2026, 12, 1, 12)
WAIT = 0.5  # seconds B goes on after A has started (A must be waiting all that time)


def _while_inside(monkeypatch: Any, module: Any, name: str, other: Callable[[], Any]) -> list[Any]:
    """Run *other* in a thread the first time *module.name* is called (inside B's
    transaction), give it time to reach the record, and let B go on; returns [A's result,
    the time A finished]."""
    original = getattr(module, name)
    started: list[Any] = []
    done: list[Any] = []

    def run() -> None:
        done.append(other())
        done.append(time.monotonic())

    def hooked(*args: Any, **kwargs: Any) -> Any:
        if not started:
            thread = threading.Thread(target=run)
            started.append(thread)
            thread.start()
            time.sleep(WAIT)
            started.append(time.monotonic())  # B goes on from here
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, hooked)
    done_holder = [started, done]
    return done_holder


def _finish(holder: list[Any]) -> Any:
    started, done = holder
    started[0].join(timeout=30)
    assert done, "user A's change never finished"
    assert done[1] >= started[1], "user A's change did not wait for B's"
    return done[0]


def _seeded(db: Database) -> None:
    demo.seed(db, 3, datetime.date(2026, 8, 1), NOW)


def test_an_appointment_changed_by_two_users_keeps_both_changes(db, monkeypatch):
    _seeded(db)
    start = datetime.datetime(2027, 3, 1, 9)
    with db.transaction() as repos:
        repos.add_appointments(
            [Appointment("B02", "P0002", start, start + datetime.timedelta(minutes=30), ref="R1")]
        )
    holder = _while_inside(
        monkeypatch, appointments, "_edited",
        lambda: appointments.mark(db, "R1", AppointmentStatus.CANCELLED, actor="a", now=NOW),
    )  # fmt: skip
    b = appointments.update(db, "R1", {"duration": "50"}, actor="b", now=NOW)
    a = _finish(holder)
    assert set(b.changes) == {"end"}
    assert set(a.changes) == {"status"}  # A saw B's result: only the status was A's change
    with db.reading() as repos:
        stored = repos.appointment("R1")
        events = repos.audit.find(kind="appointment", ref="R1")
    assert stored is not None
    assert stored.status is AppointmentStatus.CANCELLED  # A's change
    assert stored.end - stored.start == datetime.timedelta(minutes=50)  # B's change
    assert [(e.actor, e.action, sorted(e.detail["after"])) for e in events] == [
        ("b", "updated", ["end"]),
        ("a", "cancelled", ["status"]),
    ]


def test_a_series_updated_by_two_users_keeps_both_changes(db, monkeypatch):
    _seeded(db)
    holder = _while_inside(
        monkeypatch, updates, "changed",
        lambda: updates.update(db, "series", "S005", {"diagnosis_code": "M54.5"}, actor="a"),
    )  # fmt: skip
    b = updates.update(db, "series", "S005", {"referral_date": "2026-09-01"}, actor="b")
    a = _finish(holder)
    assert set(b.changes) == {"referral_date"} and set(a.changes) == {"diagnosis_code"}
    with db.reading() as repos:
        [series] = repos.series(refs={"S005"})
        events = repos.audit.find(kind="series", ref="S005", action="updated")
    assert (series.diagnosis_code, series.referral_date) == ("M54.5", datetime.date(2026, 9, 1))
    assert [(e.actor, sorted(e.detail["after"])) for e in events] == [
        ("b", ["referral_date"]),
        ("a", ["diagnosis_code"]),
    ]


def test_the_practice_updated_by_two_users_keeps_both_changes(db, monkeypatch):
    _seeded(db)
    holder = _while_inside(
        monkeypatch, updates, "changed",
        lambda: updates.update_practice(db, {"contact_email": "ny@demo.example"}, actor="a"),
    )  # fmt: skip
    updates.update_practice(db, {"her_id": "79768"}, actor="b")
    _finish(holder)
    with db.reading() as repos:
        practice = repos.get_practice()
    assert practice is not None
    assert (practice.her_id, practice.contact_email) == ("79768", "ny@demo.example")
