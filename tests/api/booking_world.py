"""A clinic open for online booking, set up through the API as the clinic would: the small
synthetic clinic (tests/clinic_world), B1 and B2 working weekdays 08:00–16:00, a 30-minute
physio service IF and TRYG may book, and a 45-minute one only IF may book.

The API's clock stands at Monday 2 March 2026 10:00."""

from __future__ import annotations

import datetime
from typing import Any

from oppgjor.core.ids import national_id
from tests.api.conftest import NOW, World
from tests.clinic_world import WORLD, load_world

MONDAY = NOW.date()  # 2026-03-02
TUESDAY = MONDAY + datetime.timedelta(days=1)


def synthetic_id(day: int = 15, individual: int = 123) -> str:
    """A synthetic national id (the world is a test installation), made when the test runs:
    the first valid one from *individual* on (not every individual number has one)."""
    for n in range(individual, 500):
        made = national_id.make(datetime.date(1985, 5, day), n, synthetic=True)
        if made is not None:
            return made
    raise AssertionError("no synthetic id")


def open_for_booking(api: World) -> None:
    load_world(api.db, WORLD, NOW)
    office = api.as_("administrator")
    for ref in ("B1", "B2"):
        for weekday in range(1, 6):
            r = office.post("/api/v1/schedule/hours", json={
                "practitioner_ref": ref, "weekday": weekday, "start": "08:00", "end": "16:00",
                "valid_from": "2026-01-01"})  # fmt: skip
            assert r.status_code == 201, r.text
    for ref, name, minutes, clients in (
        ("FYS30", "Fysioterapi 30 min", 30, ["IF", "TRYG"]),
        ("FYS45", "Fysioterapi 45 min", 45, ["IF"]),
    ):
        r = office.post("/api/v1/schedule/services", json={
            "ref": ref, "name": name, "duration_minutes": minutes, "price": "850.00",
            "practitioner_refs": ["B1", "B2"], "client_refs": clients})  # fmt: skip
        assert r.status_code == 201, r.text


def booking_body(start: str, *, who: int = 100, service: str = "FYS30",
                 practitioner: str = "B1", case: str = "6QPTR") -> dict[str, Any]:  # fmt: skip
    return {
        "service_ref": service, "practitioner_ref": practitioner, "start": start,
        "case_ref": case,
        "patient": {"national_id": synthetic_id(individual=who), "first_name": "Kari",
                    "last_name": "Nordmann", "birth_date": "1985-05-15"},
    }  # fmt: skip


def book(api: World, caller: str, start: str, **kwargs: Any) -> Any:
    return api.as_(caller).post("/api/v1/booking/bookings", json=booking_body(start, **kwargs))
