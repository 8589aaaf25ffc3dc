"""working hours, exceptions, bookable services and the insurers' bookings

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

AUTO = {"sqlite_autoincrement": True}
ACTIVE = sa.text("status = 'active'")
# NOK amounts: exact NUMERIC, and exact decimal text on SQLite (see tables.Money)
MONEY = sa.Numeric(12, 2).with_variant(sa.String(20), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.Integer(), server_default="1", nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str | None = None
        ) -> sa.ForeignKeyConstraint:  # fmt: skip
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "working_hours",
        _id(),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        _version(),
        _fk("working_hours", "practitioner_id", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_hours")),
        **AUTO,
    )
    op.create_index(
        "ix_working_hours_practitioner_id", "working_hours", ["practitioner_id"], unique=False
    )
    op.create_table(
        "hours_exception",
        _id(),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        _version(),
        _fk("hours_exception", "practitioner_id", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_exception")),
        **AUTO,
    )
    op.create_index("ix_hours_exception_practitioner_id_day", "hours_exception",
                    ["practitioner_id", "day"], unique=False)  # fmt: skip
    op.create_table(
        "bookable_service",
        _id(),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("tariff_code", sa.String(length=32), nullable=True),
        sa.Column("price", MONEY, nullable=True),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookable_service")),
        sa.UniqueConstraint("ref", name=op.f("uq_bookable_service_ref")),
        **AUTO,
    )
    op.create_table(
        "service_practitioner",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        _fk("service_practitioner", "service_id", "bookable_service", ondelete="CASCADE"),
        _fk("service_practitioner", "practitioner_id", "practitioner"),
        sa.PrimaryKeyConstraint(
            "service_id", "practitioner_id", name=op.f("pk_service_practitioner")
        ),
    )
    op.create_table(
        "service_client",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        _fk("service_client", "service_id", "bookable_service", ondelete="CASCADE"),
        _fk("service_client", "client_id", "booking_client", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "client_id", name=op.f("pk_service_client")),
    )
    op.create_table(
        "booking",
        _id(),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _version(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("booking", "client_id", "booking_client"),
        _fk("booking", "service_id", "bookable_service"),
        _fk("booking", "practitioner_id", "practitioner"),
        _fk("booking", "patient_id", "patient"),
        _fk("booking", "appointment_id", "appointment", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_booking_appointment_id")),
        **AUTO,
    )
    op.create_index("ix_booking_client_id_start_at", "booking", ["client_id", "start_at"],
                    unique=False)  # fmt: skip
    op.create_index("uq_booking_active_slot", "booking", ["practitioner_id", "start_at"],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)  # fmt: skip


def downgrade() -> None:
    for name in ("booking", "service_client", "service_practitioner", "bookable_service",
                 "hours_exception", "working_hours"):  # fmt: skip
        op.drop_table(name)
