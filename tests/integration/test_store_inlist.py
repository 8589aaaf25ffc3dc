"""Filtering on many values (store.inlist): one array parameter on PostgreSQL, IN lists in
chunks on SQLite. Whichever is used, the repositories return what one plain IN list returns.
Runs on SQLite and PostgreSQL; CHUNK is made tiny so that SQLite splits the small clinic's
lists into several statements. Rows read this way come back whole."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from sqlalchemy import select

from clinic_world import WORLD, load_world
from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus, TariffLine
from oppgjor.helfo.domain.model import SettlementType
from oppgjor.store import inlist
from oppgjor.store import tables as t

NOW = datetime.datetime(2026, 3, 10, 12, 0)


@pytest.fixture
def clinic(db, monkeypatch):
    monkeypatch.setattr(inlist, "CHUNK", 2)
    load_world(db, WORLD, NOW)
    st.waiting(db, now=NOW)  # the attended appointments become claims
    return db


def test_one_of_matches_what_one_in_list_matches(clinic):
    a = t.appointment
    with clinic.transaction() as repos:
        conn = repos.conn
        ids = list(conn.scalars(select(a.c.id)))
        for column, values in (
            (a.c.id, [*ids, ids[0], -1]),  # one listed twice, one that does not exist
            (a.c.ref, ["A3", "nope", "A1", "A3"]),
        ):
            plain = sorted(conn.scalars(select(a.c.id).where(column.in_(values))))
            conditions = inlist.one_of(conn, column, values)
            found = [x for c in conditions for x in conn.scalars(select(a.c.id).where(c))]
            assert sorted(found) == plain  # and each row once
            distinct = len(set(values))
            assert len(conditions) == (1 if clinic.dialect == "postgresql" else -(-distinct // 2))
        assert inlist.one_of(conn, a.c.id, []) == []


def test_any_number_of_values_is_one_query_on_postgresql_and_works_on_both(clinic, monkeypatch):
    monkeypatch.setattr(inlist, "CHUNK", 5000)  # not 35 000 statements on SQLite
    a = t.appointment
    with clinic.transaction() as repos:
        conn = repos.conn
        ids = list(conn.scalars(select(a.c.id)))
        # more values than PostgreSQL takes as bound parameters in one statement (65 535)
        conditions = inlist.one_of(conn, a.c.id, [*range(-70_000, 0), *ids])
        found = [x for c in conditions for x in conn.scalars(select(a.c.id).where(c))]
    assert sorted(found) == sorted(ids)
    assert len(conditions) == (1 if clinic.dialect == "postgresql" else 15)


def test_claims_found_by_many_ids_numbers_or_patients_are_those_of_the_whole_list(clinic):
    with clinic.transaction() as repos:
        claims = repos.helfo.claims
        every = claims.find()
        assert len(every) == 3
        assert claims.find(ids=[c.id for c in reversed(every)]) == every
        assert claims.find(numbers=[c.number for c in every] + [999]) == every
        p1 = [c for c in every if c.content.patient_ref == "P1"]
        assert claims.find(patient_refs=["P1", "P9"]) == p1
        assert claims.find(ids=[]) == []


def test_submitting_freezes_every_claim_and_registrations_reach_every_listed_one(clinic):
    s = st.new(clinic, SettlementType.FBV, actor="test", now=NOW)
    s = st.mark(clinic, s.id, st.Selection(add_all=True), actor="test", now=NOW)
    st.control(clinic, s.id, actor="test", now=NOW)
    st.submit(clinic, s.id, actor="test", now=NOW)  # freezes the claims: an update by ids
    with clinic.transaction() as repos:
        claims = repos.helfo.claims
        assert [c.frozen for c in claims.find()] == [True, False, True]  # A1, A3 (BKM), A2
        for c in claims.find():
            claims.add_registration(c.id, NOW.date(), False, NOW)
        regs = claims.registrations(unsent=True)
        claims.attach_registrations([r.id for r in regs[1:]], s.id)
    with clinic.transaction() as repos:
        attached = repos.helfo.claims.registrations(settlement_id=s.id)
        assert [r.id for r in attached] == [r.id for r in regs[1:]]
        assert [r.id for r in repos.helfo.claims.registrations(unsent=True)] == [regs[0].id]


def test_appointments_by_many_ids_come_in_order_of_start_and_obey_the_limit(clinic):
    with clinic.transaction() as repos:
        every = repos.appointments()
        ids = [x.id for x in reversed(every)]
        assert repos.appointments(ids=ids) == every
        assert repos.appointments(ids=ids, limit=2) == every[:2]
        assert repos.appointment_refs(["A1", "A3", "nope", "A1"]) == {"A1", "A3"}


def test_patients_by_many_refs_come_in_order_of_ref(clinic):
    with clinic.transaction() as repos:
        every = repos.patients()
        assert [p.ref for p in every] == ["P1", "P2"]
        assert repos.patients(["P2", "nope", "P1", "P2"]) == every
        assert repos.patients([]) == []


def test_an_appointment_reads_back_with_every_field_it_was_written_with(clinic):
    start = datetime.datetime(2026, 2, 5, 9, 30)
    written = Appointment(
        "B2", "P2", start, start + datetime.timedelta(minutes=50),
        (TariffLine("LE2", 2), TariffLine("LE9")), "1", "S2", AppointmentStatus.NO_SHOW, "A9",
    )  # fmt: skip
    with clinic.transaction() as repos:
        repos.add_appointments([written])
        (read,) = [a for a in repos.appointments() if a.ref == "A9"]
        assert repos.appointments(ids=[read.id]) == [read]
    assert dataclasses.replace(read, id=None) == written
