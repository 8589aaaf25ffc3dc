"""The insurers' online booking over HTTP, on SQLite and PostgreSQL: what a client may book,
free slots, book (the clinic sees it at once), move, cancel, read; bad input changes nothing."""

from __future__ import annotations

import datetime

from oppgjor.app.clinic import appointments
from oppgjor.app.helfo.claims import sync_claims
from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.store.appointments import AppointmentFilter
from tests.api.booking_world import MONDAY, TUESDAY, book, booking_body, open_for_booking
from tests.api.conftest import World
from tests.clinic_world import WORLD


def _count(api: World, sql: str) -> int:
    with api.db.reading() as repos:
        return int(repos.conn.exec_driver_sql(sql).scalar_one())


def test_a_client_sees_the_practitioners_and_only_the_services_it_may_book(api: World) -> None:
    open_for_booking(api)
    services = api.as_("TRYG").get("/api/v1/booking/services").json()
    assert [s["ref"] for s in services] == ["FYS30"]
    assert services[0] == {"ref": "FYS30", "name": "Fysioterapi 30 min", "duration_minutes": 30,
                           "tariff_code": None, "price": "850.00",
                           "practitioner_refs": ["B1", "B2"]}  # fmt: skip
    assert [s["ref"] for s in api.as_("IF").get("/api/v1/booking/services").json()] == [
        "FYS30", "FYS45"]  # fmt: skip
    people = api.as_("IF").get("/api/v1/booking/practitioners").json()
    assert people == [{"ref": "B1", "name": "Lege Test", "profession": "LE"},
                      {"ref": "B2", "name": "Sykepleier Test", "profession": "SP"}]  # fmt: skip
    # a service the client may not book is not found
    r = api.as_("TRYG").get("/api/v1/booking/slots", params={
        "service": "FYS45", "from": "2026-03-03T00:00", "to": "2026-03-04T00:00"})  # fmt: skip
    assert r.status_code == 404


def test_free_slots_are_working_hours_minus_appointments_and_the_past(api: World) -> None:
    open_for_booking(api)
    r = api.as_("IF").get("/api/v1/booking/slots", params={
        "service": "FYS45", "practitioner": "B1", "from": "2026-03-02T00:00",
        "to": "2026-03-03T00:00"})  # fmt: skip
    assert r.status_code == 200, r.text
    starts = [s["start"][11:16] for s in r.json()]
    # 45-minute slots from 08:00 until 16:00; it is 10:00 on Monday, so 08:00–09:30 are past
    assert starts == ["10:15", "11:00", "11:45", "12:30", "13:15", "14:00", "14:45"]
    assert all(s["practitioner_ref"] == "B1" for s in r.json())
    # a time that fits but is not an offered slot would leave gaps no one can book
    off = book(api, "IF", "2026-03-02T11:30", service="FYS45")
    assert off.status_code == 422
    assert [f["code"] for f in off.json()["findings"]] == ["BOOKING_NOT_A_SLOT"]
    assert book(api, "IF", "2026-03-02T11:45", service="FYS45").status_code == 201
    after = api.as_("IF").get("/api/v1/booking/slots", params={
        "service": "FYS30", "practitioner": "B1", "from": "2026-03-02T11:00",
        "to": "2026-03-02T13:00"}).json()  # fmt: skip
    assert [s["start"][11:16] for s in after] == ["11:00", "12:30"]


def test_an_exception_closes_a_day_or_gives_it_other_hours(api: World) -> None:
    open_for_booking(api)
    office = api.as_("settlementoffice")
    r = office.post("/api/v1/schedule/exceptions", json={
        "practitioner_ref": "B1", "day": str(TUESDAY), "note": "Kurs"})  # fmt: skip
    assert r.status_code == 201 and r.json()["closed"] is True
    other = {"practitioner_ref": "B2", "day": str(TUESDAY), "start": "12:00", "end": "13:00"}
    r = office.post("/api/v1/schedule/exceptions", json=other)
    assert r.status_code == 201
    period = {"service": "FYS30", "from": f"{TUESDAY}T00:00", "to": f"{TUESDAY}T23:59"}
    slots = api.as_("IF").get("/api/v1/booking/slots", params=period).json()
    assert [(s["practitioner_ref"], s["start"][11:16]) for s in slots] == [
        ("B2", "12:00"), ("B2", "12:30")]  # fmt: skip


