"""The planner over HTTP: an appointment's life with its claim following, filters and pages,
If-Match, and a practitioner who sees and changes only their own (SQLite and PostgreSQL)."""

from __future__ import annotations

from oppgjor.app.helfo import settlements
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.helfo.domain.settlement import Selection
from tests.api.clinic import ADMIN, with_clinic
from tests.api.conftest import World

URL = "/api/v1/appointments"


def _claimed(api: World) -> set[str | None]:
    return {c.appointment_ref for c in settlements.waiting(api.db, now=api.clock.now())}


def test_an_appointments_life_with_its_claim_following(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    assert "A1" in _claimed(api)  # attended in the world: claimed
    r = admin.post(f"{URL}/A1/cancel")
    assert r.status_code == 200, r.text
    assert r.json()["appointment"]["status"] == "cancelled"
    assert r.json()["changes"]["status"] == {"before": "attended", "after": "cancelled"}
    assert "A1" not in _claimed(api)
    assert admin.post(f"{URL}/A1/planned").json()["appointment"]["status"] == "planned"
    assert admin.post(f"{URL}/A1/attended").json()["appointment"]["status"] == "attended"
    assert "A1" in _claimed(api)
    assert admin.post(f"{URL}/A1/no-show").json()["appointment"]["status"] == "no_show"
    assert "A1" not in _claimed(api)
    gone = admin.delete(f"{URL}/A1")
    assert gone.status_code == 200 and gone.json()["appointment"] is None
    assert admin.get(f"{URL}/A1").status_code == 404
    events = admin.get(f"{URL}/A1/history")
    assert events.status_code == 200
    actions = [e["action"] for e in events.json()]
    assert actions[-5:] == ["cancelled", "planned", "attended", "no_show", "deleted"]
    assert {e["actor"] for e in events.json()[-5:]} == {ADMIN}


def test_create_move_keeping_the_length_and_if_match(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    body = {"practitioner_ref": "B1", "patient_ref": "P2", "start": "2026-03-03 09:00",
            "end": "2026-03-03 09:45", "lines": "LE2", "series_ref": "S2"}  # fmt: skip
    made = admin.post(URL, json=body)
    assert made.status_code == 201, made.text
    key = made.json()["record"]["key"]
    assert made.headers["location"].endswith(key.replace("#", "%23"))
    tag = admin.get(made.headers["location"]).headers["etag"]
    moved = admin.patch(f"{URL}/{key}", json={"start": "2026-03-04 13:00"},
                        headers={"If-Match": tag})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert moved.json()["appointment"]["end"] == "2026-03-04 13:45"
    stale = admin.patch(f"{URL}/{key}", json={"start": "2026-03-05 13:00"},
                        headers={"If-Match": tag})  # fmt: skip
    assert stale.status_code == 412 and "endret av noen andre" in stale.json()["detail"]
    assert admin.post(f"{URL}/{key}/attended", headers={"If-Match": tag}).status_code == 412
    assert admin.get(f"{URL}/{key}").json()["start"] == "2026-03-04 13:00"
    assert admin.patch(f"{URL}/{key}", json={"room": "2"}).status_code == 422
    assert admin.patch(f"{URL}/{key}", json={"start": "i morgen"}).status_code == 422


def test_list_with_filters_and_pages(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    page = admin.get(URL, params={"limit": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert [a["key"] for a in admin.get(URL, params={"patient": "P2"}).json()["items"]] == ["A3"]
    day = admin.get(URL, params={"from": "2026-02-03", "to": "2026-02-03"}).json()
    assert [a["key"] for a in day["items"]] == ["A2"]
    admin.post(f"{URL}/A2/cancel")
    met = admin.get(URL, params={"status": "avlyst"}).json()
    assert [a["key"] for a in met["items"]] == ["A2"]
    assert admin.get(URL, params={"status": "kanskje"}).status_code == 422
    assert admin.get(URL, params={"from": "2026-02-04", "to": "2026-02-01"}).status_code == 422


def test_a_practitioner_sees_and_changes_only_their_own(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    api.user("practitioner", username="b2", practitioner="B2")
    mine = {"practitioner_ref": "B2", "patient_ref": "P2", "start": "2026-03-02 08:00",
            "end": "2026-03-02 08:30", "lines": "LE2"}  # fmt: skip
    b2 = api.as_("b2")
    made = b2.post(URL, json={**mine, "ref": "M1"})
    assert made.status_code == 201, made.text
    assert b2.post(URL, json={**mine, "ref": "M2", "practitioner_ref": "B1"}).status_code == 403
    listed = b2.get(URL).json()
    assert [a["key"] for a in listed["items"]] == ["M1"] and listed["total"] == 1
    assert b2.get(URL, params={"practitioner": "B1"}).status_code == 403
    assert b2.get(f"{URL}/A1").status_code == 404
    assert b2.post(f"{URL}/A1/attended").status_code == 404
    assert b2.patch(f"{URL}/A1", json={"lines": "LE9"}).status_code == 404
    assert b2.delete(f"{URL}/A1").status_code == 404
    assert b2.get(f"{URL}/A1/history").status_code == 404
    assert b2.patch(f"{URL}/M1", json={"practitioner_ref": "B1"}).status_code == 403
    assert b2.post(f"{URL}/M1/attended").status_code == 200
    # whether the patient came is known once the appointment has begun (else it is billed)
    later = {**mine, "ref": "M3", "start": "2026-03-09 09:00", "end": "2026-03-09 09:30"}
    assert b2.post(URL, json=later).status_code == 201
    early = b2.post(f"{URL}/M3/attended")
    assert early.status_code == 400 and "først når den har begynt" in early.json()["detail"]
    assert b2.get(f"{URL}/M3").json()["status"] == "planned"
    assert b2.post(f"{URL}/M3/cancel").status_code == 200  # cancelling ahead is fine
    assert b2.get("/api/v1/patients/P1").status_code == 200  # the registers: read
    assert b2.patch("/api/v1/patients/P1", json={"first_name": "X"}).status_code == 403
    assert admin.get(f"{URL}/A1").json()["status"] == "attended"


def test_an_appointment_created_twice_with_one_idempotency_key_is_one(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    body = {"practitioner_ref": "B1", "patient_ref": "P2", "start": "2026-03-03 09:00",
            "end": "2026-03-03 09:45", "lines": "LE2"}  # fmt: skip
    key = {"Idempotency-Key": "appt-1"}
    first, second = admin.post(URL, json=body, headers=key), admin.post(URL, json=body, headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["record"]["key"] == second.json()["record"]["key"]
    assert admin.get(URL).json()["total"] == 4


def test_a_submitted_claim_refuses_the_change_with_409(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    now = api.clock.now()
    claim = next(c for c in settlements.waiting(api.db, now=now) if c.appointment_ref == "A3")
    s = settlements.new(api.db, SettlementType.BKM, actor="t", now=now)
    settlements.mark(api.db, s.id or 0, Selection(add=[claim.number]), actor="t", now=now)
    settlements.control(api.db, s.id or 0, actor="t", now=now)
    settlements.submit(api.db, s.id or 0, actor="t", now=now)
    refused = admin.post(f"{URL}/A3/cancel")
    assert refused.status_code == 409
    assert f"oppgjor settlement unlock {s.id}" in refused.json()["detail"]
    assert admin.delete(f"{URL}/A3").status_code == 409
    assert admin.get(f"{URL}/A3").json()["status"] == "attended"
