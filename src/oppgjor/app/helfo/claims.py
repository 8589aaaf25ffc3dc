"""Use cases on claims: creating them from appointments, refreshing them from the records,
credits and co-payment payments."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Mapping, Sequence

from oppgjor.app.clinic.trail import SYSTEM_ACTOR
from oppgjor.app.errors import Conflict, NotFound, UseCaseError
from oppgjor.clinic.domain.model import Appointment
from oppgjor.clinic.domain.tariffs import TariffPlate
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain.claims import ClaimSources, derive
from oppgjor.helfo.domain.model import Claim, ClaimContent, ClaimKind, Outcome, SettlementState
from oppgjor.helfo.domain.ports import Repositories
from oppgjor.store import Database
from oppgjor.store.audit import AuditEvent
from oppgjor.store.repos import Repos

# every state after the draft: the claims' content is frozen there
LOCKED = tuple(s for s in SettlementState if s is not SettlementState.DRAFT)


def sources(repos: Repositories) -> ClaimSources:
    return ClaimSources(
        series={s.ref: s for s in repos.series()},
        practitioners={p.ref: p for p in repos.practitioners()},
        plate=TariffPlate(repos.tariffs()),
    )


def sync_claims(
    repos: Repositories, now: datetime.datetime, src: ClaimSources | None = None
) -> int:
    """Create a claim for every attended appointment with tariffs that has none; numbers are
    assigned in order of treatment time. Returns how many were created."""
    ids = repos.helfo.claims.unclaimed_appointment_ids()
    if not ids:
        return 0
    src = src or sources(repos)
    appointments = sorted(repos.appointments(ids=ids), key=lambda a: (a.start, a.id or 0))
    numbers = repos.helfo.claims.next_numbers(len(appointments))
    claims = [
        Claim(
            id=None,
            number=number,
            guid=str(uuid.uuid4()),
            kind=ClaimKind.CLAIM,
            appointment_ref=a.ref,
            content=derive(a, src),
            appointment_id=a.id,
        )
        for number, a in zip(numbers, appointments, strict=True)
    ]
    repos.helfo.claims.insert(claims, now)
    return len(claims)


def refresh(
    repos: Repositories, claims: Sequence[Claim], src: ClaimSources | None = None
) -> list[Claim]:
    """Re-derive the content of claims that are not locked in a submitted settlement, so a fix
    in a series or on the plate reaches them; returns the claims as they now are."""
    open_ = open_claims(claims)
    if not open_:
        return list(claims)
    src = src or sources(repos)
    ids = [c.appointment_id for c in open_ if c.appointment_id]
    by_id = {a.id or 0: a for a in repos.appointments(ids=ids)}
    found, changes = rederived(claims, by_id, src)
    repos.helfo.claims.update_contents(changes)
    return found


def open_claims(claims: Sequence[Claim]) -> list[Claim]:
    """The claims whose content still follows the records: not locked, not a credit."""
    return [
        c
        for c in claims
        if c.kind is ClaimKind.CLAIM and c.appointment_id and c.settlement_state not in LOCKED
    ]


def rederived(
    claims: Sequence[Claim], appointments: Mapping[int, Appointment], src: ClaimSources
) -> tuple[list[Claim], list[tuple[int, ClaimContent]]]:
    """The claims with the content their appointments (by id) yield now, and the changed
    contents to store (claim id, content); nothing is written."""
    changes = []
    updated: dict[int, Claim] = {}
    for c in open_claims(claims):
        appointment = appointments.get(c.appointment_id or 0)
        if appointment is None:
            continue
        content = derive(appointment, src)
        if content != c.content and c.id is not None:
            changes.append((c.id, content))
            updated[c.id] = _with_content(c, content)
    return [updated.get(c.id or 0, c) for c in claims], changes


def _with_content(claim: Claim, content: ClaimContent) -> Claim:
    return dataclasses.replace(claim, content=content)


def get_claim(repos: Repos, number: int, kind: ClaimKind = ClaimKind.CLAIM) -> Claim:
    found = [c for c in repos.helfo.claims.find(numbers=[number]) if c.kind is kind]
    if not found:
        label = "Kreditering" if kind is ClaimKind.CREDIT else "Regning"
        raise NotFound(f"{label} {number} finnes ikke.")
    live = [c for c in found if not c.credited]
    return (live or found)[-1]


def _noted(db: Database, number: int) -> Claim | None:
    """The claim as last committed, read without waiting for an action that is writing."""
    with db.reading() as repos:
        try:
            return get_claim(repos, number)
        except NotFound:
            return None


def _already(number: int, usual: str, meanwhile: bool) -> str:
    """Why the claim cannot be changed again (*usual*); if it changed after the action noted
    it, someone else won the race, and the message says so first."""
    if meanwhile:
        return (
            f"Regning {number} er endret av noen andre i mellomtiden: {usual} Ingenting ble endret."
        )
    return usual


def _audit(repos: Repos, now: datetime.datetime, actor: str, number: int, action: str,
           after: dict[str, object]) -> None:  # fmt: skip
    """The claim's change in the audit trail (``oppgjor history claim N``): who, when, what."""
    repos.audit.add(AuditEvent(now, actor, "claim", str(number), action, {"after": after}))


