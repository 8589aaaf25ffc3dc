"""Treatment series (serier): the fields the FBV manual requires, checked as findings.

The FBV manual (shared/seeds/000 §1.1 and the control in §2.1 point 3 a–f) says what must be
filled in for an FBV day-treatment claim to be paid. A series may be saved incomplete; the
findings tell the user what to fix before its claims can be settled.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from oppgjor.clinic.domain import findings as F
from oppgjor.clinic.domain.model import DiagnosisSystem, Referrer, TreatmentSeries
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Location, Severity, run_controls

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO
FBV_DEBTOR = "90"  # NPR debitor 90 = godkjent fritt behandlingsvalg (FBV manual §1.1)
DAY_TREATMENT = "2"  # oppholdstype 2 = dagbehandling (FBV manual §1.1)
FBV_SPECIALTY = "FBV"
FRIKORT = "1"

DEPARTMENT = FindingCode("SERIES_DEPARTMENT", B, "Serien må knyttes til riktig avdeling.")
REFERRAL_DATE = FindingCode("SERIES_REFERRAL_DATE", B, "Henvist dato må fylles ut.")
REFERRAL_DATE_LATE = FindingCode(
    "SERIES_REFERRAL_DATE_LATE", W, "Henvist dato er etter seriens start eller fram i tid."
)
REFERRER = FindingCode("SERIES_REFERRER", B, "«Henvist fra» må fylles ut med en kontakt.")
REFERRER_ORGNR = FindingCode("SERIES_REFERRER_ORGNR", B, "Henviseren mangler org.nr i Kontakter.")
DIAGNOSIS = FindingCode("SERIES_DIAGNOSIS", B, "Diagnose må fylles ut.")
DIAGNOSIS_INVALID = FindingCode(
    "SERIES_DIAGNOSIS_INVALID", B, "Diagnosekoden finnes ikke i kodeverket."
)
DIAGNOSIS_NOT_ICD10 = FindingCode(
    "SERIES_DIAGNOSIS_NOT_ICD10", B, "FBV krever diagnose fra ICD-10."
)
STAY_TYPE = FindingCode("SERIES_STAY_TYPE", B, "FBV dagbehandling krever oppholdstype 2.")
DEBTOR = FindingCode("SERIES_DEBTOR", B, "FBV krever NPR debitorkode 90.")
DEBTOR_WITHOUT_FBV = FindingCode(
    "SERIES_DEBTOR_WITHOUT_FBV", B, "Debitor 90 er valgt, men serien er ikke merket FBV."
)
NPR_CODE_UNKNOWN = FindingCode("SERIES_NPR_CODE_UNKNOWN", W, "NPR-koden er ukjent.")
FBV_FIELD = FindingCode("SERIES_FBV_FIELD", B, "Alle fire FBV-feltene må fylles ut.")
FBV_TARIFF = FindingCode(
    "SERIES_FBV_TARIFF", B, "FBV-taksten finnes ikke på FBV-takstplakaten på datoen."
)
REFUND_TYPE = FindingCode(
    "SERIES_REFUND_TYPE",
    INFO,
    "FBV dagbehandling registreres vanligvis med refusjonstype 1 Frikort.",
)
DATES = FindingCode("SERIES_DATES", B, "Seriens sluttdato er før startdato.")
UNKNOWN_REFERENCE = FindingCode(
    "SERIES_UNKNOWN_REFERENCE", B, "Serien viser til en avdeling eller kontakt som ikke finnes."
)

CODES = (
    DEPARTMENT, REFERRAL_DATE, REFERRAL_DATE_LATE, REFERRER, REFERRER_ORGNR, DIAGNOSIS,
    DIAGNOSIS_INVALID, DIAGNOSIS_NOT_ICD10, STAY_TYPE, DEBTOR, DEBTOR_WITHOUT_FBV,
    NPR_CODE_UNKNOWN, FBV_FIELD, FBV_TARIFF, REFUND_TYPE, DATES, UNKNOWN_REFERENCE,
)  # fmt: skip


@dataclass(frozen=True)
class SeriesContext:
    referrers: Mapping[str, Referrer]
    department_refs: frozenset[str]
    plate: TariffPlate
    default_diagnosis_system: DiagnosisSystem = DiagnosisSystem.ICD10
    today: datetime.date = field(default_factory=datetime.date.today)


def is_fbv(series: TreatmentSeries) -> bool:
    return bool(series.fbv) or series.npr_debtor == FBV_DEBTOR


def _loc(series: TreatmentSeries, field: str) -> Location:
    return Location("serie", series.ref, field)


def rule_department(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if s.department_ref is None:
        if len(ctx.department_refs) > 1:
            yield DEPARTMENT("Velg avdelingen serien hører til.", _loc(s, "department_ref"))
    elif s.department_ref not in ctx.department_refs:
        yield UNKNOWN_REFERENCE(
            f"Avdeling «{s.department_ref}» finnes ikke.", _loc(s, "department_ref")
        )


def rule_dates(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if s.start_date and s.end_date and s.end_date < s.start_date:
        yield DATES("Sluttdato er før startdato; rett datoene.", _loc(s, "end_date"))
    if s.referral_date is None:
        if is_fbv(s):
            yield REFERRAL_DATE("Fyll ut henvist dato.", _loc(s, "referral_date"))
    elif s.referral_date > ctx.today or (s.start_date and s.referral_date > s.start_date):
        yield REFERRAL_DATE_LATE(
            f"Henvist dato {s.referral_date:%d.%m.%Y} er etter seriens start eller fram i tid.",
            _loc(s, "referral_date"),
        )


def _contact(
    s: TreatmentSeries, ctx: SeriesContext, field: str, ref: str | None, label: str
) -> Iterable[Finding]:
    """A referrer or assessor: must exist and, for FBV, have an org.nr."""
    if ref is None:
        return
    contact = ctx.referrers.get(ref)
    if contact is None:
        yield UNKNOWN_REFERENCE(f"{label}: kontakt «{ref}» finnes ikke.", _loc(s, field))
    elif not contact.org_nr:
        code = REFERRER_ORGNR if is_fbv(s) else F.REFERRER_ORGNR_MISSING
        yield code(
            f"{label}: {contact.name} mangler org.nr. Fyll ut org.nr under Kontakter.",
            _loc(s, field),
        )


def rule_referrer(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if s.referred_from_ref is None and is_fbv(s):
        yield REFERRER("Velg henviser fra Kontakter.", _loc(s, "referred_from_ref"))
    yield from _contact(s, ctx, "referred_from_ref", s.referred_from_ref, "Henvist fra")


def rule_diagnosis(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if not s.diagnosis_code:
        yield DIAGNOSIS("Fyll ut diagnose («Vår diagnose»).", _loc(s, "diagnosis_code"))
        return
    system = s.diagnosis_system or ctx.default_diagnosis_system
    if is_fbv(s) and system is not DiagnosisSystem.ICD10:
        yield DIAGNOSIS_NOT_ICD10(
            "FBV-serier må ha diagnose fra ICD-10.", _loc(s, "diagnosis_system")
        )
        return
    code = codes.normalise_diagnosis(s.diagnosis_code)
    if system is DiagnosisSystem.ICD10 and codes.icd10_text(code) is None:
        yield DIAGNOSIS_INVALID(
            f"«{s.diagnosis_code}» finnes ikke i ICD-10; velg en gyldig kode.",
            _loc(s, "diagnosis_code"),
        )
    if system is DiagnosisSystem.ICPC2 and not codes.is_icpc2(code):
        yield DIAGNOSIS_INVALID(
            f"«{s.diagnosis_code}» er ikke en ICPC-2-kode (bokstav og to siffer, f.eks. L03).",
            _loc(s, "diagnosis_code"),
        )


def rule_stay_and_npr(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if s.stay_type and s.stay_type not in codes.table("stay_types.csv"):
        yield NPR_CODE_UNKNOWN(f"Oppholdstype «{s.stay_type}» er ukjent.", _loc(s, "stay_type"))
    if s.npr_debtor and s.npr_debtor not in codes.table("npr_debitor.csv"):
        yield NPR_CODE_UNKNOWN(f"Debitor «{s.npr_debtor}» er ukjent.", _loc(s, "npr_debtor"))
    if s.npr_specialty and s.npr_specialty not in codes.table("npr_fagomrade.csv"):
        yield NPR_CODE_UNKNOWN(
            f"Fagområde «{s.npr_specialty}» er ukjent.", _loc(s, "npr_specialty")
        )
    if not is_fbv(s):
        return
    if s.stay_type != DAY_TREATMENT:
        yield STAY_TYPE("Sett oppholdstype til 2) Dagbehandling.", _loc(s, "stay_type"))
    if s.npr_debtor != FBV_DEBTOR:
        yield DEBTOR("Sett NPR-kode debitor (DB) til 90.", _loc(s, "npr_debtor"))
    elif not s.fbv:
        yield DEBTOR_WITHOUT_FBV(
            "Debitor 90 betyr FBV: sett «Fritt beh.valg» til JA.", _loc(s, "fbv")
        )


def rule_fbv_fields(s: TreatmentSeries, ctx: SeriesContext) -> Iterable[Finding]:
    if not s.fbv:
        return
    required = (
        ("fbv_tariff", s.fbv_tariff, "FBV-takst"),
        ("rights_assessment_date", s.rights_assessment_date, "Rettighetsvurdering (dato)"),
        ("assessed_by_ref", s.assessed_by_ref, "Vurdert av"),
    )
    for name, value, label in required:
        if value is None:
            yield FBV_FIELD(f"Fyll ut {label} under Fritt behandlingsvalg.", _loc(s, name))
    if s.fbv_tariff:
        day = s.rights_assessment_date or s.start_date or ctx.today
        if ctx.plate.lookup(s.fbv_tariff, day, [FBV_SPECIALTY]) is None:
            yield FBV_TARIFF(
                f"FBV-takst «{s.fbv_tariff}» finnes ikke på FBV-takstplakaten {day:%d.%m.%Y}.",
                _loc(s, "fbv_tariff"),
            )
    yield from _contact(s, ctx, "assessed_by_ref", s.assessed_by_ref, "Vurdert av")
    if s.refund_type != FRIKORT:
        yield REFUND_TYPE("Sett refusjonstype til 1) Frikort.", _loc(s, "refund_type"))


SERIES_RULES = [
    rule_department,
    rule_dates,
    rule_referrer,
    rule_diagnosis,
    rule_stay_and_npr,
    rule_fbv_fields,
]


def check_series(series: TreatmentSeries, ctx: SeriesContext) -> list[Finding]:
    return run_controls(SERIES_RULES, series, ctx, Location("serie", series.ref))
