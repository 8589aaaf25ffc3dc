"""The claim controls (``CLAIM_CONTROLS``): one claim at a time, with caches, so a series,
patient or practitioner shared by many claims is checked once. Each finding names the claim
and field, says what to do and links to where it is fixed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from oppgjor.clinic.domain.model import DiagnosisSystem, TreatmentSeries
from oppgjor.clinic.domain.records import check_patient, check_practitioner
from oppgjor.clinic.domain.series import check_series
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Location, Severity
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain.claims import lookup_line
from oppgjor.helfo.domain.controls.context import ControlContext, appointment_link, claim_at
from oppgjor.helfo.domain.model import Claim, ClaimKind, SettlementType

B, W = Severity.BLOCKING, Severity.WARNING

CLAIM_TYPE = FindingCode(
    "HELFO_CLAIM_TYPE", B, "Regningen hører ikke til denne oppgjørstypen (FBV eller BKM)."
)
SERIES_MISSING = FindingCode(
    "HELFO_SERIES_MISSING", B, "FBV-regningen er ikke knyttet til en serie."
)
SERIES_MISSING_BKM = FindingCode(
    "HELFO_SERIES_MISSING_BKM", W, "Regningen er ikke knyttet til en serie (diagnose, henvisning)."
)
PATIENT_MISSING = FindingCode("HELFO_PATIENT_MISSING", B, "Pasienten finnes ikke.")
PRACTITIONER_MISSING = FindingCode("HELFO_PRACTITIONER_MISSING", B, "Behandleren finnes ikke.")
PRACTITIONER_ACCESS = FindingCode(
    "HELFO_PRACTITIONER_ACCESS", B, "Behandleren har ikke tilgang til oppgjør (Helfo-modulen)."
)
TARIFF_NOT_VALID = FindingCode(
    "HELFO_TARIFF_NOT_VALID", B, "Taksten finnes ikke på takstplakaten på behandlingsdatoen."
)
TARIFF_AMOUNT = FindingCode(
    "HELFO_TARIFF_AMOUNT", B, "Beløpet på regningen er ikke det takstplakaten sier for dagen."
)
EXPIRED = FindingCode(
    "HELFO_CLAIM_EXPIRED",
    B,
    "Regningen er foreldet: fristen på 6 måneder etter behandlingsmåneden er ute.",
)
EXPIRING = FindingCode("HELFO_CLAIM_EXPIRING", W, "Regningen foreldes snart.")
FUTURE = FindingCode("HELFO_CLAIM_FUTURE", B, "Regningen er datert fram i tid (Helfo merknad 766).")
NO_AMOUNT = FindingCode("HELFO_NO_AMOUNT", B, "Regningen har ikke noe refusjonsbeløp.")
BEFORE_REFERRAL = FindingCode(
    "HELFO_BEFORE_REFERRAL", B, "Behandlingen er datert før seriens henvisningsdato."
)
BEFORE_RIGHTS_ASSESSMENT = FindingCode(
    "HELFO_BEFORE_RIGHTS_ASSESSMENT",
    B,
    "FBV-behandlingen er datert før rettighetsvurderingen.",
)


def control_type(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """The claim is of the settlement's type (FBV or ordinary BKM)."""
    if claim.content.type is not ctx.settlement.type:
        yield CLAIM_TYPE(
            f"Regning {claim.number} er en {claim.content.type.value}-regning og kan ikke være i "
            f"et {ctx.settlement.type.value}-oppgjør; flytt den ut.",
            claim_at(claim, "type"),
            link=appointment_link(claim),
        )


def _series_findings(series: TreatmentSeries, ctx: ControlContext) -> list[Finding]:
    practitioner = ctx.practitioners.get(series.practitioner_ref or "")
    row = codes.professions().get(practitioner.profession if practitioner else "")
    system = DiagnosisSystem(row["diagnosis_system"]) if row else DiagnosisSystem.ICD10
    local = dataclasses.replace(ctx.series_context, default_diagnosis_system=system)
    return [
        f.linked(f"serie/{series.ref}") for f in check_series(series, local) if f.severity != "INFO"
    ]


