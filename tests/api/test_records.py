"""The clinic's registers over HTTP: create, show, change with If-Match, history, import,
export, masking and reveal (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from tests.api.clinic import ADMIN, with_clinic
from tests.api.conftest import World

FNR = "15916400184"  # a synthetic test identity (month + 80)
MASKED = "159164*****"


def test_create_show_change_with_if_match_and_history(api: World) -> None:
    admin = api.as_(ADMIN)
    r = admin.post("/api/v1/departments", json={"ref": "D9", "name": "Poliklinikk"})
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/api/v1/departments/D9"
    assert r.json()["record"]["name"] == "Poliklinikk"
    shown = admin.get("/api/v1/departments/D9")
    assert shown.status_code == 200 and shown.json()["key"] == "D9"
    tag = shown.headers["etag"]
    assert tag == r.headers["etag"]
    changed = admin.patch("/api/v1/departments/D9", json={"name": "Dagklinikk"},
                          headers={"If-Match": tag})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["changes"] == {"name": {"before": "Poliklinikk", "after": "Dagklinikk"}}
    assert changed.headers["etag"] != tag
    stale = admin.patch("/api/v1/departments/D9", json={"name": "Annet navn"},
                        headers={"If-Match": tag})  # fmt: skip
    assert stale.status_code == 412
    assert "endret av noen andre" in stale.json()["detail"]
    assert admin.get("/api/v1/departments/D9").json()["name"] == "Dagklinikk"
    events = admin.get("/api/v1/departments/D9/history").json()
    assert [(e["actor"], e["action"]) for e in events] == [(ADMIN, "created"), (ADMIN, "updated")]
    assert events[1]["changes"]["name"] == {"before": "Poliklinikk", "after": "Dagklinikk"}


def test_an_empty_value_clears_an_optional_field_and_unknown_fields_are_422(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    r = admin.patch("/api/v1/practitioners/B1", json={"department_ref": None})
    assert r.status_code == 200, r.text
    assert admin.get("/api/v1/practitioners/B1").json()["department_ref"] == ""
    bad = admin.patch("/api/v1/practitioners/B1", json={"colour": "blå"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert admin.post("/api/v1/departments", json={"ref": "D8", "farge": "x"}).status_code == 422
    assert admin.get("/api/v1/departments/D8").status_code == 404


def test_a_bad_value_is_422_with_findings_and_an_existing_ref_409(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    r = admin.post("/api/v1/patients", json={"ref": "P9", "id_type": "FNR", "id_value": "123",
                                             "first_name": "Per", "last_name": "Test"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["findings"], r.json()
    assert admin.get("/api/v1/patients/P9").status_code == 404
    again = admin.post("/api/v1/departments", json={"ref": "D1", "name": "Ny"})
    assert again.status_code == 409
    assert "update" in again.json()["detail"]


def test_national_ids_are_masked_in_list_show_export_and_history(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    listed = admin.get("/api/v1/patients").json()
    assert listed["total"] == 2
    shown = admin.get("/api/v1/patients/P1")
    exported = admin.get("/api/v1/patients/export")
    as_json = admin.get("/api/v1/patients/export", params={"format": "json"})
    admin.patch("/api/v1/patients/P1", json={"id_value": "13817400277"})
    events = admin.get("/api/v1/patients/P1/history")
    for text in (json.dumps(listed), shown.text, exported.text, as_json.text, events.text):
        assert FNR not in text and "13817400277" not in text
    assert shown.json()["id_value"] == MASKED
    assert exported.headers["content-type"].startswith("text/csv")
    assert MASKED in exported.text
    assert "attachment" in exported.headers["content-disposition"]


def test_reveal_shows_the_full_id_and_is_audited(api: World) -> None:
    with_clinic(api)
    r = api.as_(ADMIN).post("/api/v1/patients/P1/reveal")
    assert r.status_code == 200 and r.json()["id_value"] == FNR
    assert api.as_("readonly").post("/api/v1/patients/P1/reveal").status_code == 403
    events = api.as_("readonly").get("/api/v1/patients/P1/history").json()
    assert [(e["actor"], e["action"]) for e in events][-1] == (ADMIN, "reveal")
    assert FNR not in json.dumps(events)


def test_import_is_all_or_nothing_with_the_findings(api: World) -> None:
    admin = api.as_(ADMIN)
    bad = "ref,name\nD5,Fem\nD6,\n"
    r = admin.post("/api/v1/departments/import", content=bad.encode(),
                   headers={"Content-Type": "text/csv"})  # fmt: skip
    assert r.status_code == 422
    assert [f["location"] for f in r.json()["findings"]] == ["rad 3.name"]
    assert admin.get("/api/v1/departments").json()["total"] == 0
    good = "ref,name\nD5,Fem\nD6,Seks\n"
    ok = admin.post("/api/v1/departments/import", content=good.encode(),
                    headers={"Content-Type": "text/csv"})  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert (ok.json()["rows"], ok.json()["created"]) == (2, 2)
    rows = [{"ref": "D7", "name": "Syv"}]
    as_json = admin.post("/api/v1/departments/import", json=rows)
    assert as_json.status_code == 200 and as_json.json()["created"] == 1
    form = admin.post("/api/v1/departments/import",
                      files={"file": ("d.csv", b"ref,name\nD8,Aatte\n", "text/csv")})  # fmt: skip
    assert form.status_code == 200 and form.json()["created"] == 1
    assert admin.get("/api/v1/departments").json()["total"] == 4
    wrong = admin.post("/api/v1/departments/import", content=b"x",
                       headers={"Content-Type": "application/xml"})  # fmt: skip
    assert wrong.status_code == 415


def test_paging_and_not_found(api: World) -> None:
    admin = api.as_(ADMIN)
    for n in range(5):
        assert admin.post("/api/v1/departments", json={"ref": f"D{n}", "name": f"A{n}"}).is_success
    page = admin.get("/api/v1/departments", params={"offset": 3, "limit": 10}).json()
    assert page["total"] == 5 and [d["ref"] for d in page["items"]] == ["D3", "D4"]
    assert admin.get("/api/v1/departments", params={"limit": 100000}).status_code == 422
    assert admin.get("/api/v1/departments", params={"offset": -1}).status_code == 422
    assert admin.get("/api/v1/departments/NOPE").status_code == 404
    assert admin.patch("/api/v1/departments/NOPE", json={"name": "x"}).status_code == 404
    assert admin.get("/api/v1/departments/NOPE/history").status_code == 404


def test_a_create_retried_with_the_same_idempotency_key_creates_once(api: World) -> None:
    admin = api.as_(ADMIN)
    key = {"Idempotency-Key": "dept-create-1"}
    first = admin.post("/api/v1/departments", json={"ref": "D1", "name": "En"}, headers=key)
    second = admin.post("/api/v1/departments", json={"ref": "D1", "name": "En"}, headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert admin.get("/api/v1/departments").json()["total"] == 1
    assert len(admin.get("/api/v1/departments/D1/history").json()) == 1


def test_readers_may_not_write(api: World) -> None:
    reader = with_clinic(api).as_("readonly")
    assert reader.get("/api/v1/series/S1").status_code == 200
    assert reader.patch("/api/v1/series/S1", json={"diagnosis_code": "M546"}).status_code == 403
    assert reader.post("/api/v1/departments", json={"ref": "D5", "name": "x"}).status_code == 403
