"""The start page's figures, counted and summed by the database (never by loading every
claim): what waits for the settlement office."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Numeric, Select, and_, case, cast, func, not_, or_, select

from oppgjor.helfo.domain.model import ClaimKind, Outcome, SettlementState
from oppgjor.store import tables as t

_ANSWERED = (SettlementState.RECEIPTED.value, SettlementState.PAID.value)


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _day(value: Any) -> datetime.date:
    """A service time as its date (SQLite's MIN/MAX of a DateTime is its text)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def _with_settlement(*columns: Any, outer: bool) -> Select[Any]:
    """Claims with the settlement each is active in (``outer``: also those in none)."""
    c, sc, s = t.claim, t.settlement_claim, t.settlement
    joined = c.outerjoin if outer else c.join
    on_claim = joined(sc, and_(sc.c.claim_id == c.c.id, sc.c.active))
    return select(*columns).select_from(
        on_claim.outerjoin(s, s.c.id == sc.c.settlement_id)
        if outer
        else on_claim.join(s, s.c.id == sc.c.settlement_id)
    )


class DashboardQueries:
    """Counts over the Helfo tables of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def periods(
        self, states: list[SettlementState]
    ) -> dict[int, tuple[datetime.date, datetime.date]]:
        """Per settlement in *states*: the first and last service date of its claims."""
        c, s, sc = t.claim, t.settlement, t.settlement_claim
        query = (
            _with_settlement(sc.c.settlement_id, func.min(c.c.service_time),
                             func.max(c.c.service_time), outer=False)
            .where(s.c.state.in_([x.value for x in states]))
            .group_by(sc.c.settlement_id)
        )  # fmt: skip
        return {sid: (_day(first), _day(last)) for sid, first, last in self.conn.execute(query)}

    def expiring(self, served_before: datetime.date, practitioner_ref: str | None) -> int:
        """Claims not yet submitted (in no settlement, or in a draft), not credited and not
        accepted, treated before *served_before*."""
        c, s = t.claim, t.settlement
        query = _with_settlement(func.count(), outer=True).where(
            c.c.kind == ClaimKind.CLAIM.value,
            not_(c.c.credited),
            or_(c.c.outcome.is_(None), c.c.outcome != Outcome.ACCEPTED.value),
            or_(s.c.id.is_(None), s.c.state == SettlementState.DRAFT.value),
            c.c.service_time < datetime.datetime.combine(served_before, datetime.time()),
        )
        if practitioner_ref is not None:
            query = query.where(c.c.practitioner_ref == practitioner_ref)
        return int(self.conn.scalar(query) or 0)

    def overdue_registrations(
        self, paid_before: datetime.date, practitioner_ref: str | None
    ) -> int:
        """Co-payments paid before *paid_before* and not yet reported to Helfo."""
        r, c = t.copayment_registration, t.claim
        query = (
            select(func.count())
            .select_from(r)
            .join(c, c.c.id == r.c.claim_id)
            .where(r.c.settlement_id.is_(None), r.c.paid_on < paid_before)
        )
        if practitioner_ref is not None:
            query = query.where(c.c.practitioner_ref == practitioner_ref)
        return int(self.conn.scalar(query) or 0)

    def rejected_waiting(self) -> dict[int, int]:
        """Settlement id → claims Helfo rejected that are not sent again: still in the
        answered settlement, or in the draft made to correct them (until it is submitted)."""
        c, s = t.claim, t.settlement
        in_answered = and_(c.c.outcome == Outcome.REJECTED.value, s.c.state.in_(_ANSWERED))
        in_correction = and_(s.c.state == SettlementState.DRAFT.value, s.c.corrects_id.isnot(None))
        query = (
            _with_settlement(s.c.id, func.count(), outer=False)
            .where(not_(c.c.credited), or_(in_answered, in_correction))
            .group_by(s.c.id)
            .order_by(s.c.id)
        )
        return {int(sid): int(n) for sid, n in self.conn.execute(query)}

    def settlements_in(self, state: SettlementState) -> list[int]:
        s = t.settlement
        query = select(s.c.id).where(s.c.state == state.value).order_by(s.c.id)
        return [int(x) for x in self.conn.scalars(query)]

    def differing_payouts(self) -> list[int]:
        """Paid settlements whose payout is not what Helfo approved (not yet decided)."""
        s = t.settlement
        paid, approved = (
            cast(s.c.payout_amount, Numeric(12, 2)),
            cast(s.c.payout_approved, Numeric(12, 2)),
        )
        query = (
            select(s.c.id)
            .where(
                s.c.state == SettlementState.PAID.value,
                s.c.payout_amount.is_not(None),
                s.c.payout_approved.is_not(None),
                paid != approved,
            )
            .order_by(s.c.id)
        )
        return [int(x) for x in self.conn.scalars(query)]

    def approved_by_day(self, since: datetime.date) -> list[tuple[datetime.date, Decimal]]:
        """What Helfo approved (accepted claims, credits negative) by the day they were sent."""
        c = t.claim
        refund = cast(c.c.refund, Numeric(12, 2))
        signed = case((c.c.kind == ClaimKind.CREDIT.value, -refund), else_=refund)
        query = (
            select(c.c.sent_on, func.sum(signed))
            .where(c.c.outcome == Outcome.ACCEPTED.value, c.c.sent_on >= since)
            .group_by(c.c.sent_on)
        )
        return [(day, _money(total)) for day, total in self.conn.execute(query)]

    def paid_by_day(self, since: datetime.date) -> list[tuple[datetime.date, Decimal]]:
        """Payouts registered, by their payout date."""
        s = t.settlement
        query = (
            select(s.c.payout_date, func.sum(cast(s.c.payout_amount, Numeric(12, 2))))
            .where(s.c.payout_date.is_not(None), s.c.payout_date >= since)
            .group_by(s.c.payout_date)
        )
        return [(day, _money(total)) for day, total in self.conn.execute(query)]
