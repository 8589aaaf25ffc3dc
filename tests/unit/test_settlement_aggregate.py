"""The settlement aggregate's rules, and its use cases on an in-memory unit of work: no
database anywhere in this file."""

from __future__ import annotations

import dataclasses
import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest

from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain import answers as after_sending
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import Event, Settlement, SettlementState, SettlementType
from oppgjor.helfo.domain.workflow import InvalidTransition

NOW = datetime.datetime(2026, 10, 1, 12)


def a_draft(**changes: object) -> Settlement:
    s = aggregate.draft(SettlementType.FBV, NOW.date(), actor="kari", now=NOW).after
    return dataclasses.replace(s, id=7, **changes)  # type: ignore[arg-type]


def test_a_change_bumps_the_version_and_says_what_changed():
    s = a_draft()
    change = aggregate.change_date(s, datetime.date(2026, 10, 5), expected=1, actor="ola", now=NOW)
    assert (change.after.version, change.after.date) == (2, datetime.date(2026, 10, 5))
    assert change.event == Event(
        7, NOW, "ola", "edit", "draft", "draft", "dato 01.10.2026 -> 05.10.2026"
    )


def test_a_stale_version_is_refused():
    with pytest.raises(aggregate.StaleVersion, match="endret av noen andre"):
        aggregate.change_date(a_draft(version=3), NOW.date(), expected=2, actor="ola", now=NOW)


def test_an_action_the_state_does_not_allow_is_refused():
    with pytest.raises(InvalidTransition, match="Kan ikke registrere utbetaling"):
        after_sending.pay(a_draft(), Decimal(1), NOW.date(), Decimal(1), reference="",
                      expected=None, actor="ola", now=NOW)  # fmt: skip


def submitted(**changes: object) -> dict[str, object]:
    return {"expected": None, "blocking": 0, "claims": 1, "registrations": 0, "actor": "ola",
            "now": NOW, **changes}  # fmt: skip


def test_submit_needs_a_control_at_this_version_on_unchanged_content():
    with pytest.raises(aggregate.NotReady, match="ikke kontrollert i denne versjonen"):
        aggregate.submit(a_draft(), current_key="k", **submitted())  # type: ignore[arg-type]
    controlled = a_draft(version=2, control_version=2, control_key="k")
    with pytest.raises(aggregate.NotReady, match="endret etter kontrollen"):
        aggregate.submit(controlled, current_key="other", **submitted())  # type: ignore[arg-type]
    with pytest.raises(aggregate.BlockingFindings, match="2 blokkerende funn"):
        aggregate.submit(controlled, current_key="k", **submitted(blocking=2))  # type: ignore[arg-type]
    change = aggregate.submit(controlled, current_key="k", **submitted())  # type: ignore[arg-type]
    assert change.after.state is SettlementState.SUBMITTED
    assert change.after.version == 3


def test_a_payout_that_differs_from_the_approved_total_is_recorded_with_the_difference():
    s = a_draft(state=SettlementState.RECEIPTED)
    change = after_sending.pay(s, Decimal("900"), NOW.date(), Decimal("1000.50"), reference="KID 1",
                           expected=None, actor="ola", now=NOW)  # fmt: skip
    assert change.after.payout_amount == Decimal("900.00")
    assert "avvik" in change.event.detail and "KID 1" in change.event.detail
    same = after_sending.pay(s, Decimal("1000.50"), NOW.date(), Decimal("1000.50"), reference="",
                         expected=None, actor="ola", now=NOW)  # fmt: skip
    assert "avvik" not in same.event.detail


def test_correcting_needs_rejected_claims_and_records_the_manual_rejections():
    s = a_draft(state=SettlementState.SENT)
    with pytest.raises(aggregate.NotReady, match="ingen avviste regninger"):
        after_sending.to_correct(s, [], None, expected=None)
    with pytest.raises(aggregate.NotReady, match="Regning 1042 er ikke i oppgjør 7"):
        after_sending.to_correct(s, [], [1042], expected=None)
    with pytest.raises(aggregate.NotReady, match="Regning 9 er ikke i oppgjør 7"):
        after_sending.outcomes([], {9: ("07", "Feil")}, None, 7)


def test_deleting_a_draft_leaves_no_settlement_and_an_event():
    change = aggregate.delete(a_draft(), expected=1, actor="ola", now=NOW)
    assert change.settlement is None
    assert (change.event.action, change.event.before, change.event.after) == (
        "delete", "draft", None,
    )  # fmt: skip


# -- the use cases on a fake unit of work ------------------------------------------------------


class FakeSettlements:
    def __init__(self) -> None:
        self.rows: dict[int, Settlement] = {}
        self.events: list[Event] = []

    def add(self, s: Settlement) -> Settlement:
        stored = dataclasses.replace(s, id=len(self.rows) + 1)
        self.rows[stored.id] = stored
        return stored

    def get(self, settlement_id: int) -> Settlement | None:
        return self.rows.get(settlement_id)

    def save(self, s: Settlement, expected_version: int) -> bool:
        if self.rows[s.id].version != expected_version:
            return False
        self.rows[s.id] = s
        return True

    def remove(self, s: Settlement) -> bool:
        return self.rows.pop(s.id, None) is not None

    def add_event(self, event: Event) -> None:
        self.events.append(event)


class FakeUnitOfWork:
    """A transaction that commits the dicts only when the block ends without an error."""

    def __init__(self) -> None:
        self.settlements = FakeSettlements()

    @property
    def helfo(self) -> FakeUnitOfWork:
        return self

    @contextmanager
    def transaction(self):  # type: ignore[no-untyped-def]
        rows, events = dict(self.settlements.rows), list(self.settlements.events)
        try:
            yield self
        except BaseException:
            self.settlements.rows, self.settlements.events = rows, events
            raise


def test_use_cases_load_ask_and_save_without_a_database():
    uow = FakeUnitOfWork()
    s = uow.settlements.add(a_draft())
    moved = st.change_date(uow, s.id, datetime.date(2026, 10, 9), expected=1, actor="ola", now=NOW)
    assert uow.settlements.get(s.id) == moved and moved.version == 2
    with pytest.raises(Conflict, match="endret av noen andre"):
        st.change_date(uow, s.id, NOW.date(), expected=1, actor="kari", now=NOW)
    assert uow.settlements.get(s.id) == moved  # nothing written
    st.delete(uow, s.id, expected=2, actor="ola", now=NOW)
    assert uow.settlements.get(s.id) is None
    assert [e.action for e in uow.settlements.events] == ["edit", "delete"]
    with pytest.raises(UseCaseError, match="finnes ikke"):
        st.delete(uow, s.id, actor="ola", now=NOW)
