"""The settlement aggregate: every change to a settlement is decided here.

Each function takes the settlement as it was loaded, the version the user saw (``expected``)
and what the change needs to know, checks the preconditions and the transition table
(:mod:`workflow`), and returns a :class:`Change`: the settlement after the change (version
bumped) and the event that is also the audit record. Nothing here reads or writes storage;
the use cases load, ask, and save (DESIGN.md convention 7).

>>> now = datetime.datetime(2026, 10, 1, 12)
>>> created = draft(SettlementType.FBV, now.date(), actor="kari", now=now)
>>> (created.settlement.state.value, created.settlement.version, created.event.action)
('draft', 1, 'create')
>>> s = dataclasses.replace(created.settlement, id=4)
>>> submit(s, expected=1, current_key="k", blocking=0, claims=0, registrations=0,
...        actor="kari", now=now)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
oppgjor.helfo.domain.settlement.NotReady: Oppgjør 4 er ikke kontrollert i denne versjonen; ...
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from oppgjor.core.money import format_nok, nok
from oppgjor.helfo.domain.model import (
    Claim,
    Event,
    Settlement,
    SettlementState,
    SettlementType,
)
from oppgjor.helfo.domain.workflow import Action, transition

S = SettlementState


class SettlementRefused(ValueError):
    """The settlement refuses the change; nothing is to be written."""


class StaleVersion(SettlementRefused):
    """Someone else changed the settlement since the user saw it (optimistic lock)."""


class NotReady(SettlementRefused):
    """A precondition of the change does not hold (not controlled, nothing to correct …)."""


class BlockingFindings(NotReady):
    """The controls find BLOCKING findings: the settlement cannot be submitted."""


@dataclass(frozen=True)
class Change:
    """The settlement after a change (``None`` when deleted) and its audit event."""

    settlement: Settlement | None
    event: Event

    @property
    def after(self) -> Settlement:
        assert self.settlement is not None, "a deleted settlement has no state after"
        return self.settlement


def changed_by_others(s: Settlement) -> str:
    return (
        f"Oppgjør {s.id} er endret av noen andre i mellomtiden (versjon {s.version}); "
        "hent det på nytt og prøv igjen. Ingenting ble endret."
    )


def check(s: Settlement, action: Action, expected: int | None) -> SettlementState | None:
    """The state after *action*, if the user saw the current version and the action is
    possible in the settlement's state."""
    if expected is not None and expected != s.version:
        raise StaleVersion(changed_by_others(s))
    return transition(s.state, action)  # raises InvalidTransition


def change(
    s: Settlement,
    action: Action,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
    detail: str,
    **fields: object,
) -> Change:
    after = check(s, action, expected)
    state = after or s.state
    new = dataclasses.replace(s, state=state, version=s.version + 1, **fields)  # type: ignore[arg-type]
    return Change(new, Event(s.id, now, actor, action.value, s.state.value, state.value, detail))


def totals(claims: Iterable[Claim]) -> tuple[Decimal, int]:
    """Σ amount (credits negative) and count."""
    listed = list(claims)
    return nok(sum((c.amount for c in listed), Decimal(0))), len(listed)


def content_key(claims: Iterable[Claim]) -> str:
    """A hash of what the claims say: a control holds only while it is unchanged."""
    text = "\n".join(sorted(f"{c.id}:{c.kind.value}:{c.content.key()}" for c in claims))
    return hashlib.sha256(text.encode()).hexdigest()


# -- creating and building a draft ----------------------------------------------------------


def draft(
    type_: SettlementType,
    date: datetime.date,
    *,
    actor: str,
    now: datetime.datetime,
    corrects: Settlement | None = None,
) -> Change:
    """Ny: an empty draft (``id`` 0 until it is stored), or the draft that corrects
    *corrects*'s rejected claims."""
    s = Settlement(
        id=0, type=type_, date=date, state=S.DRAFT, version=1, total=Decimal("0.00"), count=0,
        created_at=now, created_by=actor, corrects_id=corrects.id if corrects else None,
    )  # fmt: skip
    detail = f"retting av oppgjør {corrects.id}" if corrects else type_.value
    return Change(s, Event(0, now, actor, "create", None, S.DRAFT.value, detail))


@dataclass(frozen=True)
class Selection:
    """Which claims to mark (add) or unmark (remove) in a draft."""

    add_all: bool = False
    remove_all: bool = False
    period: tuple[datetime.date, datetime.date] | None = None
    add: Sequence[int] = ()
    remove: Sequence[int] = ()

    def chosen(self, pool: Sequence[Claim]) -> list[Claim]:
        if self.add_all:
            return list(pool)
        wanted = set(self.add)
        first, last = self.period or (datetime.date.max, datetime.date.min)
        return [c for c in pool if c.number in wanted or first <= c.content.service_date <= last]


@dataclass(frozen=True)
class Marked:
    change: Change
    chosen: list[Claim]
    removed: list[Claim]


