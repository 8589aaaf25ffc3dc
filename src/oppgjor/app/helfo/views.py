"""Read-only queries for the settlement office (CLI now, web UI later)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.claims import LOCKED, sync_claims
from oppgjor.app.helfo.settlements import load
from oppgjor.core import parameters, workdays
from oppgjor.core.findings import Finding
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain import payouts as payout_rules
from oppgjor.helfo.domain.model import (
    TABS,
    Claim,
    ClaimKind,
    CopaymentRegistration,
    Event,
    Outcome,
    Settlement,
    SettlementState,
)
from oppgjor.store import Database


def settlements(db: Database, tab: str | None = None) -> list[Settlement]:
    """Settlements of a tab (draft / submitted / booked), newest first; all without a tab."""
    if tab is not None and tab not in TABS:
        raise UseCaseError(f"Ukjent fane «{tab}»; velg {', '.join(TABS)}.")
    with db.transaction() as repos:
        return repos.helfo.settlements.find(TABS[tab] if tab else None)


@dataclass(frozen=True)
class SettlementDetail:
    settlement: Settlement
    claims: list[Claim]
    findings: dict[int | None, list[Finding]]  # claim id (None: the settlement) -> findings
    findings_version: int | None
    registrations: list[CopaymentRegistration]
    events: list[Event]
    removed: list[Claim] = field(default_factory=list)

    @property
    def findings_current(self) -> bool:
        return self.findings_version == self.settlement.version


def detail(db: Database, settlement_id: int) -> SettlementDetail:
    with db.transaction() as repos:
        s = load(repos, settlement_id)
        by_claim: dict[int | None, list[Finding]] = defaultdict(list)
        stored = repos.helfo.settlements.findings(s.id)
        for _, cid, f in stored:
            by_claim[cid].append(f)
        if payout_rules.findings(s):  # the payout differs from what Helfo approved (ADR 0017)
            by_claim[None].extend(payout_rules.findings(s))
        version = stored[0][0] if stored else s.control_version
        return SettlementDetail(
            s,
            repos.helfo.claims.find(settlement_id=s.id),
            dict(by_claim),
            version,
            repos.helfo.claims.registrations(settlement_id=s.id),
            repos.helfo.settlements.events(s.id),
        )


@dataclass(frozen=True)
class AgeBucket:
    label: str
    count: int
    amount: Decimal


AGE_BUCKETS = ((0, 14, "0–14 dager"), (15, 30, "15–30 dager"), (31, 60, "31–60 dager"))


def _of(claims: Sequence[Claim], practitioner: str | None) -> list[Claim]:
    """The claims of one practitioner (all of them when None)."""
    return [c for c in claims if practitioner is None or c.content.practitioner_ref == practitioner]


def outstanding(
    db: Database, today: datetime.date, practitioner: str | None = None
) -> list[AgeBucket]:
    """Claims sent but not yet paid (or not yet answered), by days since sending; only one
    *practitioner*'s when given."""
    states = (SettlementState.SENT, SettlementState.RECEIPTED)
    with db.transaction() as repos:
        claims = _of(repos.helfo.claims.find(states=states), practitioner)
    open_ = [c for c in claims if c.outcome is not Outcome.REJECTED]
    buckets: list[AgeBucket] = []
    for low, high, label in (*AGE_BUCKETS, (61, 10**6, "over 60 dager")):
        chosen = [c for c in open_ if low <= (today - (c.sent_on or today)).days <= high]
        buckets.append(AgeBucket(label, len(chosen), sum((c.amount for c in chosen), Decimal(0))))
    return buckets


@dataclass(frozen=True)
class RejectionReason:
    code: str
    text: str
    count: int
    share: float  # of all claims with an answer


def rejections(db: Database) -> tuple[int, list[RejectionReason]]:
    """How many answers Helfo has given on claims (a corrected and resent claim counts each
    time), and the rejections among them by reason."""
    with db.transaction() as repos:
        answers = repos.helfo.claims.outcome_history()
    reasons = Counter(
        (code or "", text or "") for outcome, code, text in answers if outcome is Outcome.REJECTED
    )
    total = len(answers)
    return total, [
        RejectionReason(code, text, n, n / total) for (code, text), n in reasons.most_common()
    ]


@dataclass(frozen=True)
class RegistrationView:
    registration: CopaymentRegistration
    overdue: bool


