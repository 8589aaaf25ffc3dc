"""Findings carry a structured location (core.findings.Location) that renders the text users
have always read, and Helfo findings name the dated parameter versions that produced them."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from oppgjor.clinic.domain.model import IdType, Patient, TreatmentSeries
from oppgjor.clinic.domain.records import check_patient
from oppgjor.clinic.domain.series import check_series
from oppgjor.core.findings import INTERNAL, Location, Severity
from oppgjor.core.parameters import Parameter
from oppgjor.helfo.domain import calendar, controls
from oppgjor.helfo.domain.model import ClaimKind, SettlementType
from tests.unit.test_helfo_domain import PLATE, claim, context

d = datetime.date


# -- Location ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (Location("regning", "1042", "takst[0]"), "regning[1042].takst[0]"),
        (Location("oppgjør", "7"), "oppgjør[7]"),
        (Location("oppgjør"), "oppgjør"),
        (Location("praksis", field="org_nr"), "praksis.org_nr"),
        (Location("pasient", "", "ref"), "pasient[].ref"),
        (Location("behandler", "B1", "hpr_number", row=3), "rad 3.behandler[B1].hpr_number"),
        (Location(field="id_type", row=12), "rad 12.id_type"),
        (Location(row=5), "rad 5"),
        (Location(), ""),
    ],
)
def test_a_location_renders_the_text_users_read(where, text):
    assert str(where) == text
    assert INTERNAL("m", where).location == text


def test_a_ref_needs_a_kind():
    with pytest.raises(ValueError):
        Location(ref="5")


TEXT = hs.text(alphabet="abrdegijknø0123456789[]./ ", max_size=30)


@given(TEXT)
def test_parsing_a_label_keeps_its_text(text):
    assert str(Location.parse(text)) == text


@given(TEXT, TEXT)
def test_a_finding_placed_under_a_prefix_reads_prefix_dot_location(prefix, inner):
    finding = INTERNAL("m", inner)
    expected = ".".join(p for p in (prefix, inner) if p)
    assert finding.at(prefix).location == expected
    assert finding.at(Location.parse(prefix)).location == expected


def test_an_import_row_adds_its_number_and_keeps_the_record():
    _, found = check_patient(Patient("P1", IdType.FNR, "123", "Kari", "Test"), allow_synthetic=True)
    where = found[0].at("rad 4").where
    assert where == Location("pasient", "P1", "id_value", row=4)
    assert found[0].at("rad 4").as_dict()["where"] == {
        "kind": "pasient", "ref": "P1", "field": "id_value", "row": 4,
    }  # fmt: skip


def test_a_record_seen_from_a_claim_is_in_the_claims_field_path():
    found = check_series(TreatmentSeries("S1", "P1", fbv=True), context().series_context)
    inside = found[0].at(Location("regning", "5"))
    assert (inside.where.kind, inside.where.ref) == ("regning", "5")
    assert inside.where.field == found[0].location  # serie[S1].<field>
    assert inside.where.key("regning") == "5" and inside.where.key("oppgjør") is None


# -- the claim a finding belongs to comes from its location -------------------------------------


def test_a_settlement_finding_about_a_claim_belongs_to_that_claim_not_its_credit():
    first = dataclasses.replace(claim(1), id=11)
    twin = dataclasses.replace(claim(2), id=12, appointment_ref="A1")
    credit = dataclasses.replace(claim(2), id=13, kind=ClaimKind.CREDIT)
    result = controls.control([first, twin, credit], context(total="424.00", count=3))
    duplicates = [(cid, f.where) for cid, f in result.findings if f.code == "HELFO_DUPLICATE"]
    assert duplicates == [(12, Location("regning", "2"))]
    totals = [cid for cid, f in result.findings if f.code == "HELFO_TOTALS"]
    assert totals == [None]


# -- rule versions ------------------------------------------------------------------------------

CHANGE = d(2025, 7, 1)  # a test change: 6 months before, 8 months from this date


def changed_params() -> dict[str, Parameter]:
    params = dict(calendar.helfo_parameters())
    params["claim_expiry_months"] = Parameter(
        "claim_expiry_months", "test", ((d(1997, 5, 1), 6), (CHANGE, 8)), "test"
    )
    params["fbv_last_service_date"] = Parameter(
        "fbv_last_service_date",
        "test",
        ((d(2023, 1, 1), d(2023, 12, 31)), (d(2024, 6, 1), d(2024, 12, 31))),
        "test",
    )
    return params


def on(day: datetime.date, number: int = 1, **changes: object):
    c = claim(number)
    content = dataclasses.replace(
        c.content, service_time=datetime.datetime.combine(day, datetime.time(9)), **changes
    )
    return dataclasses.replace(c, content=content)


@pytest.mark.parametrize(
    ("day", "code", "rule"),
    [
        (d(2025, 6, 1), "HELFO_CLAIM_EXPIRED", "claim_expiry_months@1997-05-01"),
        (d(2025, 6, 30), "HELFO_CLAIM_EXPIRED", "claim_expiry_months@1997-05-01"),
        (
            d(2025, 7, 1),
            "HELFO_CLAIM_EXPIRING",
            "claim_expiry_months@2025-07-01;claim_expiry_warning_days@2020-01-01",
        ),
        (
            d(2025, 7, 31),
            "HELFO_CLAIM_EXPIRING",
            "claim_expiry_months@2025-07-01;claim_expiry_warning_days@2020-01-01",
        ),
    ],
)
def test_an_expiry_finding_names_the_version_valid_on_the_service_date(day, code, rule):
    # today 10.03.2026: 6 months after June 2025 has passed; 8 after July 2025 ends 31.03.2026
    result = controls.control([on(day)], context(params=changed_params()))
    found = [f for _, f in result.findings if f.code.startswith("HELFO_CLAIM_EXP")]
    assert [(f.code, f.rule) for f in found] == [(code, rule)]
    assert found[0].severity is (Severity.BLOCKING if "EXPIRED" in code else Severity.WARNING)


def test_the_fbv_end_names_each_version_its_late_claims_were_judged_by():
    late = [
        on(d(2024, 3, 1), 1, type=SettlementType.FBV),  # after 2023-12-31 (version 2023-01-01)
        on(d(2025, 3, 1), 2, type=SettlementType.FBV),  # after 2024-12-31 (version 2024-06-01)
    ]
    ctx = context(params=changed_params(), plate=PLATE)
    found = [f for f in controls.SETTLEMENT_CONTROLS[-1](late, ctx)]
    assert [f.rule for f in found] == [
        "fbv_last_service_date@2023-01-01;fbv_last_service_date@2024-06-01"
    ]
    assert found[0].where == Location("oppgjør", "7")


def test_a_control_without_dated_parameters_names_itself():
    result = controls.control([claim()], context(total="999.00"))
    assert [f.rule for _, f in result.findings if f.code == "HELFO_TOTALS"] == ["helfo_totals"]
