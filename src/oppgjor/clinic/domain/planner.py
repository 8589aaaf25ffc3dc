"""Planner appointments: rules checked at entry time, for one appointment or a whole import.

Rules work on a batch of new appointments against the stored ones that could conflict, so a
CSV import of 100 000 rows is checked in one pass (overlaps by a sweep per practitioner,
daily tariff limits by counting per patient and day).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, Practitioner, Tariff
from oppgjor.clinic.domain.model import TreatmentSeries as Series
from oppgjor.clinic.domain.series import FBV_SPECIALTY
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Severity, run_controls

B, W = Severity.BLOCKING, Severity.WARNING

UNKNOWN_REFERENCE = FindingCode(
    "PLANNER_UNKNOWN_REFERENCE",
    B,
    "Avtalen viser til en behandler, pasient eller serie som ikke finnes.",
)
TIMES = FindingCode("PLANNER_TIMES", B, "Avtalen må slutte etter at den starter.")
SERIES_PATIENT = FindingCode(
    "PLANNER_SERIES_PATIENT", B, "Serien avtalen er knyttet til tilhører en annen pasient."
)
TARIFF_INVALID = FindingCode(
    "PLANNER_TARIFF_INVALID", B, "Taksten finnes ikke eller er ikke gyldig på avtaledatoen."
)
QUANTITY = FindingCode("PLANNER_QUANTITY", B, "Antall på en takstlinje må være minst 1.")
DAILY_LIMIT = FindingCode(
    "PLANNER_DAILY_LIMIT",
    B,
    "Taksten er brukt flere ganger enn tillatt per pasient per dag (FBV dagbehandling: én gang,"
    " på tvers av behandlere).",
)
OVERLAP = FindingCode("PLANNER_OVERLAP", W, "Behandleren har en annen avtale samtidig.")
OUTSIDE_HOURS = FindingCode(
    "PLANNER_OUTSIDE_HOURS", W, "Avtalen ligger utenfor behandlerens arbeidstid den dagen."
)
REF_ASSIGNED = FindingCode(
    "PLANNER_REF_ASSIGNED",
    Severity.INFO,
    "Avtalen ble lagret uten nøkkel og fikk en av oppgjor (A000123); bruk den for å endre den.",
)
CODES = (
    UNKNOWN_REFERENCE, TIMES, SERIES_PATIENT, TARIFF_INVALID, QUANTITY, DAILY_LIMIT, OVERLAP,
    OUTSIDE_HOURS, REF_ASSIGNED,
)  # fmt: skip

Item = tuple[str, Appointment]  # (location label, appointment)


@dataclass(frozen=True)
class PlannerContext:
    plate: TariffPlate
    practitioners: Mapping[str, Practitioner]
    patient_refs: Set[str]
    series: Mapping[str, Series]
    existing: Sequence[Appointment] = ()


def specialties_for(practitioner: Practitioner | None) -> list[str]:
    """Which tariff plates a practitioner's lines are looked up in, in order."""
    return list(_specialties(practitioner.profession if practitioner else None))


@functools.cache
def _specialties(profession: str | None) -> tuple[str, ...]:
    row = codes.professions().get(profession) if profession else None
    own = (row["specialty"],) if row and row["specialty"] else ()
    return (*own, FBV_SPECIALTY)


def resolve_tariff(ctx: PlannerContext, appointment: Appointment, code: str) -> Tariff | None:
    """The tariff *code* means on the appointment's day: from the practitioner's plates in
    order, else the only plate that has it (the plate remembers each answer)."""
    practitioner = ctx.practitioners.get(appointment.practitioner_ref)
    order = _specialties(practitioner.profession if practitioner else None)
    day = appointment.day
    return ctx.plate.lookup(code, day, order) or ctx.plate.lookup(code, day)


def _active(appointment: Appointment) -> bool:
    return appointment.status is not AppointmentStatus.CANCELLED