def unsent_registrations(
    db: Database, today: datetime.date, practitioner: str | None = None
) -> list[RegistrationView]:
    """Co-payments paid and not yet reported; only on one *practitioner*'s claims when given."""
    with db.transaction() as repos:
        regs = repos.helfo.claims.registrations(unsent=True)
        if practitioner is not None and regs:
            claims = repos.helfo.claims.find(ids=[r.claim_id for r in regs])
            own = {c.id for c in _of(claims, practitioner)}
            regs = [r for r in regs if r.claim_id in own]
    return [RegistrationView(r, calendar.copayment_overdue(r.paid_on, today)) for r in regs]


@dataclass(frozen=True)
class ExpiringClaim:
    claim: Claim
    expires: datetime.date
    days_left: int


def expiring(
    db: Database,
    today: datetime.date,
    within_days: int = 30,
    now: datetime.datetime | None = None,
    practitioner: str | None = None,
) -> list[ExpiringClaim]:
    """Claims not yet submitted whose deadline at Helfo is within *within_days* (or passed);
    an attended appointment registered since the claims were last made has its claim first.
    Only one *practitioner*'s when given."""
    with db.transaction() as repos:
        sync_claims(repos, now or datetime.datetime.combine(today, datetime.time()))
        claims = _of(repos.helfo.claims.find(kind=ClaimKind.CLAIM), practitioner)
    result = []
    for c in claims:
        if c.settlement_state in LOCKED or c.credited or c.outcome is Outcome.ACCEPTED:
            continue
        expires = calendar.claim_expiry(c.content.service_date)
        left = (expires - today).days
        if left <= within_days:
            result.append(ExpiringClaim(c, expires, left))
    return sorted(result, key=lambda x: (x.days_left, x.claim.number))


@dataclass(frozen=True)
class CalendarView:
    today: datetime.date
    next_submission: datetime.date
    next_decision: datetime.date
    submissions: list[datetime.date]
    working_day: bool
    holidays: list[tuple[datetime.date, str]]


def helfo_calendar(today: datetime.date, months: int = 2) -> CalendarView:
    """The calendar from *today*: refused (a use-case error) for a day Helfo's dated
    parameters do not cover."""
    try:
        return _calendar(today, months)
    except parameters.ParameterError as exc:
        raise UseCaseError(f"Helfo-kalenderen er ikke kjent for {today:%d.%m.%Y}: {exc}.") from None


def _calendar(today: datetime.date, months: int) -> CalendarView:
    end = today + datetime.timedelta(days=31 * months)
    submissions = calendar.recommended_submissions(today, end)
    nxt = calendar.next_submission(today)
    holidays: list[tuple[datetime.date, str]] = []
    day = today
    while day <= end:
        name = workdays.holiday_name(day)
        if name:
            holidays.append((day, name))
        day += datetime.timedelta(days=1)
    return CalendarView(
        today,
        nxt,
        calendar.next_decision_date(nxt),
        submissions,
        workdays.is_working_day(today),
        holidays,
    )


def claims_of(db: Database, numbers: Sequence[int], practitioner: str | None = None) -> list[Claim]:
    """The claims (and credits) with these numbers; only one *practitioner*'s when given."""
    with db.transaction() as repos:
        return _of(repos.helfo.claims.find(numbers=numbers), practitioner)


@dataclass(frozen=True)
class PayoutRow:
    settlement: Settlement
    expected: Decimal  # what Helfo approved: the accepted claims
    paid: Decimal | None
    difference: Decimal | None
    rejected: int


def payouts(db: Database) -> list[PayoutRow]:
    """Expected (approved) against paid, per settlement that has been answered."""
    answered = (SettlementState.RECEIPTED, SettlementState.PAID, SettlementState.BOOKED)
    rows = []
    with db.transaction() as repos:
        for s in repos.helfo.settlements.find(answered):
            claims = repos.helfo.claims.find(settlement_id=s.id)
            expected = sum((c.amount for c in claims if c.outcome is Outcome.ACCEPTED), Decimal(0))
            rejected = repos.helfo.claims.rejected_in(s.id)
            paid = s.payout_amount
            rows.append(
                PayoutRow(s, expected, paid, None if paid is None else paid - expected, rejected)
            )
    return rows
