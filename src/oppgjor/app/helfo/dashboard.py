"""Oversikt: what waits for the settlement office, counted by the database. The start page
shows each figure only to a role that may read it (the entrypoint decides; these are
queries)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.claims import sync_claims
from oppgjor.app.helfo.views import CalendarView, helfo_calendar
from oppgjor.core import parameters
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain.model import SettlementState
from oppgjor.store import Database

EXPIRY_WINDOW = 30  # days: a claim whose deadline at Helfo is this close is shown


def next_dates(today: datetime.date) -> CalendarView | None:
    """The Helfo calendar from *today*; None for a day its parameters do not cover."""
    try:
        return helfo_calendar(today, months=1)
    except UseCaseError:
        return None


def _month_back(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def expiry_cutoff(today: datetime.date, within_days: int = EXPIRY_WINDOW) -> datetime.date:
    """The first service day whose claim Helfo still takes after ``today + within_days``:
    a claim treated before it expires within the window (or has expired). Claims of a month
    share their deadline, so the cutoff is the first of a month."""
    limit = today + datetime.timedelta(days=within_days)
    cutoff = limit.replace(day=1)
    for _ in range(120):
        earlier = _month_back(cutoff)
        try:
            if calendar.claim_expiry(earlier) <= limit:
                return cutoff
        except parameters.ParameterError:
            return cutoff
        cutoff = earlier
    return cutoff


@dataclass(frozen=True)
class ClaimFigures:
    expiring: int  # not yet submitted, deadline within 30 days (or passed)
    overdue_copayments: int  # co-payments paid and not reported in time


def claim_figures(
    db: Database, now: datetime.datetime, practitioner: str | None = None
) -> ClaimFigures:
    """The claims' figures; only one *practitioner*'s when given. Attended appointments
    registered since the claims were last made get their claims first (as the CLI's list)."""
    today = now.date()
    report_days = datetime.timedelta(days=_copayment_days(today))  # dated, with its source
    with db.reading() as repos:
        pending = bool(repos.helfo.claims.unclaimed_appointment_ids())
    if pending:  # a write only when there is something to make
        with db.transaction() as repos:
            sync_claims(repos, now)
    with db.reading() as repos:
        q = repos.helfo.dashboard
        return ClaimFigures(
            q.expiring(expiry_cutoff(today), practitioner),
            q.overdue_registrations(today - report_days, practitioner),
        )


def _copayment_days(today: datetime.date) -> int:
    """A co-payment is overdue once more than this many days have passed since it was paid
    (:func:`calendar.copayment_overdue`)."""
    return int(calendar.helfo_parameters()["copayment_report_days"].at(today))


@dataclass(frozen=True)
class SettlementFigures:
    rejected: dict[int, int]  # settlement id -> rejected claims waiting for correction
    unanswered: list[int]  # sent, no answer from Helfo yet
    differing: list[int]  # paid, but not what Helfo approved: a decision before booking

    @property
    def rejected_claims(self) -> int:
        return sum(self.rejected.values())


def settlement_figures(db: Database) -> SettlementFigures:
    with db.reading() as repos:
        q = repos.helfo.dashboard
        return SettlementFigures(
            q.rejected_waiting(), q.settlements_in(SettlementState.SENT), q.differing_payouts()
        )


@dataclass(frozen=True)
class Month:
    first: datetime.date
    approved: Decimal
    paid: Decimal


def by_month(db: Database, today: datetime.date, months: int = 6) -> list[Month]:
    """Approved (by the month the claims were sent) and paid (by the payout's month), the
    last *months* months up to this one."""
    firsts = [today.replace(day=1)]
    while len(firsts) < months:
        firsts.insert(0, _month_back(firsts[0]))
    with db.reading() as repos:
        q = repos.helfo.dashboard
        approved, paid = q.approved_by_day(firsts[0]), q.paid_by_day(firsts[0])
    sums: dict[str, dict[datetime.date, Decimal]] = {
        "approved": defaultdict(Decimal), "paid": defaultdict(Decimal)
    }  # fmt: skip
    for name, rows in (("approved", approved), ("paid", paid)):
        for day, amount in rows:
            sums[name][day.replace(day=1)] += amount
    return [Month(m, sums["approved"][m], sums["paid"][m]) for m in firsts]