def mark(
    s: Settlement,
    pool: Sequence[Claim],
    members: Sequence[Claim],
    selection: Selection,
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Marked:
    """Markér: tick claims waiting in the *pool* (of the settlement's type) into the draft by
    period, all/none or number, and untick *members*."""
    check(s, Action.EDIT, expected)
    if selection.period and selection.period[0] > selection.period[1]:
        first, last = selection.period
        raise NotReady(
            f"Perioden er snudd: fra {first:%d.%m.%Y} er etter til {last:%d.%m.%Y}. "
            "Bytt om --from og --to; ingenting ble markert."
        )
    chosen = selection.chosen([c for c in pool if c.content.type is s.type])
    unknown_numbers(
        selection.add, chosen, f"venter ikke på et {s.type.value}-oppgjør (finnes ikke, er i et "
        "annet oppgjør eller er annen type).",
    )  # fmt: skip
    unknown_numbers(selection.remove, members, f"er ikke i oppgjør {s.id}.")
    gone = set(selection.remove)
    removed = [c for c in members if selection.remove_all or c.number in gone]
    removed_ids = {c.id for c in removed}
    total, count = totals([*(c for c in members if c.id not in removed_ids), *chosen])
    detail = f"+{len(chosen)} / -{len(removed)} regninger"
    decided = change(s, Action.EDIT, expected, actor, now, detail, total=total, count=count)
    return Marked(decided, chosen, removed)


def unknown_numbers(wanted: Iterable[int], found: Iterable[Claim], where: str) -> None:
    """Refuse numbers among *wanted* that are not among *found* (*where* completes the
    message, e.g. «er ikke i oppgjør 4.»)."""
    missing = set(wanted) - {c.number for c in found}
    if missing:
        raise NotReady("Regning " + ", ".join(map(str, sorted(missing))) + " " + where)


def change_date(
    s: Settlement,
    date: datetime.date,
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Change:
    detail = f"dato {s.date:%d.%m.%Y} -> {date:%d.%m.%Y}"
    return change(s, Action.EDIT, expected, actor, now, detail, date=date)


def delete(s: Settlement, *, expected: int | None, actor: str, now: datetime.datetime) -> Change:
    """Slett: a draft only; its claims return to the pool untouched."""
    check(s, Action.DELETE, expected)
    detail = f"slettet med {s.count} regninger ({format_nok(s.total)}); regningene venter igjen"
    return Change(None, Event(s.id, now, actor, "delete", s.state.value, None, detail))


# -- control ---------------------------------------------------------------------------------


def record_control(
    s: Settlement,
    claims: Sequence[Claim],
    blocking: int,
    findings: int,
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Change:
    """Kontrollér: the control ran on *claims* as they are now; the settlement remembers the
    version and the content it passed (or failed) at."""
    total, count = totals(claims)
    detail = f"kontroll: {blocking} blokkerende, {findings} funn i alt"
    return change(
        s, Action.EDIT, expected, actor, now, detail, total=total, count=count,
        control_version=s.version + 1, control_key=content_key(claims), control_blocking=blocking,
    )  # fmt: skip


def move_blocked_out(
    s: Settlement,
    moved: Sequence[Claim],
    remaining: Sequence[Claim],
    *,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Change:
    """Flytt ut: claims with BLOCKING findings in the last control leave the draft."""
    check(s, Action.EDIT, expected)
    if s.control_version is None:
        raise NotReady("Kjør kontroll først; da vet vi hvilke regninger som må ut.")
    total, count = totals(remaining)
    detail = f"flyttet ut {len(moved)} regninger med blokkerende funn"
    return change(s, Action.EDIT, expected, actor, now, detail, total=total, count=count)


# -- submit, unlock, send --------------------------------------------------------------------


def submittable(s: Settlement, *, expected: int | None) -> None:
    """Send inn needs the user's version, a draft, and a control at this version."""
    check(s, Action.SUBMIT, expected)
    if s.control_version != s.version:
        raise NotReady(
            f"Oppgjør {s.id} er ikke kontrollert i denne versjonen; kjør kontroll før innsending."
        )


def submit(
    s: Settlement,
    *,
    expected: int | None,
    current_key: str,
    blocking: int,
    claims: int,
    registrations: int,
    actor: str,
    now: datetime.datetime,
) -> Change:
    """Send inn: lock a draft controlled at this version, on content unchanged since, whose
    controls, run once more on the records as they are now, find nothing blocking."""
    submittable(s, expected=expected)
    if current_key != s.control_key:
        raise NotReady(
            "Serier, avtaler eller takster er endret etter kontrollen; kjør kontroll på nytt."
        )
    if blocking:
        raise BlockingFindings(
            f"Oppgjør {s.id} har {blocking} blokkerende funn og kan ikke sendes inn. "
            "Rett dem, eller flytt regningene ut."
        )
    detail = f"{claims} regninger, {format_nok(s.total)}, {registrations} egenandeler"
    return change(s, Action.SUBMIT, expected, actor, now, detail)


def unlock(s: Settlement, *, expected: int | None, actor: str, now: datetime.datetime) -> Change:
    """Lås opp: back to draft until it is sent; the control no longer holds."""
    return change(s, Action.UNLOCK, expected, actor, now, "låst opp", control_version=None)


def send(
    s: Settlement,
    *,
    resend: bool,
    transport: str,
    reference: str,
    detail: str,
    expected: int | None,
    actor: str,
    now: datetime.datetime,
) -> Change:
    """The settlement left the building through *transport* (message id *reference*)."""
    action = Action.RESEND if resend else Action.SEND
    text = f"sendt via {transport}: {reference}" + (f" ({detail})" if detail else "")
    return change(
        s, action, expected, actor, now, text, sent_at=now, sent_total=s.total,
        sent_count=s.count, transport=transport, transport_ref=reference,
    )  # fmt: skip
