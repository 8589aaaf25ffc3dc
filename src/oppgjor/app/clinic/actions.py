"""Use cases beyond plain save/import: the practice, series with templates, the planner."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.clinic.records import Report, save
from oppgjor.app.clinic.trail import SYSTEM_ACTOR
from oppgjor.app.clinic.updates import save_practice_record
from oppgjor.app.clinic.validation import diagnosis_system_of, series_context
from oppgjor.app.errors import NotFound, Rejected
from oppgjor.clinic.domain import series, templates
from oppgjor.clinic.domain.model import (
    Appointment,
    Practice,
    SeriesTemplate,
    Tariff,
    TreatmentSeries,
)
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.core.changes import snapshot
from oppgjor.core.clock import SYSTEM_CLOCK, Clock
from oppgjor.core.findings import Finding
from oppgjor.store import Database
from oppgjor.store.appointments import AppointmentFilter
from oppgjor.store.audit import record_change
from oppgjor.store.repos import Repos


def save_practice(
    db: Database, practice: Practice, *, actor: str = SYSTEM_ACTOR, clock: Clock = SYSTEM_CLOCK
) -> list[Finding]:
    """Register (or replace) the practice whole; :mod:`updates` changes single fields."""
    with db.transaction() as repos:
        repos.hold("practice")
        stored = repos.get_practice()
        return save_practice_record(repos, stored, practice, actor=actor, clock=clock).findings


def get_practice(db: Database) -> Practice:
    with db.transaction() as repos:
        practice = repos.get_practice()
    if practice is None:
        raise NotFound("Praksisen er ikke registrert ennå (oppgjor practice set).")
    return practice


def get_series(
    db: Database, ref: str, today: datetime.date | None = None, clock: Clock = SYSTEM_CLOCK
) -> tuple[TreatmentSeries, list[Finding]]:
    """A series with its current findings (what must be fixed before settlement)."""
    with db.transaction() as repos:
        found = repos.series(refs=[ref])
        if not found:
            raise NotFound(f"Fant ikke serie «{ref}».")
        ctx = series_context(repos, today or clock.now().date())
        owner = [p for p in repos.practitioners() if p.ref == found[0].practitioner_ref]
        system = diagnosis_system_of(owner[0].profession if owner else None)
    ctx = dataclasses.replace(ctx, default_diagnosis_system=system)
    return found[0], series.check_series(found[0], ctx)


def save_series(
    db: Database,
    s: TreatmentSeries,
    *,
    mode: Any = "create",
    template: str | None = None,
    actor: str = SYSTEM_ACTOR,
    clock: Clock = SYSTEM_CLOCK,
) -> Report:
    """Save a series, first filling its empty fields from *template* if given."""
    kept: list[Finding] = []
    if template:
        s, kept = templates.apply_template(s, get_template(db, template))
    report = save(db, "series", s, mode=mode, actor=actor, clock=clock)
    report.findings = [*kept, *report.findings]
    return report


def get_template(db: Database, name: str) -> SeriesTemplate:
    with db.transaction() as repos:
        for t in repos.templates():
            if t.name == name:
                return t
    raise NotFound(f"Fant ikke seriemal «{name}».")


def save_template_from_series(
    db: Database,
    name: str,
    series_ref: str,
    clock: Clock = SYSTEM_CLOCK,
    *,
    actor: str = SYSTEM_ACTOR,
) -> tuple[SeriesTemplate, bool]:
    """Save series *series_ref*'s values as template *name* (overwrites a template of that
    name). Returns the template and whether it was new."""
    template_name_check = templates.check_template(SeriesTemplate(name))
    if template_name_check:
        raise Rejected(template_name_check)
    with db.transaction() as repos:
        found = repos.series(refs=[series_ref])
        if not found:
            raise NotFound(f"Fant ikke serie «{series_ref}».")
        template = templates.template_from_series(name, found[0])
        before = [t for t in repos.templates() if t.name == template.name]
        created = repos.save_template(template, clock.now())
        _audit_template(repos, before, template, actor, clock)
    return template, created


def list_templates(db: Database) -> list[SeriesTemplate]:
    with db.transaction() as repos:
        return repos.templates()


def delete_template(
    db: Database, name: str, *, actor: str = SYSTEM_ACTOR, clock: Clock = SYSTEM_CLOCK
) -> None:
    with db.transaction() as repos:
        before = [t for t in repos.templates() if t.name == name]
        if not repos.delete_template(name):
            raise NotFound(f"Fant ikke seriemal «{name}».")
        _audit_template(repos, before, None, actor, clock)


def _audit_template(
    repos: Repos,
    before: list[SeriesTemplate],
    after: SeriesTemplate | None,
    actor: str,
    clock: Clock,
) -> None:
    name = after.name if after is not None else before[0].name
    event = record_change(
        clock.now(), actor, KINDS["templates"].name, name,
        snapshot(before[0]) if before else None, snapshot(after) if after else None,
    )  # fmt: skip
    if event is not None:
        repos.audit.add(event)


def add_appointment(db: Database, appointment: Appointment, *, actor: str = SYSTEM_ACTOR) -> Report:
    return save(db, "appointments", appointment, actor=actor)


def patient_overview(
    db: Database, patient_ref: str, limit: int | None = None, *, owner: str | None = None
) -> tuple[list[TreatmentSeries], list[Appointment]]:
    """A patient's series and appointments (indexed queries; see bench/); for *owner* (a
    practitioner who sees only their own), only their appointments."""
    with db.transaction() as repos:
        if not repos.patients([patient_ref]):
            raise NotFound(f"Fant ikke pasient «{patient_ref}».")
        if owner is not None:
            where = AppointmentFilter(patient_ref=patient_ref, practitioner_ref=owner)
            found, _ = repos.appointment_page(where, limit=limit, offset=0)
        else:
            found = repos.appointments(patient_refs=[patient_ref], limit=limit)
        return repos.series(patient_ref=patient_ref), found


def overview(db: Database) -> tuple[Practice | None, dict[str, int]]:
    """The practice (None if not registered) and how many records of each kind there are."""
    with db.reading() as repos:
        practice = repos.get_practice()
    return practice, counts(db)


def counts(db: Database) -> dict[str, int]:
    """How many records of each kind there are, by the kind's Norwegian title."""
    with db.transaction() as repos:
        return {kind.title: repos.count(kind.key) for kind in KINDS.values()}


def tariff_periods(
    db: Database, *, code: str | None = None, on: datetime.date | None = None
) -> list[Tariff]:
    """The tariff plate's periods, of *code* only and valid on *on* only when given."""
    with db.reading() as repos:
        found = repos.tariffs()
    return [t for t in found if (code is None or t.code == code) and (on is None or t.valid_on(on))]


def tariff_on(db: Database, code: str, day: datetime.date, specialty: str | None = None) -> Tariff:
    """The period of *code* valid on *day* (of *specialty*, when the code has several)."""
    with db.reading() as repos:
        plate = TariffPlate(repos.tariffs())
    found = plate.lookup(code, day, None if specialty is None else [specialty])
    if found is None:
        raise NotFound(f"Ingen takst {code} gjelder {day:%d.%m.%Y}"
                       + (f" for fagområde {specialty}." if specialty else "."))  # fmt: skip
    return found