def control_series(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """The FBV manual's a–e (referrer with org.nr, ICD-10 diagnosis, debtor 90, the four FBV
    fields, stay type) and the diagnosis for every claim, checked on the claim's series."""
    ref = claim.content.series_ref
    series = ctx.series.get(ref or "")
    if series is None:
        code = SERIES_MISSING if claim.content.type is SettlementType.FBV else SERIES_MISSING_BKM
        yield code(
            f"Regning {claim.number}: knytt avtalen til pasientens serie i Planlegger.",
            claim_at(claim, "series_ref"),
            link=appointment_link(claim),
        )
        return
    for finding in ctx.cached("series", series.ref, lambda: _series_findings(series, ctx)):
        yield finding.at(claim_at(claim))


def control_patient(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """The FBV manual's f: the patient's national id is valid."""
    patient = ctx.patients.get(claim.content.patient_ref)
    if patient is None:
        yield PATIENT_MISSING(
            f"Regning {claim.number}: pasient «{claim.content.patient_ref}» finnes ikke.",
            claim_at(claim, "patient_ref"),
        )
        return

    def compute() -> list[Finding]:
        _, found = check_patient(patient, allow_synthetic=ctx.allow_synthetic, today=ctx.today)
        return [f.linked(f"pasient/{patient.ref}") for f in found if f.blocking]

    for finding in ctx.cached("patient", patient.ref, compute):
        yield finding.at(claim_at(claim))


def control_practitioner(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """A valid HPR number where the profession needs one, and access to settlement."""
    ref = claim.content.practitioner_ref
    practitioner = ctx.practitioners.get(ref)
    if practitioner is None:
        yield PRACTITIONER_MISSING(
            f"Regning {claim.number}: behandler «{ref}» finnes ikke.",
            claim_at(claim, "practitioner"),
        )
        return

    def compute() -> list[Finding]:
        _, found = check_practitioner(practitioner)
        result = [f for f in found if f.blocking]
        if not practitioner.may_settle:
            result.append(
                PRACTITIONER_ACCESS(
                    f"{practitioner.name} mangler tilgang til oppgjør; gi behandleren modulen "
                    "«settlement» under Behandlere.",
                    Location("behandler", ref, "modules"),
                )
            )
        return [f.linked(f"behandler/{ref}") for f in result]

    for finding in ctx.cached("practitioner", ref, compute):
        yield finding.at(claim_at(claim))


def control_tariffs(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """Each tariff valid on the service date, with the plate's amounts for that date. A credit
    repeats the credited claim as it was, so it is not compared with the plate."""
    if claim.kind is ClaimKind.CREDIT:
        return
    day = claim.content.service_date
    practitioner = ctx.practitioners.get(claim.content.practitioner_ref)
    for n, line in enumerate(claim.content.lines):
        where = claim_at(claim, f"takst[{n}]")
        plate_line = lookup_line(ctx.plate, line.code, line.quantity, day, practitioner)
        if plate_line.fee is None:
            yield TARIFF_NOT_VALID(
                f"Regning {claim.number}: takst «{line.code}» gjelder ikke {day:%d.%m.%Y}. "
                "Rett taksten på avtalen eller oppdater takstplakaten.",
                where,
                link=appointment_link(claim),
            )
        elif (plate_line.refund, plate_line.copayment) != (line.refund, line.copayment):
            yield TARIFF_AMOUNT(
                f"Regning {claim.number}: takst «{line.code}» har refusjon "
                f"{_amount(line.refund)}, men takstplakaten sier {_amount(plate_line.refund)} "
                f"for {day:%d.%m.%Y}. Krediter og send regningen på nytt.",
                where,
                link=f"takst/{line.code}",
            )


def _amount(value: Decimal | None) -> str:
    return format_nok(value) if value is not None else "–"


def control_amount(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """There is a refund to claim."""
    if claim.content.refund <= 0 and all(x.fee is not None for x in claim.content.lines):
        yield NO_AMOUNT(
            f"Regning {claim.number} har ingen refusjon å kreve; ren egenandel meldes som "
            "betalt egenandel, ikke som regning.",
            claim_at(claim, "refund"),
            link=appointment_link(claim),
        )


def control_dates(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """Not in the future; not expired (6 months after the service month)."""
    day = claim.content.service_date
    if claim.content.service_time > ctx.now:
        yield FUTURE(
            f"Regning {claim.number} er datert {day:%d.%m.%Y}, fram i tid; send den etter "
            "behandlingen.",
            claim_at(claim, "service_time"),
            link=appointment_link(claim),
        )
    if claim.kind is ClaimKind.CLAIM:
        expiry = calendar.claim_expiry(day, ctx.params)
        left = (expiry - ctx.today).days
        warn_days = int(ctx.params["claim_expiry_warning_days"].at(ctx.today))
        if left < 0:
            yield EXPIRED(
                f"Regning {claim.number} ({day:%d.%m.%Y}) ble foreldet {expiry:%d.%m.%Y}; Helfo "
                "betaler den ikke. Flytt den ut av oppgjøret.",
                claim_at(claim, "service_time"),
                ctx.rule(("claim_expiry_months", day)),
            )
        elif left <= warn_days:
            yield EXPIRING(
                f"Regning {claim.number} må være hos Helfo senest {expiry:%d.%m.%Y} "
                f"({left} dager igjen); send den nå.",
                claim_at(claim, "service_time"),
                ctx.rule(("claim_expiry_months", day), ("claim_expiry_warning_days", ctx.today)),
            )


def control_series_dates(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """Treatment starts after the referral, and FBV treatment after the rights assessment:
    Helfo refunds nothing given before either."""
    series = ctx.series.get(claim.content.series_ref or "")
    if series is None or claim.kind is not ClaimKind.CLAIM:
        return
    day = claim.content.service_date
    checks = [(BEFORE_REFERRAL, "referral_date", series.referral_date, "henvisningsdatoen")]
    if claim.content.type is SettlementType.FBV:
        checks.append(
            (BEFORE_RIGHTS_ASSESSMENT, "rights_assessment_date", series.rights_assessment_date,
             "rettighetsvurderingen")
        )  # fmt: skip
    for code, field, earliest, label in checks:
        if earliest is not None and day < earliest:
            yield code(
                f"Regning {claim.number} er datert {day:%d.%m.%Y}, før {label} "
                f"{earliest:%d.%m.%Y} i serie {series.ref}; Helfo refunderer ikke behandling før "
                f"den. Rett datoen i serien (om den er feil), eller flytt regningen ut.",
                claim_at(claim, f"serie[{series.ref}].{field}"),
                link=f"serie/{series.ref}",
            )


CLAIM_CONTROLS = [
    control_type,
    control_series,
    control_series_dates,
    control_patient,
    control_practitioner,
    control_tariffs,
    control_amount,
    control_dates,
]
