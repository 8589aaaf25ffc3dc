"""Kontrollér: the controls run on a draft settlement before it may be submitted.

Two ordered registries: ``CLAIM_CONTROLS`` look at one claim at a time (with caches, so a
series, patient or practitioner shared by many claims is checked once), and
``SETTLEMENT_CONTROLS`` look at the claims together (daily tariff limit, duplicates, totals).
Each finding names the claim and field, says what to do and links to where it is fixed.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from oppgjor.clinic.domain.model import DiagnosisSystem, Patient, Practitioner, TreatmentSeries
from oppgjor.clinic.domain.records import check_patient, check_practitioner
from oppgjor.clinic.domain.series import SeriesContext, check_series
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Severity, run_controls
from oppgjor.core.money import format_nok
from oppgjor.core.parameters import Parameter
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain.claims import lookup_line, lookup_tariff
from oppgjor.helfo.domain.model import Claim, ClaimKind, Settlement, SettlementType

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
FBV_ENDED = FindingCode(
    "HELFO_FBV_ENDED", W, "Helfo tar bare imot FBV-krav for behandling før 1.1.2024."
)
NO_AMOUNT = FindingCode("HELFO_NO_AMOUNT", B, "Regningen har ikke noe refusjonsbeløp.")
DAILY_LIMIT = FindingCode(
    "HELFO_DAILY_LIMIT", B, "FBV-dagtaksten er brukt mer enn én gang for pasienten samme dag."
)
DUPLICATE = FindingCode(
    "HELFO_DUPLICATE",
    B,
    "En annen regning har samme pasient, behandler, tidspunkt og takster.",
)
TOTALS = FindingCode("HELFO_TOTALS", B, "Oppgjørets sum eller antall stemmer ikke med regningene.")
EMPTY = FindingCode("HELFO_EMPTY", B, "Oppgjøret har ingen regninger.")

CODES = (
    CLAIM_TYPE, SERIES_MISSING, SERIES_MISSING_BKM, PATIENT_MISSING, PRACTITIONER_MISSING,
    PRACTITIONER_ACCESS, TARIFF_NOT_VALID, TARIFF_AMOUNT, EXPIRED, EXPIRING, FUTURE, FBV_ENDED,
    NO_AMOUNT, DAILY_LIMIT, DUPLICATE, TOTALS, EMPTY,
)  # fmt: skip


@dataclass
class ControlContext:
    """Everything the controls read. ``others`` are the same patients' claims already locked
    in other settlements and not rejected, for the daily limit and duplicates."""

    settlement: Settlement
    now: datetime.datetime
    params: Mapping[str, Parameter]
    series: Mapping[str, TreatmentSeries]
    patients: Mapping[str, Patient]
    practitioners: Mapping[str, Practitioner]
    plate: TariffPlate
    series_context: SeriesContext
    allow_synthetic: bool
    others: Sequence[Claim] = ()
    registrations: int = 0  # unsent co-payment registrations that will go with it
    _cache: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def cached(
        self, kind: str, ref: str, compute: Callable[[], Iterable[Finding]]
    ) -> list[Finding]:
        """The findings of a record shared by many claims, computed once per run."""
        key = (kind, ref)
        if key not in self._cache:
            self._cache[key] = list(compute())
        return self._cache[key]


def _loc(claim: Claim, path: str = "") -> str:
    return f"regning[{claim.number}]" + (f".{path}" if path else "")


def _appointment(claim: Claim) -> str:
    return f"avtale/{claim.appointment_ref}" if claim.appointment_ref else ""


def control_type(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """The claim is of the settlement's type (FBV or ordinary BKM)."""
    if claim.content.type is not ctx.settlement.type:
        yield CLAIM_TYPE(
            f"Regning {claim.number} er en {claim.content.type.value}-regning og kan ikke være i "
            f"et {ctx.settlement.type.value}-oppgjør; flytt den ut.",
            _loc(claim, "type"),
            link=_appointment(claim),
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
            _loc(claim, "series_ref"),
            link=_appointment(claim),
        )
        return
    for finding in ctx.cached("series", series.ref, lambda: _series_findings(series, ctx)):
        yield finding.at(_loc(claim))


