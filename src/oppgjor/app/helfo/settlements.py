"""Use cases of the settlement workflow: one function per user action, one unit of work each.

Each loads the settlement, asks the aggregate (:mod:`oppgjor.helfo.domain.settlement`) and
saves what it decided. Every action that changes a settlement names the version the user saw
(``expected``); if someone else changed it in between, it fails with :class:`Conflict` and
nothing is written (optimistic locking). Every change appends its event: the audit trail.
The time of the action (``now``) comes from the caller's clock.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from oppgjor.app import installation
from oppgjor.app.clinic.validation import series_context
from oppgjor.app.errors import Conflict, NotFound, Rejected

# the workflow after sending lives beside; its use cases are reached from here too
from oppgjor.app.helfo.answers import (
    correct_rejected,
    pay,
    receipt,
    receipt_in,
    send,
    submission,
)
from oppgjor.app.helfo.claims import LOCKED, refresh, sources, sync_claims
from oppgjor.app.helfo.unit import create, deciding, load, save
from oppgjor.core.findings import Finding
from oppgjor.helfo.domain import calendar, controls
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.claims import ClaimSources
from oppgjor.helfo.domain.model import Claim, Outcome, Settlement, SettlementType
from oppgjor.helfo.domain.ports import Repositories, UnitOfWork
from oppgjor.helfo.domain.settlement import Selection
from oppgjor.helfo.domain.workflow import Action

__all__ = [
    "Selection", "correct_rejected", "load", "pay", "receipt", "receipt_in", "send", "submission",
]  # fmt: skip


# -- building a draft -----------------------------------------------------------------------


def new(
    db: UnitOfWork,
    type_: SettlementType,
    *,
    date: datetime.date | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Ny: an empty draft of a type. Appointments done since last time become claims."""
    with db.transaction() as repos:
        sync_claims(repos, now)
        return create(repos, aggregate.draft(type_, date or now.date(), actor=actor, now=now))


def waiting(
    db: UnitOfWork,
    type_: SettlementType | None = None,
    *,
    practitioner: str | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    now: datetime.datetime,
) -> list[Claim]:
    """Claims waiting for a settlement (the list the user ticks), as they will be claimed:
    refreshed from the series, appointments and the tariff valid on the service date now (the
    refresh a control does), so a new tariff period shows at once. Only one *practitioner*'s,
    and only those treated in *period* (first, last day), when given."""
    with db.transaction() as repos:
        src = sources(repos)
        sync_claims(repos, now, src)
        found = refresh(repos, repos.helfo.claims.find(pool=True), src)
    first, last = period or (datetime.date.min, datetime.date.max)
    return [
        c
        for c in found
        if (type_ is None or c.content.type is type_)
        and (practitioner is None or c.content.practitioner_ref == practitioner)
        and first <= c.content.service_date <= last
    ]


