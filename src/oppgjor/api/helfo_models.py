"""The shapes of settlements, claims and their findings over HTTP (money as strings)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from oppgjor.api.schemas import FindingOut
from oppgjor.core.findings import Finding
from oppgjor.core.redact import redact
from oppgjor.helfo.domain import calendar, payouts
from oppgjor.helfo.domain.model import Claim, Event, Settlement, SettlementState

MAX_ID = 2_147_483_647

# the clinic's wall-clock time, as stored (no offset): not an RFC 3339 date-time, so the
# schema says a string in that shape rather than promise an offset it does not carry
LocalTime = Annotated[
    datetime.datetime,
    WithJsonSchema({"type": "string", "example": "2026-03-02T10:00:00",
                    "description": "Lokal tid i Norge (ÅÅÅÅ-MM-DDTTT:MM:SS), uten tidssone."}),
]  # fmt: skip


# a day the workflow can reckon with (a calendar or a deadline from it stays a date)
Day = Annotated[datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2199, 12, 31))]


def _has_control(value: object) -> bool:
    if isinstance(value, str):
        return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value)
    if isinstance(value, dict):
        return any(_has_control(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    return False


class Strict(BaseModel):
    """A request body: unknown fields and control characters (NUL, …) are refused."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if _has_control(data):
            raise ValueError("teksten inneholder kontrolltegn")
        return data


class TypeName(StrEnum):
    FBV = "fbv"
    BKM = "bkm"


class Tab(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    BOOKED = "booked"


def safe(findings: Iterable[Finding]) -> list[FindingOut]:
    """Findings as shown: a national id in a message or location is masked."""
    return [
        f.model_copy(update={"message": redact(f.message), "location": redact(f.location)})
        for f in map(FindingOut.of, findings)
    ]


def money(value: object) -> str | None:
    return None if value is None else str(value)


class SettlementOut(BaseModel):
    """Et oppgjør (versjonen er også svarets ETag)."""

    id: int
    type: str = Field(description="NPR BKM FBV eller BKM.")
    date: datetime.date = Field(description="Oppgjørsdatoen.")
    state: SettlementState
    status: str = Field(description="Status som i FBV-veilederen (Til behandling, Innsendt, …).")
    version: int = Field(description="Versjonen; send den i If-Match når du endrer.")
    total: str = Field(description="Sum refusjon (kroner).")
    count: int = Field(description="Antall regninger.")
    control_blocking: int | None = Field(description="Blokkerende funn i siste kontroll.")
    controlled: bool = Field(description="Kontrollert i denne versjonen.")
    transport: str | None
    transport_ref: str | None = Field(description="Meldings-id eller referanse ved sending.")
    sent_at: LocalTime | None
    payout_amount: str | None
    payout_date: datetime.date | None
    payout_approved: str | None = Field(description="Godkjent sum da utbetalingen kom.")
    payout_difference: str | None = Field(description="Utbetalt minus godkjent, når de avviker.")
    payout_decision: str | None = Field(description="awaiting eller write-off (ADR 0017).")
    payout_decision_reason: str | None
    corrects: int | None = Field(description="Oppgjøret dette utkastet retter.")
    findings: list[FindingOut] = Field(description="Et avvik i utbetalingen, når det finnes.")

    @classmethod
    def of(cls, s: Settlement) -> SettlementOut:
        diff = payouts.difference(s)
        return cls(
            id=s.id,
            type=s.type.value,
            date=s.date,
            state=s.state,
            status=s.label,
            version=s.version,
            total=str(s.total),
            count=s.count,
            control_blocking=s.control_blocking,
            controlled=s.control_version == s.version,
            transport=s.transport,
            transport_ref=s.transport_ref,
            sent_at=s.sent_at,
            payout_amount=money(s.payout_amount),
            payout_date=s.payout_date,
            payout_approved=money(s.payout_approved),
            payout_difference=money(diff or None),
            payout_decision=s.payout_decision,
            payout_decision_reason=s.payout_decision_reason,
            corrects=s.corrects_id,
            findings=safe(payouts.findings(s)),
        )


class ClaimOut(BaseModel):
    """En regning (eller en kreditering) til Helfo."""

    number: int = Field(description="Regningsnummeret; følger regningen også når den rettes.")
    guid: str
    kind: str = Field(description="claim eller credit.")
    status: str = Field(description="venter, til behandling, innsendt, godkjent, avvist, …")
    type: str
    patient: str = Field(description="Pasientens nøkkel (aldri fødselsnummeret).")
    practitioner: str
    series: str | None
    appointment: str | None
    time: LocalTime = Field(description="Behandlingstidspunktet.")
    expires: datetime.date = Field(description="Foreldelsesfristen hos Helfo.")
    tariffs: list[str]
    diagnosis: str | None
    copayment_reason: str | None
    refund: str = Field(description="Refusjon (negativ for en kreditering).")
    copayment: str
    outcome_code: str | None
    outcome_text: str | None
    settlement: int | None

    @classmethod
    def of(cls, c: Claim) -> ClaimOut:
        x = c.content
        return cls(
            number=c.number,
            guid=c.guid,
            kind=c.kind.value,
            status=c.status,
            type=x.type.value,
            patient=x.patient_ref,
            practitioner=x.practitioner_ref,
            series=x.series_ref,
            appointment=c.appointment_ref,
            time=x.service_time,
            expires=calendar.claim_expiry(x.service_date),
            tariffs=[f"{line.code}x{line.quantity}" for line in x.lines],
            diagnosis=x.diagnosis_code,
            copayment_reason=x.copayment_reason,
            refund=str(c.amount),
            copayment=str(x.copayment),
            outcome_code=c.outcome_code,
            outcome_text=c.outcome_text and redact(c.outcome_text),
            settlement=c.settlement_id,
        )


class ClaimWithFindings(ClaimOut):
    findings: list[FindingOut] = Field(description="Funnene fra siste kontroll.")


class EventOut(BaseModel):
    """Én hendelse i oppgjørets historikk."""

    at: LocalTime
    actor: str = Field(description="Hvem (brukeren eller tokenets eier).")
    action: str
    before: str | None
    after: str | None
    detail: str

    @classmethod
    def of(cls, e: Event) -> EventOut:
        return cls(
            at=e.at,
            actor=e.actor,
            action=e.action,
            before=e.before,
            after=e.after,
            detail=redact(e.detail),
        )


class RegistrationOut(BaseModel):
    claim: int
    paid_on: datetime.date
    correction: bool


class SettlementDetailOut(SettlementOut):
    """Et oppgjør med regninger, funn, betalte egenandeler og historikk."""

    claims: list[ClaimWithFindings]
    settlement_findings: list[FindingOut] = Field(description="Funn på oppgjøret som helhet.")
    findings_current: bool = Field(description="Funnene gjelder denne versjonen.")
    copayment_registrations: list[RegistrationOut]
    events: list[EventOut]


def with_findings(
    claims: Iterable[Claim], findings: Mapping[int | None, list[Finding]]
) -> list[ClaimWithFindings]:
    return [
        ClaimWithFindings(**ClaimOut.of(c).model_dump(), findings=safe(findings.get(c.id, [])))
        for c in claims
    ]
