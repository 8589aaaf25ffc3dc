"""Control findings keep their structured location in the database (kind, ref, field, row),
also those saved before the columns existed (migration 0004). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

from alembic import command
from alembic.config import Config

from clinic_world import WORLD, _merge, load_world
from oppgjor.app.helfo import settlements as st
from oppgjor.core.findings import INTERNAL, Location
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.store.db import MIGRATIONS

NOW = datetime.datetime(2026, 3, 10, 12, 0)


def controlled(db):
    """A controlled FBV draft whose series lacks a referrer: findings on claims (inside the
    series) and on the settlement."""
    load_world(db, _merge(WORLD, {"series": {"S1": {"referred_from_ref": None}}}), NOW)
    s = st.new(db, SettlementType.FBV, actor="test", now=NOW)
    st.mark(db, s.id, st.Selection(add_all=True), actor="test", now=NOW)
    return st.control(db, s.id, actor="test", now=NOW)


def stored(db, settlement_id):
    with db.transaction() as repos:
        return [(cid, f) for _, cid, f in repos.helfo.settlements.findings(settlement_id)]


def test_a_finding_read_back_has_the_same_structured_location(db):
    report = controlled(db)
    kinds = {f.where.kind for _, f in report.findings}
    assert {"regning", "oppgjør"} <= kinds
    assert stored(db, report.settlement.id) == report.findings
    series = [f for _, f in report.findings if f.code == "SERIES_REFERRER"]
    assert series and all(
        f.where.kind == "regning" and f.where.field == "serie[S1].referred_from_ref" for f in series
    )


def test_every_part_of_a_location_round_trips(db):
    report = controlled(db)
    places = [
        Location("regning", "5", "takst[0]"),
        Location("oppgjør"),
        Location("pasient", "", "ref"),
        Location("pasient", "P1", "id_value", row=7),
        Location(field="innboks/svar.xml"),
    ]
    findings = [(None, INTERNAL("m", where)) for where in places]
    with db.transaction() as repos:
        repos.helfo.settlements.save_findings(report.settlement.id, 1, findings)
    assert [f.where for _, f in stored(db, report.settlement.id)] == places


def _alembic(db, action, revision):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.migrating() as conn:  # SQLite's foreign keys off, as Database.migrate has them
        config.attributes["connection"] = conn
        action(config, revision)


def test_findings_saved_before_0004_get_their_structure_from_the_text(db):
    report = controlled(db)
    _alembic(db, command.downgrade, "0003")
    _alembic(db, command.upgrade, "head")
    assert stored(db, report.settlement.id) == report.findings
