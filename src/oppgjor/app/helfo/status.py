"""A settlement after Send inn as the settlement office looks at it (the web's status page):
its claims with Helfo's answer per claim, the totals, the payout against what Helfo approved
(ADR 0017), the channel it is sent by, and the drafts made from its rejected claims."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import channels, exchange
from oppgjor.app.helfo.unit import load
from oppgjor.core.findings import Finding
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain import payouts
from oppgjor.helfo.domain.model import Claim, Outcome, Settlement, SettlementState
from oppgjor.store import Database

ANSWER_WORDS = {Outcome.ACCEPTED: "godkjent", Outcome.REJECTED: "avvist", None: "ikke besvart"}
DECISION_WORDS = {
    payouts.Decision.AWAITING.value: "Helfo skylder resten: avviket føres som fordring",
    payouts.Decision.WRITE_OFF.value: "resten kommer ikke: avviket føres som tap (begrunnelse)",
}


@dataclass(frozen=True)
class ClaimRow:
    number: int
    patient: str
    service_date: datetime.date
    codes: str
    amount: Decimal
    outcome: Outcome | None
    answer: str  # godkjent / avvist / ikke besvart
    code: str | None
    text: str | None


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    accepted: Decimal
    rejected: Decimal
    rejected_count: int
    unanswered: int


@dataclass(frozen=True)
class StatusView:
    settlement: Settlement
    rows: list[ClaimRow]
    totals: Totals
    channel: str  # channels.OUTBOX or channels.KUHR
    missing: list[str]  # settings to fill in before a file can be made
    certificate: bool  # a certificate is set up (the send asks for its password)
    corrections: list[Settlement] = field(default_factory=list)  # drafts from its rejections
    findings: list[Finding] = field(default_factory=list)  # the payout differs (ADR 0017)
    moved: list[tuple[ClaimRow, int]] = field(default_factory=list)  # rejected, and where to

    @property
    def difference(self) -> Decimal:
        """Approved minus paid; 0 before the payout is registered."""
        return payouts.difference(self.settlement)

    @property
    def difference_text(self) -> str:
        return payouts.describe(self.difference) if self.difference else ""

    @property
    def sent_by_kuhr(self) -> bool:
        """Sent through the KUHR API: its answer is fetched from there, not the inbox."""
        return self.settlement.transport == KUHR_TRANSPORT

    @property
    def can_correct(self) -> bool:
        return self.settlement.state in CORRECTABLE and self.totals.rejected_count > 0


COMMAND_HINT = re.compile(r" \(oppgjor [^)]*\)")
KUHR_TRANSPORT = "kuhr-api"  # the KUHR client's transport name, as the settlement records it
CORRECTABLE = (SettlementState.SENT, SettlementState.RECEIPTED, SettlementState.PAID)


def _row(c: Claim, names: dict[str, str]) -> ClaimRow:
    return ClaimRow(
        c.number, names.get(c.content.patient_ref, c.content.patient_ref), c.content.service_date,
        ", ".join(c.content.codes), c.amount, c.outcome, ANSWER_WORDS[c.outcome],
        c.outcome_code, c.outcome_text,
    )  # fmt: skip


def _totals(rows: list[ClaimRow]) -> Totals:
    def of(outcome: Outcome | None) -> list[ClaimRow]:
        return [r for r in rows if r.outcome is outcome]

    def total(chosen: list[ClaimRow]) -> Decimal:
        return sum((r.amount for r in chosen), Decimal("0.00"))

    rejected = of(Outcome.REJECTED)
    return Totals(
        len(rows), total(rows), total(of(Outcome.ACCEPTED)), total(rejected), len(rejected),
        len(of(None)),
    )  # fmt: skip


def status(db: Database, settlement_id: int) -> StatusView:
    """The settlement with its claims and their answers (NotFound when there is none)."""
    with db.reading() as repos:
        s = load(repos, settlement_id)
        claims = repos.helfo.claims.find(settlement_id=s.id)
        refs = {c.content.patient_ref for c in claims}
        corrections = repos.helfo.settlements.corrections_of(s.id)
        later = {x.id: repos.helfo.claims.find(settlement_id=x.id) for x in corrections}
        refs |= {c.content.patient_ref for found in later.values() for c in found}
        names = {p.ref: f"{p.first_name} {p.last_name}" for p in repos.patients(refs)}
    rows = sorted((_row(c, names) for c in claims), key=lambda r: r.number)
    channel = channels.configured(db)
    missing = exchange.missing(db) if channel == channels.OUTBOX else []
    missing = [COMMAND_HINT.sub("", m) for m in missing]  # the page points to its settings
    certificate = bool(exchange.get_settings(db)["certificate"])
    moved = [(_row(c, names), sid) for sid, found in later.items() for c in found if c.frozen]
    return StatusView(
        s, rows, _totals(rows), channel, missing, certificate, corrections, payouts.findings(s),
        sorted(moved, key=lambda m: m[0].number),
    )  # fmt: skip


def payout_preview(view: StatusView, amount: Decimal) -> str:
    """What a payout of *amount* would mean against the approved total, in words."""
    diff = view.totals.accepted - amount
    if not diff:
        return "Lik summen Helfo godkjente; bokføres uten avvik."
    return (
        f"Helfo godkjente {format_nok(view.totals.accepted)} ({payouts.describe(diff)}). Før "
        "bokføring avgjør du om Helfo skylder resten (fordring) eller om den avskrives (tap)."
    )


def parse_amount(text: str) -> Decimal:
    """A payout as the user types it (``12 345,50`` or ``12345.50``): at least 0, øre at most."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    cleaned = cleaned.removesuffix("kr").removesuffix(".-")
    try:
        amount = Decimal(cleaned)
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise UseCaseError(
            f"«{text.strip()[:40]}» er ikke et beløp; skriv f.eks. 12 345,50. Ingenting ble lagret."
        )
    if amount >= Decimal("1e10"):
        raise UseCaseError("Beløpet er for stort. Ingenting ble lagret.")
    return amount.quantize(Decimal("0.01"))
