"""ids never reused (SQLite AUTOINCREMENT), and the decision on a payout that differs

Revision ID: 0006
Revises: 0005

On SQLite a table whose key is a plain ``INTEGER PRIMARY KEY`` gives a new row the largest
id + 1, so deleting the newest settlement handed its id (and, through ``settlement_event``,
its history) to the next one. ``AUTOINCREMENT`` never reuses an id; SQLite can only set it
when a table is created, so each table is rebuilt here with its rows, ids and indexes (Alembic's
batch "move and copy"; ``Database.migrate`` turns foreign keys off on SQLite while migrating, so
dropping the old table cascades to nothing). PostgreSQL's sequences never reuse a value: there
only the new columns are added.

The settlement gets the approved total its payout was registered against, and what the user
decided about a payout that differs from it (ADR 0017): ``awaiting`` (the rest is still owed by
Helfo) or ``write-off`` with a reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# NOK amounts: exact NUMERIC, and exact decimal text on SQLite (see tables.Money)
MONEY = sa.Numeric(12, 2).with_variant(sa.String(20), "sqlite")

# the tables whose ids name something a user sees or another row points to
REBUILT = ("appointment", "claim", "settlement", "settlement_event", "audit_event")


def _rebuild(name: str, autoincrement: bool) -> None:
    with op.batch_alter_table(
        name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


# ids of settlements deleted before this revision, still named by rows without a foreign key:
# the next settlement starts above them, so no old history is handed on
_SETTLEMENT_IDS = (
    "SELECT settlement_id AS x FROM settlement_event",
    "SELECT settlement_id AS x FROM claim_outcome",
    "SELECT settlement_id AS x FROM received_message",
    "SELECT subject_id AS x FROM outgoing_message WHERE subject_kind = 'settlement'",
    "SELECT id AS x FROM settlement",
)


def _start_settlements_above_used_ids() -> None:
    conn = op.get_bind()
    used = conn.exec_driver_sql(
        "SELECT max(x) FROM (" + " UNION ALL ".join(_SETTLEMENT_IDS) + ")"
    ).scalar()
    if used:
        conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'settlement'")
        conn.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('settlement', ?)", (int(used),)
        )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payout_approved", MONEY, nullable=True))
        batch_op.add_column(sa.Column("payout_decision", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("payout_decision_reason", sa.Text(), nullable=True))
    if sqlite:
        for name in REBUILT:
            _rebuild(name, True)
        _start_settlements_above_used_ids()


def downgrade() -> None:
    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.drop_column("payout_decision_reason")
        batch_op.drop_column("payout_decision")
        batch_op.drop_column("payout_approved")
    if op.get_bind().dialect.name == "sqlite":
        for name in REBUILT:
            _rebuild(name, False)
