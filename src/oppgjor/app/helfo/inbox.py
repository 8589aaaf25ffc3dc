"""Reading Helfo's receipts (AppRec) from the message server's inbox, and simulating them in
a test installation."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from oppgjor.app import installation
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo.exchange import folders, get_settings
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.helfo.adapters import folders as exchange
from oppgjor.helfo.adapters.messages import apprec, xml
from oppgjor.store import Database

B = Severity.BLOCKING
UNREADABLE = FindingCode(
    "INBOX_UNREADABLE", B, "Filen i innboksen er ikke trygg, lesbar XML (karantene)."
)
INVALID = FindingCode("INBOX_INVALID", B, "Filen er ikke en gyldig AppRec v1.0 (karantene).")
DUPLICATE = FindingCode("INBOX_DUPLICATE", B, "Kvitteringen er lest før og brukes ikke igjen.")
UNKNOWN_MESSAGE = FindingCode(
    "INBOX_UNKNOWN_MESSAGE", B, "Kvitteringen svarer på en melding oppgjor ikke har sendt."
)
NOT_APPLICABLE = FindingCode(
    "INBOX_NOT_APPLICABLE", B, "Kvitteringen passer ikke til oppgjøret den svarer på."
)
CODES = (UNREADABLE, INVALID, DUPLICATE, UNKNOWN_MESSAGE, NOT_APPLICABLE)


class Quarantined(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class InboxReport:
    applied: list[tuple[str, int, str]] = field(default_factory=list)  # file, settlement, status
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # file, reason
    findings: list[Finding] = field(default_factory=list)


def read_inbox(db: Database, *, actor: str, now: datetime.datetime) -> InboxReport:
    """Read every AppRec in the inbox once: apply it to the settlement it answers, archive the
    file; anything unreadable, unknown or already applied goes to quarantine with the reason,
    and no claim changes."""
    target = folders(get_settings(db))
    target.ensure()
    report = InboxReport()
    for path in exchange.incoming(target.inbox):
        if path.name.endswith(".reason.txt"):
            continue
        try:
            sid, status = _apply_receipt(db, path, actor, now)
        except Quarantined as exc:
            f = exc.finding
            exchange.quarantine(path, target, f"{f.code}: {f.message}")
            report.quarantined.append((path.name, f.message))
            report.findings.append(f)
            continue
        exchange.move(path, target.archive)
        report.applied.append((path.name, sid, status))
    return report


def _read(path: Path) -> apprec.AppRec:
    where = f"innboks/{path.name}"
    try:
        root = xml.parse(path.read_bytes())
    except xml.XmlError as exc:
        raise Quarantined(UNREADABLE(str(exc), where)) from None
    try:
        xml.validate(root, "apprec")
        return apprec.parse(root)
    except (xml.XmlError, ValueError) as exc:
        raise Quarantined(INVALID(str(exc), where)) from None


def _apply_receipt(db: Database, path: Path, actor: str, now: datetime.datetime) -> tuple[int, str]:
    """Apply one AppRec file in one transaction: all of it, or (on any error) nothing."""
    receipt = _read(path)
    where = f"innboks/{path.name}"
    try:
        rejected, whole = _reasons(receipt)
    except UseCaseError as exc:
        raise Quarantined(NOT_APPLICABLE(str(exc), where)) from None
    with db.transaction() as repos:
        if repos.helfo.messages.receipt_seen(receipt.id):
            raise Quarantined(
                DUPLICATE(
                    f"Kvittering {receipt.id} er allerede lest; den brukes ikke to ganger.", where
                )
            )
        sid = repos.helfo.messages.settlement_of(receipt.original_msg_id)
        if sid is None:
            raise Quarantined(
                UNKNOWN_MESSAGE(
                    f"Kvitteringen svarer på en ukjent melding ({receipt.original_msg_id}).", where
                )
            )
        try:
            st.receipt_in(
                repos, sid, rejected, whole_rejected=whole, expected=None, actor=actor, now=now
            )
        except UseCaseError as exc:  # Conflict (state) or claim numbers not in the settlement
            raise Quarantined(
                NOT_APPLICABLE(f"Kvitteringen kan ikke brukes på oppgjør {sid}: {exc}", where)
            ) from None
        repos.helfo.messages.add_received(
            receipt.id, receipt.original_msg_id, sid, receipt.status, path.name, now
        )
    return sid, receipt.status


def _reasons(receipt: apprec.AppRec) -> tuple[dict[int, tuple[str, str]], tuple[str, str] | None]:
    """(rejected claim numbers, whole-message rejection) from an AppRec's status and errors."""
    if receipt.status == "1":
        return {}, None
    if receipt.status == "2":
        first = receipt.errors[0] if receipt.errors else apprec.AppRecError("X99", "Avvist", None)
        return {}, (first.code, first.text)
    if receipt.status != "3":
        raise UseCaseError(f"Ukjent kvitteringsstatus «{receipt.status}».")
    rejected = {}
    for number, reason in receipt.rejected_claims.items():
        if not number.isdigit():
            raise UseCaseError(f"Feil i delmelding peker på «{number}», ikke et regningsnummer.")
        rejected[int(number)] = reason
    return rejected, None


def simulate_receipt(
    db: Database,
    settlement_id: int,
    rejected: dict[int, tuple[str, str]],
    *,
    now: datetime.datetime,
) -> Path:
    """A Helfo-shaped AppRec for the settlement's last message, dropped into the inbox: for
    the demo and tests of a test installation only."""
    if not installation.is_test_installation(db):
        raise UseCaseError("Simulerte kvitteringer lages bare i en testinstallasjon.")
    with db.transaction() as repos:
        sent = repos.helfo.messages.sent(settlement_id)
        practice = repos.get_practice()
    if not sent:
        raise UseCaseError(f"Oppgjør {settlement_id} er ikke sendt.")
    status = "3" if rejected else "1"
    errors = tuple(
        apprec.AppRecError(code, text, str(number), "2.16.578.1.12.4.1.1.8223")
        for number, (code, text) in rejected.items()
    )
    receipt = apprec.AppRec(str(uuid.uuid4()), now, status, errors, sent[-1][0])
    element = apprec.build(receipt, receiver_org=practice.org_nr if practice else "000000000")
    target = folders(get_settings(db))
    return exchange.write_atomic(target.inbox, f"apprec-{receipt.id}.xml", xml.serialise(element))
