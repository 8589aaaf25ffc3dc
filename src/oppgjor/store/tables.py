"""Table definitions. Alembic migrations under ``migrations/versions`` create them; a test
checks that the migrations and these definitions agree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Money(TypeDecorator[Decimal]):
    """NOK amounts: NUMERIC(12, 2) where the database has exact decimals; on SQLite, which
    has none, the exact decimal text, so an amount never passes through float."""

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(20))
        return dialect.type_descriptor(Numeric(12, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


MONEY = Money()

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

# -- Helfo direct settlement ---------------------------------------------------------------

counter = Table(
    "counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

claim = Table(
    "claim",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False),
    Column("guid", String(40), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("appointment_id", ForeignKey("appointment.id")),
    Column("appointment_ref", String(64)),
    Column("credit_of", ForeignKey("claim.id")),
    Column("type", String(20), nullable=False),
    Column("patient_ref", String(32), nullable=False),
    Column("practitioner_ref", String(32), nullable=False),
    Column("series_ref", String(32)),
    Column("service_time", DateTime, nullable=False),
    Column("lines_json", Text, nullable=False),
    Column("diagnosis_system", String(8)),
    Column("diagnosis_code", String(16)),
    Column("referral_date", Date),
    Column("referrer_ref", String(32)),
    Column("copayment_reason", String(2)),
    Column("refund", MONEY, nullable=False),
    Column("copayment", MONEY, nullable=False),
    Column("frozen", Boolean, nullable=False, default=False),
    Column("outcome", String(10)),
    Column("outcome_code", String(16)),
    Column("outcome_text", Text),
    Column("credited", Boolean, nullable=False, default=False),
    Column("copayment_paid", Boolean, nullable=False, default=False),
    Column("sent_on", Date),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("number", "kind"),
    UniqueConstraint("guid", "kind"),
    Index("ix_claim_patient_service", "patient_ref", "service_time"),
    Index("ix_claim_appointment", "appointment_id"),
    # an appointment yields one live claim; a credited one may be followed by a new one
    Index(
        "uq_claim_live_appointment",
        "appointment_id",
        unique=True,
        sqlite_where=text("kind = 'claim' AND NOT credited"),
        postgresql_where=text("kind = 'claim' AND NOT credited"),
    ),
)

settlement = Table(
    "settlement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(20), nullable=False),
    Column("date", Date, nullable=False),
    Column("state", String(12), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("count", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("sent_at", DateTime),
    Column("sent_total", MONEY),
    Column("sent_count", Integer),
    Column("transport", String(32)),
    Column("transport_ref", String(200)),
    Column("payout_amount", MONEY),
    Column("payout_date", Date),
    Column("booked_at", DateTime),
    Column("control_version", Integer),
    Column("control_key", String(64)),
    Column("control_blocking", Integer),
    Column("corrects_id", ForeignKey("settlement.id", ondelete="SET NULL")),
)

# which claims a settlement holds; a claim is active in at most one settlement (the index)
settlement_claim = Table(
    "settlement_claim",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="CASCADE"), nullable=False),
    Column("claim_id", ForeignKey("claim.id"), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("removed_at", DateTime),
    Column("removed_reason", String(200)),
    Index("ix_settlement_claim_settlement", "settlement_id"),
    Index("ix_settlement_claim_claim", "claim_id"),
    Index(
        "uq_settlement_claim_active_claim",
        "claim_id",
        unique=True,
        sqlite_where=text("active"),
        postgresql_where=text("active"),
    ),
)

# the audit trail: kept when a draft is deleted, so no foreign key
settlement_event = Table(
    "settlement_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", Integer, nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("before", String(12)),
    Column("after", String(12)),
    Column("detail", Text, nullable=False),
)

control_finding = Table(
    "control_finding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("claim_id", ForeignKey("claim.id")),
    Column("code", String(48), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("location", String(200), nullable=False),  # as rendered, for people reading SQL
    Column("location_kind", String(20), nullable=False),  # core.findings.Location, structured
    Column("location_ref", String(64)),
    Column("location_field", String(200), nullable=False),
    Column("location_row", Integer),
    Column("link", String(100), nullable=False),
    Column("rule", String(100), nullable=False),
    Index("ix_control_finding_settlement_version", "settlement_id", "version"),
)

copayment_registration = Table(
    "copayment_registration",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", ForeignKey("claim.id"), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("correction", Boolean, nullable=False),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="SET NULL")),
    Column("created_at", DateTime, nullable=False),
)

# every answer Helfo gave on a claim (a corrected claim keeps its earlier rejections)
claim_outcome = Table(
    "claim_outcome",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", ForeignKey("claim.id"), nullable=False, index=True),
    Column("settlement_id", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("code", String(16)),
    Column("text", Text),
    Column("at", DateTime, nullable=False),
)

# every message sent for a settlement (a resend is a new message id; late receipts still match)
sent_message = Table(
    "sent_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id"), nullable=False, index=True),
    Column("msg_id", String(64), nullable=False, unique=True),
    Column("transport", String(32), nullable=False),
    Column("location", Text, nullable=False),
    Column("sent_at", DateTime, nullable=False),
)

# every receipt read, applied or not: a receipt is never applied twice
received_message = Table(
    "received_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("msg_id", String(64), nullable=False, unique=True),
    Column("original_msg_id", String(64)),
    Column("settlement_id", Integer),
    Column("status", String(8), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("received_at", DateTime, nullable=False),
)
