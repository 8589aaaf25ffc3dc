"""Bokføring: a paid settlement's accounting lines (bank against income) and the accounts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo.unit import deciding, load, save
from oppgjor.core.money import nok
from oppgjor.helfo.domain import answers as after_sending
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import ClaimKind, Outcome, Settlement, SettlementState
from oppgjor.helfo.domain.ports import Repositories, UnitOfWork
from oppgjor.helfo.domain.workflow import Action
from oppgjor.store import Database

S = SettlementState


BANK_ACCOUNT = "booking_account_bank"
INCOME_ACCOUNT = "booking_account_income"
DEFAULT_ACCOUNTS = {BANK_ACCOUNT: "1920", INCOME_ACCOUNT: "3100"}


def booking_accounts(db: Database, **accounts: str | None) -> dict[str, str]:
    """Set (where given) and return the accounts booking uses: ``bank`` and ``income``."""
    keys = {"bank": BANK_ACCOUNT, "income": INCOME_ACCOUNT}
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
        lines.append(
            BookingLine(
                day, accounts[INCOME_ACCOUNT], difference, s.id, None, "Avvik mot utbetaling"
            )
        )
    return lines


def book(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Settlement, list[BookingLine]]:
    """Bokfør: lock the paid settlement for good and return its accounting lines."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.check(s, Action.BOOK, expected)
        lines = booking_lines(repos, s)
        change = after_sending.book(s, len(lines), expected=expected, actor=actor, now=now)
        return save(repos, s, change), lines


def accounting(db: UnitOfWork, settlement_id: int) -> list[BookingLine]:
    with db.transaction() as repos:
        s = load(repos, settlement_id)
        if s.state is not S.BOOKED:
            raise UseCaseError(f"Oppgjør {s.id} er ikke bokført ennå.")
        return booking_lines(repos, s)
