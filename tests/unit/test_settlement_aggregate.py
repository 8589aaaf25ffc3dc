"""The settlement aggregate's rules, and its use cases on an in-memory unit of work: no
database anywhere in this file."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from fake_uow import FakeUnitOfWork
from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.helfo.domain import answers as after_sending
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import (
    Claim,
    ClaimContent,
    ClaimKind,
    ClaimLine,
    Event,
    Outcome,
    Settlement,
    SettlementState,
    SettlementType,
)
from oppgjor.helfo.domain.workflow import InvalidTransition

NOW = datetime.datetime(2026, 10, 1, 12)


def claim(number: int, refund: str) -> Claim:
    content = ClaimContent(
        SettlementType.FBV, "P1", "B1", None, datetime.datetime(2026, 9, 2, 9),
        (ClaimLine("FBV01", 1, Decimal(refund), Decimal(refund), Decimal(0)),),
        None, None, None, None, None, Decimal(refund), Decimal("0.00"),
    )  # fmt: skip
    return Claim(number - 1041, number, f"guid-{number}", ClaimKind.CLAIM, f"A{number}", content)


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


def test_receipt_correction_and_payout_on_the_fake():
    uow = FakeUnitOfWork()
    claims = [claim(1042, "212.00"), claim(1043, "300.00"), claim(1044, "100.00")]
    sent = uow.sent_settlement(claims, NOW)
    s = st.receipt(uow, sent.id, {1043: ("07", "Feil i henvisning")}, actor="helfo", now=NOW)
    assert s.state is SettlementState.RECEIPTED
    # the payout decision names 1044 rejected too: it is moved with 1043, same number and guid
    old, fix = st.correct_rejected(uow, sent.id, [1043, 1044], actor="ola", now=NOW)
    assert (old.total, old.count) == (Decimal("212.00"), 1)
    assert (fix.state, fix.total, fix.count, fix.corrects_id) == (
        SettlementState.DRAFT, Decimal("400.00"), 2, sent.id,
    )  # fmt: skip
    moved = uow.claims.find(settlement_id=fix.id)
    assert [(c.number, c.guid) for c in moved] == [(1043, "guid-1043"), (1044, "guid-1044")]
    assert uow.claims.answers == [
        (1, Outcome.ACCEPTED, None, None),
        (2, Outcome.REJECTED, "07", "Feil i henvisning"),
        (3, Outcome.ACCEPTED, None, None),
        (3, Outcome.REJECTED, "MANUELL", "Avvist i utbetalingsvedtaket"),  # only 1044 is new
    ]
    paid = st.pay(uow, sent.id, Decimal("200"), NOW.date(), actor="ola", now=NOW)
    assert "avvik" in uow.settlements.events[-1].detail and paid.state is SettlementState.PAID
    with pytest.raises(Conflict, match="Kan ikke registrere utbetaling"):
        st.pay(uow, fix.id, Decimal("1"), NOW.date(), actor="ola", now=NOW)
    assert uow.settlements.get(fix.id) == fix  # the refused payout changed nothing
