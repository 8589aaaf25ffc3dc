"""The clinic's working hours, exceptions and bookable services over HTTP, on SQLite and
PostgreSQL: created, changed (If-Match), listed, every change in the audit trail."""

from __future__ import annotations

from tests.api.conftest import World
from tests.clinic_world import WORLD, load_world

HOURS = {"practitioner_ref": "B1", "weekday": 1, "start": "08:00", "end": "15:30",
         "valid_from": "2026-01-01"}  # fmt: skip
SERVICE = {"ref": "KIR30", "name": "Kiropraktikk 30 min", "duration_minutes": 30,
           "tariff_code": "LE2", "practitioner_refs": ["B1"], "client_refs": ["IF"]}  # fmt: skip


def _events(api: World, kind: str) -> list[tuple[str, str]]:
    with api.db.reading() as repos:
        return [(e.actor, e.action) for e in repos.audit.find(kind=kind)]


def test_working_hours_are_created_changed_with_if_match_and_deleted(api: World) -> None:
    load_world(api.db, WORLD, api.clock.now())
    office = api.as_("settlementoffice")
    r = office.post("/api/v1/schedule/hours", json=HOURS)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["weekday_name"] == "mandag" and made["end"] == "15:30"
    url = r.headers["location"]
    assert url == f"/api/v1/schedule/hours/{made['id']}" and r.headers["etag"] == '"1"'
    got = api.as_("readonly").get(url)
    assert got.json() == made and got.headers["etag"] == '"1"'
    r = office.patch(url, json={"end": "16:00", "valid_to": "2026-12-31"},
                     headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    assert (r.json()["end"], r.json()["valid_to"]) == ("16:00", "2026-12-31")
    stale = office.patch(url, json={"end": "17:00"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and "endret av noen andre" in stale.json()["detail"]
    listed = api.as_("readonly").get("/api/v1/schedule/hours", params={"practitioner": "B1"})
    assert [h["end"] for h in listed.json()] == ["16:00"]
    assert office.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert office.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    assert api.as_("readonly").get(url).status_code == 404
    assert _events(api, "working_hours") == [
        ("settlementoffice", "created"), ("settlementoffice", "updated"),
        ("settlementoffice", "deleted"),
    ]  # fmt: skip


def test_bad_working_hours_are_refused_with_findings(api: World) -> None:
    load_world(api.db, WORLD, api.clock.now())
    office = api.as_("administrator")
    r = office.post("/api/v1/schedule/hours", json={**HOURS, "start": "16:00", "end": "08:00",
                                                     "valid_to": "2025-01-01"})  # fmt: skip
    assert r.status_code == 422
    assert sorted(f["code"] for f in r.json()["findings"]) == [
        "SCHEDULE_TIMES", "SCHEDULE_VALIDITY"]  # fmt: skip
    r = office.post("/api/v1/schedule/hours", json={**HOURS, "practitioner_ref": "B9"})
    assert r.status_code == 422 and r.json()["findings"][0]["code"] == "UNKNOWN_REFERENCE"
    for bad in ({**HOURS, "weekday": 8}, {**HOURS, "start": "08:00+01:00"},
                {**HOURS, "valid_from": "0001-01-01"}, {**HOURS, "color": "blå"}):  # fmt: skip
        assert office.post("/api/v1/schedule/hours", json=bad).status_code == 422, bad
    made = office.post("/api/v1/schedule/hours", json=HOURS).json()
    r = office.patch(f"/api/v1/schedule/hours/{made['id']}", json={"start": None})
    assert r.status_code == 422
    assert len(api.as_("readonly").get("/api/v1/schedule/hours").json()) == 1


def test_exceptions_are_listed_by_period_and_deleted(api: World) -> None:
    load_world(api.db, WORLD, api.clock.now())
    office = api.as_("administrator")
    closed = office.post("/api/v1/schedule/exceptions", json={
        "practitioner_ref": "B1", "day": "2026-03-04", "note": "Kurs"}).json()  # fmt: skip
    office.post("/api/v1/schedule/exceptions", json={"practitioner_ref": "B2",
                "day": "2026-04-01", "start": "10:00", "end": "12:00"})  # fmt: skip
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    march = api.as_("readonly").get("/api/v1/schedule/exceptions", params=period).json()
    assert [(x["practitioner_ref"], x["closed"], x["note"]) for x in march] == [
        ("B1", True, "Kurs")]  # fmt: skip
    half = office.post("/api/v1/schedule/exceptions", json={
        "practitioner_ref": "B1", "day": "2026-03-05", "start": "10:00"})  # fmt: skip
    assert half.status_code == 422 and half.json()["findings"][0]["code"] == "SCHEDULE_TIMES"
    url = f"/api/v1/schedule/exceptions/{closed['id']}"
    assert office.delete(url).status_code == 204
    assert office.delete(url).status_code == 404
    assert _events(api, "hours_exception") == [
        ("administrator", "created"),
        ("administrator", "created"),
        ("administrator", "deleted"),
    ]


def test_services_are_created_changed_and_listed(api: World) -> None:
    load_world(api.db, WORLD, api.clock.now())
    office = api.as_("administrator")
    r = office.post("/api/v1/schedule/services", json=SERVICE)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/api/v1/schedule/services/KIR30"
    assert r.json()["price"] is None and r.json()["tariff_code"] == "LE2"
    assert office.post("/api/v1/schedule/services", json=SERVICE).status_code == 409
    r = office.patch("/api/v1/schedule/services/KIR30", headers={"If-Match": '"1"'},
                     json={"price": "650.5", "client_refs": ["IF", "TRYG"],
                           "practitioner_refs": ["B1", "B2"]})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    body = r.json()
    assert (body["price"], body["client_refs"], body["practitioner_refs"]) == (
        "650.50", ["IF", "TRYG"], ["B1", "B2"])  # fmt: skip
    assert [s["ref"] for s in api.as_("TRYG").get("/api/v1/booking/services").json()] == ["KIR30"]
    r = office.patch("/api/v1/schedule/services/KIR30", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.as_("TRYG").get("/api/v1/booking/services").json() == []
    got = api.as_("readonly").get("/api/v1/schedule/services/KIR30")
    assert got.headers["etag"] == '"3"' and got.json()["version"] == 3
    assert _events(api, "service") == [("administrator", "created"),
                                       ("administrator", "updated"),
                                       ("administrator", "updated")]  # fmt: skip


def test_bad_services_are_refused_and_nothing_is_saved(api: World) -> None:
    load_world(api.db, WORLD, api.clock.now())
    office = api.as_("administrator")
    unknown = {"tariff_code": "NEI", "practitioner_refs": ["B9"], "client_refs": ["X"]}
    r = office.post("/api/v1/schedule/services", json={**SERVICE, **unknown})
    assert r.status_code == 422
    assert [f["where"]["field"] for f in r.json()["findings"]] == [
        "practitioner_refs", "client_refs", "tariff_code"]  # fmt: skip
    for bad in ({**SERVICE, "duration_minutes": 0}, {**SERVICE, "price": "-1"},
                {**SERVICE, "price": "1e400"}, {**SERVICE, "ref": "a b"}):  # fmt: skip
        assert office.post("/api/v1/schedule/services", json=bad).status_code == 422, bad
    assert api.as_("readonly").get("/api/v1/schedule/services").json() == []
    assert office.get("/api/v1/schedule/services/KIR30").status_code == 404
    assert office.patch("/api/v1/schedule/services/KIR30", json={"name": "x"}).status_code == 404