def test_a_booking_becomes_an_appointment_the_clinic_sees_at_once(api: World) -> None:
    open_for_booking(api)
    r = book(api, "IF", "2026-03-03T09:00")
    assert r.status_code == 201, r.text
    made = r.json()
    assert r.headers["location"] == f"/api/v1/booking/bookings/{made['id']}"
    assert r.headers["etag"] == '"1"'
    assert made["status"] == "booked" and made["case_ref"] == "6QPTR"
    assert (made["start"], made["end"]) == ("2026-03-03T09:00:00", "2026-03-03T09:30:00")
    assert made["patient"]["national_id"].endswith("*****")  # masked
    assert made["patient"]["first_name"] == "Kari"
    listed = api.as_("readonly").get("/api/v1/appointments", params={
        "practitioner": "B1", "from": "2026-03-03"})  # fmt: skip
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["items"]
    assert (row["patient_ref"], row["start"][:16]) == ("PB000001", "2026-03-03 09:00")
    where = AppointmentFilter(practitioner_ref="B1", start=datetime.datetime(2026, 3, 3))
    [appointment] = appointments.page(api.db, where).appointments
    assert appointment.status is AppointmentStatus.PLANNED
    assert appointment.series_ref is None and appointment.lines == ()
    clinic = api.as_("readonly").get("/api/v1/schedule/bookings").json()
    assert [(b["client_ref"], b["appointment_ref"], b["status"]) for b in clinic] == [
        ("IF", appointment.ref, "booked")]  # fmt: skip
    # a practitioner's user sees the bookings with them, not another practitioner's
    api.user("practitioner", username="b1", practitioner="B1")
    api.user("practitioner", username="b2", practitioner="B2")
    assert len(api.as_("b1").get("/api/v1/schedule/bookings").json()) == 1
    assert api.as_("b2").get("/api/v1/schedule/bookings").json() == []
    with api.db.reading() as repos:
        events = repos.audit.find(kind="booking", ref=str(made["id"]))
    assert [(e.actor, e.action) for e in events] == [("booking:IF", "created")]


def test_the_same_national_id_reuses_the_patient(api: World) -> None:
    open_for_booking(api)
    first = book(api, "IF", "2026-03-03T09:00").json()
    second = book(api, "TRYG", "2026-03-03T10:00", case="X1").json()
    with api.db.reading() as repos:
        refs = {b.patient_ref for b in repos.schedule.bookings()}
    assert len(refs) == 1 and first["patient"] == second["patient"]
    assert _count(api, "SELECT count(*) FROM patient") == 3  # P1, P2 and the booked one


def test_an_attended_booking_never_becomes_a_helfo_claim(api: World) -> None:
    open_for_booking(api)
    made = book(api, "IF", "2026-03-03T09:00").json()
    [view] = api.as_("readonly").get("/api/v1/schedule/bookings").json()
    ref = view["appointment_ref"]
    after = datetime.datetime(2026, 3, 3, 10, 0)  # attended is known once it has begun
    appointments.mark(api.db, ref, AppointmentStatus.ATTENDED, actor="b1", now=after)
    # even with a tariff line added by the clinic, the insurer pays: no claim
    appointments.update(api.db, ref, {"lines": "LE2"}, actor="b1", now=after)
    with api.db.transaction() as repos:
        sync_claims(repos, after)
    assert _count(api, f"SELECT count(*) FROM claim WHERE appointment_id IN (SELECT "
                       f"appointment_id FROM booking WHERE id = {made['id']})") == 0  # fmt: skip
    assert api.as_("IF").get(f"/api/v1/booking/bookings/{made['id']}").json()["status"] == (
        "attended")  # fmt: skip