def mark(
    db: UnitOfWork,
    settlement_id: int,
    selection: Selection,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Markér: tick claims into the draft by period, all/none, or single numbers."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.check(s, Action.EDIT, expected)
        sync_claims(repos, now)
        _refuse_missing(repos, selection.add)
        pool = repos.helfo.claims.find(pool=True)
        members = repos.helfo.claims.find(settlement_id=s.id)
        marked = aggregate.mark(
            s, pool, members, selection, expected=expected, actor=actor, now=now
        )
        repos.helfo.settlements.add_members(s.id, [c.id or 0 for c in marked.chosen], now)
        repos.helfo.settlements.remove_members(s.id, [c.id or 0 for c in marked.removed])
        return save(repos, s, marked.change)


def _refuse_missing(repos: Repositories, numbers: Sequence[int]) -> None:
    """Claim numbers that name no claim at all are not found (exit 3), unlike a claim that
    exists but does not wait for this settlement."""
    if not numbers:
        return
    known = {c.number for c in repos.helfo.claims.find(numbers=numbers)}
    missing = sorted(set(numbers) - known)
    if missing:
        listed = ", ".join(map(str, missing))
        raise NotFound(f"Regning {listed} finnes ikke; ingenting ble markert.")


def change_date(
    db: UnitOfWork,
    settlement_id: int,
    date: datetime.date,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Endre dato."""
    with deciding(db, settlement_id) as (repos, s):
        return save(
            repos, s, aggregate.change_date(s, date, expected=expected, actor=actor, now=now)
        )


def delete(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> None:
    """Slett: a draft only; its claims return to the pool untouched."""
    with deciding(db, settlement_id) as (repos, s):
        save(repos, s, aggregate.delete(s, expected=expected, actor=actor, now=now))


# -- control ---------------------------------------------------------------------------------


def _control_context(
    repos: Repositories,
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


def _pending_registrations(repos: Repositories, s: Settlement) -> list[int]:
    """Unsent co-payment registrations for claims of the settlement's type."""
    regs = repos.helfo.claims.registrations(unsent=True)
    if not regs:
        return []
    claims = repos.helfo.claims.find(ids=[r.claim_id for r in regs])
    types = {c.id: c.content.type for c in claims}
    return [r.id or 0 for r in regs if types.get(r.claim_id) is s.type]


@dataclass(frozen=True)
class ControlReport:
    settlement: Settlement
    findings: list[tuple[int | None, Finding]]  # claim id (None: the settlement), finding
    claims: list[Claim] = dataclasses.field(default_factory=list)  # as controlled

    @property
    def numbers(self) -> dict[int | None, int]:
        """Claim id -> claim number, to name a finding's claim as the user knows it."""
        return {c.id: c.number for c in self.claims}

    @property
    def blocking(self) -> int:
        return sum(1 for _, f in self.findings if f.blocking)

    @property
    def warnings(self) -> int:
        return sum(1 for _, f in self.findings if f.severity == "WARNING")


def _controlled(
    repos: Repositories, s: Settlement, now: datetime.datetime
) -> tuple[list[Claim], controls.ControlResult]:
    """The draft's claims, refreshed from the series, appointments and plate, and what the
    controls find in them on the records as they are now."""
    src = sources(repos)
    claims = refresh(repos, repos.helfo.claims.find(settlement_id=s.id), src)
    total, count = aggregate.totals(claims)
    checked = dataclasses.replace(s, total=total, count=count)
    return claims, controls.control(claims, _control_context(repos, checked, claims, src, now))


def control(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> ControlReport:
    """Kontrollér: refresh the draft's claims, run every control, store the findings with the
    settlement's new version."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.check(s, Action.EDIT, expected)
        claims, result = _controlled(repos, s, now)
        change = aggregate.record_control(
            s, claims, result.blocking, len(result.findings),
            expected=expected, actor=actor, now=now,
        )  # fmt: skip
        repos.helfo.settlements.save_findings(s.id, s.version + 1, result.findings)
        return ControlReport(save(repos, s, change), result.findings, claims)


def move_blocked_out(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> tuple[Settlement, list[int]]:
    """Flytt ut: every claim with a BLOCKING finding in the last control leaves the draft and
    waits for the next settlement. Returns the settlement and the moved claim numbers."""
    with deciding(db, settlement_id) as (repos, s):
        found = repos.helfo.settlements.findings(s.id)
        blocked = {cid for _, cid, f in found if f.blocking and cid}
        members = repos.helfo.claims.find(settlement_id=s.id)
        moved = [c for c in members if c.id in blocked]
        remaining = [c for c in members if c.id not in blocked]
        change = aggregate.move_blocked_out(
            s, moved, remaining, expected=expected, actor=actor, now=now
        )
        repos.helfo.settlements.remove_members(s.id, [c.id or 0 for c in moved])
        return save(repos, s, change), [c.number for c in moved]


# -- submit, unlock ----------------------------------------------------------------------------


def submit(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Send inn: lock a controlled draft without blocking findings. The controls run once
    more on the current records (a series fixed since the control counts); unsent co-payment
    registrations of its type are attached."""
    with deciding(db, settlement_id) as (repos, s):
        aggregate.submittable(s, expected=expected)
        claims, result = _controlled(repos, s, now)
        regs = _pending_registrations(repos, s)
        try:
            change = aggregate.submit(
                s, expected=expected, current_key=aggregate.content_key(claims),
                blocking=result.blocking, claims=len(claims), registrations=len(regs),
                actor=actor, now=now,
            )  # fmt: skip
        except aggregate.BlockingFindings as exc:
            raise Rejected([f for _, f in result.findings if f.blocking], str(exc)) from None
        repos.helfo.claims.freeze([c.id or 0 for c in claims])
        repos.helfo.claims.attach_registrations(regs, s.id)
        return save(repos, s, change)


def unlock(
    db: UnitOfWork,
    settlement_id: int,
    *,
    expected: int | None = None,
    actor: str,
    now: datetime.datetime,
) -> Settlement:
    """Lås opp / Markér som ikke innsendt: back to draft, possible until it is sent."""
    with deciding(db, settlement_id) as (repos, s):
        change = aggregate.unlock(s, expected=expected, actor=actor, now=now)
        if repos.helfo.messages.sending(s.id):
            raise Conflict(
                f"Oppgjør {s.id} er under sending og kan ikke låses opp; "
                f"fullfør med «oppgjor helfo send {s.id}»."
            )
        regs = [r.id or 0 for r in repos.helfo.claims.registrations(settlement_id=s.id)]
        repos.helfo.claims.attach_registrations(regs, None)
        return save(repos, s, change)


def load_settlement(db: UnitOfWork, settlement_id: int) -> Settlement:
    with db.transaction() as repos:
        return load(repos, settlement_id)


def claims_in(db: UnitOfWork, settlement_id: int) -> list[Claim]:
    with db.transaction() as repos:
        return repos.helfo.claims.find(settlement_id=load(repos, settlement_id).id)
