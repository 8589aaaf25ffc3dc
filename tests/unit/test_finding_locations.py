"""Findings carry a structured location (core.findings.Location) that renders the text users
have always read."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from oppgjor.clinic.domain.model import IdType, Patient, TreatmentSeries
from oppgjor.clinic.domain.records import check_patient
from oppgjor.clinic.domain.series import check_series
from oppgjor.core.findings import INTERNAL, Location
from oppgjor.helfo.domain import controls
from oppgjor.helfo.domain.model import ClaimKind
from tests.unit.test_helfo_domain import claim, context

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
