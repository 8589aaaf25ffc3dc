"""Working hours, exceptions, bookable services and bookings (``repos.schedule``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from oppgjor.clinic.domain.model import AppointmentStatus
from oppgjor.clinic.domain.schedule import (
    Booking,
    HoursException,
    Interval,
    Service,
    WeeklyHours,
)
from oppgjor.store import tables as t

ACTIVE, CANCELLED = "active", "cancelled"


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class ScheduleRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _ids(self, table: Table, refs: Iterable[str]) -> dict[str, int]:
        wanted = list(refs)
        query = select(table.c.ref, table.c.id).where(table.c.ref.in_(wanted))
        return {ref: id_ for ref, id_ in self.conn.execute(query)} if wanted else {}

    def practitioner_id(self, ref: str) -> int | None:
        return self._ids(t.practitioner, [ref]).get(ref)

    def _held(self, table: Table, id_: int, hold: bool) -> Any:
        query = select(table.c.id).where(table.c.id == id_)
        return self.conn.scalar(query.with_for_update() if hold else query)

    # -- weekly hours --------------------------------------------------------------------
    def hours(self, practitioner_ref: str | None = None, ids: Iterable[int] | None = None,
              practitioner_refs: Iterable[str] | None = None) -> list[WeeklyHours]:  # fmt: skip
        h, pr = t.working_hours, t.practitioner
        query = select(h, pr.c.ref).join(pr, pr.c.id == h.c.practitioner_id)
        if practitioner_ref is not None:
            query = query.where(pr.c.ref == practitioner_ref)
        if practitioner_refs is not None:
            query = query.where(pr.c.ref.in_(list(practitioner_refs)))
        if ids is not None:
            query = query.where(h.c.id.in_(list(ids)))
        query = query.order_by(pr.c.ref, h.c.weekday, h.c.start_time, h.c.id)
        return [
            WeeklyHours(
                r.ref,
                r.weekday,
                r.start_time,
                r.end_time,
                r.valid_from,
                r.valid_to,
                r.id,
                r.version,
            )
            for r in self.conn.execute(query)
        ]

    def one_hours(self, hours_id: int, *, hold: bool = False) -> WeeklyHours | None:
        if self._held(t.working_hours, hours_id, hold) is None:
            return None
        return self.hours(ids=[hours_id])[0]

    def _hours_row(self, h: WeeklyHours) -> dict[str, Any]:
        return {"practitioner_id": self.practitioner_id(h.practitioner_ref), "weekday": h.weekday,
                "start_time": h.start, "end_time": h.end, "valid_from": h.valid_from,
                "valid_to": h.valid_to, "version": h.version}  # fmt: skip

    def add_hours(self, h: WeeklyHours) -> int:
        return _new_id(self.conn.execute(insert(t.working_hours).values(**self._hours_row(h))))

    def replace_hours(self, h: WeeklyHours) -> None:
        assert h.id is not None
        wh = t.working_hours
        self.conn.execute(update(wh).where(wh.c.id == h.id).values(**self._hours_row(h)))

    def delete_hours(self, hours_id: int) -> None:
        self.conn.execute(delete(t.working_hours).where(t.working_hours.c.id == hours_id))

    # -- exceptions ----------------------------------------------------------------------
    def exceptions(
        self, practitioner_ref: str | None = None, *, first: datetime.date | None = None,
        last: datetime.date | None = None, ids: Iterable[int] | None = None,
        practitioner_refs: Iterable[str] | None = None,
    ) -> list[HoursException]:  # fmt: skip
        e, pr = t.hours_exception, t.practitioner
        query = select(e, pr.c.ref).join(pr, pr.c.id == e.c.practitioner_id)
        if practitioner_ref is not None:
            query = query.where(pr.c.ref == practitioner_ref)
        if practitioner_refs is not None:
            query = query.where(pr.c.ref.in_(list(practitioner_refs)))
        if first is not None:
            query = query.where(e.c.day >= first)
        if last is not None:
            query = query.where(e.c.day <= last)
        if ids is not None:
            query = query.where(e.c.id.in_(list(ids)))
        query = query.order_by(e.c.day, pr.c.ref, e.c.start_time, e.c.id)
        return [
            HoursException(r.ref, r.day, r.start_time, r.end_time, r.note, r.id, r.version)
            for r in self.conn.execute(query)
        ]

    def one_exception(self, exception_id: int, *, hold: bool = False) -> HoursException | None:
        if self._held(t.hours_exception, exception_id, hold) is None:
            return None
        return self.exceptions(ids=[exception_id])[0]

    def add_exception(self, x: HoursException) -> int:
        row = {"practitioner_id": self.practitioner_id(x.practitioner_ref), "day": x.day,
               "start_time": x.start, "end_time": x.end, "note": x.note}  # fmt: skip
        return _new_id(self.conn.execute(insert(t.hours_exception).values(**row)))

    def delete_exception(self, exception_id: int) -> None:
        he = t.hours_exception
        self.conn.execute(delete(he).where(he.c.id == exception_id))

    def busy(self, practitioner_refs: Iterable[str], start: datetime.datetime,
             end: datetime.datetime) -> dict[str, list[Interval]]:  # fmt: skip
        """The times the practitioners' appointments that start in [start, end) take, not
        cancelled ones, by practitioner: one query on (practitioner, start), nothing else of
        the appointments read."""
        a, pr = t.appointment, t.practitioner
        query = (
            select(pr.c.ref, a.c.start_at, a.c.end_at)
            .join(pr, pr.c.id == a.c.practitioner_id)
            .where(pr.c.ref.in_(list(practitioner_refs)), a.c.start_at >= start,
                   a.c.start_at < end, a.c.status != AppointmentStatus.CANCELLED.value)
            .order_by(a.c.start_at, a.c.id)
        )  # fmt: skip
        found: dict[str, list[Interval]] = defaultdict(list)
        for ref, begins, ends in self.conn.execute(query):
            found[ref].append((begins, ends))
        return found

    # -- services ------------------------------------------------------------------------
    def services(self, refs: Iterable[str] | None = None) -> list[Service]:
        s = t.bookable_service
        query = select(s).order_by(s.c.ref)
        if refs is not None:
            query = query.where(s.c.ref.in_(list(refs)))
        rows = list(self.conn.execute(query))
        givers, clients = self._links([r.id for r in rows])
        return [
            Service(
                r.ref,
                r.name,
                r.duration_minutes,
                r.tariff_code,
                r.price,
                frozenset(givers[r.id]),
                frozenset(clients[r.id]),
                bool(r.active),
                r.id,
                r.version,
            )
            for r in rows
        ]

    def _links(self, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        sp, sc, pr, bc = t.service_practitioner, t.service_client, t.practitioner, t.booking_client
        givers: dict[int, list[str]] = defaultdict(list)
        clients: dict[int, list[str]] = defaultdict(list)
        q1 = select(sp.c.service_id, pr.c.ref).join(pr, pr.c.id == sp.c.practitioner_id)
        q2 = select(sc.c.service_id, bc.c.ref).join(bc, bc.c.id == sc.c.client_id)
        for sid, ref in self.conn.execute(q1.where(sp.c.service_id.in_(ids))):
            givers[sid].append(ref)
        for sid, ref in self.conn.execute(q2.where(sc.c.service_id.in_(ids))):
            clients[sid].append(ref)
        return givers, clients

    def service(self, ref: str, *, hold: bool = False) -> Service | None:
        s = t.bookable_service
        query = select(s.c.id).where(s.c.ref == ref)
        if self.conn.scalar(query.with_for_update() if hold else query) is None:
            return None
        return self.services([ref])[0]

    def save_service(self, service: Service) -> int:
        """Insert (no id) or replace a service and who gives and may book it."""
        s = t.bookable_service
        row = {"ref": service.ref, "name": service.name, "active": service.active,
               "duration_minutes": service.duration_minutes, "tariff_code": service.tariff_code,
               "price": service.price, "version": service.version}  # fmt: skip
        if service.id is None:
            sid = _new_id(self.conn.execute(insert(s).values(**row)))
        else:
            sid = service.id
            self.conn.execute(update(s).where(s.c.id == sid).values(**row))
        sp, sc = t.service_practitioner, t.service_client
        self.conn.execute(delete(sp).where(sp.c.service_id == sid))
        self.conn.execute(delete(sc).where(sc.c.service_id == sid))
        givers = self._ids(t.practitioner, service.practitioner_refs)
        clients = self._ids(t.booking_client, service.client_refs)
        if givers:
            rows = [{"service_id": sid, "practitioner_id": p} for p in givers.values()]
            self.conn.execute(insert(sp), rows)
        if clients:
            self.conn.execute(insert(sc), [{"service_id": sid, "client_id": c}
                                           for c in clients.values()])  # fmt: skip
        return sid

    # -- bookings ------------------------------------------------------------------------
    def bookings(
        self, *, client_ref: str | None = None, ids: Iterable[int] | None = None,
        practitioner_ref: str | None = None, limit: int | None = None, offset: int = 0,
    ) -> list[Booking]:  # fmt: skip
        b, a = t.booking, t.appointment
        bc, s, pr, pa = t.booking_client, t.bookable_service, t.practitioner, t.patient
        query = (
            select(b, bc.c.ref.label("client_ref"), s.c.ref.label("service_ref"),
                   pr.c.ref.label("practitioner_ref"), pa.c.ref.label("patient_ref"),
                   a.c.ref.label("appointment_ref"), a.c.status.label("appointment_status"))
            .join(bc, bc.c.id == b.c.client_id).join(s, s.c.id == b.c.service_id)
            .join(pr, pr.c.id == b.c.practitioner_id).join(pa, pa.c.id == b.c.patient_id)
            .outerjoin(a, a.c.id == b.c.appointment_id)
        )  # fmt: skip
        if client_ref is not None:
            query = query.where(bc.c.ref == client_ref)
        if ids is not None:
            query = query.where(b.c.id.in_(list(ids)))
        if practitioner_ref is not None:
            query = query.where(pr.c.ref == practitioner_ref)
        query = query.order_by(b.c.start_at, b.c.id).limit(limit).offset(offset)
        return [_booking(r) for r in self.conn.execute(query).mappings()]

    def booking(self, booking_id: int, *, hold: bool = False) -> Booking | None:
        if self._held(t.booking, booking_id, hold) is None:
            return None
        return self.bookings(ids=[booking_id])[0]

    def booking_appointment_id(self, booking_id: int) -> int | None:
        b = t.booking
        return self.conn.scalar(select(b.c.appointment_id).where(b.c.id == booking_id))

    def add_booking(
        self, *, client_ref: str, service_ref: str, practitioner_ref: str, patient_ref: str,
        appointment_id: int, start: datetime.datetime, end: datetime.datetime, case_ref: str,
        named: tuple[str, str, datetime.date], now: datetime.datetime,
    ) -> int:  # fmt: skip
        """*named*: the patient's first and last name and birth date as the insurer sent them."""
        patient = self._ids(t.patient, [patient_ref])[patient_ref]
        row = {
            "client_id": self._ids(t.booking_client, [client_ref])[client_ref],
            "service_id": self._ids(t.bookable_service, [service_ref])[service_ref],
            "practitioner_id": self.practitioner_id(practitioner_ref), "patient_id": patient,
            "appointment_id": appointment_id, "start_at": start, "end_at": end,
            "case_ref": case_ref, "status": ACTIVE, "created_at": now, "updated_at": now,
            "first_name": named[0], "last_name": named[1], "birth_date": named[2],
        }  # fmt: skip
        return _new_id(self.conn.execute(insert(t.booking).values(**row)))

    def change_booking(
        self, booking_id: int, *, now: datetime.datetime, active: bool | None = None,
        practitioner_ref: str | None = None, start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
    ) -> None:  # fmt: skip
        """Change a booking's slot or cancel it; its version goes up by one."""
        b = t.booking
        values: dict[str, Any] = {"updated_at": now, "version": b.c.version + 1}
        if active is not None:
            values["status"] = ACTIVE if active else CANCELLED
        if practitioner_ref is not None:
            values["practitioner_id"] = self.practitioner_id(practitioner_ref)
        if start is not None and end is not None:
            values.update(start_at=start, end_at=end)
        self.conn.execute(update(b).where(b.c.id == booking_id).values(**values))

    def release_slot(self, practitioner_ref: str, start: datetime.datetime) -> None:
        """An active booking of this slot whose appointment the clinic has cancelled or
        deleted no longer holds it (the unique index of active slots would refuse a new one)."""
        b, a = t.booking, t.appointment
        gone = select(a.c.id).where(a.c.status != AppointmentStatus.CANCELLED.value)
        stale = (
            update(b)
            .where(b.c.practitioner_id == self.practitioner_id(practitioner_ref))
            .where(b.c.start_at == start, b.c.status == ACTIVE)
            .where((b.c.appointment_id.is_(None)) | (b.c.appointment_id.not_in(gone)))
            .values(status=CANCELLED, version=b.c.version + 1)
        )
        self.conn.execute(stale)


def _booking(r: Any) -> Booking:
    status = r["appointment_status"]
    return Booking(
        id=r["id"], client_ref=r["client_ref"], service_ref=r["service_ref"],
        practitioner_ref=r["practitioner_ref"], patient_ref=r["patient_ref"],
        start=r["start_at"], end=r["end_at"], case_ref=r["case_ref"],
        active=r["status"] == ACTIVE, version=r["version"], created_at=r["created_at"],
        updated_at=r["updated_at"], appointment_ref=r["appointment_ref"],
        appointment_status=AppointmentStatus(status) if status else None,
        first_name=r["first_name"], last_name=r["last_name"], birth_date=r["birth_date"],
    )  # fmt: skip
