"""Repositories: translate between the clinic's records and table rows on one connection."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from oppgjor.clinic.domain.model import (
    Department,
    DiagnosisSystem,
    IdType,
    Module,
    Patient,
    Practice,
    Practitioner,
    Referrer,
    ReferrerKind,
    SeriesTemplate,
    Tariff,
    TreatmentSeries,
)
from oppgjor.store import tables as t
from oppgjor.store.access import AccessRepository, IdempotencyRepository
from oppgjor.store.appointments import AppointmentRecords
from oppgjor.store.audit import AuditRepository
from oppgjor.store.helfo import HelfoStore
from oppgjor.store.inlist import one_of, rows_one_of
from oppgjor.store.jobs import JobRepository
from oppgjor.store.outgoing import OutgoingRepository
from oppgjor.store.schedule import ScheduleRepository

R = TypeVar("R")

# series columns that hold a reference to another record, and the table it points to
_SERIES_LINKS = {
    "patient_ref": ("patient_id", t.patient),
    "department_ref": ("department_id", t.department),
    "practitioner_ref": ("practitioner_id", t.practitioner),
    "referred_from_ref": ("referred_from_id", t.referrer),
    "assessed_by_ref": ("assessed_by_id", t.referrer),
}


# the table of each kind of record, by the key the registry (oppgjor.app.clinic.kinds) uses
KIND_TABLES: dict[str, Table] = {
    "departments": t.department,
    "practitioners": t.practitioner,
    "patients": t.patient,
    "referrers": t.referrer,
    "tariffs": t.tariff,
    "series": t.treatment_series,
    "templates": t.series_template,
    "appointments": t.appointment,
}


def _plain_row(record: Any, table: Table) -> dict[str, Any]:
    values = dataclasses.asdict(record)
    return {k: v for k, v in values.items() if k in table.c and k != "id"}


class Repos(AppointmentRecords):
    """Every repository of one transaction (one connection)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.helfo = HelfoStore(conn)
        self.outgoing = OutgoingRepository(conn)
        self.audit = AuditRepository(conn)
        self.access = AccessRepository(conn)
        self.idempotency = IdempotencyRepository(conn)
        self.jobs = JobRepository(conn)
        self.schedule = ScheduleRepository(conn)

    # -- settings ------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        return self.conn.scalar(select(t.settings.c.value).where(t.settings.c.key == key))

    def set_setting(self, key: str, value: str) -> None:
        if self.get_setting(key) is None:
            self.conn.execute(insert(t.settings).values(key=key, value=value))
        else:
            self.conn.execute(update(t.settings).where(t.settings.c.key == key).values(value=value))

    # -- practice ------------------------------------------------------------------------
    def get_practice(self) -> Practice | None:
        row = self.conn.execute(select(t.practice).where(t.practice.c.id == 1)).mappings().first()
        return _build(Practice, row) if row else None

    def save_practice(self, practice: Practice) -> None:
        row = _plain_row(practice, t.practice)
        if self.get_practice() is None:
            self.conn.execute(insert(t.practice).values(id=1, **row))
        else:
            self.conn.execute(update(t.practice).where(t.practice.c.id == 1).values(**row))

    # -- any kind of record, by the registry's key (oppgjor.app.clinic.kinds) ---------------
    def count(self, kind: str) -> int:
        """How many records of *kind* (``departments``, ``templates``, …) are stored."""
        table = KIND_TABLES[kind]
        return int(self.conn.scalar(select(func.count()).select_from(table)) or 0)

    def refs(self, kind: str) -> set[str]:
        """The refs of every stored record of *kind*."""
        table = KIND_TABLES[kind]
        return set(self.conn.scalars(select(table.c.ref)))

    def hold(self, kind: str, ref: str = "") -> None:
        """Hold the row of record *ref* of *kind* (a registry key, or ``practice``) until
        commit: a concurrent change waits, then reads what this one wrote (PostgreSQL; on
        SQLite a writing transaction already runs alone)."""
        table = t.practice if kind == "practice" else KIND_TABLES[kind]
        condition = table.c.id == 1 if kind == "practice" else table.c.ref == ref
        self.conn.execute(select(table.c.id).where(condition).with_for_update())

    def exists(self, kind: str, ref: str) -> bool:
        return self._id_of(KIND_TABLES[kind], ref) is not None

    def records_by_ref(self, kind: str, refs: Iterable[str]) -> list[Any]:
        """The stored records of *kind* (a kind keyed by ref) with any of *refs*, read in
        bulk (an import's before-snapshots)."""
        wanted = set(refs)
        if not wanted:
            return []
        if kind == "patients":
            return self.patients(wanted)
        if kind == "series":
            return self.series(refs=wanted)
        small: dict[str, Callable[[], Sequence[Any]]] = {
            "departments": self.departments,
            "practitioners": self.practitioners,
            "referrers": self.referrers,
        }  # a clinic has tens of these: read whole
        return [r for r in small[kind]() if r.ref in wanted]

    def _id_of(self, table: Table, ref: str) -> int | None:
        return self.conn.scalar(select(table.c.id).where(table.c.ref == ref))

    def _upsert(self, table: Table, ref: str, row: dict[str, Any]) -> bool:
        """Insert, or update the row with this ref. True when inserted."""
        existing = self._id_of(table, ref)
        if existing is None:
            self.conn.execute(insert(table).values(**row))
            return True
        self.conn.execute(update(table).where(table.c.id == existing).values(**row))
        return False

    # -- departments, referrers --------------------------------------------------------------
    def save_department(self, department: Department) -> bool:
        return self._upsert(t.department, department.ref, _plain_row(department, t.department))

    def departments(self) -> list[Department]:
        rows = self.conn.execute(select(t.department).order_by(t.department.c.ref)).mappings()
        return [_build(Department, r) for r in rows]

    def save_referrer(self, referrer: Referrer) -> bool:
        return self._upsert(t.referrer, referrer.ref, _plain_row(referrer, t.referrer))

    def referrers(self) -> list[Referrer]:
        rows = self.conn.execute(select(t.referrer).order_by(t.referrer.c.ref)).mappings()
        return [_build(Referrer, r, kind=ReferrerKind(r["kind"])) for r in rows]

    # -- practitioners ---------------------------------------------------------------------
    def save_practitioner(self, p: Practitioner) -> bool:
        row = _plain_row(p, t.practitioner)
        row["modules"] = ",".join(sorted(m.value for m in p.modules))
        row["department_id"] = (
            self._id_of(t.department, p.department_ref) if p.department_ref else None
        )
        return self._upsert(t.practitioner, p.ref, row)

    def practitioners(self) -> list[Practitioner]:
        d = t.department
        query = (
            select(t.practitioner, d.c.ref.label("department_ref"))
            .outerjoin(d, d.c.id == t.practitioner.c.department_id)
            .order_by(t.practitioner.c.ref)
        )
        return [
            _build(
                Practitioner,
                r,
                modules=frozenset(Module(m) for m in r["modules"].split(",") if m),
            )
            for r in self.conn.execute(query).mappings()
        ]

    # -- patients --------------------------------------------------------------------------
    def save_patient(self, patient: Patient) -> bool:
        return self._upsert(t.patient, patient.ref, _plain_row(patient, t.patient))

    def patients(self, refs: Iterable[str] | None = None) -> list[Patient]:
        p = t.patient
        query = select(p).order_by(p.c.ref)
        if refs is None:
            rows = list(self.conn.execute(query).mappings())
        else:
            rows = rows_one_of(self.conn, query, p.c.ref, refs, lambda r: r["ref"])
        return [_build(Patient, r, id_type=IdType(r["id_type"])) for r in rows]

    def patients_by_identity(self, id_values: Iterable[str]) -> dict[tuple[str, str], str]:
        """The stored patients holding any of *id_values*: (id type, id value) -> ref."""
        p = t.patient
        query = select(p.c.id_type, p.c.id_value, p.c.ref)
        return {
            (kind, value): ref
            for condition in one_of(self.conn, p.c.id_value, id_values)
            for kind, value, ref in self.conn.execute(query.where(condition))
        }

    # -- tariffs ---------------------------------------------------------------------------
    def add_tariffs(self, tariffs: Sequence[Tariff], when: datetime.datetime) -> None:
        if tariffs:
            rows = [{**_plain_row(x, t.tariff), "imported_at": when} for x in tariffs]
            self.conn.execute(insert(t.tariff), rows)

    def tariffs(self, codes: Iterable[str] | None = None) -> list[Tariff]:
        """Every period of every tariff, or of the given *codes* only."""
        query = select(t.tariff).order_by(t.tariff.c.code, t.tariff.c.valid_from)
        if codes is None:
            rows = list(self.conn.execute(query).mappings())
        else:
            order = lambda r: (r["code"], r["valid_from"])  # noqa: E731
            rows = rows_one_of(self.conn, query, t.tariff.c.code, codes, order)
        return [_build(Tariff, r) for r in rows]

    # -- treatment series ------------------------------------------------------------------
    def save_series(self, series: TreatmentSeries) -> bool:
        row = _plain_row(series, t.treatment_series)
        for field, (column, table) in _SERIES_LINKS.items():
            ref = getattr(series, field)
            row[column] = self._id_of(table, ref) if ref else None
        if series.diagnosis_system is not None:
            row["diagnosis_system"] = series.diagnosis_system.value
        return self._upsert(t.treatment_series, series.ref, row)

    def series(
        self, *, patient_ref: str | None = None, refs: Iterable[str] | None = None
    ) -> list[TreatmentSeries]:
        s = t.treatment_series
        aliases = {f: table.alias(f) for f, (_, table) in _SERIES_LINKS.items()}
        columns = [s] + [a.c.ref.label(f) for f, a in aliases.items()]
        query = select(*columns).select_from(s)
        for field, alias in aliases.items():
            query = query.outerjoin(alias, alias.c.id == s.c[_SERIES_LINKS[field][0]])
        if patient_ref is not None:
            query = query.where(aliases["patient_ref"].c.ref == patient_ref)
        query = query.order_by(s.c.ref)
        if refs is None:
            rows = list(self.conn.execute(query).mappings())
        else:
            rows = rows_one_of(self.conn, query, s.c.ref, refs, lambda r: r["ref"])
        return [_series(r) for r in rows]

    # -- series templates ------------------------------------------------------------------
    def save_template(self, template: SeriesTemplate, when: datetime.datetime) -> bool:
        st = t.series_template
        row = {
            "name": template.name,
            "values_json": json.dumps(template.values),
            "updated_at": when,
        }
        existing = self.conn.scalar(select(st.c.id).where(st.c.name == template.name))
        if existing is None:
            self.conn.execute(insert(st).values(**row))
            return True
        self.conn.execute(update(st).where(st.c.id == existing).values(**row))
        return False

    def templates(self) -> list[SeriesTemplate]:
        st = t.series_template
        rows = self.conn.execute(select(st.c.name, st.c.values_json).order_by(st.c.name))
        return [SeriesTemplate(name, json.loads(values)) for name, values in rows]

    def delete_template(self, name: str) -> bool:
        st = t.series_template
        return bool(self.conn.execute(delete(st).where(st.c.name == name)).rowcount)


@functools.cache
def _field_names(cls: Any) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _build(cls: type[R], row: Any, **overrides: Any) -> R:
    names = _field_names(cls)  # type: ignore[arg-type]
    values = {k: v for k, v in row.items() if k in names}
    values.update(overrides)
    return cls(**values)


def _series(row: Any) -> TreatmentSeries:
    system = row["diagnosis_system"]
    return _build(
        TreatmentSeries, row, diagnosis_system=DiagnosisSystem(system) if system else None
    )
