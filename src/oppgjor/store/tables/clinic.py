"""The clinic's records: settings, practice, departments, practitioners, patients, referrers,
tariffs, series, templates and appointments."""

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
    Text,
    UniqueConstraint,
)

from oppgjor.store.tables.base import MONEY, metadata

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

practice = Table(
    "practice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("org_nr", String(9), nullable=False),
    Column("her_id", String(9)),
    Column("resh_id", String(9)),
    Column("account_number", String(11)),
    Column("practice_type", String(8)),
    Column("helfo_practice_id", String(32)),
    Column("contact_email", String(200)),
)

department = Table(
    "department",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_nr", String(9)),
    Column("her_id", String(9)),
    Column("resh_id", String(9)),
    Column("reports_npr_bkm", Boolean, nullable=False, default=False),
    Column("contact_email", String(200)),
)

practitioner = Table(
    "practitioner",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("profession", String(8), nullable=False),
    Column("hpr_number", String(9)),
    Column("modules", String(200), nullable=False, default=""),
    Column("department_id", ForeignKey("department.id")),
    Column("active", Boolean, nullable=False, default=True),
)

patient = Table(
    "patient",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("id_type", String(8), nullable=False),
    Column("id_value", String(64), nullable=False),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("birth_date", Date),
    Column("sex", String(1)),
    Column("nationality", String(3)),
    UniqueConstraint("id_type", "id_value"),
)

referrer = Table(
    "referrer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("org_nr", String(9)),
    Column("hpr_number", String(9)),
    Column("her_id", String(9)),
    Column("category", String(100)),
)

tariff = Table(
    "tariff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False),
    Column("specialty", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("fee", MONEY, nullable=False),
    Column("refund", MONEY, nullable=False),
    Column("copayment", MONEY, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("max_per_patient_day", Integer),
    Column("source", Text, nullable=False, default=""),
    Column("imported_at", DateTime, nullable=False),
    UniqueConstraint("code", "specialty", "valid_from"),
)

treatment_series = Table(
    "treatment_series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("patient_id", ForeignKey("patient.id"), nullable=False, index=True),
    Column("department_id", ForeignKey("department.id")),
    Column("practitioner_id", ForeignKey("practitioner.id")),
    Column("title", String(200)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("referral_date", Date),
    Column("referred_from_id", ForeignKey("referrer.id")),
    Column("referrer_category", String(100)),
    Column("diagnosis_system", String(8)),
    Column("diagnosis_code", String(16)),
    Column("stay_type", String(2)),
    Column("npr_debtor", String(4)),
    Column("npr_specialty", String(4)),
    Column("fbv", Boolean),
    Column("fbv_tariff", String(32)),
    Column("rights_assessment_date", Date),
    Column("assessed_by_id", ForeignKey("referrer.id")),
    Column("refund_type", String(2)),
)

series_template = Table(
    "series_template",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("values_json", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

appointment = Table(
    "appointment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(64), unique=True),
    Column("practitioner_id", ForeignKey("practitioner.id"), nullable=False),
    Column("patient_id", ForeignKey("patient.id"), nullable=False),
    Column("series_id", ForeignKey("treatment_series.id"), index=True),
    Column("start_at", DateTime, nullable=False),
    Column("end_at", DateTime, nullable=False),
    Column("refund_type", String(2)),
    Column("status", String(16), nullable=False),
    Index("ix_appointment_patient_start", "patient_id", "start_at"),
    Index("ix_appointment_practitioner_start", "practitioner_id", "start_at"),
    sqlite_autoincrement=True,  # ids are never reused (migration 0006)
)

appointment_line = Table(
    "appointment_line",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("appointment_id", ForeignKey("appointment.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("code", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Index("ix_appointment_line_appointment", "appointment_id"),
)
