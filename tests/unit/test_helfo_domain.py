"""Helfo domain with hand-written fakes: controls the workflow cannot reach, the transition
table, dated parameters (including bad files)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from oppgjor.clinic.domain.model import IdType, Module, Patient, Practitioner, Tariff
from oppgjor.clinic.domain.series import SeriesContext
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core import parameters
from oppgjor.helfo.domain import calendar, controls
from oppgjor.helfo.domain.model import (
    Claim,
    ClaimContent,
    ClaimKind,
    ClaimLine,
    Settlement,
    SettlementState,
    SettlementType,
)
from oppgjor.helfo.domain.workflow import TRANSITIONS, Action, InvalidTransition, transition

NOW = datetime.datetime(2026, 3, 10, 12)
PLATE = TariffPlate(
    [Tariff("LE2", "LE", "Konsultasjon", Decimal("455"), Decimal("212"), Decimal("243"),
            datetime.date(2020, 1, 1))]
)  # fmt: skip


def claim(number: int = 1, refund: str = "212.00", **changes: object) -> Claim:
    content = ClaimContent(
        SettlementType.BKM, "P1", "B1", None, datetime.datetime(2026, 2, 2, 9),
        (ClaimLine("LE2", 1, Decimal("455"), Decimal(refund), Decimal("243")),),
        None, None, None, None, None, Decimal(refund), Decimal("243.00"),
    )  # fmt: skip
    return Claim(
        number, number, f"guid-{number}", ClaimKind.CLAIM, f"A{number}", content, **changes
    )  # type: ignore[arg-type]


def context(total: str = "212.00", count: int = 1, **changes: object) -> controls.ControlContext:
    settlement = Settlement(
        7, SettlementType.BKM, NOW.date(), SettlementState.DRAFT, 3, Decimal(total), count, NOW, "t"
    )
    values: dict[str, object] = dict(
        settlement=settlement,
        now=NOW,
        params=calendar.helfo_parameters(),
        series={},
        patients={"P1": Patient("P1", IdType.FNR, "15916400184", "Kari", "Test")},
        practitioners={
            "B1": Practitioner("B1", "Lege", "LE", "1234567", frozenset({Module.SETTLEMENT}))
        },
        plate=PLATE,
        series_context=SeriesContext({}, frozenset(), PLATE),
        allow_synthetic=True,
    )
    values.update(changes)
    return controls.ControlContext(**values)  # type: ignore[arg-type]


def codes(result: controls.ControlResult) -> set[str]:
    return {f.code for _, f in result.findings}


def test_a_claim_as_on_the_plate_passes_the_amount_check():
    assert "HELFO_TARIFF_AMOUNT" not in codes(controls.control([claim()], context()))


def test_an_amount_other_than_the_plate_blocks():
    result = controls.control([claim(refund="200.00")], context(total="200.00"))
    found = [f for _, f in result.findings if f.code == "HELFO_TARIFF_AMOUNT"]
    assert found and found[0].blocking and "212,00" in found[0].message


def test_a_credit_repeats_the_original_and_is_not_compared_with_the_plate():
    credit = dataclasses.replace(claim(refund="200.00"), kind=ClaimKind.CREDIT)
    result = controls.control([credit], context(total="-200.00"))
    assert "HELFO_TARIFF_AMOUNT" not in codes(result)
    assert "HELFO_TOTALS" not in codes(result)


def test_totals_that_do_not_match_the_claims_block():
    result = controls.control([claim()], context(total="999.00", count=2))
    assert "HELFO_TOTALS" in codes(result)
    assert [cid for cid, f in result.findings if f.code == "HELFO_TOTALS"] == [None]


def test_missing_patient_and_practitioner_block():
    result = controls.control([claim()], context(patients={}, practitioners={}))
    assert {"HELFO_PATIENT_MISSING", "HELFO_PRACTITIONER_MISSING"} <= codes(result)


def test_findings_name_the_claim_they_are_about():
    result = controls.control([claim(5, refund="1.00")], context(total="1.00"))
    assert all(cid == 5 for cid, f in result.findings if f.location.startswith("regning[5]"))
    assert result.blocked_claims() == {5}


def test_a_crashing_control_becomes_an_internal_finding_and_the_run_continues(monkeypatch):
    def broken(c, ctx):
        raise KeyError("boom")

    monkeypatch.setattr(controls, "CLAIM_CONTROLS", [broken, *controls.CLAIM_CONTROLS])
    result = controls.control([claim(refund="200.00")], context(total="200.00"))
    assert {"INTERNAL", "HELFO_TARIFF_AMOUNT"} <= codes(result)


@given(hs.sampled_from(list(SettlementState)), hs.sampled_from(list(Action)))
def test_every_state_action_pair_is_in_the_table_or_refused(state, action):
    if (state, action) in TRANSITIONS:
        assert transition(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransition, match="Kan ikke"):
            transition(state, action)


def test_submitted_data_is_locked_once_sent():
    assert (SettlementState.SENT, Action.UNLOCK) not in TRANSITIONS
    assert (SettlementState.SENT, Action.EDIT) not in TRANSITIONS
    assert transition(SettlementState.SUBMITTED, Action.UNLOCK) is SettlementState.DRAFT
    assert transition(SettlementState.DRAFT, Action.DELETE) is None


@given(hs.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)))
def test_claim_expiry_is_a_month_end_at_least_six_months_ahead(day):
    expiry = calendar.claim_expiry(day)
    assert (expiry + datetime.timedelta(days=1)).day == 1
    months = (expiry.year - day.year) * 12 + expiry.month - day.month
    assert months == 6


@given(hs.dates(datetime.date(2022, 3, 1), datetime.date(2100, 12, 31)))
def test_the_next_decision_is_the_1st_or_16th_within_16_days(day):
    decision = calendar.next_decision_date(day)
    assert decision.day in (1, 16) and 0 < (decision - day).days <= 16


def test_parameters_resolve_by_latest_start_and_say_their_version():
    text = """
x:
  values: {2020-01-01: 1, 2022-01-01: 2}
  metadata: {reference: doc}
"""
    p = parameters.parse(text)["x"]
    assert p.at(datetime.date(2021, 12, 31)) == 1 and p.at(datetime.date(2022, 1, 1)) == 2
    assert p.version(datetime.date(2023, 5, 1)) == "x@2022-01-01"
    with pytest.raises(parameters.ParameterError, match="ingen verdi"):
        p.at(datetime.date(2019, 1, 1))


@pytest.mark.parametrize(
    "text, message",
    [
        ("x: [1, 2", "ugyldig YAML"),
        ("- 1\n- 2", "forventet"),
        ("x: {values: {2020-01-01: 1}}", "reference"),
        ("x: {values: {soon: 1}, metadata: {reference: r}}", "ikke en dato"),
        ("x: {metadata: {reference: r}}", "values"),
    ],
)
def test_bad_parameter_files_give_a_clear_error(text, message):
    with pytest.raises(parameters.ParameterError, match=message):
        parameters.parse(text, "test.yaml")


def test_every_shipped_helfo_parameter_has_a_source():
    shipped = parameters.load("helfo")
    assert {"claim_expiry_months", "decision_days", "submission_days"} <= set(shipped)
    assert all(p.reference for p in shipped.values())