def test_move_and_cancel_with_if_match(api: World) -> None:
    open_for_booking(api)
    made = book(api, "IF", "2026-03-03T09:00").json()
    url = f"/api/v1/booking/bookings/{made['id']}"
    insurer = api.as_("IF")
    r = insurer.patch(url, json={"start": "2026-03-04T13:00", "practitioner_ref": "B2"},
                      headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert (r.json()["start"], r.json()["practitioner_ref"]) == ("2026-03-04T13:00:00", "B2")
    [view] = api.as_("readonly").get("/api/v1/schedule/bookings").json()
    with api.db.reading() as repos:
        stored = repos.appointment(view["appointment_ref"])
    assert stored is not None and (stored.practitioner_ref, stored.start.hour) == ("B2", 13)
    stale = insurer.post(f"{url}/cancel", headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and "endret av noen andre" in stale.json()["detail"]
    r = insurer.post(f"{url}/cancel", headers={"If-Match": '"2"'})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    with api.db.reading() as repos:
        stored = repos.appointment(view["appointment_ref"])
    assert stored is not None and stored.status is AppointmentStatus.CANCELLED
    again = insurer.post(f"{url}/cancel")
    assert again.status_code == 409 and "avbestilt" in again.json()["detail"]
    # the slot is free again, for anyone
    assert book(api, "TRYG", "2026-03-04T13:00", practitioner="B2").status_code == 201


def test_a_slot_the_clinic_cancelled_can_be_booked_again(api: World) -> None:
    open_for_booking(api)
    book(api, "IF", "2026-03-03T09:00")
    [view] = api.as_("readonly").get("/api/v1/schedule/bookings").json()
    appointments.mark(api.db, view["appointment_ref"], AppointmentStatus.CANCELLED, actor="x",
                      now=api.clock.now())  # fmt: skip
    assert api.as_("IF").get("/api/v1/booking/bookings").json()[0]["status"] == "cancelled"
    assert book(api, "TRYG", "2026-03-03T09:00", case="T2").status_code == 201


def test_a_client_never_sees_another_clients_bookings(api: World) -> None:
    open_for_booking(api)
    mine = book(api, "IF", "2026-03-03T09:00").json()
    theirs = api.as_("TRYG")
    url = f"/api/v1/booking/bookings/{mine['id']}"
    assert theirs.get(url).status_code == 404
    assert theirs.patch(url, json={"start": "2026-03-03T11:00"}).status_code == 404
    assert theirs.post(f"{url}/cancel").status_code == 404
    assert theirs.get("/api/v1/booking/bookings").json() == []
    assert [b["id"] for b in api.as_("IF").get("/api/v1/booking/bookings").json()] == [mine["id"]]
    assert api.as_("IF").get(url).json()["status"] == "booked"  # nothing changed


def test_a_taken_slot_is_409_and_outside_hours_is_422(api: World) -> None:
    open_for_booking(api)
    assert book(api, "IF", "2026-03-03T09:00").status_code == 201
    taken = book(api, "TRYG", "2026-03-03T09:15", who=200)
    assert taken.status_code == 409
    assert "Timen er allerede tatt" in taken.json()["detail"]
    # the world's appointment A3 (2 February) is not in the period; the clinic's own ones count
    late = book(api, "IF", "2026-03-03T15:45", who=300)
    assert late.status_code == 422
    assert late.json()["findings"][0]["code"] == "BOOKING_OUTSIDE_HOURS"
    past = book(api, "IF", "2026-03-02T09:00", who=400)
    assert past.status_code == 422 and past.json()["findings"][0]["code"] == "BOOKING_IN_THE_PAST"
    assert _count(api, "SELECT count(*) FROM booking") == 1
    assert _count(api, "SELECT count(*) FROM patient") == 3  # nothing half-written


def test_an_invalid_national_id_is_422_with_findings_and_writes_nothing(api: World) -> None:
    open_for_booking(api)
    body = booking_body("2026-03-03T09:00")
    body["patient"]["national_id"] = "15058612337"
    r = api.as_("IF").post("/api/v1/booking/bookings", json=body)
    assert r.status_code == 422
    assert [f["code"] for f in r.json()["findings"]] == ["NATIONAL_ID_INVALID"]
    assert "15058612337" not in r.text
    assert _count(api, "SELECT count(*) FROM appointment") == 3  # the world's A1–A3
    assert _count(api, "SELECT count(*) FROM booking") == 0


def test_bad_requests_are_clear_4xx_problems(api: World) -> None:
    open_for_booking(api)
    insurer = api.as_("IF")
    too_long = insurer.get("/api/v1/booking/slots", params={
        "service": "FYS30", "from": "2026-03-03T00:00", "to": "2026-04-30T00:00"})  # fmt: skip
    assert too_long.status_code == 422
    assert too_long.json()["findings"][0]["code"] == "BOOKING_PERIOD"
    body = booking_body("2026-03-03T09:00")
    body["extra"] = 1
    assert insurer.post("/api/v1/booking/bookings", json=body).status_code == 422
    zoned = booking_body("2026-03-03T09:00+01:00")
    assert insurer.post("/api/v1/booking/bookings", json=zoned).status_code == 422
    far = booking_body("9999-12-31T23:30")
    assert insurer.post("/api/v1/booking/bookings", json=far).status_code == 422
    other = booking_body("2026-03-03T09:00", service="FYS45")
    assert api.as_("TRYG").post("/api/v1/booking/bookings", json=other).status_code == 404
    assert _count(api, "SELECT count(*) FROM booking") == 0


def test_idempotency_key_books_once(api: World) -> None:
    open_for_booking(api)
    body = booking_body("2026-03-03T09:00")
    key = {"Idempotency-Key": "bestilling-1"}
    first = api.as_("IF").post("/api/v1/booking/bookings", json=body, headers=key)
    again = api.as_("IF").post("/api/v1/booking/bookings", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    assert _count(api, "SELECT count(*) FROM booking") == 1
    assert str(MONDAY) < first.json()["start"]


def test_the_insurer_sees_the_patient_as_it_sent_it_never_the_clinics_record(
    api: World,
) -> None:
    open_for_booking(api)
    body = booking_body("2026-03-03T09:00")
    body["patient"].update(national_id=WORLD["patients"]["P1"]["id_value"], first_name="Anna",
                           last_name="Annen", birth_date="1964-11-15")  # fmt: skip
    r = api.as_("IF").post("/api/v1/booking/bookings", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["patient"] == {"national_id": "159164*****", "first_name": "Anna",
                                   "last_name": "Annen", "birth_date": "1964-11-15"}  # fmt: skip
    assert "Kari" not in r.text and "Kari" not in api.as_("IF").get(
        "/api/v1/booking/bookings").text  # fmt: skip
    [view] = api.as_("readonly").get("/api/v1/schedule/bookings").json()
    assert view["patient_ref"] == "P1"  # the clinic's patient, unchanged
    with api.db.reading() as repos:
        [p1] = repos.patients(["P1"])
    assert (p1.first_name, p1.last_name) == ("Kari", "Test")
