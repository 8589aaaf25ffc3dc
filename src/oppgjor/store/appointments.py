"""The planner's appointments and their tariff lines (mixed into ``store.repos.Repos``)."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, TariffLine
from oppgjor.store import bulk
from oppgjor.store import tables as t
from oppgjor.store.inlist import one_of, rows_one_of

_APPOINTMENT_COLUMNS = ("ref", "practitioner_id", "patient_id", "series_id", "start_at", "end_at",
                        "refund_type", "status")  # fmt: skip
_LINE_COLUMNS = ("appointment_id", "position", "code", "quantity")

# the counter row of the refs oppgjor gives appointments created without one (ADR 0016)
REF_COUNTER = "appointment_ref"
REF_PREFIX, REF_DIGITS = "A", 6


def generated_ref(number: int) -> str:
    """The ref oppgjor gives the *number*-th appointment created without one: ``A000123``."""
    return f"{REF_PREFIX}{number:0{REF_DIGITS}d}"


@dataclasses.dataclass(frozen=True)
class AppointmentFilter:
    """Which appointments a list shows; every given part must hold (``end`` is exclusive)."""

    patient_ref: str | None = None
    practitioner_ref: str | None = None
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: tuple[AppointmentStatus, ...] = ()


MAX_ID = 2**63 - 1  # the largest id a database column holds


class AppointmentRecords:
    """Appointment methods of the repositories; the class that mixes them in holds ``conn``."""

    conn: Connection

    def _ids(self, table: Any) -> dict[str, int]:
        return {ref: id_ for ref, id_ in self.conn.execute(select(table.c.ref, table.c.id))}

    def _appointment_count(self) -> int:
        return int(self.conn.scalar(select(func.count()).select_from(t.appointment)) or 0)

    def last_appointment_id(self) -> int:
        """The id of the newest appointment (0: none); ids are never reused."""
        return int(self.conn.scalar(select(func.max(t.appointment.c.id))) or 0)

    def add_appointments(self, appointments: Sequence[Appointment]) -> list[int]:
        """Insert appointments and their tariff lines in bulk; return the new ids in order."""
        if not appointments:
            return []
        practitioners = self._ids(t.practitioner)
        patients = self._ids(t.patient)
        series = self._ids(t.treatment_series)
        rows = [
            (
                a.ref,
                practitioners[a.practitioner_ref],
                patients[a.patient_ref],
                series[a.series_ref] if a.series_ref else None,
                a.start,
                a.end,
                a.refund_type,
                a.status.value,
            )
            for a in appointments
        ]
        ids = bulk.insert_with_ids(self.conn, t.appointment, _APPOINTMENT_COLUMNS, rows)
        lines = [
            (id_, n, line.code, line.quantity)
            for id_, a in zip(ids, appointments, strict=True)
            for n, line in enumerate(a.lines)
        ]
        bulk.insert_many(self.conn, t.appointment_line, _LINE_COLUMNS, lines)
        return ids

    def appointments(
        self,
        *,
        patient_refs: Iterable[str] | None = None,
        practitioner_refs: Iterable[str] | None = None,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        ids: Iterable[int] | None = None,
        limit: int | None = None,
    ) -> list[Appointment]:
        """Appointments matching every given filter (patients OR practitioners), by start."""
        a, pr, pa, se = t.appointment, t.practitioner, t.patient, t.treatment_series
        query = (
            select(
                a,
                pr.c.ref.label("practitioner_ref"),
                pa.c.ref.label("patient_ref"),
                se.c.ref.label("series_ref"),
            )
            .join(pr, pr.c.id == a.c.practitioner_id)
            .join(pa, pa.c.id == a.c.patient_id)
            .outerjoin(se, se.c.id == a.c.series_id)
        )
        who = []
        if patient_refs is not None:
            who.append(a.c.patient_id.in_(select(pa.c.id).where(pa.c.ref.in_(list(patient_refs)))))
        if practitioner_refs is not None:
            who.append(
                a.c.practitioner_id.in_(
                    select(pr.c.id).where(pr.c.ref.in_(list(practitioner_refs)))
                )
            )
        if who:
            query = query.where(or_(*who))
        if start is not None:
            query = query.where(a.c.start_at >= start)
        if end is not None:
            query = query.where(a.c.start_at < end)
        query = query.order_by(a.c.start_at, a.c.id)
        if limit is not None:
            query = query.limit(limit)
        if ids is None:
            rows = list(self.conn.execute(query).mappings())
        else:  # each chunk is limited, so the first *limit* of them all are among these
            found = rows_one_of(self.conn, query, a.c.id, ids, lambda r: (r["start_at"], r["id"]))
            rows = found[:limit]
        lines = self._lines([r["id"] for r in rows])
        return [_appointment(r, lines.get(r["id"], ())) for r in rows]

    def appointment_refs(self, refs: Iterable[str]) -> set[str]:
        """Which of *refs* are stored. Many refs against a table not much larger are matched
        in one pass over the table's refs rather than in thousands of bound parameters."""
        a = t.appointment
        wanted = list(refs)
        if len(wanted) * 4 >= self._appointment_count():
            stored = self.conn.scalars(select(a.c.ref).where(a.c.ref.is_not(None)))
            return set(wanted).intersection(stored)
        found: set[str] = set()
        for condition in one_of(self.conn, a.c.ref, wanted):
            found.update(self.conn.scalars(select(a.c.ref).where(condition)))
        return found

    # -- one appointment: found by its ref or ``#id``, changed, deleted ---------------------
    def appointment(self, key: str, *, hold: bool = False) -> Appointment | None:
        """The appointment with ref *key*, or with id N for ``#N`` (appointments stored
        without a ref are addressed so). *hold*: keep its row until commit, so a concurrent
        change waits and then reads this one's result (PostgreSQL; SQLite's writing
        transactions already run one at a time)."""
        a = t.appointment
        if key.startswith("#") and key[1:].isdigit():
            if int(key[1:]) > MAX_ID:
                return None  # no id is that large (and the database could not compare it)
            condition = a.c.id == int(key[1:])
        else:
            condition = a.c.ref == key
        query = select(a.c.id).where(condition)
        found = self.conn.scalar(query.with_for_update() if hold else query)
        if found is None:
            return None
        return self.appointments(ids=[found])[0]

    def replace_appointment(self, appointment: Appointment) -> None:
        """Write every field of a stored appointment (by its id) and its tariff lines."""
        assert appointment.id is not None, "only a stored appointment is replaced"
        a, al = t.appointment, t.appointment_line
        practitioner = self.conn.scalar(
            select(t.practitioner.c.id).where(t.practitioner.c.ref == appointment.practitioner_ref)
        )
        patient = self.conn.scalar(
            select(t.patient.c.id).where(t.patient.c.ref == appointment.patient_ref)
        )
        series = self.conn.scalar(
            select(t.treatment_series.c.id).where(
                t.treatment_series.c.ref == appointment.series_ref
            )
        )
        self.conn.execute(
            update(a)
            .where(a.c.id == appointment.id)
            .values(
                ref=appointment.ref, practitioner_id=practitioner, patient_id=patient,
                series_id=series if appointment.series_ref else None,
                start_at=appointment.start, end_at=appointment.end,
                refund_type=appointment.refund_type, status=appointment.status.value,
            )
        )  # fmt: skip
        self.conn.execute(delete(al).where(al.c.appointment_id == appointment.id))
        rows = [(appointment.id, n, x.code, x.quantity) for n, x in enumerate(appointment.lines)]
        bulk.insert_many(self.conn, al, _LINE_COLUMNS, rows)

    def delete_appointment(self, appointment_id: int) -> None:
        a, al = t.appointment, t.appointment_line
        self.conn.execute(delete(al).where(al.c.appointment_id == appointment_id))
        self.conn.execute(delete(a).where(a.c.id == appointment_id))

    def appointment_claim_ids(self, appointment_id: int) -> list[int]:
        """Every claim (and credit) ever made from the appointment, oldest first."""
        c = t.claim
        query = select(c.c.id).where(c.c.appointment_id == appointment_id).order_by(c.c.id)
        return list(self.conn.scalars(query))

    # -- a page of a filtered list, counted in the database ---------------------------------
    def appointment_page(
        self, where: AppointmentFilter, *, limit: int | None, offset: int = 0
    ) -> tuple[list[Appointment], int]:
        """The appointments matching *where*, by start: *limit* of them (None: all) from
        *offset*, and how many match in all."""
        a = t.appointment
        total = self.conn.scalar(self._filtered(select(func.count()).select_from(a), where))
        query = self._filtered(select(a.c.id), where).order_by(a.c.start_at, a.c.id)
        ids = list(self.conn.scalars(query.limit(limit).offset(offset)))
        return self.appointments(ids=ids), int(total or 0)

    def _filtered(self, query: Select[Any], where: AppointmentFilter) -> Select[Any]:
        a = t.appointment
        if where.patient_ref is not None:
            patient = select(t.patient.c.id).where(t.patient.c.ref == where.patient_ref)
            query = query.where(a.c.patient_id.in_(patient))
        if where.practitioner_ref is not None:
            who = select(t.practitioner.c.id).where(t.practitioner.c.ref == where.practitioner_ref)
            query = query.where(a.c.practitioner_id.in_(who))
        if where.start is not None:
            query = query.where(a.c.start_at >= where.start)
        if where.end is not None:
            query = query.where(a.c.start_at < where.end)
        if where.statuses:
            query = query.where(a.c.status.in_([s.value for s in where.statuses]))
        return query

    # -- refs given by oppgjor ---------------------------------------------------------------
    def new_appointment_refs(self, count: int, taken: Iterable[str] = ()) -> list[str]:
        """*count* refs never given before (``A000123``), skipping any a user gave already
        (stored, or among *taken*). The counter row serialises concurrent writers."""
        refs: list[str] = []
        busy = set(taken)
        while len(refs) < count:
            wanted = count - len(refs)
            candidates = [generated_ref(n) for n in self._next_ref_numbers(wanted)]
            stored = self.appointment_refs(candidates)
            refs.extend(r for r in candidates if r not in stored and r not in busy)
        return refs

    def _next_ref_numbers(self, count: int) -> list[int]:
        return self.counter_numbers(REF_COUNTER, count)

    def counter_numbers(self, name: str, count: int) -> list[int]:
        """The next *count* numbers of counter row *name* (inserted on first use); the row
        serialises concurrent writers, and a number is never given twice."""
        c = t.counter
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        first = dialect.insert(c).values(name=name, value=0)
        self.conn.execute(first.on_conflict_do_nothing(index_elements=["name"]))
        stmt = (
            update(c).where(c.c.name == name).values(value=c.c.value + count).returning(c.c.value)
        )
        last = int(self.conn.execute(stmt).scalar_one())
        return list(range(last - count + 1, last + 1))

    def _lines(self, ids: list[int]) -> dict[int, tuple[TariffLine, ...]]:
        found: dict[int, list[TariffLine]] = defaultdict(list)
        al = t.appointment_line
        query = select(al.c.appointment_id, al.c.code, al.c.quantity).order_by(
            al.c.appointment_id, al.c.position
        )
        for condition in one_of(self.conn, al.c.appointment_id, ids):
            for appointment_id, code, quantity in self.conn.execute(query.where(condition)):
                found[appointment_id].append(TariffLine(code, quantity))
        return {k: tuple(v) for k, v in found.items()}


def _appointment(row: Any, lines: tuple[TariffLine, ...]) -> Appointment:
    # field by field, not through _build: claims re-read thousands of appointments at a time
    return Appointment(
        practitioner_ref=row["practitioner_ref"],
        patient_ref=row["patient_ref"],
        start=row["start_at"],
        end=row["end_at"],
        lines=lines,
        refund_type=row["refund_type"],
        series_ref=row["series_ref"],
        status=AppointmentStatus(row["status"]),
        ref=row["ref"],
        id=row["id"],
    )
