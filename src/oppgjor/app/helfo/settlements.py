"""Use cases of the settlement workflow: one function per user action, one transaction each.

Every action that changes a settlement names the version the user saw (``expected``); if
someone else changed it in between, the action fails with :class:`Conflict` and nothing is
written (optimistic locking). Every change appends an event: the audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oppgjor.app import installation
from oppgjor.app.clinic.validation import series_context
from oppgjor.app.errors import Conflict, NotFound, Rejected, UseCaseError
from oppgjor.app.helfo.claims import LOCKED, refresh, sources, sync_claims
from oppgjor.core.findings import Finding
from oppgjor.core.money import format_nok, nok
from oppgjor.helfo.domain import calendar, controls
from oppgjor.helfo.domain.claims import ClaimSources
from oppgjor.helfo.domain.model import (
    Claim,
    Event,
    Outcome,
    Settlement,
    SettlementState,
    SettlementType,
)
from oppgjor.helfo.domain.transport import Records, SendResult, Submission, Transport
from oppgjor.helfo.domain.workflow import Action, InvalidTransition, transition
from oppgjor.store import Database
from oppgjor.store.repos import Repos

S = SettlementState


def now_or_current(now: datetime.datetime | None) -> datetime.datetime:
    return now or datetime.datetime.now().replace(microsecond=0)


def load(repos: Repos, settlement_id: int) -> Settlement:
    s = repos.helfo.settlements.get(settlement_id)
    if s is None:
        raise NotFound(f"Oppgjør {settlement_id} finnes ikke.")
    return s


def _check(s: Settlement, action: Action, expected: int | None) -> SettlementState | None:
    if expected is not None and expected != s.version:
        raise Conflict(_changed(s))
    try:
        return transition(s.state, action)
    except InvalidTransition as exc:
        raise Conflict(str(exc)) from None


@contextmanager
def acting_on(
    db: Database, settlement_id: int, action: Action, expected: int | None
) -> Iterator[tuple[Repos, Settlement, SettlementState | None]]:
    """One transaction acting on a settlement: it exists, the user saw its current version,
    and *action* is possible in its state (the state after it is yielded)."""
    with db.transaction() as repos:
        s = load(repos, settlement_id)
        yield repos, s, _check(s, action, expected)


def _changed(s: Settlement) -> str:
    return (
        f"Oppgjør {s.id} er endret av noen andre i mellomtiden (versjon {s.version}); "
        "hent det på nytt og prøv igjen. Ingenting ble endret."
    )


def record_change(
    repos: Repos,
    s: Settlement,
    action: Action,
    actor: str,
    now: datetime.datetime,
    detail: str,
    after: SettlementState | None = None,
    **values: Any,
) -> Settlement:
    """Bump the version (or fail if someone else did), and record the event."""
    new_state = after or s.state
    if not repos.helfo.settlements.update(s.id, s.version, state=new_state.value, **values):
        raise Conflict(_changed(s))
    repos.helfo.settlements.add_event(
        Event(s.id, now, actor, action.value, s.state.value, new_state.value, detail)
    )
    return load(repos, s.id)


def _totals_of(claims: Sequence[Claim]) -> dict[str, Any]:
    return {"total": nok(sum((c.amount for c in claims), Decimal(0))), "count": len(claims)}


def _retotal(repos: Repos, settlement_id: int) -> dict[str, Any]:
    total, count = repos.helfo.settlements.totals(settlement_id)
    return {"total": nok(total), "count": count}


# -- building a draft -----------------------------------------------------------------------


def new(
    db: Database,
    type_: SettlementType,
    *,
    date: datetime.date | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Ny: an empty draft of a type. Appointments done since last time become claims."""
    now = now_or_current(now)
    with db.transaction() as repos:
        sync_claims(repos, now)
        sid = repos.helfo.settlements.insert(
            type=type_.value,
            date=date or now.date(),
            state=S.DRAFT.value,
            version=1,
            total=Decimal("0.00"),
            count=0,
            created_at=now,
            created_by=actor,
        )
        repos.helfo.settlements.add_event(
            Event(sid, now, actor, "create", None, S.DRAFT.value, type_.value)
        )
        return load(repos, sid)