def rule_references(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    for label, a in items:
        practitioner = ctx.practitioners.get(a.practitioner_ref)
        if practitioner is None:
            yield UNKNOWN_REFERENCE(
                f"Behandler «{a.practitioner_ref}» finnes ikke.", f"{label}.practitioner"
            )
        elif not practitioner.active:
            yield UNKNOWN_REFERENCE(
                f"Behandler «{a.practitioner_ref}» er ikke aktiv.", f"{label}.practitioner"
            )
        if a.patient_ref not in ctx.patient_refs:
            yield UNKNOWN_REFERENCE(f"Pasient «{a.patient_ref}» finnes ikke.", f"{label}.patient")
        if a.series_ref is not None and a.series_ref not in ctx.series:
            yield UNKNOWN_REFERENCE(f"Serie «{a.series_ref}» finnes ikke.", f"{label}.series")


def rule_times(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    for label, a in items:
        if a.end <= a.start:
            yield TIMES(
                f"Slutt {a.end:%d.%m.%Y %H:%M} er ikke etter start {a.start:%d.%m.%Y %H:%M}.",
                f"{label}.end",
            )


def rule_series_patient(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    for label, a in items:
        series = ctx.series.get(a.series_ref) if a.series_ref else None
        if series is not None and series.patient_ref != a.patient_ref:
            yield SERIES_PATIENT(
                f"Serie «{series.ref}» tilhører pasient «{series.patient_ref}», ikke "
                f"«{a.patient_ref}». Knytt avtalen til en av pasientens serier.",
                f"{label}.series",
            )


def rule_tariffs(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    for label, a in items:
        for n, line in enumerate(a.lines, start=1):
            if line.quantity < 1:
                yield QUANTITY(f"Takst {line.code}: antall {line.quantity}.", f"{label}.linje{n}")
            if resolve_tariff(ctx, a, line.code) is None:
                yield TARIFF_INVALID(
                    f"Takst «{line.code}» er ikke gyldig {a.day:%d.%m.%Y}; velg en takst fra "
                    "takstplakaten.",
                    f"{label}.linje{n}.code",
                )


def rule_daily_limit(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    used: dict[tuple[str, datetime.date, str], int] = defaultdict(int)
    for a in ctx.existing:
        if _active(a):
            for line in a.lines:
                used[(a.patient_ref, a.day, line.code)] += line.quantity
    for label, a in items:
        if not _active(a):
            continue
        for line in a.lines:
            key = (a.patient_ref, a.day, line.code)
            used[key] += line.quantity
            tariff = resolve_tariff(ctx, a, line.code)
            limit = tariff.max_per_patient_day if tariff else None
            if limit is not None and used[key] > limit:
                times = f"{limit} gang" + ("er" if limit != 1 else "")
                here = [x for x in a.lines if x.code == line.code]
                on_this = sum(x.quantity for x in here)
                if line.quantity > limit:
                    message = (
                        f"Takst {line.code} har antall {line.quantity}, men kan brukes høyst "
                        f"{times} per pasient per dag. Sett antallet til {limit}."
                    )
                elif on_this > limit:
                    message = (
                        f"Takst {line.code} står {len(here)} ganger på avtalen, men kan brukes "
                        f"høyst {times} per pasient per dag. Fjern den doble linjen."
                    )
                else:
                    message = (
                        f"Takst {line.code} kan brukes {times} per pasient per dag, og pasient "
                        f"«{a.patient_ref}» har den allerede {a.day:%d.%m.%Y}. Bare én behandler "
                        "skal legge inn taksten."
                    )
                yield DAILY_LIMIT(message, f"{label}.linje.{line.code}")


def rule_overlap(items: Sequence[Item], ctx: PlannerContext) -> Iterable[Finding]:
    by_practitioner: dict[str, list[tuple[datetime.datetime, datetime.datetime, str | None]]]
    by_practitioner = defaultdict(list)
    for a in ctx.existing:
        if _active(a):
            by_practitioner[a.practitioner_ref].append((a.start, a.end, None))
    for label, a in items:
        if _active(a):
            by_practitioner[a.practitioner_ref].append((a.start, a.end, label))
    for practitioner_ref, slots in by_practitioner.items():
        slots.sort(key=lambda s: (s[0], s[1]))
        latest_end: datetime.datetime | None = None
        for start, end, slot_label in slots:
            if latest_end is not None and start < latest_end and slot_label is not None:
                yield OVERLAP(
                    f"Behandler «{practitioner_ref}» har en annen avtale som overlapper "
                    f"{start:%d.%m.%Y %H:%M}.",
                    f"{slot_label}.start",
                )
            latest_end = end if latest_end is None else max(latest_end, end)


PLANNER_RULES = [
    rule_references,
    rule_times,
    rule_series_patient,
    rule_tariffs,
    rule_daily_limit,
    rule_overlap,
]


def check_appointments(items: Sequence[Item], ctx: PlannerContext) -> list[Finding]:
    return run_controls(PLANNER_RULES, items, ctx, "avtaler")


def outside_hours(
    label: str, a: Appointment, opening: Sequence[tuple[datetime.datetime, datetime.datetime]]
) -> list[Finding]:
    """A warning when *a* is not within one of the day's *opening* intervals (the
    practitioner's working hours, or that day's exception; none: closed)."""
    if any(start <= a.start and a.end <= end for start, end in opening):
        return []
    hours = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in opening) or "stengt"
    return [
        OUTSIDE_HOURS(
            f"Behandler «{a.practitioner_ref}» arbeider {a.day:%d.%m.%Y}: {hours}; avtalen "
            f"{a.start:%H:%M}–{a.end:%H:%M} ligger utenfor.",
            f"{label}.start",
        )
    ]
