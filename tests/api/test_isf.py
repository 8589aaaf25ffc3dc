"""ISF's small questions over HTTP: NPR deadlines, pricing points, grouping cases."""

from __future__ import annotations

from pathlib import Path

import reference
from tests.api.conftest import World

NORDDRG = reference.path("reference", "isf", "norddrg")


def test_the_npr_deadlines_of_a_year(api: World) -> None:
    r = api.as_("readonly").get("/api/v1/isf/deadlines", params={"year": 2026})
    assert r.status_code == 200
    first = r.json()[0]
    assert first["tertial"] == 1 and first["period_start"] == "2026-01-01"
    assert first["first"] == "2026-05-05" and first["final"] == "2026-05-26"
    assert len(r.json()) == 3


def test_deadlines_of_a_year_not_known_are_a_clear_4xx(api: World) -> None:
    r = api.as_("readonly").get("/api/v1/isf/deadlines", params={"year": 2000})
    assert r.status_code == 400 and "NPR-fristene for 2000" in r.json()["detail"]
    assert api.as_("readonly").get("/api/v1/isf/deadlines").status_code == 422
    assert api.as_("readonly").get("/api/v1/isf/deadlines?year=99999").status_code == 422


def test_price_of_points_as_isf_price(api: World) -> None:
    r = api.as_("readonly").get("/api/v1/isf/price", params={"year": 2020, "points": "155,11"})
    assert r.status_code == 200
    assert r.json() == {"year": 2020, "area": "somatic", "points": "155.11",
                        "kroner": "3552639.44"}  # fmt: skip


def test_a_price_that_cannot_be_told_is_a_clear_4xx(api: World) -> None:
    caller = api.as_("readonly")
    for points in ("tolv", "NaN", "Infinity", "1e400"):
        r = caller.get("/api/v1/isf/price", params={"year": 2020, "points": points})
        assert r.status_code == 422, points
    unknown = caller.get("/api/v1/isf/price", params={"year": 2020, "points": "1",
                                                      "area": "phv_tsb"})  # fmt: skip
    assert unknown.status_code == 400 and "phv_tsb" in unknown.json()["detail"]


@reference.needed
def test_grouping_uploaded_cases_as_isf_group(api: World) -> None:
    tables = NORDDRG / "DefinitionData_NOR_2015_Pr1cN.zip"
    cases = NORDDRG / "grouper_testcases_small.csv"
    r = api.as_("settlementoffice").post(
        "/api/v1/isf/group",
        files={"definitions": (tables.name, tables.read_bytes()),
               "cases": (cases.name, cases.read_bytes())},
    )  # fmt: skip
    assert r.status_code == 200
    assert len(r.json()) == 67 and all(c["passed"] for c in r.json())


def test_grouping_refuses_files_it_cannot_use(api: World, tmp_path: Path) -> None:
    caller = api.as_("settlementoffice")
    wrong = caller.post("/api/v1/isf/group", files={"definitions": ("d.txt", b"x"),
                                                    "cases": ("c.csv", b"1;2;3;4")})  # fmt: skip
    assert wrong.status_code == 422 and "ZIP, JSON" in wrong.json()["detail"]
    broken = caller.post("/api/v1/isf/group", files={"definitions": ("d.json", b"{"),
                                                     "cases": ("c.csv", b"1;2;3;4")})  # fmt: skip
    assert broken.status_code == 400
    assert "definisjonsdata" in broken.json()["detail"] and "/tmp" not in broken.json()["detail"]
    assert api.as_("readonly").post("/api/v1/isf/group", files={
        "definitions": ("d.json", b"{}"), "cases": ("c.csv", b"x")}).status_code == 403  # fmt: skip
