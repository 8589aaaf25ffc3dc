"""Planlegger over HTTP: the day and week views, a new appointment with the planner's rule
messages as the form is typed, an appointment's page (move, cancel, attended) and refusals."""

from __future__ import annotations

import datetime

import pytest

from oppgjor.app.clinic import appointments, schedule, single
from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.clinic.domain.schedule import WeeklyHours
from tests.clinic_world import WORLD, load_world
from tests.web.conftest import NOW, Site, htmx

MONDAY = NOW.date()  # 2026-03-02
JANUARY = datetime.date(2026, 1, 1)


@pytest.fixture
def clinic(site: Site) -> Site:
    """The small clinic; B1 works weekdays 08:00–16:00; P1 has FBV01 with B1 Monday 09:00."""
    load_world(site.db, WORLD, NOW)
    for weekday in range(5):
        hours = WeeklyHours("B1", weekday, datetime.time(8), datetime.time(16), JANUARY)
        schedule.add_hours(site.db, hours, actor="t", now=NOW)
    single.create(site.db, "appointments", {
        "ref": "M1", "practitioner_ref": "B1", "patient_ref": "P1", "series_ref": "S1",
        "start": "2026-03-02 09:00", "end": "2026-03-02 10:00", "lines": "FBV01"})  # fmt: skip
    return site


def form(**changes: str) -> dict[str, str]:
    values = {"practitioner_ref": "B1", "patient_ref": "P2", "series_ref": "", "dato": "2026-03-03",
              "fra": "11:00", "til": "11:30", "lines": "LE2"}  # fmt: skip
    return {**values, **changes}


def stored(site: Site, key: str) -> appointments.Appointment:
    return appointments.get(site.db, key)


def test_the_week_shows_hours_and_appointments_with_the_patient(clinic: Site) -> None:
    page = clinic.as_("settlement-office").get("/planlegger?behandler=B1&dato=2026-03-04")
    assert page.status_code == 200
    assert "<h1>Planlegger: Lege Test</h1>" in page.text
    assert "Arbeidstid: 08:00–16:00" in page.text
    assert "Kari Test" in page.text and "FBV01" in page.text and "planlagt" in page.text
    assert "Uke 10: 02.03.2026–08.03.2026" in page.text
    assert "dato=2026-02-25" in page.text and "dato=2026-03-11" in page.text  # prev / next week
    assert 'href="/planlegger/ny?behandler=B1' in page.text


def test_the_day_view_shows_one_day_and_an_exception(clinic: Site) -> None:
    from oppgjor.clinic.domain.schedule import HoursException

    schedule.add_exception(clinic.db, HoursException("B1", MONDAY, datetime.time(9),
                           datetime.time(12), "kurs"), actor="t", now=NOW)  # fmt: skip
    page = clinic.as_("read-only").get("/planlegger?behandler=B1&dato=2026-03-02&visning=dag")
    assert page.status_code == 200
    assert "Mandag 02.03.2026" in page.text and "Unntak: 09:00–12:00 (kurs)" in page.text
    assert page.text.count('class="plandag') == 1
    assert "Ny avtale" not in page.text  # read-only: no buttons


def test_a_practitioner_sees_only_their_own(clinic: Site) -> None:
    b2 = clinic.as_("practitioner", practitioner="B2")
    page = b2.get("/planlegger?dato=2026-03-02")
    assert page.status_code == 200 and "Sykepleier Test" in page.text
    assert "Kari Test" not in page.text and 'value="B1"' not in page.text
    asked = b2.get("/planlegger?behandler=B1&dato=2026-03-02")  # their own all the same
    assert "Sykepleier Test" in asked.text and "Kari Test" not in asked.text


