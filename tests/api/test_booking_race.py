"""Two insurers booking the same slot at the same moment, over HTTP, on SQLite and PostgreSQL:
exactly one gets it, the other a clear 409. The practitioner's row is held while the slot is
checked; and the unique index of active slots refuses a double booking even when the check
is skipped and both transactions reach the insert together."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from oppgjor.app.clinic import booking
from oppgjor.store.repos import Repos
from oppgjor.store.schedule import ScheduleRepository
from tests.api.booking_world import book, open_for_booking
from tests.api.conftest import World

SLOT = "2026-03-03T09:00"


def _race(api: World) -> list[Any]:
    """IF and TRYG book SLOT at B1 from two threads released together; their answers."""
    start = threading.Barrier(2)
    answers: list[Any] = []

    def run(caller: str, who: int) -> None:
        start.wait(timeout=10)
        answers.append(book(api, caller, SLOT, who=who, case=f"SAK{who}"))

    threads = [threading.Thread(target=run, args=a) for a in (("IF", 100), ("TRYG", 300))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 2, "a booking never finished"
    return answers


def _one_won(api: World, answers: list[Any]) -> None:
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 409], [r.text for r in answers]
    loser = next(r for r in answers if r.status_code == 409)
    assert loser.headers["content-type"] == "application/problem+json"
    assert "Timen er allerede tatt" in loser.json()["detail"]
    with api.db.reading() as repos:
        rows = repos.conn.exec_driver_sql(
            "SELECT count(*) FROM appointment a JOIN practitioner p ON p.id = a.practitioner_id "
            "WHERE p.ref = 'B1' AND a.start_at >= '2026-03-03' AND a.start_at < '2026-03-04'"
        ).scalar_one()
        bookings = repos.conn.exec_driver_sql("SELECT count(*) FROM booking").scalar_one()
    assert (rows, bookings) == (1, 1)  # the loser wrote nothing: no appointment, no patient


def test_two_insurers_racing_for_one_slot(api: World) -> None:
    open_for_booking(api)
    _one_won(api, _race(api))


def test_the_unique_index_refuses_a_double_booking_when_the_check_is_skipped(
    api: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_for_booking(api)
    monkeypatch.setattr(booking.domain, "refusal", lambda *a, **k: None)
    monkeypatch.setattr(booking.domain, "off_grid", lambda *a, **k: None)
    monkeypatch.setattr(Repos, "hold", lambda *a, **k: None)
    together = threading.Barrier(2)
    insert = ScheduleRepository.add_booking

    def meet_then_insert(self: ScheduleRepository, **kwargs: Any) -> int:
        # both transactions reach the insert at once where the database lets them (on
        # SQLite the second cannot begin until the first commits: the wait times out)
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=2)
        return insert(self, **kwargs)

    monkeypatch.setattr(ScheduleRepository, "add_booking", meet_then_insert)
    _one_won(api, _race(api))


def test_a_slot_that_overlaps_another_booking_is_taken_too(api: World) -> None:
    open_for_booking(api)
    # 45 minutes from 08:45 (a slot on the 45-minute service's grid) covers 09:00–09:30
    assert book(api, "IF", "2026-03-03T08:45", service="FYS45").status_code == 201
    r = book(api, "TRYG", "2026-03-03T09:00", who=300)
    assert r.status_code == 409 and "Timen er allerede tatt" in r.json()["detail"]
