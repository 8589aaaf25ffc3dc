"""The demo clinic's treatment: series for the first 80 patients and thirteen weeks of
appointments from the start day (synthetic; see :mod:`oppgjor.app.clinic.demo`)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from oppgjor.app.clinic.demo_records import PRACTITIONERS
from oppgjor.clinic.domain.model import (
    Appointment,
    AppointmentStatus,
    DiagnosisSystem,
    Patient,
    TariffLine,
    TreatmentSeries,
)

FBV_DIAGNOSES = ["M545", "M511", "G35", "I639", "S720", "M170", "G809", "M797", "T931"]
ICD_DIAGNOSES = ["F321", "F411", "F431", "M542", "M751", "G439"]
ICPC_DIAGNOSES = ["L03", "L02", "L84", "L86", "L92", "N01", "L08"]


def build_series(
    rng: random.Random, patients: list[Patient], start: datetime.date
) -> list[TreatmentSeries]:
    chosen = patients[:80]  # P0001–P0080 have a series; the rest are in the register only
    plan = [("FBV", None)] * 30 + [("B01", "LE")] * 8 + [("B02", "FY")] * 12
    plan += [("B03", "PS")] * 12 + [("B04", "KI")] * 10 + [("B06", "NA")] * 8
    result = []
    for n, (patient, (who, profession)) in enumerate(zip(chosen, plan, strict=True), start=1):
        begun = start - datetime.timedelta(days=rng.randrange(0, 60))
        referred = begun - datetime.timedelta(days=rng.randrange(7, 45))
        common: dict[str, Any] = dict(
            ref=f"S{n:03d}",
            patient_ref=patient.ref,
            start_date=begun,
            referral_date=referred,
            referred_from_ref=f"K{rng.randrange(1, 6):02d}",
            referrer_category="Henvisning",
        )
        if who == "FBV":
            result.append(
                TreatmentSeries(
                    **common,
                    department_ref="D1",
                    practitioner_ref="B01",
                    title="FBV dagrehabilitering",
                    diagnosis_system=DiagnosisSystem.ICD10,
                    diagnosis_code=rng.choice(FBV_DIAGNOSES),
                    stay_type="2",
                    npr_debtor="90",
                    npr_specialty="010",
                    fbv=True,
                    fbv_tariff="FBV01",
                    # S005 lacks the assessment date: its claims show a blocking finding
                    rights_assessment_date=(
                        None if n == 5 else referred + datetime.timedelta(days=5)
                    ),
                    assessed_by_ref=rng.choice(["K06", "K07"]),
                    refund_type="1",
                )
            )
            continue
        icpc = profession in ("FY", "KI")
        system = DiagnosisSystem.ICPC2 if icpc else DiagnosisSystem.ICD10
        result.append(
            TreatmentSeries(
                **common,
                department_ref="D1" if who in ("B01", "B02") else "D2",
                practitioner_ref=who,
                title="Behandlingsserie",
                diagnosis_system=system,
                diagnosis_code=rng.choice(ICPC_DIAGNOSES if icpc else ICD_DIAGNOSES),
                stay_type="3",
                refund_type="0",
            )
        )
    return result


def _workdays(start: datetime.date, weeks: int) -> list[datetime.date]:
    days = (start + datetime.timedelta(days=n) for n in range(weeks * 7))
    return [d for d in days if d.weekday() < 5]


def build_appointments(
    rng: random.Random, series: list[TreatmentSeries], start: datetime.date, now: datetime.datetime
) -> list[Appointment]:
    fbv = [s for s in series if s.fbv]
    own = {
        p[0]: [s for s in series if s.practitioner_ref == p[0] and not s.fbv] for p in PRACTITIONERS
    }
    fbv_used: set[tuple[str, datetime.date]] = set()
    result: list[Appointment] = []
    for day in _workdays(start, 13):
        for ref, _, _, _, _, _, codes_ in PRACTITIONERS:
            pool = own[ref] + (fbv if "FBV01" in codes_ else [])
            for slot in range(rng.choice((7, 8, 8))):
                s = rng.choice(pool)
                begin = datetime.datetime.combine(day, datetime.time(8 + slot, 0))
                lines: tuple[TariffLine, ...] = ()
                if s.fbv and (s.patient_ref, day) not in fbv_used:
                    fbv_used.add((s.patient_ref, day))
                    lines = (TariffLine("FBV01"),)
                elif not s.fbv and codes_:
                    lines = (TariffLine(codes_[-1]),)
                status = AppointmentStatus.PLANNED
                if begin < now:
                    roll = rng.random()
                    status = (
                        AppointmentStatus.CANCELLED
                        if roll < 0.02
                        else AppointmentStatus.NO_SHOW
                        if roll < 0.05
                        else AppointmentStatus.ATTENDED
                    )
                result.append(
                    Appointment(
                        ref,
                        s.patient_ref,
                        begin,
                        begin + datetime.timedelta(minutes=45),
                        lines,
                        s.refund_type,
                        s.ref,
                        status,
                        f"A{len(result) + 1:05d}",
                    )
                )
    return result
