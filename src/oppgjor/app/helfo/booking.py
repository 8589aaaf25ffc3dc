"""Bokføring: a paid settlement's accounting lines (bank against income) and the accounts."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.unit import deciding, load, save
from oppgjor.core.money import nok
from oppgjor.helfo.domain import answers as after_sending
from oppgjor.helfo.domain import payouts
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import ClaimKind, Outcome, Settlement, SettlementState
from oppgjor.helfo.domain.ports import Repositories, UnitOfWork
from oppgjor.helfo.domain.workflow import Action
from oppgjor.store import Database

S = SettlementState


BANK_ACCOUNT = "booking_account_bank"
INCOME_ACCOUNT = "booking_account_income"
RECEIVABLE_ACCOUNT = "booking_account_receivable"  # what Helfo still owes (ADR 0017)
WRITE_OFF_ACCOUNT = "booking_account_write_off"  # a difference written off: a loss
DEFAULT_ACCOUNTS = {
    BANK_ACCOUNT: "1920", INCOME_ACCOUNT: "3100", RECEIVABLE_ACCOUNT: "1500",
    WRITE_OFF_ACCOUNT: "7830",
}  # fmt: skip


def booking_accounts(db: Database, **accounts: str | None) -> dict[str, str]:
    """Set (where given) and return the accounts booking uses: ``bank``, ``income``,
    ``receivable`` and ``write_off``."""
    keys = {
        "bank": BANK_ACCOUNT, "income": INCOME_ACCOUNT, "receivable": RECEIVABLE_ACCOUNT,
        "write_off": WRITE_OFF_ACCOUNT,
    }  # fmt: skip
    with db.transaction() as repos:
        for name, value in accounts.items():
            if value is None:
                continue
            if not (value.isdigit() and 4 <= len(value) <= 8):
                raise UseCaseError(f"Konto «{value}» må være 4–8 siffer (f.eks. 1920).")
            repos.set_setting(keys[name], value)
        return {n: repos.get_setting(k) or DEFAULT_ACCOUNTS[k] for n, k in keys.items()}


@dataclass(frozen=True)
class BookingLine:
    date: datetime.date
    account: str
    amount: Decimal  # debit positive, credit negative
    settlement_id: int
    claim_number: int | None
    text: str


CSV_COLUMNS = ("dato", "konto", "belop", "oppgjor", "regning", "tekst")


def csv_text(lines: list[BookingLine]) -> str:
    """The accounting lines as the CSV the accounts import (semicolons, a header row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for x in lines:
        writer.writerow(
            [x.date.isoformat(), x.account, str(x.amount), x.settlement_id,
             x.claim_number or "", x.text]
        )  # fmt: skip
    return buffer.getvalue()


def booking_lines(repos: Repositories, s: Settlement) -> list[BookingLine]:
    """The payout into the bank (debit) against the accepted claims as income (credit)."""
    accounts = {k: repos.get_setting(k) or v for k, v in DEFAULT_ACCOUNTS.items()}
    day = s.payout_date or s.date
    accepted = [
        c for c in repos.helfo.claims.find(settlement_id=s.id) if c.outcome is Outcome.ACCEPTED
    ]
    lines = [
        BookingLine(
            day,
            accounts[BANK_ACCOUNT],
            nok(s.payout_amount if s.payout_amount is not None else s.total),
            s.id,
            None,
            f"Helfo utbetaling oppgjør {s.id}",
        )
    ]
    lines += [
        BookingLine(
            day,
            accounts[INCOME_ACCOUNT],
            -c.amount,
            s.id,
            c.number,
            ("Kreditering " if c.kind is ClaimKind.CREDIT else "Refusjon ") + f"regning {c.number}",
        )
        for c in accepted
    ]
    difference = -sum((x.amount for x in lines), Decimal(0))
    if difference:
        lines.append(_difference_line(s, day, difference, accounts))
    return lines


def _difference_line(
    s: Settlement, day: datetime.date, amount: Decimal, accounts: dict[str, str]
) -> BookingLine:
    """What Helfo approved but did not pay: a receivable while awaited, a loss when written
    off (ADR 0017); never income."""
    if s.payout_decision == payouts.Decision.AWAITING:
        return BookingLine(
            day, accounts[RECEIVABLE_ACCOUNT], amount, s.id, None,
            f"Utestående hos Helfo, oppgjør {s.id}"
            if amount > 0
            else f"For mye utbetalt av Helfo, oppgjør {s.id}",
        )  # fmt: skip
    if s.payout_decision == payouts.Decision.WRITE_OFF:
        return BookingLine(
            day, accounts[WRITE_OFF_ACCOUNT], amount, s.id, None,
            f"Avskrevet avvik oppgjør {s.id}: {s.payout_decision_reason or ''}",
        )  # fmt: skip
    # booked before the decision existed (migration 0006): as it was booked then
    return BookingLine(day, accounts[INCOME_ACCOUNT], amount, s.id, None, "Avvik mot utbetaling")


def _accepted_total(repos: Repositories, s: Settlement) -> Decimal:
    claims = repos.helfo.claims.find(settlement_id=s.id)
    return nok(sum((c.amount for c in claims if c.outcome is Outcome.ACCEPTED), Decimal(0)))


def book(
    db: UnitOfWork,
    settlement_id: int,
    *,
    difference: str | None = None,
    reason: str | None = None,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Settlement, list[BookingLine]]:
    """Bokfør: lock the paid settlement for good and return its accounting lines. A payout
    that differs from the approved total needs the user's *difference* decision (``awaiting``
    or ``write-off`` with a *reason*) first (ADR 0017)."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.check(s, Action.BOOK, expected)
        # what the lines book as income: the claims accepted now (a claim corrected after
        # the payout was registered is no longer one); the decision is asked on that
        s = dataclasses.replace(s, payout_approved=_accepted_total(repos, s))
        try:
            decision = payouts.decide(s, difference, reason)
        except payouts.DecisionRefused as exc:
            raise UseCaseError(str(exc)) from None
        lines = booking_lines(repos, dataclasses.replace(s, **decision))  # type: ignore[arg-type]
        change = after_sending.book(
            s, len(lines), decision, expected=expected, actor=actor, now=now
        )
        return save(repos, s, change), lines


def accounting(db: UnitOfWork, settlement_id: int) -> list[BookingLine]:
    with db.transaction() as repos:
        s = load(repos, settlement_id)
        if s.state is not S.BOOKED:
            raise UseCaseError(f"Oppgjør {s.id} er ikke bokført ennå.")
        return booking_lines(repos, s)
