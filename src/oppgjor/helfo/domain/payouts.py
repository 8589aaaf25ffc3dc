"""A payout that differs from what Helfo approved (ADR 0017): a finding when it is registered,
and a decision the user must make before it is booked: the rest is still owed by Helfo
(``awaiting``: booked as a receivable) or it is written off with a reason (booked as a loss).
The difference is never booked as income.

>>> import datetime
>>> from oppgjor.helfo.domain.model import SettlementState, SettlementType
>>> s = Settlement(5, SettlementType.BKM, datetime.date(2026, 11, 1), SettlementState.PAID, 9,
...     Decimal("2850.00"), 1, datetime.datetime(2026, 11, 1), "kari",
...     payout_amount=Decimal("2000.00"), payout_approved=Decimal("2850.00"))
>>> difference(s)
Decimal('850.00')
>>> [f.code for f in findings(s)]
['HELFO_PAYOUT_DIFFERS']
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from oppgjor.core.findings import Finding, FindingCode, Location, Severity
from oppgjor.core.money import format_nok, nok
from oppgjor.helfo.domain.model import Settlement

__all__ = ["CODES", "PAYOUT_DIFFERS", "Decision", "decide", "describe", "difference", "findings"]

PAYOUT_DIFFERS = FindingCode(
    "HELFO_PAYOUT_DIFFERS",
    Severity.WARNING,
    "Utbetalingen er ikke lik summen Helfo godkjente; avgjør avviket før bokføring.",
)
CODES = (PAYOUT_DIFFERS,)


class Decision(StrEnum):
    AWAITING = "awaiting"  # Helfo still owes the rest: a receivable
    WRITE_OFF = "write-off"  # not coming: a loss, with the reason


# the decisions in the user's words too
DECISION_WORDS = {
    "avvent": Decision.AWAITING, "avventer": Decision.AWAITING, "venter": Decision.AWAITING,
    "avskriv": Decision.WRITE_OFF, "avskrevet": Decision.WRITE_OFF,
}  # fmt: skip
DECISION_LABELS = {Decision.AWAITING: "avventer Helfo", Decision.WRITE_OFF: "avskrevet"}


class DecisionRefused(ValueError):
    """The decision cannot be made as asked (nothing is written)."""


def difference(s: Settlement) -> Decimal:
    """What Helfo approved but did not pay (negative: paid more than approved); 0 before a
    payout is registered."""
    if s.payout_amount is None or s.payout_approved is None:
        return Decimal("0.00")
    return nok(s.payout_approved - s.payout_amount)


def describe(diff: Decimal) -> str:
    """A difference (approved minus paid) in words, the same way everywhere it is shown:
    ``avvik: 850,00 mindre enn godkjent`` (or ``mer enn``), never a bare sign."""
    if diff >= 0:
        return f"avvik: {format_nok(diff)} mindre enn godkjent"
    return f"avvik: {format_nok(-diff)} mer enn godkjent"


def _options(s: Settlement) -> str:
    awaiting = (
        "Helfo skylder resten; føres som fordring"
        if difference(s) > 0
        else "Helfo trekker det for mye utbetalte fra en senere utbetaling; føres mot fordringen"
    )
    return (
        f"bokfør med «oppgjor settlement book {s.id} --difference awaiting» ({awaiting}) eller "
        "«--difference write-off --reason TEKST» (føres som tap)"
    )


def findings(s: Settlement) -> list[Finding]:
    """The payout differs from the approved total (WARNING), saying what was decided or what
    to decide."""
    diff = difference(s)
    if not diff:
        return []
    assert s.payout_amount is not None and s.payout_approved is not None
    text = (
        f"Oppgjør {s.id}: utbetalt {format_nok(s.payout_amount)}, men Helfo godkjente "
        f"{format_nok(s.payout_approved)} ({describe(diff)}). "
    )
    if s.payout_decision:
        label = DECISION_LABELS[Decision(s.payout_decision)]
        reason = f": {s.payout_decision_reason}" if s.payout_decision_reason else ""
        text += f"Avgjort: {label}{reason}."
    else:
        text += f"Sjekk utbetalingsvedtaket, og {_options(s)}."
    return [PAYOUT_DIFFERS(text, Location("oppgjør", str(s.id), "payout_amount"))]


def decide(s: Settlement, decision: str | None, reason: str | None) -> dict[str, str | None]:
    """The settlement's decision fields for booking: required when the payout differs,
    refused when it does not."""
    if not difference(s):
        if decision:
            raise DecisionRefused(
                f"Utbetalingen på oppgjør {s.id} er lik godkjent sum; --difference trengs ikke."
            )
        return {"payout_decision": None, "payout_decision_reason": None}
    if decision is None:
        raise DecisionRefused(
            f"Oppgjør {s.id} er utbetalt med {describe(difference(s))} sum og bokføres ikke "
            f"før du avgjør avviket: {_options(s)}."
        )
    try:
        chosen = Decision(DECISION_WORDS.get(decision.strip().lower(), decision))
    except ValueError:
        raise DecisionRefused(
            f"Ukjent valg «{decision}» for --difference; velg awaiting (avvent) eller "
            "write-off (avskriv)."
        ) from None
    text = (reason or "").strip() or None
    if chosen is Decision.WRITE_OFF and text is None:
        raise DecisionRefused("Avskriving trenger en begrunnelse: --reason «...».")
    return {"payout_decision": chosen.value, "payout_decision_reason": text}