def test_bad_dates_and_unknown_practitioners_get_a_norwegian_answer(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    bad = office.get("/planlegger?dato=2026-13-40")
    assert bad.status_code == 422 and "«dato»" in bad.text
    assert "Fant ikke behandler «B9»" in office.get("/planlegger?behandler=B9").text


def test_an_insurer_booking_is_marked_with_the_insurer(clinic: Site) -> None:
    from oppgjor.store import tables as t

    with clinic.db.transaction() as repos:
        repos.conn.execute(t.booking_client.insert().values(
            ref="IF", name="If Skadeforsikring", active=True, created_at=NOW))  # fmt: skip
        repos.schedule.save_service(
            schedule.Service("FYS30", "Fysio", 30, client_refs=frozenset({"IF"}))
        )
    made = single.create(clinic.db, "appointments", {
        "ref": "BK1", "practitioner_ref": "B1", "patient_ref": "P2",
        "start": "2026-03-04 12:00", "end": "2026-03-04 12:30"})  # fmt: skip
    with clinic.db.transaction() as repos:
        repos.schedule.add_booking(
            client_ref="IF", service_ref="FYS30", practitioner_ref="B1", patient_ref="P2",
            appointment_id=made.record.id, start=made.record.start, end=made.record.end,
            case_ref="6QPTR", named=("Ola", "Test", datetime.date(1974, 1, 13)), now=NOW,
        )  # fmt: skip
    office = clinic.as_("settlement-office")
    page = office.get("/planlegger?behandler=B1&dato=2026-03-04")
    assert "Bestilt av If Skadeforsikring" in page.text
    assert "If Skadeforsikring" in office.get("/planlegger/avtale/BK1").text


def test_new_appointment_form_and_create(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    blank = office.get("/planlegger/ny?behandler=B1&dato=2026-03-03&fra=11:00")
    assert blank.status_code == 200 and "<h1>Ny avtale</h1>" in blank.text
    assert 'value="11:30"' in blank.text and 'for="f-patient_ref"' in blank.text
    done = office.post("/planlegger/ny", data=form())
    assert done.status_code == 303
    assert done.headers["location"] == "/planlegger?behandler=B1&dato=2026-03-03&visning=dag"
    made = appointments.page(clinic.db, appointments.AppointmentFilter(patient_ref="P2",
                             start=datetime.datetime(2026, 3, 3))).appointments  # fmt: skip
    assert [(a.start, a.end, a.lines[0].code) for a in made] == [
        (datetime.datetime(2026, 3, 3, 11), datetime.datetime(2026, 3, 3, 11, 30), "LE2")
    ]
    shown = office.get(done.headers["location"])
    assert "er lagt inn 03.03.2026 kl. 11:00" in shown.text and "Ola Test" in shown.text


def test_a_saved_overlap_is_said_as_a_warning(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    done = office.post("/planlegger/ny", data=form(dato="2026-03-02", fra="09:30", til="10:00"))
    assert done.status_code == 303
    assert "Merk: Behandler «B1» har en annen avtale som overlapper" in office.get(
        done.headers["location"]).text  # fmt: skip


def test_the_new_form_starts_at_the_first_free_half_hour(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    monday = office.get("/planlegger/ny?behandler=B1&dato=2026-03-02")  # 09:00–10:00 taken
    assert 'name="fra" type="time" value="08:00"' in monday.text
    single.create(clinic.db, "appointments", {
        "practitioner_ref": "B1", "patient_ref": "P2", "start": "2026-03-02 08:00",
        "end": "2026-03-02 08:45"})  # fmt: skip
    later = office.get("/planlegger/ny?behandler=B1&dato=2026-03-02")
    assert 'name="fra" type="time" value="10:00"' in later.text


def test_fbv_twice_a_day_is_refused_with_the_message_and_nothing_saved(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    twice = form(patient_ref="P1", series_ref="S1", dato="2026-03-02", fra="13:00", til="14:00",
                 lines="FBV01", practitioner_ref="B2")  # fmt: skip
    answer = office.post("/planlegger/ny", data=twice)
    assert answer.status_code == 422
    assert "PLANNER_DAILY_LIMIT" in answer.text and "har den allerede 02.03.2026" in answer.text
    assert appointments.page(clinic.db, appointments.AppointmentFilter(
        practitioner_ref="B2")).total == 0  # fmt: skip


def test_the_check_fragment_says_fbv_twice_overlap_and_outside_hours(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    fbv = office.post("/planlegger/sjekk", headers=htmx(), data=form(
        patient_ref="P1", practitioner_ref="B2", dato="2026-03-02", fra="13:00", til="14:00",
        lines="FBV01"))  # fmt: skip
    assert fbv.status_code == 200 and "<html" not in fbv.text
    assert "kan brukes 1 gang per pasient per dag" in fbv.text
    overlap = office.post("/planlegger/sjekk", headers=htmx(), data=form(
        dato="2026-03-02", fra="09:30", til="10:00"))  # fmt: skip
    assert "PLANNER_OVERLAP" in overlap.text and "overlapper 02.03.2026 09:30" in overlap.text
    late = office.post("/planlegger/sjekk", headers=htmx(), data=form(fra="17:00", til="17:30"))
    assert "PLANNER_OUTSIDE_HOURS" in late.text and "08:00–16:00" in late.text
    fine = office.post("/planlegger/sjekk", headers=htmx(), data=form())
    assert "Ingen merknader fra planleggeren." in fine.text
    half = office.post("/planlegger/sjekk", headers=htmx(), data=form(fra=""))
    assert half.status_code == 200 and "ugyldig tidspunkt" in half.text


def test_patient_search_narrows_the_choices(clinic: Site) -> None:
    found = clinic.as_("settlement-office").get("/planlegger/pasienter?q=ola")
    assert "Ola Test (P2)" in found.text and "Kari" not in found.text


def test_choosing_a_patient_offers_their_series(clinic: Site) -> None:
    found = clinic.as_("settlement-office").get("/planlegger/serier?patient_ref=P1")
    assert '<option value="S1" selected>' in found.text and "S2" not in found.text


def test_the_appointment_page_keeps_tilbake_and_moves(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    page = office.get("/planlegger/avtale/M1?tilbake=/oppgjor/7")
    assert page.status_code == 200 and "<h1>Avtale M1</h1>" in page.text
    assert "Kari Test (P1)" in page.text and "FBV01" in page.text
    assert 'href="/oppgjor/7"' in page.text and 'name="tilbake" value="/oppgjor/7"' in page.text
    moved = office.post("/planlegger/avtale/M1/flytt", data={
        "dato": "2026-03-03", "fra": "12:00", "til": "13:00", "tilbake": "/oppgjor/7"})  # fmt: skip
    assert moved.status_code == 303
    assert moved.headers["location"] == "/planlegger/avtale/M1?tilbake=%2Foppgjor%2F7"
    a = stored(clinic, "M1")
    assert (a.start, a.end) == (
        datetime.datetime(2026, 3, 3, 12),
        datetime.datetime(2026, 3, 3, 13),
    )
    assert "er endret: 03.03.2026 kl. 12:00–13:00" in office.get(moved.headers["location"]).text
    assert [x.code for x in a.lines] == ["FBV01"] and a.series_ref == "S1"  # not sent: kept


def test_the_appointment_page_changes_tariffs_and_series(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    page = office.get("/planlegger/avtale/M1")
    assert '<option value="S1" selected>' in page.text and 'value="FBV01"' in page.text
    check = office.post("/planlegger/sjekk", headers=htmx(), data={
        "avtale": "M1", "dato": "2026-03-02", "fra": "09:00", "til": "10:00",
        "lines": "FBV01*2", "series_ref": "S1", "med_takster": "ja"})  # fmt: skip
    assert "Sett antallet til 1" in check.text
    changed = office.post("/planlegger/avtale/M1/flytt", data={
        "dato": "2026-03-02", "fra": "09:00", "til": "10:00", "lines": "LE2", "series_ref": "",
        "med_takster": "ja"})  # fmt: skip
    assert changed.status_code == 303
    a = stored(clinic, "M1")
    assert ([x.code for x in a.lines], a.series_ref) == (["LE2"], None)


def test_another_site_in_tilbake_is_ignored(clinic: Site) -> None:
    page = clinic.as_("settlement-office").get("/planlegger/avtale/M1?tilbake=//evil.example")
    assert "evil.example" not in page.text


def test_a_move_onto_fbv_of_the_same_day_is_refused(clinic: Site) -> None:
    single.create(clinic.db, "appointments", {
        "ref": "M2", "practitioner_ref": "B2", "patient_ref": "P1", "series_ref": "S1",
        "start": "2026-03-03 09:00", "end": "2026-03-03 10:00", "lines": "FBV01"})  # fmt: skip
    office = clinic.as_("settlement-office")
    check = office.post("/planlegger/sjekk", headers=htmx(), data={
        "avtale": "M2", "dato": "2026-03-02", "fra": "13:00", "til": "14:00"})  # fmt: skip
    assert "PLANNER_DAILY_LIMIT" in check.text
    refused = office.post("/planlegger/avtale/M2/flytt", data={
        "dato": "2026-03-02", "fra": "13:00", "til": "14:00"})  # fmt: skip
    assert refused.status_code == 422 and "PLANNER_DAILY_LIMIT" in refused.text
    assert stored(clinic, "M2").day == datetime.date(2026, 3, 3)


@pytest.mark.parametrize(("status", "word"), [
    ("cancelled", "avlyst"), ("attended", "merket som møtt"), ("no_show", "ikke møtt"),
])  # fmt: skip
def test_cancel_and_mark(clinic: Site, status: str, word: str) -> None:
    office = clinic.as_("settlement-office")
    done = office.post("/planlegger/avtale/M1/status", data={"status": status})
    assert done.status_code == 303
    assert stored(clinic, "M1").status is AppointmentStatus(status)
    assert word in office.get(done.headers["location"]).text


def test_an_unknown_status_or_time_is_refused_and_nothing_changes(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    assert office.post("/planlegger/avtale/M1/status", data={"status": "x"}).status_code == 422
    bad = office.post("/planlegger/avtale/M1/flytt", data={"dato": "2026-03-03", "fra": "25:00",
                                                            "til": "26:00"})  # fmt: skip
    assert bad.status_code == 422 and "ugyldig tidspunkt" in bad.text
    a = stored(clinic, "M1")
    assert (a.status, a.start) == (AppointmentStatus.PLANNED, datetime.datetime(2026, 3, 2, 9))


def test_read_only_sees_no_buttons_and_is_refused(clinic: Site) -> None:
    reader = clinic.as_("read-only")
    page = reader.get("/planlegger/avtale/M1")
    assert page.status_code == 200 and "Avlys" not in page.text and "Flytt" not in page.text
    assert reader.get("/planlegger/ny").status_code == 403
    assert reader.post("/planlegger/ny", data=form()).status_code == 403
    cancel = reader.post("/planlegger/avtale/M1/status", data={"status": "cancelled"})
    assert cancel.status_code == 403
    assert reader.post("/planlegger/sjekk", data=form()).status_code == 403
    assert stored(clinic, "M1").status is AppointmentStatus.PLANNED


def test_a_practitioner_cannot_touch_anothers_appointment(clinic: Site) -> None:
    b2 = clinic.as_("practitioner", practitioner="B2")
    assert b2.get("/planlegger/avtale/M1").status_code == 404
    assert b2.post("/planlegger/avtale/M1/status", data={"status": "cancelled"}).status_code == 404
    assert b2.post("/planlegger/ny", data=form()).status_code == 403
    assert b2.post("/planlegger/ny", data=form(practitioner_ref="B2")).status_code == 303
    assert stored(clinic, "M1").status is AppointmentStatus.PLANNED


def test_a_change_on_a_page_someone_else_changed_since_is_refused(clinic: Site) -> None:
    office = clinic.as_("settlement-office")
    page = office.get("/planlegger/avtale/M1")
    seen = page.text.split('name="versjon" value="')[1].split('"')[0]
    appointments.update(clinic.db, "M1", {"lines": "FBV01 LE2"}, actor="other", now=NOW)
    late = office.post("/planlegger/avtale/M1/status", data={"status": "cancelled",
                                                             "versjon": seen})  # fmt: skip
    assert late.status_code == 412 and "endret av noen andre" in late.text
    assert stored(clinic, "M1").status is AppointmentStatus.PLANNED
