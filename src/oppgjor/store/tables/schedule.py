"""Working hours, their exceptions, bookable services and the insurers' bookings (issue 13).

A booking is a planner appointment an insurer's system made; the partial unique index on
(practitioner, start) of the active bookings makes a double booking impossible even if the
overlap check were skipped (two insurers racing for one slot: one of them gets it)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Time,
    text,
)

from oppgjor.store.tables.base import MONEY, metadata

# a practitioner's weekly pattern: weekday 0 (Monday) … 6, from–to, valid from (to) a date
working_hours = Table(
    "working_hours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("practitioner_id", ForeignKey("practitioner.id"), nullable=False, index=True),
    Column("weekday", Integer, nullable=False),
    Column("start_time", Time, nullable=False),
    Column("end_time", Time, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("version", Integer, nullable=False, server_default="1"),
    sqlite_autoincrement=True,
)

# one date with other hours (start and end) or closed (neither)
hours_exception = Table(
    "hours_exception",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("practitioner_id", ForeignKey("practitioner.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("start_time", Time),
    Column("end_time", Time),
    Column("note", String(200), nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Index("ix_hours_exception_practitioner_id_day", "practitioner_id", "day"),
    sqlite_autoincrement=True,
)

# a treatment an insurer may book: its length and the tariff code or price it carries
bookable_service = Table(
    "bookable_service",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("tariff_code", String(32)),
    Column("price", MONEY),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("version", Integer, nullable=False, server_default="1"),
    sqlite_autoincrement=True,
)

# who gives a service, and which booking clients may book it
service_practitioner = Table(
    "service_practitioner",
    metadata,
    Column("service_id", ForeignKey("bookable_service.id", ondelete="CASCADE"), primary_key=True),
    Column("practitioner_id", ForeignKey("practitioner.id"), primary_key=True),
)

service_client = Table(
    "service_client",
    metadata,
    Column("service_id", ForeignKey("bookable_service.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", ForeignKey("booking_client.id", ondelete="CASCADE"), primary_key=True),
)

# an insurer's booking: the appointment it made (SET NULL if the clinic deletes it), the
# insurer's case reference (SakID), active or cancelled; version for If-Match
booking = Table(
    "booking",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("booking_client.id"), nullable=False),
    Column("service_id", ForeignKey("bookable_service.id"), nullable=False),
    Column("practitioner_id", ForeignKey("practitioner.id"), nullable=False),
    Column("patient_id", ForeignKey("patient.id"), nullable=False),
    Column("appointment_id", ForeignKey("appointment.id", ondelete="SET NULL"), unique=True),
    Column("start_at", DateTime, nullable=False),
    Column("end_at", DateTime, nullable=False),
    Column("case_ref", String(32), nullable=False),
    # the patient as the insurer named them (shown back to it, never the clinic's record)
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("status", String(16), nullable=False),  # active, cancelled
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_booking_client_id_start_at", "client_id", "start_at"),
    Index(
        "uq_booking_active_slot",
        "practitioner_id",
        "start_at",
        unique=True,
        sqlite_where=text("status = 'active'"),
        postgresql_where=text("status = 'active'"),
    ),
    sqlite_autoincrement=True,
)
