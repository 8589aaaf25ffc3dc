"""Claims (regninger), settlements (oppgjør) and co-payment registrations.

A claim is derived from one attended appointment with tariffs. Its identity (claim number and
GUID) is assigned once and kept for ever, also when a rejected claim is corrected and resent.
Its content (amounts, diagnosis, referral) follows the appointment and its series until the
claim is submitted; from then it is frozen, and a change is a new, linked record (a credit).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class SettlementType(StrEnum):
    FBV = "NPR BKM FBV"  # fritt behandlingsvalg, dagbehandling (FBV manual ch. 2)
    BKM = "BKM"  # ordinary direct settlement (behandlerkravmelding)


class SettlementState(StrEnum):
    DRAFT = "draft"  # Til behandling
    SUBMITTED = "submitted"  # Innsendt (locked, no file yet)
    SENT = "sent"  # a file or API call exists
    RECEIPTED = "receipted"  # Helfo's answer is in, per claim
    PAID = "paid"  # payout decision registered
    BOOKED = "booked"  # Bokført


STATE_LABELS = {
    SettlementState.DRAFT: "Til behandling",
    SettlementState.SUBMITTED: "Innsendt",
    SettlementState.SENT: "Sendt",
    SettlementState.RECEIPTED: "Kvittert",
    SettlementState.PAID: "Utbetalt",
    SettlementState.BOOKED: "Bokført",
}

# the tabs of the FBV manual's BKM module
TABS = {
    "draft": (SettlementState.DRAFT,),
    "submitted": (
        SettlementState.SUBMITTED,
        SettlementState.SENT,
        SettlementState.RECEIPTED,
        SettlementState.PAID,
    ),
    "booked": (SettlementState.BOOKED,),
}


class ClaimKind(StrEnum):
    CLAIM = "claim"
    CREDIT = "credit"  # kreditering: the whole approved claim, negative amount


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ClaimLine:
    """One tariff on a claim: unit amounts from the plate valid on the service date
    (``None`` when the plate has no such tariff that day)."""

    code: str
    quantity: int
    fee: Decimal | None
    refund: Decimal | None
    copayment: Decimal | None


@dataclass(frozen=True)
class ClaimContent:
    """What a claim says; derived from the appointment, its series and the plate."""

    type: SettlementType
    patient_ref: str
    practitioner_ref: str
    series_ref: str | None
    service_time: datetime.datetime
    lines: tuple[ClaimLine, ...]
    diagnosis_system: str | None
    diagnosis_code: str | None
    referral_date: datetime.date | None
    referrer_ref: str | None
    copayment_reason: str | None  # KodeEgenandel (kodeverk 7461), e.g. F = frikort
    refund: Decimal
    copayment: Decimal

    @property
    def service_date(self) -> datetime.date:
        return self.service_time.date()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(line.code for line in self.lines))

    @property
    def pure_copayment(self) -> bool:
        """Only co-payment, nothing to claim from Helfo (reported as BetaltEgenandel)."""
        return self.refund == 0 and self.copayment > 0

    def key(self) -> str:
        """A stable text of the content, for change detection."""
        lines = ";".join(
            f"{x.code}x{x.quantity}:{x.fee}/{x.refund}/{x.copayment}" for x in self.lines
        )
        return "|".join(
            str(v)
            for v in (
                self.type.value,
                self.patient_ref,
                self.practitioner_ref,
                self.series_ref,
                self.service_time.isoformat(),
                lines,
                self.diagnosis_system,
                self.diagnosis_code,
                self.referral_date,
                self.referrer_ref,
                self.copayment_reason,
                self.refund,
                self.copayment,
            )
        )


@dataclass(frozen=True)
class Claim:
    id: int | None
    number: int
    guid: str
    kind: ClaimKind
    appointment_ref: str | None
    content: ClaimContent
    appointment_id: int | None = None
    frozen: bool = False  # submitted at least once: content no longer follows the records
    credit_of: int | None = None  # for a credit: the id of the credited claim
    outcome: Outcome | None = None
    outcome_code: str | None = None
    outcome_text: str | None = None
    credited: bool = False
    copayment_paid: bool = False
    settlement_id: int | None = None  # the settlement it is active in, if any
    settlement_state: SettlementState | None = None
    sent_on: datetime.date | None = None

    @property
    def amount(self) -> Decimal:
        """The refund claimed: negative for a credit."""
        return -self.content.refund if self.kind is ClaimKind.CREDIT else self.content.refund

    @property
    def status(self) -> str:
        """What the user sees (bokmål)."""
        if self.credited:
            return "kreditert"
        if self.outcome is Outcome.REJECTED:
            return "avvist"
        if self.outcome is Outcome.ACCEPTED:
            paid = self.settlement_state in (SettlementState.PAID, SettlementState.BOOKED)
            return "utbetalt" if paid else "godkjent"
        if self.settlement_state is None:
            return "venter"
        return STATE_LABELS[self.settlement_state].lower()


@dataclass(frozen=True)
class Settlement:
    id: int
    type: SettlementType
    date: datetime.date
    state: SettlementState
    version: int
    total: Decimal
    count: int
    created_at: datetime.datetime
    created_by: str
    sent_at: datetime.datetime | None = None
    sent_total: Decimal | None = None
    sent_count: int | None = None
    transport: str | None = None
    transport_ref: str | None = None
    payout_amount: Decimal | None = None
    payout_date: datetime.date | None = None
    booked_at: datetime.datetime | None = None
    control_version: int | None = None
    control_key: str | None = None
    control_blocking: int | None = None
    corrects_id: int | None = None  # a draft made from another settlement's rejected claims
    # a payout that differs from the approved total, as the user decided to book it (ADR 0017)
    payout_approved: Decimal | None = None  # the accepted total when the payout was registered
    payout_decision: str | None = None  # "awaiting" (Helfo still owes it) or "write-off"
    payout_decision_reason: str | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class CopaymentRegistration:
    """BetaltEgenandel: the patient paid a co-payment Helfo must hear about."""

    id: int | None
    claim_id: int
    claim_number: int
    claim_guid: str
    paid_on: datetime.date
    correction: bool  # corrects a claim already sent (BetaltEgenandel/@korrigering)
    settlement_id: int | None = None
    created_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Event:
    """One transition or change of a settlement: the audit record."""

    settlement_id: int
    at: datetime.datetime
    actor: str
    action: str
    before: str | None
    after: str | None
    detail: str
