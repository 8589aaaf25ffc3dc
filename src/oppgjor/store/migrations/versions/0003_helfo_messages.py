"""helfo messages: sent and received

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sent_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(length=64), nullable=False),
        sa.Column("transport", sa.String(length=32), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlement.id"],
            name=op.f("fk_sent_message_settlement_id_settlement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_message")),
        sa.UniqueConstraint("msg_id", name=op.f("uq_sent_message_msg_id")),
    )
    with op.batch_alter_table("sent_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sent_message_settlement_id"), ["settlement_id"], unique=False
        )
    op.create_table(
        "received_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(length=64), nullable=False),
        sa.Column("original_msg_id", sa.String(length=64), nullable=True),
        sa.Column("settlement_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_message")),
        sa.UniqueConstraint("msg_id", name=op.f("uq_received_message_msg_id")),
    )


def downgrade() -> None:
    op.drop_table("received_message")
    with op.batch_alter_table("sent_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_message_settlement_id"))
    op.drop_table("sent_message")
