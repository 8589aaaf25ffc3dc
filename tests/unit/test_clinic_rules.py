import dataclasses
import datetime
from decimal import Decimal

import pytest

from oppgjor.clinic.domain import planner, series, templates
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    DiagnosisSystem,
    IdType,
    Patient,
    Practitioner,
    Referrer,
    Tariff,
    TariffLine,
    TreatmentSeries,
)
from oppgjor.clinic.domain.records import check_patient, check_practitioner, check_referrer
from oppgjor.clinic.domain.tariffs import TariffPlate

D = datetime.date
DAY = D(2026, 10, 5)


def tariff(code, specialty, fee, start, end=None, limit=None):
    amount = Decimal(fee)
    return Tariff(code, specialty, code, amount, amount, Decimal(0), start, end, limit)


PLATE = TariffPlate(
    [
        tariff("FBV01", "FBV", "2850", D(2025, 1, 1), limit=1),
        tariff("FBV01", "FBV", "2935.50", D(2026, 7, 1), limit=1),
        tariff("A2a", "FY", "420", D(2025, 1, 1), D(2026, 6, 30)),
    ]
)
REFERRERS = {
    "K1": Referrer("K1", "Legesenter", org_nr="889640782"),
    "K2": Referrer("K2", "Uten orgnr"),
}


def fbv_series(**changes):
    base = TreatmentSeries(
        ref="S1", patient_ref="P1", department_ref="D1", referral_date=D(2026, 9, 1),
        referred_from_ref="K1", diagnosis_system=DiagnosisSystem.ICD10, diagnosis_code="M54.5",
        stay_type="2", npr_debtor="90", fbv=True, fbv_tariff="FBV01",
        rights_assessment_date=D(2026, 9, 5), assessed_by_ref="K1", refund_type="1",
        start_date=D(2026, 9, 10),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def codes_of(found):
    return sorted(f.code for f in found)


CTX = series.SeriesContext(REFERRERS, frozenset({"D1", "D2"}), PLATE, today=DAY)


def test_plate_answers_by_date_and_respects_end():
    assert PLATE.lookup("FBV01", D(2026, 6, 30), ["FBV"]).fee == Decimal("2850")
    assert PLATE.lookup("FBV01", D(2026, 7, 1), ["FBV"]).fee == Decimal("2935.50")
    assert PLATE.lookup("A2a", D(2026, 7, 1), ["FY"]) is None
    assert PLATE.lookup("FBV01", D(2024, 12, 31)) is None


def test_plate_import_adds_periods_and_never_rewrites_history():
    same = tariff("FBV01", "FBV", "2850", D(2025, 1, 1), limit=1)
    changed = tariff("FBV01", "FBV", "9999", D(2025, 1, 1), limit=1)
    earlier = tariff("FBV01", "FBV", "2000", D(2026, 1, 1), limit=1)
    later = tariff("FBV01", "FBV", "3000", D(2027, 1, 1), limit=1)
    new, unchanged, conflicts = PLATE.plan_import([same, changed, earlier, later])
    assert new == [later]
    assert unchanged == 1
    assert codes_of(conflicts) == ["TARIFF_HISTORY_CONFLICT"] * 2


def test_complete_fbv_series_has_no_findings():
    assert series.check_series(fbv_series(), CTX) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"referral_date": None}, "SERIES_REFERRAL_DATE"),
        ({"referred_from_ref": None}, "SERIES_REFERRER"),
        ({"referred_from_ref": "K2"}, "SERIES_REFERRER_ORGNR"),
        ({"diagnosis_code": None}, "SERIES_DIAGNOSIS"),
        ({"diagnosis_code": "Q999X"}, "SERIES_DIAGNOSIS_INVALID"),
        ({"diagnosis_system": DiagnosisSystem.ICPC2}, "SERIES_DIAGNOSIS_NOT_ICD10"),
        ({"stay_type": "3"}, "SERIES_STAY_TYPE"),
        ({"npr_debtor": "1"}, "SERIES_DEBTOR"),
        ({"fbv_tariff": None}, "SERIES_FBV_FIELD"),
        ({"rights_assessment_date": None}, "SERIES_FBV_FIELD"),
        ({"assessed_by_ref": None}, "SERIES_FBV_FIELD"),
        ({"fbv_tariff": "A2a"}, "SERIES_FBV_TARIFF"),
        ({"department_ref": None}, "SERIES_DEPARTMENT"),
        ({"department_ref": "D9"}, "SERIES_UNKNOWN_REFERENCE"),
        ({"fbv": False}, "SERIES_DEBTOR_WITHOUT_FBV"),
    ],
)
def test_each_fbv_requirement_is_a_blocking_finding(changes, code):
    found = series.check_series(fbv_series(**changes), CTX)
    assert code in codes_of(found)
    assert all(f.blocking for f in found if f.code == code)
    assert all(f.location.startswith("serie[S1].") for f in found)


def test_ordinary_series_may_use_icpc2_and_skip_fbv_fields():
    ordinary = TreatmentSeries("S2", "P1", "D1", diagnosis_system=DiagnosisSystem.ICPC2,
                               diagnosis_code="L03", referred_from_ref="K2")  # fmt: skip
    found = series.check_series(ordinary, CTX)
    assert codes_of(found) == ["REFERRER_ORGNR_MISSING"]
    assert not found[0].blocking
    bad = dataclasses.replace(ordinary, diagnosis_code="L3X")
    assert "SERIES_DIAGNOSIS_INVALID" in codes_of(series.check_series(bad, CTX))


