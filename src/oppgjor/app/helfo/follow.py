"""A claim follows its appointment's life (ADR 0016).

While a claim was never submitted it follows the appointment: an attended appointment with
tariffs gets one, and when it stops being billable (not attended, cancelled, back to planned,
lines removed, deleted) the claim leaves: out of the draft that holds it (which gets a new
version and an event in its history) and deleted; its number is not given again. Once the
claim has been submitted, the appointment's billable content is frozen with it: a change is
refused with what to do instead, never made silently.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from oppgjor.app.errors import Conflict
from oppgjor.app.helfo.claims import LOCKED, refresh, sync_claims
from oppgjor.app.helfo.unit import save
from oppgjor.clinic.domain.model import Appointment, AppointmentStatus
from oppgjor.helfo.domain import settlement as aggregate
from oppgjor.helfo.domain.model import Claim, ClaimKind, Outcome, SettlementState
from oppgjor.helfo.domain.workflow import Action
from oppgjor.store.repos import Repos

S = SettlementState


def billable(appointment: Appointment | None) -> bool:
    """Whether the appointment yields a claim: attended, with tariff lines.

    An insurer's booking (``app.clinic.booking``) never does: the insurer pays it. Its
    appointment is made without series and tariff lines (the service's tariff or price stays
    on the service), and should the clinic add lines, the claims query
    (``unclaimed_appointment_ids``) still skips every appointment a booking made."""
    return (
        appointment is not None
        and appointment.status is AppointmentStatus.ATTENDED
        and bool(appointment.lines)
    )


def claims_of(repos: Repos, appointment_id: int) -> list[Claim]:
    """Every claim and credit made from the appointment."""
    return repos.helfo.claims.find(ids=repos.appointment_claim_ids(appointment_id))


def live(claims: Sequence[Claim]) -> Claim | None:
    """The appointment's claim that counts now (not credited), if any."""
    found = [c for c in claims if c.kind is ClaimKind.CLAIM and not c.credited]
    return found[-1] if found else None


def is_open(claim: Claim) -> bool:
    """Still following its records: not in a submitted settlement and not approved."""
    return claim.settlement_state not in LOCKED and claim.outcome is not Outcome.ACCEPTED


def was_sent(claim: Claim) -> bool:
    """Helfo has seen the claim (a claim submitted and unlocked again has not)."""
    return claim.sent_on is not None or claim.outcome is not None


def frozen_refusal(claim: Claim, ref: str) -> str:
    """Why the appointment cannot change while *claim* is where it is, and what to do."""
    n, s = claim.number, claim.settlement_id
    first = f"Avtale {ref} har regning {n}"
    if claim.outcome is Outcome.ACCEPTED:
        return (
            f"{first}, som Helfo har godkjent; en godkjent regning endres ikke i stillhet. "
            f"Krediter den først med «oppgjor claim credit {n}», og gjør så endringen."
        )
    if claim.settlement_state is S.SUBMITTED:
        return (
            f"{first} i oppgjør {s}, som er sendt inn (låst). Lås opp oppgjøret med "
            f"«oppgjor settlement unlock {s}» og gjør så endringen, eller vent på kvitteringen."
        )
    if claim.outcome is Outcome.REJECTED:
        return (
            f"{first}, som Helfo har avvist i oppgjør {s}. Flytt den til et nytt utkast med "
            f"«oppgjor settlement correct {s}»; der følger den avtalen igjen."
        )
    return (
        f"{first} i oppgjør {s}, som er sendt til Helfo. Vent på kvitteringen: en avvist "
        f"regning rettes med «oppgjor settlement correct {s}», en godkjent krediteres med "
        f"«oppgjor claim credit {n}» før endringen."
    )