def credit(
    db: Database, number: int, now: datetime.datetime, *, actor: str = SYSTEM_ACTOR
) -> Claim:
    """Kreditering: a whole-claim credit (negative) of an approved claim younger than 3 years.
    The credit waits in the pool for the next settlement; once Helfo approves it, the
    appointment yields a new claim (new number) that can be corrected and sent."""
    seen = _noted(db, number)
    with db.transaction() as repos:
        original = get_claim(repos, number)
        if original.credited or not repos.helfo.claims.mark_credited(original.id or 0):
            raise Conflict(
                _already(
                    number,
                    f"Regning {number} er allerede kreditert.",
                    seen is not None and not seen.credited,
                )
            )
        if original.outcome is not Outcome.ACCEPTED:
            raise UseCaseError(
                f"Regning {number} er ikke godkjent av Helfo; bare godkjente regninger kan "
                "krediteres (en avvist regning rettes og sendes på nytt)."
            )
        received = original.sent_on or original.content.service_date
        if not calendar.credit_allowed(received, now.date()):
            raise UseCaseError(
                f"Regning {number} ble sendt {received:%d.%m.%Y} og er eldre enn 3 år; Helfo tar "
                "ikke imot kreditering av den."
            )
        credit_claim = Claim(
            id=None,
            number=original.number,
            guid=original.guid,
            kind=ClaimKind.CREDIT,
            appointment_ref=original.appointment_ref,
            content=original.content,
            appointment_id=original.appointment_id,
            frozen=True,
            credit_of=original.id,
        )
        repos.helfo.claims.insert([credit_claim], now)
        _audit(repos, now, actor, number, "credited", {"credited": True})
        return get_claim(repos, number, ClaimKind.CREDIT)


def copayment_paid(
    db: Database, number: int, paid_on: datetime.date, now: datetime.datetime, *,
    actor: str = SYSTEM_ACTOR,
) -> str:  # fmt: skip
    """The patient paid the co-payment. Before the claim is submitted it travels on the claim
    (BetaltEgenandel erBetalt); after, or for a pure co-payment tariff, a registration is
    attached to the next settlement. Returns what was done (bokmål)."""
    if paid_on > now.date():
        raise UseCaseError(
            f"Betalingsdatoen {paid_on:%d.%m.%Y} er fram i tid; registrer egenandelen når "
            "pasienten har betalt. Ingenting ble endret."
        )
    seen = _noted(db, number)
    with db.transaction() as repos:
        claim = get_claim(repos, number)
        _not_rejected(claim)
        if claim.content.copayment <= 0:
            raise UseCaseError(f"Regning {number} har ingen egenandel å betale.")
        if claim.copayment_paid or not repos.helfo.claims.mark_copayment_paid(claim.id or 0):
            changed = seen is not None and not seen.copayment_paid
            usual = f"Egenandelen på regning {number} er allerede registrert betalt."
            raise Conflict(_already(number, usual, changed))
        _audit(repos, now, actor, number, "copayment_paid", {"copayment_paid_on": str(paid_on)})
        if claim.content.pure_copayment:
            repos.helfo.claims.add_registration(claim.id or 0, paid_on, False, now)
            return "Betalt egenandel registrert; den sendes med neste oppgjør."
        if claim.frozen or claim.settlement_state in LOCKED:
            repos.helfo.claims.add_registration(claim.id or 0, paid_on, True, now)
            return "Regningen er sendt; korrigering av betalt egenandel sendes med neste oppgjør."
        return "Betalt egenandel følger regningen når den sendes."


def _not_rejected(claim: Claim) -> None:
    """A claim Helfo rejected is corrected and resent first; a co-payment registered on it
    would go to Helfo on a claim Helfo does not have. (In a correction draft it may: the
    co-payment then travels with the resent claim.)"""
    if claim.outcome is Outcome.REJECTED and claim.settlement_state is not SettlementState.DRAFT:
        reason = f" ({claim.outcome_code}: {claim.outcome_text})" if claim.outcome_code else ""
        where = (
            f"oppgjor settlement correct {claim.settlement_id}"
            if claim.settlement_id
            else ("oppgjor settlement correct")
        )
        raise UseCaseError(
            f"Regning {claim.number} er avvist av Helfo{reason}. Rett den og send den på nytt "
            f"({where}, så kontroll og innsending), og registrer egenandelen etterpå. "
            "Ingenting ble endret."
        )
