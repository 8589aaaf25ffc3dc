"""The settlement workflow as an explicit transition table (DESIGN.md convention 7).

>>> transition(SettlementState.DRAFT, Action.SUBMIT)
<SettlementState.SUBMITTED: 'submitted'>
>>> transition(SettlementState.SENT, Action.UNLOCK)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
oppgjor.helfo.domain.workflow.InvalidTransition: Kan ikke låse opp: oppgjøret er «Sendt». ...
"""

from __future__ import annotations

from enum import StrEnum

from oppgjor.helfo.domain.model import STATE_LABELS, SettlementState

S = SettlementState


class Action(StrEnum):
    EDIT = "edit"  # mark/unmark claims, change date, control, move blocked claims out
    SUBMIT = "submit"  # Send inn: lock
    UNLOCK = "unlock"  # Lås opp / Markér som ikke innsendt
    DELETE = "delete"
    SEND = "send"  # a file was written or the API called
    RESEND = "resend"  # the user explicitly sends the same settlement again
    RECEIPT = "receipt"  # Helfo's answer, per claim
    CORRECT = "correct"  # move rejected claims out into a new draft
    PAY = "pay"  # payout decision
    BOOK = "book"  # Bokfør


ACTION_LABELS = {
    Action.EDIT: "endre",
    Action.SUBMIT: "sende inn",
    Action.UNLOCK: "låse opp",
    Action.DELETE: "slette",
    Action.SEND: "markere som sendt",
    Action.RESEND: "sende på nytt",
    Action.RECEIPT: "registrere kvittering",
    Action.CORRECT: "rette avviste regninger",
    Action.PAY: "registrere utbetaling",
    Action.BOOK: "bokføre",
}

DELETED = None
TRANSITIONS: dict[tuple[SettlementState, Action], SettlementState | None] = {
    (S.DRAFT, Action.EDIT): S.DRAFT,
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.DELETE): DELETED,
    (S.SUBMITTED, Action.UNLOCK): S.DRAFT,
    (S.SUBMITTED, Action.SEND): S.SENT,
    (S.SENT, Action.RESEND): S.SENT,
    (S.SENT, Action.RECEIPT): S.RECEIPTED,
    (S.SENT, Action.CORRECT): S.SENT,
    (S.RECEIPTED, Action.CORRECT): S.RECEIPTED,
    (S.RECEIPTED, Action.PAY): S.PAID,
    (S.PAID, Action.CORRECT): S.PAID,
    (S.PAID, Action.BOOK): S.BOOKED,
}


class InvalidTransition(ValueError):
    """The action is not possible in the settlement's state."""


def allowed(state: SettlementState) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source is state]


def transition(state: SettlementState, action: Action) -> SettlementState | None:
    """The state after *action*, ``None`` when the settlement is deleted."""
    if (state, action) not in TRANSITIONS:
        possible = ", ".join(ACTION_LABELS[a] for a in allowed(state)) or "ingenting"
        raise InvalidTransition(
            f"Kan ikke {ACTION_LABELS[action]}: oppgjøret er «{STATE_LABELS[state]}». "
            f"Mulig nå: {possible}."
        )
    return TRANSITIONS[(state, action)]
