"""The planner's appointments and their tariff lines (mixed into ``store.repos.Repos``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, or_, select

from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, TariffLine
from oppgjor.store import bulk
from oppgjor.store import tables as t
from oppgjor.store.inlist import one_of, rows_one_of

_APPOINTMENT_COLUMNS = ("ref", "practitioner_id", "patient_id", "series_id", "start_at", "end_at",
                        "refund_type", "status")  # fmt: skip
_LINE_COLUMNS = ("appointment_id", "position", "code", "quantity")


class AppointmentRecords:
    """Appointment methods of the repositories; the class that mixes them in holds ``conn``."""

    conn: Connection

    def _ids(self, table: Any) -> dict[str, int]:
        return {ref: id_ for ref, id_ in self.conn.execute(select(table.c.ref, table.c.id))}

    def _appointment_count(self) -> int:
        return int(self.conn.scalar(select(func.count()).select_from(t.appointment)) or 0)

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
