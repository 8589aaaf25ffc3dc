"""The practice, templates, the tariff plate and the overviews over HTTP (SQLite and
PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

from tests.api.clinic import ADMIN, with_clinic
from tests.api.conftest import World


def test_practice_set_update_with_if_match_and_history(api: World) -> None:
    admin = api.as_(ADMIN)
    assert admin.get("/api/v1/practice").status_code == 404
    assert admin.patch("/api/v1/practice", json={"name": "X"}).status_code == 404
    made = admin.put("/api/v1/practice", json={"name": "Klinikken AS", "org_nr": "974760673",
                                                "practice_type": "FRBE"})  # fmt: skip
    assert made.status_code == 200, made.text
    shown = admin.get("/api/v1/practice")
    assert shown.json()["name"] == "Klinikken AS"
    tag = shown.headers["etag"]
    changed = admin.patch("/api/v1/practice", json={"name": "Klinikken 2 AS"},
                          headers={"If-Match": tag})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["changes"]["name"] == {
        "before": "Klinikken AS",
        "after": "Klinikken 2 AS",
    }
    assert changed.json()["record"]["org_nr"] == "974760673"  # only the field sent changed
    stale = admin.put("/api/v1/practice", json={"name": "Tredje"}, headers={"If-Match": tag})
    assert stale.status_code == 412 and "endret av noen andre" in stale.json()["detail"]
    assert admin.get("/api/v1/practice").json()["name"] == "Klinikken 2 AS"
    assert admin.patch("/api/v1/practice", json={"colour": "x"}).status_code == 422
    assert api.as_("readonly").put("/api/v1/practice", json={"name": "Y"}).status_code == 403


def test_templates_fill_only_empty_fields_of_a_series(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    saved = admin.post("/api/v1/templates", json={"name": "fbv", "from_series": "S1"})
    assert saved.status_code == 201, saved.text
    assert saved.json()["values"]["diagnosis_code"] == "M545"
    assert [t["name"] for t in admin.get("/api/v1/templates").json()] == ["fbv"]
    assert admin.get("/api/v1/templates/fbv").json()["name"] == "fbv"
    body = {"ref": "S9", "patient_ref": "P2", "department_ref": "D1", "practitioner_ref": "B1",
            "start_date": "2026-02-01", "diagnosis_code": "M546"}  # fmt: skip
    made = admin.post("/api/v1/series", json=body, params={"template": "fbv"})
    assert made.status_code == 201, made.text
    record = made.json()["record"]
    assert record["diagnosis_code"] == "M546"  # given: kept
    assert record["fbv_tariff"] == "FBV01"  # empty: filled from the template
    unknown = admin.post("/api/v1/series", json={**body, "ref": "S8"}, params={"template": "x"})
    assert unknown.status_code == 404
    assert admin.delete("/api/v1/templates/fbv").status_code == 204
    assert admin.get("/api/v1/templates/fbv").status_code == 404


def test_tariff_periods_by_code_and_date_and_the_one_valid(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    new = {"code": "LE2", "specialty": "LE", "text": "Konsultasjon", "fee": 480, "refund": 230,
           "copayment": 250, "valid_from": "2026-07-01"}  # fmt: skip
    added = admin.post("/api/v1/tariffs", json=new)
    assert added.status_code == 201, added.text
    assert added.headers["location"] == "/api/v1/tariffs?code=LE2"
    periods = admin.get("/api/v1/tariffs", params={"code": "LE2"}).json()
    assert periods["total"] == 2
    on = admin.get("/api/v1/tariffs", params={"code": "LE2", "on": "2026-03-01"}).json()
    assert [Decimal(t["fee"]) for t in on["items"]] == [455]
    valid = admin.get("/api/v1/tariffs/valid", params={"code": "LE2", "on": "2026-08-01"})
    assert valid.status_code == 200 and Decimal(valid.json()["fee"]) == 480
    none = admin.get("/api/v1/tariffs/valid", params={"code": "LE2", "on": "2019-01-01"})
    assert none.status_code == 404
    rewrite = admin.post("/api/v1/tariffs", json={**new, "fee": 999})
    assert rewrite.status_code == 422
    assert rewrite.json()["findings"][0]["code"] == "TARIFF_HISTORY_CONFLICT"


def test_overview_counts_and_a_patients_overview(api: World) -> None:
    admin = with_clinic(api).as_(ADMIN)
    seen = admin.get("/api/v1/overview").json()
    assert seen["practice"]["name"] == "Scenarioklinikken AS"
    assert seen["counts"]["pasienter"] == 2 and seen["counts"]["avtaler"] == 3
    mine = admin.get("/api/v1/patients/P1/overview").json()
    assert [s["ref"] for s in mine["series"]] == ["S1"]
    assert sorted(a["key"] for a in mine["appointments"]) == ["A1", "A2"]
    assert admin.get("/api/v1/patients/NOPE/overview").status_code == 404
    api.user("practitioner", username="b2", practitioner="B2")
    theirs = api.as_("b2").get("/api/v1/patients/P1/overview").json()
    assert theirs["appointments"] == []  # B1's appointments
