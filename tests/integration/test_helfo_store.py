"""Helfo settlements in the database: constraints the database itself enforces, concurrency
(two sessions, one wins), migrations, claim numbers. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest

from clinic_world import WORLD, load_world
from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain.model import SettlementState, SettlementType
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.store import StoreError

NOW = datetime.datetime(2026, 3, 10, 12, 0)


@pytest.fixture
def clinic(db):
    load_world(db, WORLD, NOW)
    return db


def draft(db, type_=SettlementType.FBV):
    s = st.new(db, type_, actor="test", now=NOW)
    return st.mark(db, s.id, st.Selection(add_all=True), actor="test", now=NOW)


def test_a_claim_is_active_in_one_settlement_by_database_constraint(clinic):
    first = draft(clinic)
    second = st.new(clinic, SettlementType.FBV, actor="test", now=NOW)
    claim_ids = [c.id for c in st.claims_in(clinic, first.id)]
    with pytest.raises(StoreError), clinic.transaction() as repos:
        repos.helfo.settlements.add_members(second.id, claim_ids[:1], NOW)  # bypassing the use case
    assert st.claims_in(clinic, second.id) == []


def test_claim_numbers_ascend_by_treatment_time_and_are_unique(clinic):
    waiting = st.waiting(clinic, now=NOW)
    numbers = [c.number for c in sorted(waiting, key=lambda c: c.content.service_time)]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers) == 3
    assert len({c.guid for c in waiting}) == 3
    assert st.waiting(clinic, now=NOW) == waiting  # assigned once


def test_two_sessions_on_one_settlement_exactly_one_wins(clinic):
    s = draft(clinic)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def act(name: str, day: datetime.date) -> None:
        barrier.wait()
        try:
            outcome[name] = st.change_date(
                clinic, s.id, day, expected=s.version, actor=name, now=NOW
            )
        except (Conflict, StoreError) as exc:
            outcome[name] = exc

    days = {"anna": datetime.date(2026, 3, 15), "bo": datetime.date(2026, 3, 31)}
    threads = [threading.Thread(target=act, args=item) for item in days.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, r in outcome.items() if not isinstance(r, Exception)]
    losers = [r for r in outcome.values() if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], Conflict) and "endret av noen andre" in str(losers[0])
    with clinic.transaction() as repos:
        final = repos.helfo.settlements.get(s.id)
        events = [e for e in repos.helfo.settlements.events(s.id) if e.detail.startswith("dato")]
    assert final.date == days[winners[0]] and final.version == s.version + 1
    assert [e.actor for e in events] == winners


def test_a_failed_action_writes_nothing(clinic):
    s = draft(clinic)
    with pytest.raises(UseCaseError, match="ikke kontrollert"):
        st.submit(clinic, s.id, actor="test", now=NOW)
    st.control(clinic, s.id, actor="test", now=NOW)
    with pytest.raises(Conflict):
        st.mark(clinic, s.id, st.Selection(remove_all=True), expected=1, actor="x", now=NOW)
    with clinic.transaction() as repos:
        again = repos.helfo.settlements.get(s.id)
    assert again.count == 2 and again.total == Decimal("5700.00")
    assert again.state is SettlementState.DRAFT and again.control_version == again.version


def test_correction_keeps_history_of_the_sent_settlement(clinic):
    s = draft(clinic)
    st.control(clinic, s.id, actor="t", now=NOW)
    st.submit(clinic, s.id, actor="t", now=NOW)
    st.send(clinic, s.id, ManualTransport("M1"), actor="t", now=NOW)
    sent = st.claims_in(clinic, s.id)
    st.receipt(clinic, s.id, {sent[0].number: ("07", "x")}, actor="t", now=NOW)
    old, new = st.correct_rejected(clinic, s.id, actor="t", now=NOW)
    assert old.count == 1 and old.sent_count == 2 and old.sent_total == Decimal("5700.00")
    moved = st.claims_in(clinic, new.id)
    assert [(c.number, c.guid) for c in moved] == [(sent[0].number, sent[0].guid)]
    assert new.corrects_id == s.id


def test_two_sessions_sending_at_once_send_once(clinic):
    s = draft(clinic)
    st.control(clinic, s.id, actor="t", now=NOW)
    s = st.submit(clinic, s.id, actor="t", now=NOW)
    barrier = threading.Barrier(2)
    sent: list[str] = []
    outcome: dict[str, object] = {}

    class Slow:
        name = "test"

        def send(self, sub):
            sent.append(sub.settlement.id)
            return ManualTransport(f"M-{len(sent)}").send(sub)

    def act(name: str) -> None:
        barrier.wait()
        try:
            outcome[name] = st.send(clinic, s.id, Slow(), expected=s.version, actor=name, now=NOW)
        except (Conflict, StoreError) as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=act, args=(n,)) for n in ("anna", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(not isinstance(r, Exception) for r in outcome.values()) == 1
    assert len(sent) == 1  # the loser never reached the transport
