"""Use cases after Send inn: sending, Helfo's receipt, correcting rejected claims, payout."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from oppgjor.app.errors import Stale, UseCaseError
from oppgjor.app.helfo.unit import create, deciding, load, racing, refusals, save
from oppgjor.helfo.domain import answers as after_sending
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import Outcome, Settlement
from oppgjor.helfo.domain.ports import Repositories, UnitOfWork
from oppgjor.helfo.domain.transport import Records, SendResult, Submission, Transport
from oppgjor.helfo.domain.workflow import Action


def submission(repos: Repositories, s: Settlement) -> Submission:
    """The settlement's claims and registrations with the records a message needs."""
    claims = repos.helfo.claims.find(settlement_id=s.id)
    regs = repos.helfo.claims.registrations(settlement_id=s.id)
    reg_claims = repos.helfo.claims.find(ids=[r.claim_id for r in regs]) if regs else []
    patients = {c.content.patient_ref for c in [*claims, *reg_claims]}
    return Submission(
        s,
        claims,
        regs,
        Records(
            practice=repos.get_practice(),
            patients={p.ref: p for p in repos.patients(patients)},
            practitioners={p.ref: p for p in repos.practitioners()},
            referrers={r.ref: r for r in repos.referrers()},
            registration_claims={c.id or 0: c for c in reg_claims},
        ),
    )


def send(
    db: UnitOfWork,
    settlement_id: int,
    transport: Transport,
    *,
    resend: bool = False,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Settlement, SendResult]:
    """Hand a submitted settlement to a transport (file in the outbox, API call, portal) and
    record that it was sent. Once sent, it is sent again only when the user says *resend*
    (a new message id; the claims keep their numbers and GUIDs)."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.check(s, Action.RESEND if resend else Action.SEND, expected)
        if not repos.helfo.settlements.lock(s.id, s.version):
            raise Stale(aggregate.changed_by_others(s))
        content = submission(repos, s)
        result = transport.send(content)
        change = aggregate.send(
            s, resend=resend, transport=transport.name, reference=result.reference,
            detail=result.detail, expected=expected, actor=actor, now=now,
        )  # fmt: skip
        repos.helfo.claims.mark_sent([c.id or 0 for c in content.claims], now.date())
        repos.helfo.messages.add_sent(s.id, result.reference, transport.name, result.detail, now)
        return save(repos, s, change), result


def receipt(
    db: UnitOfWork,
    settlement_id: int,
    rejected: Mapping[int, tuple[str, str]],
    *,
    whole_rejected: tuple[str, str] | None = None,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Helfo's answer: *rejected* maps claim numbers to (code, text); the rest are accepted.
    ``whole_rejected`` rejects every claim (AppRec status 2)."""
    with racing(db, settlement_id), db.transaction() as repos:
        return _receipt(
            repos, settlement_id, rejected, whole_rejected=whole_rejected, expected=expected,
            actor=actor, now=now,
        )  # fmt: skip


def receipt_in(
    repos: Repositories,
    settlement_id: int,
    rejected: Mapping[int, tuple[str, str]],
    *,
    whole_rejected: tuple[str, str] | None,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """:func:`receipt` inside a caller's transaction (the inbox records the file with it)."""
    with refusals():
        return _receipt(
            repos, settlement_id, rejected, whole_rejected=whole_rejected, expected=expected,
            actor=actor, now=now,
        )  # fmt: skip


def _receipt(
    repos: Repositories,
    settlement_id: int,
    rejected: Mapping[int, tuple[str, str]],
    *,
    whole_rejected: tuple[str, str] | None,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    s = load(repos, settlement_id)
    aggregate.check(s, Action.RECEIPT, expected)
    claims = repos.helfo.claims.find(settlement_id=s.id)
    answers = after_sending.outcomes(claims, rejected, whole_rejected, s.id)
    change = after_sending.receipt(s, answers, expected=expected, actor=actor, now=now)
    repos.helfo.claims.set_outcomes(answers, s.id, now)
    return save(repos, s, change)


def correct_rejected(
    db: UnitOfWork,
    settlement_id: int,
    numbers: Sequence[int] | None = None,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Settlement, Settlement]:
    """Rett avviste: the rejected claims (from the receipt, or the *numbers* typed in from the
    payout decision) leave the sent settlement, whose total then equals what Helfo approved,
    and go into a new draft with the same claim numbers and GUIDs. Returns (old, new)."""
    with deciding(db, settlement_id) as (repos, s):
        claims = repos.helfo.claims.find(settlement_id=s.id)  # credits can be rejected too
        chosen, manual = after_sending.to_correct(s, claims, numbers, expected=expected)
        repos.helfo.claims.set_outcomes(manual, s.id, now)
        ids = [c.id or 0 for c in chosen]
        repos.helfo.settlements.deactivate_members(s.id, ids, now, "avvist, flyttet til retting")
        fresh = create(repos, aggregate.draft(s.type, now.date(), actor=actor, now=now, corrects=s))
        repos.helfo.settlements.add_members(fresh.id, ids, now)
        moved = {c.id for c in chosen}
        remaining = [c for c in claims if c.id not in moved]
        old, new = after_sending.corrected(
            s, chosen, remaining, fresh, expected=expected, actor=actor, now=now
        )
        fresh = save(repos, fresh, new)
        return save(repos, s, old), fresh


def pay(
    db: UnitOfWork,
    settlement_id: int,
    amount: Decimal,
    date: datetime.date,
    *,
    reference: str = "",
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Utbetalingsvedtak: register the payout (*reference*: decision, account, KID). A payout
    that differs from the accepted total is recorded with the difference in the event."""
    if date > now.date():
        raise UseCaseError(
            f"Utbetalingsdatoen {date:%d.%m.%Y} er fram i tid; registrer utbetalingen når "
            "pengene er kommet. Ingenting ble endret."
        )
    with deciding(db, settlement_id) as (repos, s):
        claims = repos.helfo.claims.find(settlement_id=s.id)
        accepted = sum((c.amount for c in claims if c.outcome is Outcome.ACCEPTED), Decimal(0))
        change = after_sending.pay(
            s, amount, date, accepted, reference=reference, expected=expected, actor=actor,
            now=now,
        )  # fmt: skip
        return save(repos, s, change)
