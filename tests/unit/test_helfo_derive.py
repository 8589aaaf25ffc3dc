"""Deriving a claim from an appointment remembers what it worked out (a plate's lookups, an
appointment's priced lines) within one set of sources; the answers are the same as when
nothing is remembered."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as hs

from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    DiagnosisSystem,
    Module,
    Practitioner,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.helfo.domain.claims import ClaimSources, derive
from oppgjor.helfo.domain.model import SettlementType

D = datetime.date


def tariff(code: str, specialty: str, amounts: str, start: D, end: D | None = None) -> Tariff:
    fee, refund, copayment = (Decimal(x) for x in amounts.split("/"))
    return Tariff(code, specialty, code, fee, refund, copayment, start, end)


TARIFFS = [
    tariff("LE2", "LE", "455/212/243", D(2020, 1, 1)),
    tariff("LE2", "LE", "470/220/250", D(2026, 2, 3)),
    tariff("LE2", "FY", "300/100/200", D(2026, 1, 1), D(2026, 2, 2)),
    tariff("FBV01", "FBV", "2850/2850/0", D(2020, 1, 1)),
]
DAYS = [D(2019, 12, 31), D(2026, 1, 1), D(2026, 2, 2), D(2026, 2, 3), D(2026, 3, 1)]
ORDERS = [None, ["LE", "FBV"], ("LE", "FBV"), ["FY", "FBV"], ["FBV"], []]


@given(hs.lists(hs.tuples(hs.sampled_from(["LE2", "FBV01", "XX"]), hs.sampled_from(DAYS),
                          hs.sampled_from(ORDERS)), max_size=30))  # fmt: skip
def test_a_plate_answers_a_question_asked_again_as_the_first_time(questions):
    plate = TariffPlate(TARIFFS)
    for code, day, order in questions:
        assert plate.lookup(code, day, order) == TariffPlate(TARIFFS).lookup(code, day, order)


def test_a_plate_looks_up_by_date_and_specialty():
    plate = TariffPlate(TARIFFS)
    assert plate.lookup("LE2", D(2026, 2, 2), ["LE"]).fee == Decimal("455")  # type: ignore[union-attr]
    assert plate.lookup("LE2", D(2026, 2, 3), ("LE",)).fee == Decimal("470")  # type: ignore[union-attr]
    assert plate.lookup("LE2", D(2026, 2, 2), ["FY"]).fee == Decimal("300")  # type: ignore[union-attr]
    assert plate.lookup("LE2", D(2026, 2, 3), ["FY"]) is None  # the FY period has ended
    assert plate.lookup("LE2", D(2026, 2, 2)) is None  # two plates have it: which is unclear
    assert plate.lookup("LE2", D(2026, 2, 3)).fee == Decimal("470")  # type: ignore[union-attr]


PRACTITIONERS = {
    "B1": Practitioner("B1", "Lege", "LE", "1234567", frozenset({Module.SETTLEMENT})),
    "B2": Practitioner("B2", "Fysioterapeut", "FY", "7654321", frozenset({Module.SETTLEMENT})),
}
SERIES = {
    "S1": TreatmentSeries("S1", "P1", start_date=D(2026, 1, 5), diagnosis_code="L03",
                          diagnosis_system=DiagnosisSystem.ICPC2, referral_date=D(2025, 12, 1)),
    "S2": TreatmentSeries("S2", "P2", start_date=D(2026, 1, 5), refund_type="1"),  # frikort
    "S3": TreatmentSeries("S3", "P3", start_date=D(2026, 1, 5), fbv=True, npr_debtor="90"),
}  # fmt: skip


def appointments() -> list[Appointment]:
    found = []
    kinds = itertools.product(
        ["B1", "B2"],
        [D(2026, 2, 2), D(2026, 2, 3)],
        [(TariffLine("LE2"),), (TariffLine("LE2", 2), TariffLine("FBV01")), (TariffLine("XX"),)],
        [None, "S1", "S2", "S3"],
        [None, "1", "0"],
    )
    for n, (who, day, lines, series, refund_type) in enumerate(kinds):
        start = datetime.datetime.combine(day, datetime.time(8)) + datetime.timedelta(minutes=n)
        patient = SERIES[series].patient_ref if series else "P9"
        found.append(
            Appointment(who, patient, start, start + datetime.timedelta(minutes=30), lines,
                        refund_type, series, AppointmentStatus.ATTENDED, f"A{n}", n)
        )  # fmt: skip
    return found


def sources() -> ClaimSources:
    return ClaimSources(SERIES, PRACTITIONERS, TariffPlate(TARIFFS))


def test_claims_derived_from_shared_sources_equal_those_from_fresh_sources():
    shared = sources()
    for appointment in appointments():
        assert derive(appointment, shared) == derive(appointment, sources())


def test_the_same_lines_on_the_same_day_are_priced_by_the_exemption_and_the_series():
    shared = sources()
    start = datetime.datetime(2026, 2, 2, 9)
    end = start + datetime.timedelta(minutes=30)
    lines = (TariffLine("LE2"),)
    plain = derive(Appointment("B1", "P1", start, end, lines, None, "S1"), shared)
    frikort = derive(Appointment("B1", "P2", start, end, lines, None, "S2"), shared)
    fbv = derive(Appointment("B1", "P3", start, end, lines, None, "S3"), shared)
    assert (plain.refund, plain.copayment, plain.copayment_reason) == (
        Decimal("212.00"), Decimal("243.00"), None,
    )  # fmt: skip
    assert (frikort.refund, frikort.copayment, frikort.copayment_reason) == (
        Decimal("455.00"), Decimal("0.00"), "F",
    )  # fmt: skip
    assert plain.type is frikort.type is SettlementType.BKM and fbv.type is SettlementType.FBV
    assert plain.diagnosis_code == "L03" and frikort.diagnosis_code is None