def guard_change(repos: Repos, before: Appointment, after: Appointment | None) -> None:
    """Refuse (Conflict, nothing written) a change of the appointment (*after* None: its
    deletion) that would silently change a claim Helfo has or will get."""
    assert before.id is not None
    claims = claims_of(repos, before.id)
    ref = before.ref or f"#{before.id}"
    current = live(claims)
    if current is not None and current.settlement_id is not None:
        # hold its settlement: a submit running now finishes first (and is seen below), or
        # waits for this change and then finds its version changed
        _hold(repos, current.settlement_id)
        claims = claims_of(repos, before.id)
        current = live(claims)
    reported = repos.helfo.claims.reported_registrations([c.id for c in claims if c.id])
    if reported:
        number = next(c.number for c in claims if c.id in reported)
        raise Conflict(
            f"Avtale {ref} har regning {number}, der betalt egenandel er meldt til Helfo i "
            f"oppgjør {next(iter(reported.values()))}; avtalen endres ikke i stillhet. En "
            "korrigering av egenandelen må meldes Helfo; oppgjor gjør ikke det ennå."
        )
    if current is not None and not is_open(current):
        raise Conflict(frozen_refusal(current, ref))
    if current is not None and was_sent(current) and not billable(after):
        raise Conflict(
            f"Avtale {ref} har regning {current.number}, som er sendt til Helfo og avvist. "
            "Den kan rettes og sendes på nytt, men ikke tas bort; endre avtalen uten å avlyse "
            "den, eller la regningen stå utenfor oppgjørene."
        )
    if after is None and any(c.kind is ClaimKind.CREDIT or was_sent(c) for c in claims):
        raise Conflict(
            f"Avtale {ref} har regninger som er sendt til Helfo (også krediterte); den kan "
            "ikke slettes. Avlys den i stedet med «oppgjor appointment cancel»."
        )


def follow(
    repos: Repos,
    appointment_id: int,
    after: Appointment | None,
    *,
    actor: str,
    now: datetime.datetime,
) -> list[str]:
    """Make the appointment's claim follow it after a change (checked by
    :func:`guard_change`); returns what happened, for the user (bokmål)."""
    ref = (after.ref if after else None) or f"#{appointment_id}"
    current = live(claims_of(repos, appointment_id))
    if current is not None and billable(after):
        [now_is] = refresh(repos, [current])
        if now_is.content != current.content and current.settlement_state is S.DRAFT:
            return [_changed_in_draft(repos, now_is, ref, actor, now)]
        return []
    if current is not None:
        return [_leave(repos, current, ref, actor, now)]
    if billable(after):
        sync_claims(repos, now)
        made = live(claims_of(repos, appointment_id))
        if made is not None:
            return [f"Regning {made.number} er laget og venter på et oppgjør."]
    return []


def _hold(repos: Repos, settlement_id: int) -> None:
    store = repos.helfo.settlements
    s = store.get(settlement_id)
    if s is not None and not store.lock(s.id, s.version):
        raise Conflict(aggregate.changed_by_others(s))


def _changed_in_draft(
    repos: Repos, claim: Claim, ref: str, actor: str, now: datetime.datetime
) -> str:
    """The draft holding *claim*, whose content followed its appointment, gets a new version
    (a control made before it is no longer the last; a submit racing this one conflicts),
    its new total and an event in its history."""
    store = repos.helfo.settlements
    s = store.get(claim.settlement_id or 0)
    assert s is not None
    total, count = aggregate.totals(repos.helfo.claims.find(settlement_id=s.id))
    detail = f"regning {claim.number} endret: avtale {ref} er endret"
    save(repos, s, aggregate.change(s, Action.EDIT, None, actor, now, detail, total=total,
                                    count=count))  # fmt: skip
    return f"Regning {claim.number} i utkast {s.id} er endret; kontroller oppgjøret på nytt."


def _leave(repos: Repos, claim: Claim, ref: str, actor: str, now: datetime.datetime) -> str:
    """An unsent claim whose appointment no longer yields it leaves its draft and is
    deleted."""
    cid = claim.id or 0
    note = f"Regning {claim.number} er slettet (nummeret brukes ikke igjen)."
    if claim.settlement_id is not None and claim.settlement_state is S.DRAFT:
        store = repos.helfo.settlements
        s = store.get(claim.settlement_id)
        assert s is not None
        if not store.lock(s.id, s.version):
            raise Conflict(aggregate.changed_by_others(s))
        remaining = [c for c in repos.helfo.claims.find(settlement_id=s.id) if c.id != cid]
        total, count = aggregate.totals(remaining)
        detail = f"regning {claim.number} tatt ut: avtale {ref} gir ikke lenger regning"
        change = aggregate.change(
            s, Action.EDIT, None, actor, now, detail, total=total, count=count
        )
        store.remove_members(s.id, [cid])
        save(repos, s, change)
        note = f"Regning {claim.number} er tatt ut av utkast {s.id} og slettet."
    repos.helfo.claims.remove_unsent([cid])
    return note