def waiting(
    db: Database, type_: SettlementType | None = None, now: datetime.datetime | None = None
) -> list[Claim]:
    """Claims waiting for a settlement (the list the user ticks)."""
    with db.transaction() as repos:
        sync_claims(repos, now_or_current(now))
        found = repos.helfo.claims.find(pool=True)
    return [c for c in found if type_ is None or c.content.type is type_]


@dataclass(frozen=True)
class Selection:
    """Which claims to mark (add) or unmark (remove) in a draft."""

    add_all: bool = False
    remove_all: bool = False
    period: tuple[datetime.date, datetime.date] | None = None
    add: Sequence[int] = ()
    remove: Sequence[int] = ()


def mark(
    db: Database,
    settlement_id: int,
    selection: Selection,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Markér: tick claims into the draft by period, all/none, or single numbers."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.EDIT, expected) as (repos, s, _):
        sync_claims(repos, now)
        pool = [c for c in repos.helfo.claims.find(pool=True) if c.content.type is s.type]
        members = repos.helfo.claims.find(settlement_id=s.id)
        chosen = _choose(pool, selection)
        unknown = set(selection.add) - {c.number for c in chosen}
        if unknown:
            raise UseCaseError(
                "Regning " + ", ".join(map(str, sorted(unknown))) + " venter ikke på et "
                f"{s.type.value}-oppgjør (finnes ikke, er i et annet oppgjør eller er annen type)."
            )
        absent = set(selection.remove) - {c.number for c in members}
        if absent:
            raise UseCaseError(
                "Regning " + ", ".join(map(str, sorted(absent))) + f" er ikke i oppgjør {s.id}."
            )
        gone = set(selection.remove)
        removed = [c for c in members if selection.remove_all or c.number in gone]
        repos.helfo.settlements.add_members(s.id, [c.id or 0 for c in chosen], now)
        repos.helfo.settlements.remove_members(s.id, [c.id or 0 for c in removed])
        removed_ids = {c.id for c in removed}
        kept = [c for c in members if c.id not in removed_ids]
        detail = f"+{len(chosen)} / -{len(removed)} regninger"
        return record_change(repos, s, Action.EDIT, actor, now, detail, **_totals_of(kept + chosen))


def _choose(pool: Sequence[Claim], sel: Selection) -> list[Claim]:
    if sel.add_all:
        return list(pool)
    wanted = set(sel.add)
    first, last = sel.period or (datetime.date.max, datetime.date.min)
    return [c for c in pool if c.number in wanted or first <= c.content.service_date <= last]


def change_date(
    db: Database,
    settlement_id: int,
    date: datetime.date,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Endre dato."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.EDIT, expected) as (repos, s, _):
        detail = f"dato {s.date:%d.%m.%Y} -> {date:%d.%m.%Y}"
        return record_change(repos, s, Action.EDIT, actor, now, detail, date=date)


def delete(
    db: Database,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> None:
    """Slett: a draft only; its claims return to the pool untouched."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.DELETE, expected) as (repos, s, _):
        if not repos.helfo.settlements.delete(s.id, s.version):
            raise Conflict(_changed(s))
        detail = f"slettet med {s.count} regninger ({format_nok(s.total)}); regningene venter igjen"
        repos.helfo.settlements.add_event(
            Event(s.id, now, actor, "delete", s.state.value, None, detail)
        )


# -- control -------------------------------------------------------------------------------


def _content_key(claims: Iterable[Claim]) -> str:
    text = "\n".join(sorted(f"{c.id}:{c.kind.value}:{c.content.key()}" for c in claims))
    return hashlib.sha256(text.encode()).hexdigest()


def _control_context(
    repos: Repos,
    s: Settlement,
    claims: Sequence[Claim],
    src: ClaimSources,
    now: datetime.datetime,
) -> controls.ControlContext:
    """What the controls read; the records the claims were derived from (*src*) are reused,
    not loaded again."""
    patients = {c.content.patient_ref for c in claims}
    mine = {c.id for c in claims}
    # what Helfo has or will have: claims locked in other settlements, not rejected
    others = [
        c
        for c in repos.helfo.claims.find(patient_refs=patients, states=LOCKED)
        if c.id not in mine and c.outcome is not Outcome.REJECTED
    ]
    return controls.ControlContext(
        settlement=s,
        now=now,
        params=calendar.helfo_parameters(),
        series=src.series,
        patients={p.ref: p for p in repos.patients(patients)},
        practitioners=src.practitioners,
        plate=src.plate,
        series_context=series_context(repos, now.date(), src.plate),
        allow_synthetic=repos.get_setting(installation.TEST_INSTALLATION) == "true",
        others=others,
        registrations=len(_pending_registrations(repos, s)),
    )


def _pending_registrations(repos: Repos, s: Settlement) -> list[int]:
    """Unsent co-payment registrations for claims of the settlement's type."""
    regs = repos.helfo.claims.registrations(unsent=True)
    if not regs:
        return []
    types = {c.id: c.content.type for c in repos.helfo.claims.find(ids=[r.claim_id for r in regs])}
    return [r.id or 0 for r in regs if types.get(r.claim_id) is s.type]


@dataclass(frozen=True)
class ControlReport:
    settlement: Settlement
    findings: list[tuple[int | None, Finding]]

    @property
    def blocking(self) -> int:
        return sum(1 for _, f in self.findings if f.blocking)

    @property
    def warnings(self) -> int:
        return sum(1 for _, f in self.findings if f.severity == "WARNING")


def _current_claims(repos: Repos, s: Settlement) -> tuple[list[Claim], ClaimSources]:
    """The draft's claims, refreshed from the series, appointments and plate, and those
    records (the controls read them too)."""
    src = sources(repos)
    return refresh(repos, repos.helfo.claims.find(settlement_id=s.id), src), src


def control(
    db: Database,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> ControlReport:
    """Kontrollér: refresh the draft's claims, run every control, store the findings with the
    settlement's new version."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.EDIT, expected) as (repos, s, _):
        claims, src = _current_claims(repos, s)
        totals = _totals_of(claims)
        checked = dataclasses.replace(s, **totals)
        result = controls.control(claims, _control_context(repos, checked, claims, src, now))
        version = s.version + 1
        repos.helfo.settlements.save_findings(s.id, version, result.findings)
        detail = f"{result.blocking} blokkerende, {len(result.findings)} funn i alt"
        s = record_change(
            repos,
            s,
            Action.EDIT,
            actor,
            now,
            "kontroll: " + detail,
            control_version=version,
            control_key=_content_key(claims),
            control_blocking=result.blocking,
            **totals,
        )
        return ControlReport(s, result.findings)


def move_blocked_out(
    db: Database,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> tuple[Settlement, list[int]]:
    """Flytt ut: every claim with a BLOCKING finding in the last control leaves the draft and
    waits for the next settlement. Returns the settlement and the moved claim numbers."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.EDIT, expected) as (repos, s, _):
        if s.control_version is None:
            raise UseCaseError("Kjør kontroll først; da vet vi hvilke regninger som må ut.")
        blocked = {
            cid for _, cid, f in repos.helfo.settlements.findings(s.id) if f.blocking and cid
        }
        moved = [c for c in repos.helfo.claims.find(settlement_id=s.id) if c.id in blocked]
        repos.helfo.settlements.remove_members(s.id, [c.id or 0 for c in moved])
        detail = f"flyttet ut {len(moved)} regninger med blokkerende funn"
        s = record_change(repos, s, Action.EDIT, actor, now, detail, **_retotal(repos, s.id))
        return s, [c.number for c in moved]


# -- submit, unlock, send ------------------------------------------------------------------


def submit(
    db: Database,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Send inn: lock a controlled draft without blocking findings. The controls run once
    more on the current records (a series fixed since the control counts); unsent co-payment
    registrations of its type are attached."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.SUBMIT, expected) as (repos, s, after):
        if s.control_version != s.version:
            raise UseCaseError(
                f"Oppgjør {s.id} er ikke kontrollert i denne versjonen; kjør kontroll før "
                "innsending."
            )
        claims, src = _current_claims(repos, s)
        if _content_key(claims) != s.control_key:
            raise UseCaseError(
                "Serier, avtaler eller takster er endret etter kontrollen; kjør kontroll på nytt."
            )
        # the records behind the findings may have changed since: control once more
        result = controls.control(claims, _control_context(repos, s, claims, src, now))
        if result.blocking:
            raise Rejected(
                [f for _, f in result.findings if f.blocking],
                f"Oppgjør {s.id} har {result.blocking} blokkerende funn og kan ikke sendes inn. "
                "Rett dem, eller flytt regningene ut.",
            )
        ids = [c.id or 0 for c in claims]
        repos.helfo.claims.set_flags(
            ids, frozen=True, outcome=None, outcome_code=None, outcome_text=None
        )
        regs = _pending_registrations(repos, s)
        repos.helfo.claims.attach_registrations(regs, s.id)
        detail = f"{len(claims)} regninger, {format_nok(s.total)}, {len(regs)} egenandeler"
        return record_change(repos, s, Action.SUBMIT, actor, now, detail, after)


def unlock(
    db: Database,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Lås opp / Markér som ikke innsendt: back to draft, possible until it is sent."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.UNLOCK, expected) as (repos, s, after):
        regs = [r.id or 0 for r in repos.helfo.claims.registrations(settlement_id=s.id)]
        repos.helfo.claims.attach_registrations(regs, None)
        return record_change(
            repos, s, Action.UNLOCK, actor, now, "låst opp", after, control_version=None
        )


def load_settlement(db: Database, settlement_id: int) -> Settlement:
    with db.transaction() as repos:
        return load(repos, settlement_id)


def claims_in(db: Database, settlement_id: int) -> list[Claim]:
    with db.transaction() as repos:
        return repos.helfo.claims.find(settlement_id=load(repos, settlement_id).id)


def submission(repos: Repos, s: Settlement) -> Submission:
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
    db: Database,
    settlement_id: int,
    transport: Transport,
    *,
    resend: bool = False,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> tuple[Settlement, SendResult]:
    """Hand a submitted settlement to a transport (file in the outbox, API call, portal) and
    record that it was sent. Once sent, it is sent again only when the user says *resend*
    (a new message id; the claims keep their numbers and GUIDs)."""
    now = now_or_current(now)
    action = Action.RESEND if resend else Action.SEND
    with acting_on(db, settlement_id, action, expected) as (repos, s, after):
        if not repos.helfo.settlements.lock(s.id, s.version):
            raise Conflict(_changed(s))
        content = submission(repos, s)
        result = transport.send(content)
        repos.helfo.claims.set_flags([c.id or 0 for c in content.claims], sent_on=now.date())
        repos.helfo.messages.add_sent(s.id, result.reference, transport.name, result.detail, now)
        detail = f"sendt via {transport.name}: {result.reference}"
        s = record_change(
            repos,
            s,
            action,
            actor,
            now,
            detail + (f" ({result.detail})" if result.detail else ""),
            after,
            sent_at=now,
            sent_total=s.total,
            sent_count=s.count,
            transport=transport.name,
            transport_ref=result.reference,
        )
        return s, result


# -- receipt, corrections, payout, booking ---------------------------------------------------


def receipt(
    db: Database,
    settlement_id: int,
    rejected: Mapping[int, tuple[str, str]],
    *,
    whole_rejected: tuple[str, str] | None = None,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Helfo's answer: *rejected* maps claim numbers to (code, text); the rest are accepted.
    ``whole_rejected`` rejects every claim (AppRec status 2)."""
    with db.transaction() as repos:
        return receipt_in(
            repos, settlement_id, rejected, whole_rejected=whole_rejected, expected=expected,
            actor=actor, now=now_or_current(now),
        )  # fmt: skip


def receipt_in(
    repos: Repos,
    settlement_id: int,
    rejected: Mapping[int, tuple[str, str]],
    *,
    whole_rejected: tuple[str, str] | None,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """:func:`receipt` inside a caller's transaction (the inbox records the file with it)."""
    s = load(repos, settlement_id)
    after = _check(s, Action.RECEIPT, expected)
    claims = repos.helfo.claims.find(settlement_id=s.id)
    unknown = set(rejected) - {c.number for c in claims}
    if unknown:
        raise UseCaseError(
            "Regning " + ", ".join(map(str, sorted(unknown))) + f" er ikke i oppgjør {s.id}."
        )
    outcomes: list[tuple[int, Outcome, str | None, str | None]] = []
    for c in claims:
        reason = whole_rejected or rejected.get(c.number)
        if reason:
            outcomes.append((c.id or 0, Outcome.REJECTED, reason[0], reason[1]))
        else:
            outcomes.append((c.id or 0, Outcome.ACCEPTED, None, None))
    repos.helfo.claims.set_outcomes(outcomes, s.id, now)
    bad = sum(1 for o in outcomes if o[1] is Outcome.REJECTED)
    detail = f"{len(outcomes) - bad} godkjent, {bad} avvist"
    return record_change(repos, s, Action.RECEIPT, actor, now, detail, after)


def correct_rejected(
    db: Database,
    settlement_id: int,
    numbers: Sequence[int] | None = None,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> tuple[Settlement, Settlement]:
    """Rett avviste: the rejected claims (from the receipt, or the *numbers* typed in from the
    payout decision) leave the sent settlement, whose total then equals what Helfo approved,
    and go into a new draft with the same claim numbers and GUIDs. Returns (old, new)."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.CORRECT, expected) as (repos, s, _):
        claims = repos.helfo.claims.find(settlement_id=s.id)  # credits can be rejected too
        if numbers is None:
            chosen = [c for c in claims if c.outcome is Outcome.REJECTED]
        else:
            chosen = [c for c in claims if c.number in set(numbers)]
            unknown = set(numbers) - {c.number for c in chosen}
            if unknown:
                raise UseCaseError(
                    "Regning "
                    + ", ".join(map(str, sorted(unknown)))
                    + f" er ikke i oppgjør {s.id}."
                )
        if not chosen:
            raise UseCaseError(f"Oppgjør {s.id} har ingen avviste regninger å rette.")
        manual = [
            (c.id or 0, Outcome.REJECTED, "MANUELL", "Avvist i utbetalingsvedtaket")
            for c in chosen
            if c.outcome is not Outcome.REJECTED
        ]
        repos.helfo.claims.set_outcomes(manual, s.id, now)
        ids = [c.id or 0 for c in chosen]
        repos.helfo.settlements.deactivate_members(s.id, ids, now, "avvist, flyttet til retting")
        nid = repos.helfo.settlements.insert(
            type=s.type.value,
            date=now.date(),
            state=S.DRAFT.value,
            version=1,
            total=Decimal("0.00"),
            count=0,
            created_at=now,
            created_by=actor,
            corrects_id=s.id,
        )
        repos.helfo.settlements.add_event(
            Event(nid, now, actor, "create", None, S.DRAFT.value, f"retting av oppgjør {s.id}")
        )
        repos.helfo.settlements.add_members(nid, ids, now)
        fresh = load(repos, nid)
        listed = ", ".join(str(c.number) for c in chosen)
        fresh = record_change(
            repos, fresh, Action.EDIT, actor, now, f"avviste: {listed}", **_retotal(repos, nid)
        )
        old = record_change(
            repos,
            s,
            Action.CORRECT,
            actor,
            now,
            f"{len(chosen)} avviste regninger flyttet til oppgjør {nid}: {listed}",
            **_retotal(repos, s.id),
        )
        return old, fresh


def pay(
    db: Database,
    settlement_id: int,
    amount: Decimal,
    date: datetime.date,
    *,
    reference: str = "",
    expected: int | None = None,
    actor: str,
    now: datetime.datetime | None = None,
) -> Settlement:
    """Utbetalingsvedtak: register the payout (*reference*: decision, account, KID). A payout
    that differs from the accepted total is recorded with the difference in the event."""
    now = now_or_current(now)
    with acting_on(db, settlement_id, Action.PAY, expected) as (repos, s, after):
        accepted = sum(
            (
                c.amount
                for c in repos.helfo.claims.find(settlement_id=s.id)
                if c.outcome is Outcome.ACCEPTED
            ),
            Decimal(0),
        )
        detail = f"utbetalt {format_nok(amount)} {date:%d.%m.%Y}" + (
            f" ({reference})" if reference else ""
        )
        if nok(amount) != nok(accepted):
            detail += (
                f"; godkjent sum er {format_nok(accepted)} (avvik {format_nok(amount - accepted)})"
            )
        return record_change(
            repos,
            s,
            Action.PAY,
            actor,
            now,
            detail,
            after,
            payout_amount=nok(amount),
            payout_date=date,
        )
