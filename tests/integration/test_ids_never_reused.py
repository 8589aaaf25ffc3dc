"""Ids are never reused (issue 12 §3): on SQLite the tables are AUTOINCREMENT (migration 0006,
which rebuilds them in an existing database keeping every row); PostgreSQL's sequences never
reuse a value."""

import dataclasses
import datetime

from sqlalchemy import delete, func, insert, select, text

from oppgjor.app.clinic import demo
from oppgjor.app.helfo import settlements as st
from oppgjor.store import Database
from oppgjor.store import tables as t
from oppgjor.store.audit import AuditEvent

NOW = datetime.datetime(2026, 9, 15, 12)


def _reinsert_newest(conn, table, dependents=()):
    """Delete the row with the largest id (and rows naming it), insert it again without its
    id: the new id must be above the deleted one."""
    row = dict(conn.execute(select(table).order_by(table.c.id.desc()).limit(1)).mappings().one())
    old = row.pop("id")
    for child, column in dependents:
        conn.execute(delete(child).where(child.c[column] == old))
    conn.execute(delete(table).where(table.c.id == old))
    new = conn.execute(insert(table).values(**row).returning(table.c.id)).scalar_one()
    return old, new


def test_no_table_hands_out_a_deleted_id_again(db):
    demo.seed(db, 3, datetime.date(2026, 8, 1), NOW)
    claim_children = [
        (t.settlement_claim, "claim_id"), (t.claim_outcome, "claim_id"),
        (t.control_finding, "claim_id"), (t.copayment_registration, "claim_id"),
    ]  # fmt: skip
    with db.transaction() as repos:
        repos.audit.add(AuditEvent(NOW, "kari", "patient", "P0001", "reveal"))
        conn = repos.conn
        for table, dependents in (
            (t.audit_event, ()),
            (t.settlement_event, ()),
            (t.claim, claim_children),
        ):
            old, new = _reinsert_newest(conn, table, dependents)
            assert new > old, table.name
        newest = conn.scalar(select(func.max(t.appointment.c.id)))
        for claim_id in conn.scalars(
            select(t.claim.c.id).where(t.claim.c.appointment_id == newest)
        ):
            for child, column in claim_children:
                conn.execute(delete(child).where(child.c[column] == claim_id))
            conn.execute(delete(t.claim).where(t.claim.c.id == claim_id))
        old, new = _reinsert_newest(conn, t.appointment, [(t.appointment_line, "appointment_id")])
        assert new > old


def _alembic(db, target, step):
    from alembic.config import Config

    from oppgjor.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.migrating() as conn:
        config.attributes["connection"] = conn
        step(config, target)


def _counts(db):
    names = ("appointment", "appointment_line", "claim", "settlement", "settlement_claim",
             "settlement_event", "control_finding", "claim_outcome", "audit_event")  # fmt: skip
    with db.engine.connect() as conn:
        return {n: conn.execute(text(f"SELECT count(*) FROM {n}")).scalar() for n in names}


def test_an_existing_0005_sqlite_database_is_upgraded_with_every_row(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = Database(url)
    demo.seed(db, 3, datetime.date(2026, 8, 1), NOW)
    _alembic(db, "0005", command.downgrade)
    with db.engine.begin() as conn:
        assert "AUTOINCREMENT" not in conn.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'settlement'")
        )
        # at 0005: the newest draft deleted, its history kept (the bug's starting point)
        newest = conn.scalar(text("SELECT max(id) FROM settlement"))
        conn.execute(text("DELETE FROM settlement_claim WHERE settlement_id = :i"), {"i": newest})
        conn.execute(text("DELETE FROM settlement WHERE id = :i"), {"i": newest})
    before = _counts(db)
    db.dispose()
    upgraded = Database(url)  # migrates to head
    assert _counts(upgraded) == before
    with upgraded.engine.connect() as conn:
        for name in ("appointment", "claim", "settlement", "settlement_event", "audit_event"):
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name})
            assert "AUTOINCREMENT" in sql, name
        partial = conn.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'uq_claim_live_appointment'")
        )
        assert "WHERE kind = 'claim' AND NOT credited" in partial
        assert conn.execute(text("PRAGMA foreign_key_check")).first() is None
    fresh = st.new(upgraded, st.SettlementType.BKM, actor="kari", now=NOW)
    assert fresh.id > newest
    with upgraded.transaction() as repos:
        assert [e.action for e in repos.helfo.settlements.events(fresh.id)] == ["create"]
    upgraded.dispose()


def test_appointments_added_in_bulk_get_ids_above_every_deleted_one(db):
    """An import gives appointments their ids itself (bulk.insert_with_ids, not SQLite): after
    the newest appointment is deleted, the next one still gets a new id."""
    demo.seed(db, 3, datetime.date(2026, 8, 1), NOW)
    a, line, claim = t.appointment, t.appointment_line, t.claim
    with db.transaction() as repos:
        conn = repos.conn
        claimed = select(claim.c.appointment_id).where(claim.c.appointment_id.is_not(None))
        unclaimed = list(conn.scalars(select(a.c.id).where(a.c.id.not_in(claimed))))
        newest = max(repos.appointments(ids=unclaimed), key=lambda x: x.id or 0)
        assert newest.id == conn.scalar(select(func.max(a.c.id)))  # it is the newest of all
        conn.execute(delete(line).where(line.c.appointment_id == newest.id))
        conn.execute(delete(a).where(a.c.id == newest.id))
        (new_id,) = repos.add_appointments([dataclasses.replace(newest, id=None, ref="NY1")])
        assert new_id > (newest.id or 0)
