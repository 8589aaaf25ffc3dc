"""Validate a batch of records of one kind against the domain rules and what is stored.

One validator per kind of record (the registry, :mod:`oppgjor.app.clinic.kinds`, says which);
the same function serves a single save from the CLI and a whole CSV import, so both give the
same findings. Each returns the records normalised and the findings; it writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from oppgjor.clinic.adapters.rows import DUPLICATE_ROW, show_value
from oppgjor.clinic.domain import planner, records, series
from oppgjor.clinic.domain.model import (
    Appointment,
    DiagnosisSystem,
    Module,
    Practitioner,
    TreatmentSeries,
)
from oppgjor.clinic.domain.ports import ClinicRecords
from oppgjor.clinic.domain.tariffs import TariffPlate, check_tariff
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Location, Severity
from oppgjor.store.limits import Limit, field_limits
from oppgjor.store.repos import Repos

UNKNOWN_REFERENCE = FindingCode(
    "UNKNOWN_REFERENCE", Severity.BLOCKING, "Posten viser til noe som ikke finnes."
)
DUPLICATE_IDENTITY = FindingCode(
    "PATIENT_DUPLICATE_IDENTITY",
    Severity.BLOCKING,
    "En annen pasient er allerede registrert med samme ID-nummer.",
)
TOO_LONG = FindingCode(
    "IMPORT_FIELD_TOO_LONG", Severity.BLOCKING, "En verdi er lengre enn feltet har plass til."
)
OUT_OF_RANGE = FindingCode(
    "IMPORT_NUMBER_OUT_OF_RANGE", Severity.BLOCKING, "Et tall er større enn feltet har plass til."
)
NO_SETTLEMENT = FindingCode(
    "PRACTITIONER_NO_SETTLEMENT",
    Severity.WARNING,
    "Behandleren er autorisert for direkte oppgjør, men mangler modulen «settlement»; "
    "regningene stoppes i kontrollen.",
)
REF_INVALID = FindingCode(
    "REF_INVALID", Severity.BLOCKING,
    "Nøkkelen (ref) kan ikke inneholde / \\ ? # % eller kontrolltegn, eller være . eller ..",
)  # fmt: skip
CODES = (
    UNKNOWN_REFERENCE, DUPLICATE_IDENTITY, TOO_LONG, OUT_OF_RANGE, NO_SETTLEMENT, REF_INVALID,
)  # fmt: skip
_UNADDRESSABLE = frozenset("/\\?#%")

# Findings that stop a series from being saved at all: it would point at nothing.
SERIES_STRUCTURAL = frozenset({series.UNKNOWN_REFERENCE.code, UNKNOWN_REFERENCE.code})

Labelled = Sequence[tuple[str, Any]]
Checked = tuple[list[Any], list[Finding]]


class Validator(Protocol):
    def __call__(
        self, repos: Repos, items: Labelled, *, allow_synthetic: bool, today: datetime.date
    ) -> Checked: ...


def _each(check: Callable[[Any], tuple[Any, list[Finding]]], items: Labelled) -> Checked:
    checked: list[Any] = []
    findings: list[Finding] = []
    for label, record in items:
        record, found = check(record)
        findings.extend(f.at(label) for f in found)
        checked.append(record)
    return checked, findings


def unaddressable(items: Labelled) -> list[Finding]:
    """Records whose ref could not name them in an address (``/api/v1/patients/{ref}``, a
    file name): a slash, a question mark, a control character, ``..``."""
    found = []
    for label, record in items:
        ref = getattr(record, "ref", None)
        if not isinstance(ref, str) or not ref:
            continue
        if ref in (".", "..") or any(c in _UNADDRESSABLE or not c.isprintable() for c in ref):
            found.append(REF_INVALID(
                f"Nøkkelen «{ref}» kan ikke brukes: den kan ikke inneholde / \\ ? # % eller "
                "kontrolltegn, eller være . eller ..", f"{label}.ref",
            ))  # fmt: skip
    return found


def oversized(kind: str, items: Labelled) -> tuple[list[Finding], set[int]]:
    """Every value of *items* that does not fit its column (the sizes are the store's), and
    the positions of the items that hold one: they are not validated further."""
    limits = field_limits(kind)
    plan = [(*name.partition(".")[::2], limit) for name, limit in limits.items()]
    findings: list[Finding] = []
    held: set[int] = set()
    for n, (label, record) in enumerate(items):
        if _fits(record, plan):  # the quick look: most records fit, and need no findings
            continue
        found = [
            finding
            for name, limit in limits.items()
            for value in _values(record, name)
            if (finding := _misfit(label, name, value, limit)) is not None
        ]
        if found:
            findings.extend(found)
            held.add(n)
    return findings, held


def _fits(record: Any, plan: list[tuple[str, str, Limit]]) -> bool:
    """Whether every value of *record* fits (False: :func:`_misfit` says which does not)."""
    for part, inner, limit in plan:
        value = getattr(record, part, None)
        if inner:
            if not isinstance(value, tuple | list):
                continue
            values = [getattr(x, inner, None) for x in value]
        else:
            values = [value]
        for v in values:
            if v is None:
                continue
            kind = type(v)
            if isinstance(v, str):  # also a text enum (a status)
                if limit.length is not None and len(v) > limit.length:
                    return False
            elif kind is int or kind is Decimal:
                if limit.largest is not None and abs(v) > limit.largest:
                    return False
            elif kind is not bool:
                return False  # another type: the full check decides
    return True


def _values(record: Any, name: str) -> list[Any]:
    """The values of field *name* of *record*; ``lines.code``: the code of every line."""
    part, _, inner = name.partition(".")
    value = getattr(record, part, None)
    if not inner:
        return [value]
    return [getattr(x, inner, None) for x in value] if isinstance(value, tuple | list) else []


def _misfit(label: str, name: str, value: Any, limit: Limit) -> Finding | None:
    field = name.partition(".")[0]
    if isinstance(value, str) and limit.length is not None and len(value) > limit.length:
        return TOO_LONG(
            f"{field} = «{show_value(value, field)}» har {len(value)} tegn; feltet har plass "
            f"til {limit.length}.",
            f"{label}.{field}",
        )
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if number and limit.largest is not None and abs(value) > limit.largest:
        return OUT_OF_RANGE(
            f"{field} = «{show_value(str(value))}» er for stort (høyst {limit.largest}).",
            f"{label}.{field}",
        )
    return None


def departments(repos: Repos, items: Labelled, **_: Any) -> Checked:
    return _each(records.check_department, items)


def referrers(repos: Repos, items: Labelled, **_: Any) -> Checked:
    return _each(records.check_referrer, items)


def tariffs(repos: Repos, items: Labelled, **_: Any) -> Checked:
    return _each(check_tariff, items)


def practitioners(repos: Repos, items: Labelled, **_: Any) -> Checked:
    checked, findings = _each(records.check_practitioner, items)
    known = repos.refs("departments")
    for (label, _), p in zip(items, checked, strict=True):
        if p.department_ref and p.department_ref not in known:
            findings.append(
                UNKNOWN_REFERENCE(
                    f"Avdeling «{p.department_ref}» finnes ikke.", f"{label}.department_ref"
                )
            )
        findings.extend(f.at(label) for f in _settlement_access(p))
    return checked, findings


def _settlement_access(p: Practitioner) -> list[Finding]:
    """An authorised practitioner of a profession Helfo settles for, without the settlement
    module: the claims of their appointments would be stopped only at control."""
    row = codes.professions().get(p.profession or "")
    if not p.active or p.may_settle or row is None:
        return []
    if row["hpr_required"] != "yes" or not row["specialty"]:
        return []
    modules = " ".join(sorted({*(m.value for m in p.modules), Module.SETTLEMENT.value}))
    return [
        NO_SETTLEMENT(
            f"{p.name} er {row['text'].lower()} (autorisert for direkte oppgjør), men mangler "
            "modulen «settlement»: regninger for behandlerens avtaler stoppes i kontrollen. "
            f"Gi tilgang med: oppgjor practitioner update {p.ref} --modules '{modules}'",
            Location("behandler", p.ref, "modules"),
            link=f"behandler/{p.ref}",
        )
    ]


def patients(
    repos: Repos, items: Labelled, *, allow_synthetic: bool, today: datetime.date
) -> Checked:
    def check(p: Any) -> tuple[Any, list[Finding]]:
        return records.check_patient(p, allow_synthetic=allow_synthetic, today=today)

    checked, findings = _each(check, items)
    stored = repos.patients_by_identity(p.id_value for p in checked)
    first: dict[tuple[str, str], tuple[str, str]] = {}  # (type, number) -> (label, ref)
    for (label, _), p in zip(items, checked, strict=True):
        identity = (p.id_type.value, p.id_value)
        other = stored.get(identity)
        if other is not None and other != p.ref:
            findings.append(
                DUPLICATE_IDENTITY(
                    f"Pasient «{other}» har allerede dette ID-nummeret.", f"{label}.id_value"
                )
            )
        if identity in first and p.id_value:
            where, ref = first[identity]
            findings.append(
                DUPLICATE_ROW(
                    f"ID-nummeret {show_value(p.id_value, 'id_value')} står også på {where} "
                    f"(pasient «{ref}»).",
                    f"{label}.id_value",
                )
            )
        first.setdefault(identity, (label, p.ref))
    return checked, findings


def series_context(
    repos: ClinicRecords, today: datetime.date, plate: TariffPlate | None = None
) -> series.SeriesContext:
    return series.SeriesContext(
        referrers={r.ref: r for r in repos.referrers()},
        department_refs=frozenset(d.ref for d in repos.departments()),
        plate=plate if plate is not None else TariffPlate(repos.tariffs()),
        today=today,
    )


def diagnosis_system_of(profession: str | None) -> DiagnosisSystem:
    row = codes.professions().get(profession or "")
    return DiagnosisSystem(row["diagnosis_system"]) if row else DiagnosisSystem.ICD10


def treatment_series(repos: Repos, items: Labelled, *, today: datetime.date, **_: Any) -> Checked:
    ctx = series_context(repos, today)
    patient_refs = repos.refs("patients")
    owners = {p.ref: p for p in repos.practitioners()}
    findings: list[Finding] = []
    checked: list[TreatmentSeries] = []
    for label, s in items:
        if s.patient_ref not in patient_refs:
            findings.append(
                UNKNOWN_REFERENCE(f"Pasient «{s.patient_ref}» finnes ikke.", f"{label}.patient_ref")
            )
        if s.practitioner_ref and s.practitioner_ref not in owners:
            findings.append(
                UNKNOWN_REFERENCE(
                    f"Behandler «{s.practitioner_ref}» finnes ikke.", f"{label}.practitioner_ref"
                )
            )
        own = owners.get(s.practitioner_ref or "")
        system = diagnosis_system_of(own.profession if own else None)
        local = dataclasses.replace(ctx, default_diagnosis_system=system)
        findings.extend(f.at(label) for f in series.check_series(s, local))
        checked.append(s)
    return checked, findings


def planner_context(
    repos: Repos, new: Sequence[Appointment], exclude_ids: frozenset[int] = frozenset()
) -> planner.PlannerContext:
    """What the planner rules need: the plate, the records, and the stored appointments of the
    same practitioners and patients on the days the new ones fall on."""
    existing: list[Appointment] = []
    if new:
        first = min(a.start for a in new).replace(hour=0, minute=0, second=0, microsecond=0)
        last = max(a.start for a in new) + datetime.timedelta(days=1)
        existing = [
            a
            for a in repos.appointments(
                patient_refs={a.patient_ref for a in new},
                practitioner_refs={a.practitioner_ref for a in new},
                start=first - datetime.timedelta(days=1),
                end=last,
            )
            if a.id not in exclude_ids
        ]
    return planner.PlannerContext(
        plate=TariffPlate(repos.tariffs()),
        practitioners={p.ref: p for p in repos.practitioners()},
        patient_refs=repos.refs("patients"),
        series={s.ref: s for s in repos.series()},
        existing=existing,
    )


def appointments(repos: Repos, items: Labelled, **_: Any) -> Checked:
    new = [a for _, a in items]
    taken = {a.ref for a in new if a.ref}
    findings: list[Finding] = []
    if taken:
        stored = repos.appointment_refs(taken)
        findings.extend(
            DUPLICATE_ROW(f"Avtale «{a.ref}» finnes allerede.", f"{label}.ref")
            for label, a in items
            if a.ref in stored
        )
    ctx = planner_context(repos, new)
    findings.extend(planner.check_appointments(list(items), ctx))
    if not any(f.blocking for f in findings):
        new = _with_refs(repos, items, new, findings)
    return new, findings


def _with_refs(
    repos: Repos, items: Labelled, new: list[Appointment], findings: list[Finding]
) -> list[Appointment]:
    """Appointments without a ref get the next ones oppgjor gives (ADR 0016), said in one
    INFO finding. Taken in the transaction that saves them: a refusal gives none away."""
    missing = [n for n, a in enumerate(new) if not a.ref]
    if not missing:
        return new
    refs = repos.new_appointment_refs(len(missing), taken={a.ref for a in new if a.ref})
    given = dict(zip(missing, refs, strict=True))
    if len(refs) == 1:
        label = items[missing[0]][0]
        findings.append(planner.REF_ASSIGNED(f"Avtalen fikk nøkkelen {refs[0]}.", f"{label}.ref"))
    else:
        findings.append(
            planner.REF_ASSIGNED(
                f"{len(refs)} avtaler uten nøkkel fikk nøklene {refs[0]} til {refs[-1]}.",
                "avtaler.ref",
            )
        )
    return [dataclasses.replace(a, ref=given[n]) if n in given else a for n, a in enumerate(new)]
