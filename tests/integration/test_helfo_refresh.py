"""Control and submit see the records as they are now: a draft's claims are derived again
from their appointments, series and the plate each time (whatever the derivation remembers
lives only as long as one use case). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from clinic_world import WORLD, build, load_world, tariff
from oppgjor.app.errors import Rejected, UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementType

NOW = datetime.datetime(2026, 3, 10, 12, 0)


@pytest.fixture
def clinic(db):
    load_world(db, WORLD, NOW)
    return db


def fbv_draft(db):
    s = st.new(db, SettlementType.FBV, actor="t", now=NOW)
    return st.mark(db, s.id, st.Selection(add_all=True), actor="t", now=NOW)


def change_series(db, ref, **fields):
    series = build("series", ref, WORLD["series"][ref])
    with db.transaction() as repos:
        repos.save_series(dataclasses.replace(series, **fields))


def codes(report):
    return {f.code for _, f in report.findings}


def test_a_series_changed_after_control_is_derived_again_and_its_finding_appears(clinic):
    s = fbv_draft(clinic)
    first = st.control(clinic, s.id, actor="t", now=NOW)
    assert first.blocking == 0
    assert {c.content.diagnosis_code for c in st.claims_in(clinic, s.id)} == {"M545"}
    change_series(clinic, "S1", diagnosis_code="M511", stay_type="1")
    again = st.control(clinic, s.id, actor="t", now=NOW)
    assert "SERIES_STAY_TYPE" in codes(again) and again.blocking
    claims = st.claims_in(clinic, s.id)
    assert {c.content.diagnosis_code for c in claims} == {"M511"}
    blocked = {cid for cid, f in again.findings if f.code == "SERIES_STAY_TYPE"}
    assert blocked == {c.id for c in claims}


def test_a_series_broken_between_control_and_submit_stops_the_submission(clinic):
    s = fbv_draft(clinic)
    assert st.control(clinic, s.id, actor="t", now=NOW).blocking == 0
    change_series(clinic, "S1", stay_type="1")  # the claims' content stays the same
    with pytest.raises(Rejected) as refused:
        st.submit(clinic, s.id, actor="t", now=NOW)
    assert {f.code for f in refused.value.findings} == {"SERIES_STAY_TYPE"}


def test_a_new_plate_period_after_control_reaches_the_claims(clinic):
    s = fbv_draft(clinic)
    st.control(clinic, s.id, actor="t", now=NOW)
    with clinic.transaction() as repos:
        new = {
            **WORLD["tariffs"][0],
            "refund": "3000",
            "fee": "3000",
            "valid_from": datetime.date(2026, 2, 3),
        }
        repos.add_tariffs([tariff(new)], NOW)
    with pytest.raises(UseCaseError, match="kontroll på nytt"):
        st.submit(clinic, s.id, actor="t", now=NOW)
    report = st.control(clinic, s.id, actor="t", now=NOW)
    refunds = sorted(
        (c.content.service_date.day, c.content.refund) for c in st.claims_in(clinic, s.id)
    )
    assert refunds == [(2, Decimal("2850.00")), (3, Decimal("3000.00"))]
    assert report.settlement.total == Decimal("5850.00") and report.blocking == 0