def control_patient(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """The FBV manual's f: the patient's national id is valid."""
    patient = ctx.patients.get(claim.content.patient_ref)
    if patient is None:
        yield PATIENT_MISSING(
            f"Regning {claim.number}: pasient «{claim.content.patient_ref}» finnes ikke.",
            _loc(claim, "patient_ref"),
        )
        return

    def compute() -> list[Finding]:
        _, found = check_patient(patient, allow_synthetic=ctx.allow_synthetic, today=ctx.today)
        return [f.linked(f"pasient/{patient.ref}") for f in found if f.blocking]

    for finding in ctx.cached("patient", patient.ref, compute):
        yield finding.at(_loc(claim))


def control_practitioner(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """A valid HPR number where the profession needs one, and access to settlement."""
    ref = claim.content.practitioner_ref
    practitioner = ctx.practitioners.get(ref)
    if practitioner is None:
        yield PRACTITIONER_MISSING(
            f"Regning {claim.number}: behandler «{ref}» finnes ikke.", _loc(claim, "practitioner")
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
                    f"behandler[{ref}].modules",
                )
            )
        return [f.linked(f"behandler/{ref}") for f in result]

    for finding in ctx.cached("practitioner", ref, compute):
        yield finding.at(_loc(claim))


def control_tariffs(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """Each tariff valid on the service date, with the plate's amounts for that date. A credit
    repeats the credited claim as it was, so it is not compared with the plate."""
    if claim.kind is ClaimKind.CREDIT:
        return
    day = claim.content.service_date
    practitioner = ctx.practitioners.get(claim.content.practitioner_ref)
    for n, line in enumerate(claim.content.lines):
        where = _loc(claim, f"takst[{n}]")
        plate_line = lookup_line(ctx.plate, line.code, line.quantity, day, practitioner)
        if plate_line.fee is None:
            yield TARIFF_NOT_VALID(
                f"Regning {claim.number}: takst «{line.code}» gjelder ikke {day:%d.%m.%Y}. "
                "Rett taksten på avtalen eller oppdater takstplakaten.",
                where,
                link=_appointment(claim),
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
            _loc(claim, "refund"),
            link=_appointment(claim),
        )


def control_dates(claim: Claim, ctx: ControlContext) -> Iterable[Finding]:
    """Not in the future; not expired (6 months after the service month)."""
    day = claim.content.service_date
    if claim.content.service_time > ctx.now:
        yield FUTURE(
            f"Regning {claim.number} er datert {day:%d.%m.%Y}, fram i tid; send den etter "
            "behandlingen.",
            _loc(claim, "service_time"),
            link=_appointment(claim),
        )
    if claim.kind is ClaimKind.CLAIM:
        expiry = calendar.claim_expiry(day, ctx.params)
        left = (expiry - ctx.today).days
        rule = ctx.params["claim_expiry_months"].version(day)
        warn_days = int(ctx.params["claim_expiry_warning_days"].at(ctx.today))
        if left < 0:
            yield EXPIRED(
                f"Regning {claim.number} ({day:%d.%m.%Y}) ble foreldet {expiry:%d.%m.%Y}; Helfo "
                "betaler den ikke. Flytt den ut av oppgjøret.",
                _loc(claim, "service_time"),
                rule,
            )
        elif left <= warn_days:
            yield EXPIRING(
                f"Regning {claim.number} må være hos Helfo senest {expiry:%d.%m.%Y} "
                f"({left} dager igjen); send den nå.",
                _loc(claim, "service_time"),
                rule,
            )


CLAIM_CONTROLS = [
    control_type,
    control_series,
    control_patient,
    control_practitioner,
    control_tariffs,
    control_amount,
    control_dates,
]


def control_daily_limit(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """A tariff with a per-patient daily limit (the FBV day tariff: once) across all claims of
    the patient that day, in this settlement or already elsewhere."""
    used: dict[tuple[str, datetime.date, str], int] = defaultdict(int)
    for other in ctx.others:
        if other.kind is ClaimKind.CLAIM and not other.credited:
            for line in other.content.lines:
                used[(other.content.patient_ref, other.content.service_date, line.code)] += (
                    line.quantity
                )
    for claim in sorted(claims, key=lambda c: (c.content.service_time, c.number)):
        if claim.kind is not ClaimKind.CLAIM:
            continue
        practitioner = ctx.practitioners.get(claim.content.practitioner_ref)
        for line in claim.content.lines:
            key = (claim.content.patient_ref, claim.content.service_date, line.code)
            used[key] += line.quantity
            limit = _limit(line.code, claim, practitioner, ctx)
            if limit is not None and used[key] > limit:
                yield DAILY_LIMIT(
                    f"Regning {claim.number}: takst «{line.code}» kan brukes {limit} gang(er) per "
                    f"pasient per dag, og er allerede brukt {claim.content.service_date:%d.%m.%Y}."
                    " Fjern taksten fra én av avtalene.",
                    _loc(claim, f"takst[{line.code}]"),
                    link=_appointment(claim),
                )


def _limit(
    code: str, claim: Claim, practitioner: Practitioner | None, ctx: ControlContext
) -> int | None:
    tariff = lookup_tariff(ctx.plate, code, claim.content.service_date, practitioner)
    return tariff.max_per_patient_day if tariff else None


def control_duplicates(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """No other claim, here or already sent, has the same patient, practitioner, time and
    tariffs."""

    def key(c: Claim) -> tuple[str, str, datetime.datetime, tuple[str, ...]]:
        x = c.content
        return (x.patient_ref, x.practitioner_ref, x.service_time, x.codes)

    seen: dict[tuple[str, str, datetime.datetime, tuple[str, ...]], int] = {}
    for other in ctx.others:
        if other.kind is ClaimKind.CLAIM and not other.credited:
            seen.setdefault(key(other), other.number)
    for claim in sorted(claims, key=lambda c: c.number):
        if claim.kind is not ClaimKind.CLAIM:
            continue
        first = seen.setdefault(key(claim), claim.number)
        if first != claim.number:
            yield DUPLICATE(
                f"Regning {claim.number} er lik regning {first} (samme pasient, behandler, "
                "tidspunkt og takster). Slett den doble avtalen eller flytt regningen ut.",
                _loc(claim),
                link=_appointment(claim),
            )


def control_totals(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """The settlement's total is the sum of its claims, its count their number."""
    total = sum((c.amount for c in claims), Decimal(0))
    s = ctx.settlement
    if total != s.total or len(claims) != s.count:
        yield TOTALS(
            f"Oppgjøret viser {s.count} regninger og {format_nok(s.total)}, men regningene er "
            f"{len(claims)} og {format_nok(total)}. Lagre oppgjøret på nytt.",
            f"oppgjør[{s.id}].total",
        )


def control_fbv_period(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """Once per settlement: FBV claims for treatment after the scheme's last date."""
    late = [
        c
        for c in claims
        if c.content.type is SettlementType.FBV
        and c.content.service_date > ctx.params["fbv_last_service_date"].at(c.content.service_date)
    ]
    if late:
        param = ctx.params["fbv_last_service_date"]
        last = param.at(late[0].content.service_date)
        yield FBV_ENDED(
            f"{len(late)} FBV-regninger gjelder behandling etter {last:%d.%m.%Y}. FBV-ordningen "
            "er avviklet, og Helfo oppgir at slike krav ikke tas imot; avklar med Helfo før "
            "innsending.",
            f"oppgjør[{ctx.settlement.id}]",
            param.version(late[0].content.service_date),
        )


def control_empty(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """The settlement carries claims or co-payment registrations."""
    if not claims and not ctx.registrations:
        yield EMPTY(
            "Marker regninger for oppgjøret før du kontrollerer.", f"oppgjør[{ctx.settlement.id}]"
        )


SETTLEMENT_CONTROLS = [
    control_empty,
    control_daily_limit,
    control_duplicates,
    control_totals,
    control_fbv_period,
]


@dataclass(frozen=True)
class ControlResult:
    findings: list[tuple[int | None, Finding]]  # (claim id, finding)

    @property
    def blocking(self) -> int:
        return sum(1 for _, f in self.findings if f.blocking)

    def blocked_claims(self) -> set[int]:
        return {cid for cid, f in self.findings if f.blocking and cid is not None}


def control(claims: Sequence[Claim], ctx: ControlContext) -> ControlResult:
    """Run every control; findings keep the id of the claim they are about."""
    by_number = {c.number: c for c in claims if c.kind is ClaimKind.CLAIM}
    by_number.update({-c.number: c for c in claims if c.kind is ClaimKind.CREDIT})
    found: list[tuple[int | None, Finding]] = []
    for claim in claims:
        for finding in run_controls(CLAIM_CONTROLS, claim, ctx, _loc(claim)):
            found.append((claim.id, finding))
    for finding in run_controls(SETTLEMENT_CONTROLS, list(claims), ctx, "oppgjør"):
        found.append((_claim_of(finding, by_number), finding))
    return ControlResult(found)


def _claim_of(finding: Finding, by_number: Mapping[int, Claim]) -> int | None:
    if not finding.location.startswith("regning["):
        return None
    number = int(finding.location[len("regning[") :].split("]", 1)[0])
    claim = by_number.get(number) or by_number.get(-number)  # credits are kept under -number
    return claim.id if claim else None