def test_crashing_rule_becomes_internal_finding(monkeypatch):
    def broken(s, ctx):
        raise ZeroDivisionError

    monkeypatch.setattr(series, "SERIES_RULES", [broken, *series.SERIES_RULES])
    found = series.check_series(fbv_series(), CTX)
    assert codes_of(found) == ["INTERNAL"]


def test_template_fills_only_empty_fields_and_carries_npr_codes():
    template = templates.template_from_series("FBV", fbv_series())
    assert template.values["npr_debtor"] == "90"
    assert "patient_ref" not in template.values and "referral_date" not in template.values
    new = TreatmentSeries("S9", "P2", diagnosis_code="G35", stay_type="3")
    applied, kept = templates.apply_template(new, template)
    assert applied.npr_debtor == "90" and applied.fbv is True and applied.fbv_tariff == "FBV01"
    assert applied.diagnosis_code == "G35" and applied.stay_type == "3"
    assert applied.patient_ref == "P2" and applied.referral_date is None
    assert codes_of(kept) == ["TEMPLATE_VALUE_KEPT"] * 2


PRACTITIONERS = {
    "B1": Practitioner("B1", "Lege", "LE", "123456"),
    "B2": Practitioner("B2", "Fysio", "FY", "234567"),
}
SERIES = {"S1": fbv_series(), "S2": fbv_series(ref="S2", patient_ref="P2")}


def appt(who, patient, hour, lines=("FBV01",), series_ref="S1", day=DAY, minutes=45, **kw):
    start = datetime.datetime.combine(day, datetime.time(hour))
    return Appointment(who, patient, start, start + datetime.timedelta(minutes=minutes),
                       tuple(TariffLine(c) for c in lines), "1", series_ref, **kw)  # fmt: skip


def check(new, existing=()):
    ctx = planner.PlannerContext(PLATE, PRACTITIONERS, {"P1", "P2"}, SERIES, existing)
    return planner.check_appointments([(f"avtale[{n}]", a) for n, a in enumerate(new)], ctx)


def test_fbv_day_tariff_once_per_patient_per_day_across_practitioners():
    first = appt("B1", "P1", 9)
    assert check([first]) == []
    found = check([appt("B2", "P1", 11)], existing=[first])
    assert codes_of(found) == ["PLANNER_DAILY_LIMIT"]
    assert found[0].blocking
    assert check([appt("B2", "P1", 11, day=DAY + datetime.timedelta(days=1))], [first]) == []
    cancelled = dataclasses.replace(first, status=AppointmentStatus.CANCELLED)
    assert check([appt("B2", "P1", 11)], existing=[cancelled]) == []


def test_practitioner_appointments_must_not_overlap():
    found = check([appt("B1", "P1", 9), appt("B1", "P2", 9, lines=(), series_ref="S2")])
    assert codes_of(found) == ["PLANNER_OVERLAP"]
    assert not found[0].blocking


def test_tariff_must_be_valid_on_the_appointment_date():
    found = check([appt("B2", "P1", 9, lines=("A2a",))])
    assert codes_of(found) == ["PLANNER_TARIFF_INVALID"]
    old_day = D(2026, 3, 2)
    assert check([appt("B2", "P1", 9, lines=("A2a",), day=old_day)]) == []


def test_series_must_belong_to_the_patient_and_references_exist():
    assert codes_of(check([appt("B1", "P2", 9, series_ref="S1")])) == ["PLANNER_SERIES_PATIENT"]
    found = check([appt("B9", "P9", 9, series_ref="S9", lines=())])
    assert codes_of(found) == ["PLANNER_UNKNOWN_REFERENCE"] * 3
    assert codes_of(check([appt("B1", "P1", 9, minutes=0)])) == ["PLANNER_TIMES"]


def test_hpr_rules_follow_profession():
    _, found = check_practitioner(Practitioner("B3", "Fysio", "FY"))
    assert codes_of(found) == ["HPR_REQUIRED"]
    for profession in ("AK", "MA", "NA", "OS"):
        assert check_practitioner(Practitioner("B4", "X", profession))[1] == []


def test_patient_identity_rules():
    born = D(1986, 5, 15)
    from oppgjor.core.ids import national_id

    dnr = national_id.make(born, 123, kind_=national_id.Kind.DNR) or national_id.make(
        born, 124, kind_=national_id.Kind.DNR
    )
    as_fnr = Patient("P1", IdType.FNR, dnr, "Kari", "Nordmann")
    assert codes_of(check_patient(as_fnr, allow_synthetic=False)[1]) == [
        "NATIONAL_ID_TYPE_MISMATCH"
    ]
    checked, found = check_patient(
        dataclasses.replace(as_fnr, id_type=IdType.DNR), allow_synthetic=False
    )
    assert found == [] and checked.birth_date == born
    foreign = Patient("P2", IdType.UID, "X-123", "Sven", "Svensson")
    codes = codes_of(check_patient(foreign, allow_synthetic=False)[1])
    assert codes == ["FIELD_MISSING", "FIELD_MISSING", "NATIONALITY_MISSING"]


def test_referrer_without_orgnr_is_a_warning():
    _, found = check_referrer(Referrer("K3", "Noen"))
    assert codes_of(found) == ["REFERRER_ORGNR_MISSING"] and not found[0].blocking
    _, found = check_referrer(Referrer("K4", "Feil", org_nr="123456789"))
    assert codes_of(found) == ["ORGNR_INVALID"] and found[0].blocking
