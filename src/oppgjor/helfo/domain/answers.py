"""The settlement aggregate after sending: Helfo's answer per claim, the correction of
rejected claims, the payout decision and booking (see :mod:`settlement` for the rest).

>>> outcomes([], {}, None, 4)
[]
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from oppgjor.core.money import format_nok, nok
from oppgjor.helfo.domain import payouts, settlement
from oppgjor.helfo.domain.model import Claim, Outcome, Settlement
from oppgjor.helfo.domain.workflow import Action

ClaimOutcome = tuple[int, Outcome, str | None, str | None]  # claim id, outcome, code, text
MANUAL_REJECTION = ("MANUELL", "Avvist i utbetalingsvedtaket")


def outcomes(
    claims: Sequence[Claim],
    rejected: Mapping[int, tuple[str, str]],
    whole_rejected: tuple[str, str] | None,
    settlement_id: int,
) -> list[ClaimOutcome]:
    """Helfo's answer per claim: those named in *rejected* (or all, *whole_rejected*) are
    rejected with (code, text), the rest accepted."""
    settlement.unknown_numbers(rejected, claims, f"er ikke i oppgjør {settlement_id}.")
    result: list[ClaimOutcome] = []
    for c in claims:
        reason = whole_rejected or rejected.get(c.number)
        if reason:
            result.append((c.id or 0, Outcome.REJECTED, reason[0], reason[1]))
        else:
            result.append((c.id or 0, Outcome.ACCEPTED, None, None))
    return result


def receipt(
    s: Settlement,
    answers: Sequence[ClaimOutcome],
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> settlement.Change:
    bad = sum(1 for a in answers if a[1] is Outcome.REJECTED)
    detail = f"{len(answers) - bad} godkjent, {bad} avvist"
    return settlement.change(s, Action.RECEIPT, expected, actor, now, detail)


def to_correct(
    s: Settlement, claims: Sequence[Claim], numbers: Sequence[int] | None, *, expected: int | None
) -> tuple[list[Claim], list[ClaimOutcome]]:
    """Rett avviste: the claims to move into a correction (the rejected ones, or *numbers*
    typed in from the payout decision) and the rejections to record for those that the
    receipt had not rejected."""
    settlement.check(s, Action.CORRECT, expected)
    if numbers is None:
        chosen = [c for c in claims if c.outcome is Outcome.REJECTED]
    else:
        chosen = [c for c in claims if c.number in set(numbers)]
        settlement.unknown_numbers(numbers, chosen, f"er ikke i oppgjør {s.id}.")
    if not chosen:
        raise settlement.NotReady(f"Oppgjør {s.id} har ingen avviste regninger å rette.")
    code, text = MANUAL_REJECTION
    manual: list[ClaimOutcome] = [
        (c.id or 0, Outcome.REJECTED, code, text)
        for c in chosen
        if c.outcome is not Outcome.REJECTED
    ]
    return chosen, manual


def corrected(
    s: Settlement,
    moved: Sequence[Claim],
    remaining: Sequence[Claim],
    correction: Settlement,
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> tuple[settlement.Change, settlement.Change]:
    """The sent settlement without the *moved* claims (its total is then what Helfo
    approved), and the *correction* draft holding them: (old, new)."""
    listed = ", ".join(str(c.number) for c in moved)
    detail = f"{len(moved)} avviste regninger flyttet til oppgjør {correction.id}: {listed}"
    total, count = settlement.totals(remaining)
    old = settlement.change(
        s, Action.CORRECT, expected, actor, now, detail, total=total, count=count
    )
    total, count = settlement.totals(moved)
    new = settlement.change(
        correction, Action.EDIT, None, actor, now, f"avviste: {listed}", total=total, count=count
    )
    return old, new


def pay(
    s: Settlement,
    amount: Decimal,
    date: datetime.date,
    accepted: Decimal,
    *,
    reference: str,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> settlement.Change:
    """Utbetalingsvedtak: a payout that differs from the *accepted* total is recorded with
    the difference in the event."""
    detail = f"utbetalt {format_nok(amount)} {date:%d.%m.%Y}" + (
        f" ({reference})" if reference else ""
    )
    if nok(amount) != nok(accepted):
        detail += (
            f"; godkjent sum er {format_nok(accepted)} ({payouts.describe(accepted - amount)})"
        )
    return settlement.change(
        s, Action.PAY, expected, actor, now, detail, payout_amount=nok(amount), payout_date=date,
        payout_approved=nok(accepted),
    )  # fmt: skip


def book(
    s: Settlement,
    lines: int,
    decision: Mapping[str, str | None],
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> settlement.Change:
    """Bokfør: locked for good, with the decision on a payout that differs (ADR 0017)."""
    detail = f"{lines} posteringer"
    chosen = decision.get("payout_decision")
    if chosen:
        label = payouts.DECISION_LABELS[payouts.Decision(chosen)]
        detail += f"; {payouts.describe(payouts.difference(s))}: {label}"
        if decision.get("payout_decision_reason"):
            detail += f" ({decision['payout_decision_reason']})"
    return settlement.change(
        s, Action.BOOK, expected, actor, now, detail, booked_at=now, **decision
    )
